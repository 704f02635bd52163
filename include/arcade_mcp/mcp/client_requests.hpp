/// @file client_requests.hpp
/// Types of the requests a running handler may send to the client through its context:
/// `sampling/createMessage` (ask the client's model), `elicitation/create` (ask the user) and
/// `roots/list`. `input_request` names one question under a key of the handler's choosing, for
/// `tool_context::ask_client`, which asks several at once.
///
/// Example (a tool that asks the user, then the client's model):
/// @code
/// srv.add_tool<topic_args>("draft", "Drafts a note", [](tool_context& ctx, const topic_args& in) {
///     auto answer = ctx.create_message("Write one line about " + in.topic, 100);  // sampling/createMessage
///     auto ok = ctx.elicit_as<confirm_form>("Publish this?\n" + answer.text());   // elicitation/create
///     return ok && ok->publish ? answer.text() : std::string("not published");
/// });
/// @endcode
#pragma once

#include <optional>
#include <utility>
#include <stdexcept>
#include <string>

#include "arcade_mcp/json.hpp"

namespace arcade_mcp {

/// A server-to-client request did not produce a result: the client lacks the capability, answered
/// with a JSON-RPC error, did not answer in time, the call was cancelled, or the session ended.
/// Uncaught in a tool, it becomes an error result carrying this message.
class client_request_error : public std::runtime_error {
public:
    /// `code`: the JSON-RPC error code (see code()); `message`: what went wrong.
    client_request_error(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
    /// The client's JSON-RPC error code, or -32603 for local failures (capability, timeout, cancel).
    int code() const noexcept { return code_; }

private:
    int code_;
};

/// The client's answer to `sampling/createMessage`.
struct sampling_result {
    std::string role;                        ///< "assistant"
    json content;                            ///< a content block (or, 2025-11-25, an array of them)
    std::string model;                       ///< the model that answered
    std::optional<std::string> stop_reason;  ///< e.g. "endTurn"

    /// The text of the answer: `content.text`, or the texts of an array joined; "" when none.
    std::string text() const;
};

/// The user's answer to `elicitation/create`.
struct elicitation_result {
    std::string action;  ///< "accept", "decline" or "cancel"
    json content;        ///< the submitted values when accepted; null otherwise

    /// True when the user submitted the form (`action` is "accept").
    bool accepted() const noexcept { return action == "accept"; }
};

/// One question for the client, under a key the handler chooses (MCP 2026-07-28 shows the keys to
/// the client in `inputRequests`; they must be unique within one ask).
struct input_request {
    std::string key;     ///< names the answer in ask_client's result
    std::string method;  ///< "elicitation/create", "sampling/createMessage" or "roots/list"
    json params = json::object();  ///< the request's params

    /// A form elicitation (see tool_context::elicit).
    static input_request elicitation(std::string key, std::string message, json requested_schema) {
        return input_request{std::move(key), "elicitation/create",
                             json{{"message", std::move(message)}, {"requestedSchema", std::move(requested_schema)}}};
    }
    /// A sampling request; `params` is CreateMessageRequest.params (messages, maxTokens, ...).
    static input_request sampling(std::string key, json params) {
        return input_request{std::move(key), "sampling/createMessage", std::move(params)};
    }
    /// A `roots/list` request (the client's root directories).
    static input_request roots(std::string key) { return input_request{std::move(key), "roots/list", json::object()}; }
};

}  // namespace arcade_mcp
