/// @file tool_error.hpp
/// Errors a tool handler returns (or throws) to report a failed call. They become an
/// `isError: true` tool result on MCP, never a JSON-RPC error, and carry Arcade's error kind
/// vocabulary so the worker protocol can report the same failure.
///
/// Example (an upstream HTTP API's status mapped to Arcade's kinds):
/// @code
/// if (overflow) return tool_error::fatal("the sum does not fit in a 64-bit integer");
/// if (status == 429) return tool_error::retry("Rate limited", std::nullopt, 30000);  // retry in 30 s
/// if (status >= 400) return tool_error::upstream(status, "The weather service failed").with_developer_message(body);
/// @endcode
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "arcade_mcp/json.hpp"

namespace arcade_mcp {

/// Arcade's error kinds (arcade_core/errors.py `ErrorKind`, all 20), upper-case on the wire.
/// The engine groups them by prefix: TOOLKIT_, TOOL_, UPSTREAM_, NETWORK_TRANSPORT_.
enum class error_kind {
    toolkit_load_failed,                ///< a toolkit could not be loaded (Arcade kind; not raised by calls)
    tool_definition_bad_definition,     ///< a tool's declaration is wrong (Arcade kind; not raised by calls)
    tool_definition_bad_input_schema,   ///< a tool's parameters cannot be described (not raised by calls)
    tool_definition_bad_output_schema,  ///< a tool's result cannot be described (not raised by calls)
    tool_runtime_bad_input_value,       ///< the arguments did not fit the tool's parameters
    tool_runtime_bad_output_value,      ///< the tool's value was invalid (Arcade kind; a tool may report it)
    tool_runtime_retry,                 ///< try again (tool_error::retry)
    tool_runtime_context_required,      ///< more context needed first (tool_error::context_required)
    tool_runtime_fatal,                 ///< unrecoverable (tool_error::fatal, uncaught exceptions)
    upstream_runtime_bad_request,       ///< another upstream 4xx
    upstream_runtime_auth_error,        ///< upstream 401 / 403
    upstream_runtime_not_found,         ///< upstream 404
    upstream_runtime_validation_error,  ///< the upstream refused the data it was sent (tool_error::upstream_validation)
    upstream_runtime_rate_limit,        ///< upstream 429, or a 403 with an exhausted quota (retryable)
    upstream_runtime_server_error,      ///< upstream 5xx (retryable)
    upstream_runtime_unmapped,          ///< an upstream status below 400
    network_transport_runtime_timeout,      ///< no complete answer in time (tool_error::network)
    network_transport_runtime_unreachable,  ///< the upstream could not be reached (DNS, connect, TLS reset)
    network_transport_runtime_unmapped,     ///< another failure before a complete answer
    unknown,                                ///< none of the above (Arcade's default)
};

/// Wire name of a kind, e.g. "TOOL_RUNTIME_FATAL".
std::string_view to_string(error_kind kind) noexcept;

/// True for the NETWORK_TRANSPORT_RUNTIME_* kinds.
bool is_network_transport(error_kind kind) noexcept;

/// A failed tool call as the model and the engine see it. The model reads `message` (and
/// `additional_prompt_content`); `developer_message` and `extra` go to the engine and the logs only.
struct tool_error {
    error_kind kind = error_kind::tool_runtime_fatal;  ///< Arcade's kind, upper-case on the wire
    std::string message;                       ///< shown to the model
    std::string error_class = "ToolExecutionError";  ///< Arcade's Python class name in the text prefix
    bool can_retry = false;                    ///< the model may call again
    std::optional<int> status_code;            ///< an HTTP status (e.g. the upstream's)
    std::optional<std::string> additional_prompt_content;  ///< extra instructions for the model
    std::optional<std::int64_t> retry_after_ms;  ///< how long to wait before retrying
    /// For the developer: logged and sent to the Arcade engine, never shown to the model (e.g. the
    /// upstream's own error text).
    std::optional<std::string> developer_message;
    /// Structured detail for the engine (a JSON object, or null; set through with_extra, which
    /// checks it), e.g. the upstream endpoint. Anything but an object is sent as null.
    json extra = nullptr;

    /// A generic failure (`ToolExecutionError`).
    static tool_error execution(std::string message);
    /// An unrecoverable failure (`FatalToolError`, status 500).
    static tool_error fatal(std::string message);
    /// Ask the model to try again, optionally with extra instructions and a delay.
    static tool_error retry(std::string message, std::optional<std::string> additional_prompt_content = {},
                            std::optional<std::int64_t> retry_after_ms = {});
    /// The model must supply more context before a retry makes sense.
    static tool_error context_required(std::string message, std::string additional_prompt_content);
    /// An upstream service answered with HTTP status `status` (kind mapped as Arcade does:
    /// 401/403 auth, 404 not found, 429 rate limit, 5xx server error, other 4xx bad request).
    /// upstream_http_error (upstream_error.hpp) also words the message and reads Retry-After.
    static tool_error upstream(int status, std::string message);
    /// An upstream rate limit (`UpstreamRateLimitError`, status 429, retryable after `retry_after_ms`).
    static tool_error upstream_rate_limit(std::string message, std::int64_t retry_after_ms);
    /// The upstream refused what it was sent as invalid (UPSTREAM_RUNTIME_VALIDATION_ERROR, with its
    /// HTTP status when there is one).
    static tool_error upstream_validation(std::string message, std::optional<int> status = std::nullopt);
    /// No complete answer from the upstream (`NetworkTransportError`): `kind` is one of the
    /// NETWORK_TRANSPORT_RUNTIME_* kinds (else std::invalid_argument is thrown).
    static tool_error network(error_kind kind, std::string message, bool can_retry = true);

    /// Sets developer_message (chainable: `tool_error::fatal("...").with_developer_message(e.what())`).
    tool_error& with_developer_message(std::string text) &;
    /// Sets developer_message on a temporary (returns the error by value: safe to bind to a reference).
    tool_error with_developer_message(std::string text) &&;
    /// Sets extra: a JSON object, or null to clear it (anything else throws std::invalid_argument).
    tool_error& with_extra(json object) &;
    /// Sets extra on a temporary (by value, like with_developer_message).
    tool_error with_extra(json object) &&;
};

/// Throwing this from a handler is the same as returning the error it holds.
class tool_exception : public std::runtime_error {
public:
    /// Wraps `e`; what() is its message.
    explicit tool_exception(tool_error e) : std::runtime_error(e.message), error_(std::move(e)) {}
    /// The error the call reports.
    const tool_error& error() const noexcept { return error_; }

private:
    tool_error error_;
};

/// Thrown by an MCP handler to answer the request with a JSON-RPC error instead of a result: the
/// request itself failed (a protocol error), not the tool's work (that is a tool_exception, which
/// the model sees). A task ends `failed` with this error. Over the Arcade worker protocol, which
/// has no JSON-RPC errors, it becomes a fatal tool error.
class protocol_error : public std::runtime_error {
public:
    /// `code`: a JSON-RPC error code (e.g. -32602); `data`: the error's `data`, omitted when null.
    protocol_error(int code, const std::string& message, json data = nullptr)
        : std::runtime_error(message), code_(code), data_(std::move(data)) {}
    /// The JSON-RPC error code.
    int code() const noexcept { return code_; }
    /// The error's `data` (null: none).
    const json& data() const noexcept { return data_; }

private:
    int code_;
    json data_;
};

}  // namespace arcade_mcp
