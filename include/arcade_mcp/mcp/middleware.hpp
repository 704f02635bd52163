/// @file middleware.hpp
/// Hooks around every request and every tool call, for cross-cutting work (access logs, metrics,
/// traces, policy): register with `server::use` before serving. For each MCP request the hooks
/// see the method before it is routed and its result after; for each tool call (MCP `tools/call`
/// in every revision and the Arcade worker's `/worker/tools/invoke`) they see the tool, its
/// arguments and caller before it runs, and its outcome and duration after.
///
/// Order: `before_*` hooks run in registration order, `after_*` hooks in reverse (the first
/// middleware registered wraps all others). A `before_*` hook may refuse: the request then gets
/// the refusal as a JSON-RPC error, the tool call gets it as the tool's error, and later hooks and
/// the handler do not run; the `after_*` hooks of the middleware that already ran still do.
/// A hook that throws is logged: in a `before_*` hook the request or call is refused with an
/// internal error; in an `after_*` hook it is otherwise ignored. With no middleware registered
/// none of this costs anything. Hooks run on the thread that serves the request or the tool,
/// concurrently for concurrent requests: make them thread-safe.
///
/// Example:
/// @code
/// struct audit final : arcade_mcp::middleware {
///     std::optional<arcade_mcp::tool_error> before_tool_call(const arcade_mcp::tool_call_info& call) override {
///         if (call.tool == "Bank.Transfer" && call.context.user_id().empty())
///             return arcade_mcp::tool_error::context_required("Sign in first", "Ask the user to sign in.");
///         return std::nullopt;
///     }
/// };
/// srv.use(std::make_shared<audit>());
/// @endcode
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "arcade_mcp/json.hpp"
#include "arcade_mcp/mcp/tool_error.hpp"

namespace arcade_mcp {

class tool_context;

/// One MCP request (JSON-RPC request with an id), before it is routed.
struct request_info {
    std::string_view method;            ///< e.g. "tools/call", "resources/read", "initialize"
    std::string_view protocol_version;  ///< the session's revision; empty before `initialize`
    std::string_view session_id;        ///< empty over stdio and for stateless requests
    std::string_view request_id;        ///< the JSON-RPC id as text, e.g. "7" or "\"abc\""
    const json& params;                 ///< the request's params (an object)
};

/// A JSON-RPC error a `before_request` hook answers instead of the method.
struct request_refusal {
    int code = -32600;  ///< e.g. -32600 (invalid request), -32001 (application-defined)
    std::string message;  ///< the error's message, seen by the client
};

/// How a request ended.
struct request_result {
    std::optional<int> error_code;       ///< set when the answer was a JSON-RPC error
    bool answered = true;                ///< false when nothing was sent (cancelled by the client)
    std::chrono::microseconds duration;  ///< from before_request to the answer
};

/// One tool call, before it runs.
struct tool_call_info {
    std::string_view tool;        ///< the fully qualified name, e.g. "ArcadeEvalRef.Echo"
    const json& arguments;        ///< the arguments as the caller sent them (an object)
    const tool_context& context;  ///< the caller: user_id(), request_id(), protocol_version()
                                  ///< ("arcade-worker" over the worker routes)
    std::string_view session_id;  ///< the MCP session; empty over stdio, stateless and worker calls
};

/// How a tool call ended.
enum class tool_call_status {
    ok,             ///< the tool returned a value
    tool_error,     ///< the tool reported an error (returned or thrown tool_error)
    bad_arguments,  ///< the arguments did not match the tool's parameters
    exception,      ///< the tool threw something else (the caller got a fatal error)
    refused,        ///< a before_tool_call hook refused it; the tool did not run
    input_required, ///< 2026-07-28: the tool asked the client for input; the client retries the call
};

/// How a tool call ended, for after_tool_call.
struct tool_call_result {
    tool_call_status status = tool_call_status::ok;  ///< the outcome
    const tool_error* error = nullptr;   ///< the error sent, for every status but ok and bad_arguments
    std::chrono::microseconds duration;  ///< the handler's run time (hooks excluded)
    bool stopped = false;                ///< the stop token was signalled (time limit, cancel, shutdown)
};

/// Base of a middleware: override the hooks you need (each default does nothing and refuses
/// nothing), register it with server::use. Hooks run concurrently: make them thread-safe.
class middleware {
public:
    virtual ~middleware() = default;
    /// Before a request is routed; return a refusal to answer it with that error instead.
    virtual std::optional<request_refusal> before_request(const request_info& /*request*/) { return std::nullopt; }
    /// After a request was answered (or dropped); runs even when this middleware refused it.
    virtual void after_request(const request_info& /*request*/, const request_result& /*result*/) {}
    /// Before a tool runs; return an error to refuse the call (the tool does not run).
    virtual std::optional<tool_error> before_tool_call(const tool_call_info& /*call*/) { return std::nullopt; }
    /// After a tool call ended, with its outcome and the handler's run time.
    virtual void after_tool_call(const tool_call_info& /*call*/, const tool_call_result& /*result*/) {}
};

}  // namespace arcade_mcp
