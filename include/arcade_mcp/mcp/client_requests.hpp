/// @file client_requests.hpp
/// Types of the requests a running handler may send to the client through its context:
/// `sampling/createMessage` (ask the client's model) and `elicitation/create` (ask the user).
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

#include "arcade_mcp/json.hpp"

namespace arcade_mcp {

/// A server-to-client request did not produce a result: the client lacks the capability, answered
/// with a JSON-RPC error, did not answer in time, the call was cancelled, or the session ended.
/// Uncaught in a tool, it becomes an error result carrying this message.
class client_request_error : public std::runtime_error {
public:
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

    bool accepted() const noexcept { return action == "accept"; }
};

}  // namespace arcade_mcp
