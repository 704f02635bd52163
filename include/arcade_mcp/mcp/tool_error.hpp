/// @file tool_error.hpp
/// Errors a tool handler returns (or throws) to report a failed call. They become an
/// `isError: true` tool result on MCP, never a JSON-RPC error, and carry Arcade's error kind
/// vocabulary so the worker protocol can report the same failure.
///
/// Example:
///   if (overflow) return tool_error::fatal("the sum does not fit in a 64-bit integer");
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "arcade_mcp/json.hpp"

namespace arcade_mcp {

/// Arcade's error kinds (arcade_core/errors.py), upper-case on the wire.
enum class error_kind {
    tool_runtime_bad_input_value,
    tool_runtime_bad_output_value,
    tool_runtime_retry,
    tool_runtime_context_required,
    tool_runtime_fatal,
    upstream_runtime_bad_request,
    upstream_runtime_auth_error,
    upstream_runtime_not_found,
    upstream_runtime_rate_limit,
    upstream_runtime_server_error,
    upstream_runtime_unmapped,
};

/// Wire name of a kind, e.g. "TOOL_RUNTIME_FATAL".
std::string_view to_string(error_kind kind) noexcept;

/// A failed tool call as the model and the engine see it.
struct tool_error {
    error_kind kind = error_kind::tool_runtime_fatal;
    std::string message;                       ///< shown to the model
    std::string error_class = "ToolExecutionError";  ///< Arcade's Python class name in the text prefix
    bool can_retry = false;
    std::optional<int> status_code;
    std::optional<std::string> additional_prompt_content;
    std::optional<std::int64_t> retry_after_ms;

    /// A generic failure (`ToolExecutionError`).
    static tool_error execution(std::string message);
    /// An unrecoverable failure (`FatalToolError`, status 500).
    static tool_error fatal(std::string message);
    /// Ask the model to try again, optionally with extra instructions and a delay.
    static tool_error retry(std::string message, std::optional<std::string> additional_prompt_content = {},
                            std::optional<std::int64_t> retry_after_ms = {});
    /// The model must supply more context before a retry makes sense.
    static tool_error context_required(std::string message, std::string additional_prompt_content);
    /// An upstream service answered with HTTP status `status` (kind mapped as Arcade does).
    static tool_error upstream(int status, std::string message);
};

/// Throwing this from a handler is the same as returning the error it holds.
class tool_exception : public std::runtime_error {
public:
    explicit tool_exception(tool_error e) : std::runtime_error(e.message), error_(std::move(e)) {}
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
    protocol_error(int code, const std::string& message, json data = nullptr)
        : std::runtime_error(message), code_(code), data_(std::move(data)) {}
    int code() const noexcept { return code_; }
    const json& data() const noexcept { return data_; }

private:
    int code_;
    json data_;
};

}  // namespace arcade_mcp
