// Multi-round-trip requests of MCP 2026-07-28 (SEP-2322), the handler side. A modern request has
// no session to carry a server->client request, so when a handler asks the client something
// (elicitation, sampling, roots) the library answers the whole request with an
// InputRequiredResult, and the client retries it with the answers. The handler runs again from
// the start; this time its question finds the answer. `input_round` holds what the client has
// answered (this request's `inputResponses` and, from the signed request state, earlier rounds'
// answers) and the handler's own state; request_scope consults it and throws
// input_required_signal for questions without an answer. The signals are not std::exceptions, so
// a handler's `catch (const std::exception&)` does not swallow them.
#pragma once

#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "arcade_mcp/json.hpp"
#include "arcade_mcp/jsonrpc/message.hpp"

namespace arcade_mcp::detail {

/// Unwinds a handler that asked the client something not yet answered. `requests`: key ->
/// {method, params}.
struct input_required_signal {
    json requests;
};

/// Unwinds a handler with a JSON-RPC error for the whole request: a client capability the request
/// did not declare (-32021), or a malformed answer (-32602).
struct request_error_signal {
    jsonrpc::error err;
};

/// The client capability a server->client request needs ("elicitation", "sampling", "roots"), or
/// empty for a method an InputRequiredResult may not carry.
std::string_view capability_for(std::string_view method);

/// Methods whose answer may be input_required (and so read inputResponses / requestState).
inline bool may_require_input(std::string_view method) {
    return method == "tools/call" || method == "prompts/get" || method == "resources/read";
}

/// Why `answer` is not a valid result of `method` (ElicitResult, CreateMessageResult,
/// ListRootsResult), or std::nullopt when it is.
std::optional<std::string> invalid_answer(std::string_view method, const json& answer);

class input_round {
public:
    /// `answers`: key -> result, from the request state and this request's inputResponses.
    input_round(json answers, json app_state) : answers_(std::move(answers)), app_state_(std::move(app_state)) {}

    /// The answer under `key` for a question of `method`, if the client gave one; throws
    /// request_error_signal (-32602) when it has the wrong shape. Remembers the key as asked.
    std::optional<json> answer(const std::string& key, std::string_view method);

    /// The answers to the questions asked in this run (sealed into the next round's state);
    /// answers to keys never asked are dropped.
    json asked_answers() const;

    /// Keys for questions asked without one: the same handler asking the same things again gets
    /// the same keys, so a re-run finds its answers.
    std::string next_key(std::string_view method);

    json app_state() const { std::lock_guard l(mu_); return app_state_; }
    void set_app_state(json state) { std::lock_guard l(mu_); app_state_ = std::move(state); }

private:
    mutable std::mutex mu_;
    json answers_;
    json app_state_;
    std::set<std::string> asked_;
    int auto_keys_ = 0;
};

}  // namespace arcade_mcp::detail
