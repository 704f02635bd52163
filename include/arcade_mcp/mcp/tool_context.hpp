/// @file tool_context.hpp
/// What a running handler (tool, resource reader, prompt, completer) may use: who called, the
/// protocol revision, a stop token that is signalled on cancellation or shutdown, notifications
/// to the client (log messages and progress) and requests to the client (sampling, elicitation)
/// that travel with the request. One context per call; valid only during the call.
/// Safe to use from the handler's thread. Secrets of the server (the worker secret, API keys)
/// are never reachable from here.
///
/// Example (a long handler that reports progress and stops when cancelled):
/// @code
/// srv.add_tool<scan_args>("scan", "Scans the pages", [](tool_context& ctx, const scan_args& in) -> result<int> {
///     ctx.log(mcp_log_level::info, "scan started for " + std::string(ctx.user_id()));
///     for (int page = 0; page < in.pages; ++page) {
///         if (ctx.stop_token().stop_requested()) return tool_error::retry("Cancelled");
///         scan_page(page);
///         ctx.report_progress(page + 1, in.pages);
///     }
///     return in.pages;
/// });
/// @endcode
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "arcade_mcp/json.hpp"
#include "arcade_mcp/mcp/client_requests.hpp"
#include "arcade_mcp/mcp/result.hpp"
#include "arcade_mcp/mcp/value_codec.hpp"

namespace arcade_mcp {

/// The W3C trace context of a running handler (https://www.w3.org/TR/trace-context/), to pass on
/// to the handler's own upstream calls as the `traceparent` and `tracestate` HTTP headers. When
/// the server exports traces it is the tool's span; otherwise the caller's context as received.
/// Empty strings when there is none.
struct trace_context {
    std::string traceparent;  ///< e.g. "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    std::string tracestate;   ///< vendors' entries, as received; often empty
    bool empty() const noexcept { return traceparent.empty(); }  ///< no trace context
};

/// MCP log levels (RFC 5424 order).
enum class mcp_log_level {
    debug,     ///< "debug"
    info,      ///< "info"
    notice,    ///< "notice"
    warning,   ///< "warning"
    error,     ///< "error"
    critical,  ///< "critical"
    alert,     ///< "alert"
    emergency  ///< "emergency"
};

/// The running call's view of its caller and of the client; see the file's description. The
/// library implements it for each transport; tests may implement it too.
class tool_context {
public:
    virtual ~tool_context() = default;

    /// The caller's user id (MCP: ARCADE_USER_ID or a per-session id; worker: the engine's
    /// `context.user_id`, empty when the engine sent none).
    virtual std::string_view user_id() const = 0;
    /// A secret the tool declared (`requires_secret`), by key, case-insensitive; std::nullopt when
    /// it is not available. Reserved server secrets are never returned.
    virtual std::optional<std::string> secret(std::string_view /*key*/) const { return std::nullopt; }
    /// A metadata value the engine sent (worker mode), by key, case-insensitive.
    virtual std::optional<std::string> metadata(std::string_view /*key*/) const { return std::nullopt; }
    /// The user's OAuth2 token obtained by the engine for `requires_oauth2` (worker mode).
    virtual std::optional<std::string> authorization_token() const { return std::nullopt; }
    /// The engine's `authorization.user_info` object (worker mode); `{}` otherwise.
    virtual json user_info() const { return json::object(); }
    /// Protocol revision of this request, e.g. "2025-11-25".
    virtual std::string_view protocol_version() const = 0;
    /// Signalled when the client cancels the request or the server shuts down.
    virtual std::stop_token stop_token() const = 0;
    /// The request id as text (for logs), e.g. "7" or "\"abc\"".
    virtual std::string request_id() const = 0;
    /// The current trace context (see trace_context), read on the handler's thread.
    virtual trace_context trace() const;

    /// Sends `notifications/message` to the client when `level` passes the session's log level.
    virtual void log(mcp_log_level level, json data, std::optional<std::string> logger = {}) = 0;
    /// Sends `notifications/progress` when the request carried a progress token; no-op otherwise.
    /// `progress` must increase with every call.
    virtual void report_progress(double progress, std::optional<double> total = {},
                                 std::optional<std::string> message = {}) = 0;

    /// Sends a request to the client and blocks until its answer (over HTTP it travels on this
    /// request's SSE stream and the answer arrives as a separate POST). Returns the result;
    /// throws client_request_error on an error answer, after `timeout`, on cancellation, when the
    /// client did not declare the capability, or when the transport cannot carry requests (the
    /// Arcade worker protocol). 2026-07-28: see request_state() for how the answer arrives.
    virtual json request_client(const std::string& method, json params,
                                std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
        (void)method, (void)params, (void)timeout;
        throw client_request_error(-32603, "This transport cannot send requests to the client");
    }
    /// Asks the client every question of `requests` and returns the answers (the results) by key.
    /// 2026-07-28: the questions still unanswered travel together in one InputRequiredResult;
    /// earlier revisions: one request after another. Throws client_request_error as
    /// request_client does.
    virtual std::map<std::string, json> ask_client(const std::vector<input_request>& requests) {
        std::map<std::string, json> answers;
        for (const auto& r : requests) answers[r.key] = request_client(r.method, r.params);
        return answers;
    }
    /// True when the client declared the capability (e.g. "sampling", "elicitation", "roots").
    virtual bool client_supports(std::string_view capability) const { (void)capability; return false; }

    /// MCP 2026-07-28 keeps no connection between the rounds of a request that asks the client
    /// something: the handler runs again, from the start, with the answers. request_client (and
    /// create_message, elicit, ...) return the answer on the run that has it; the earlier runs end
    /// there (the library unwinds them with a signal that is not a std::exception: do not
    /// `catch (...)` around these calls). Keep handlers deterministic up to their questions, and
    /// side effects after them. State a handler wants to carry from one run to the next goes here;
    /// it travels signed (not encrypted) with the request. Earlier revisions: a real request to the
    /// client, one run, and no request state (std::nullopt).
    virtual std::optional<json> request_state() const { return std::nullopt; }
    /// Sets the state the next run of this request gets from request_state() (2026-07-28 only;
    /// ignored in earlier revisions).
    virtual void set_request_state(json state) { (void)state; }

    /// `sampling/createMessage`: asks the client's model. `params` is CreateMessageRequest.params
    /// (messages, maxTokens, systemPrompt, ...). Throws client_request_error (see request_client).
    sampling_result create_message(json params);
    /// Shorthand: one user text message.
    sampling_result create_message(std::string user_text, int max_tokens);

    /// `elicitation/create` in form mode: asks the user to fill `requested_schema` (a flat object
    /// schema of strings, numbers, booleans and enums, with defaults if wanted).
    elicitation_result elicit(std::string message, json requested_schema);
    /// Typed form: the schema comes from a described struct; std::nullopt unless the user accepted
    /// and the answer decodes. Throws client_request_error as above.
    template <class T>
    std::optional<T> elicit_as(std::string message) {
        json schema = value_codec<T>::schema();
        // Elicitation fields have one primitive type: an optional member is simply not required.
        if (auto p = schema.find("properties"); p != schema.end() && p->is_object())
            for (auto& [name, member] : p->items()) member = codec::non_nullable_schema(std::move(member));
        auto answer = elicit(std::move(message), std::move(schema));
        if (!answer.accepted()) return std::nullopt;
        T out{};
        decode_error err;
        if (!value_codec<T>::decode(answer.content, out, "", err)) return std::nullopt;
        return out;
    }

    /// MCP tasks (tool_spec::with_task_support): true while this call runs as a task: the
    /// client already holds its handle and polls it. Questions to the client then wait for the
    /// answers (the task shows `input_required`) in both eras, and progress and log notifications
    /// are not delivered.
    virtual bool in_task() const { return false; }
    /// For a tool declared with `task_start::by_handler`: turns this call into a task now (the
    /// client gets the task's handle; the handler runs on). Returns in_task(): false when the call
    /// cannot become a task (the tool forbids it, or the client cannot use tasks).
    virtual bool start_task() { return in_task(); }
    /// The task's status message (tasks/get shows it); no-op outside a task.
    virtual void set_status_message(std::string message) { (void)message; }
    /// Streamable HTTP: ends this request's SSE response now (SEP-1699 polling); the client
    /// reconnects with Last-Event-ID and receives what follows. No-op on other transports and
    /// when the stream could not be resumed (revisions before 2025-11-25).
    virtual void close_stream() {}

    /// Tool chaining (Arcade's `context.tools.call_raw`): runs another tool of the same server now,
    /// on this thread, for the same caller, and returns its value, or its error. `name` is the
    /// MCP name ("Gmail_SendEmail"), the fully qualified name ("Gmail.SendEmail", any case) or the
    /// tool's own name ("SendEmail" or "send_email") when one toolkit alone has it.
    ///
    /// The called tool gets the caller's user id, stop token, revision, request id and client
    /// (its log messages, progress and questions travel with this request), and only its own
    /// declared secrets and metadata keys (never the caller's other ones, never reserved server
    /// secrets); an OAuth2 token only when its requirement is covered by the caller's (same
    /// provider, no other scopes). The middleware's tool hooks and the access log see the call.
    /// It runs under the caller's time limit, not its own, and never as a task.
    ///
    /// The value is the JSON a typed tool returns (unwrapped; a tool returning tool_content gives
    /// its array of content blocks). Errors: the callee's tool_error; a TOOL_RUNTIME_BAD_INPUT_VALUE
    /// error when the arguments do not fit; a TOOL_RUNTIME_FATAL error for an unknown or ambiguous
    /// name, a requirement this call cannot meet, or more than 8 nested calls. Contexts that
    /// cannot reach a server (test contexts) answer a TOOL_RUNTIME_FATAL error.
    /// @code
    /// auto sent = ctx.call_tool("Gmail.SendEmail", {{"to", in.to}, {"body", summary}});
    /// if (!sent) return sent.error();  // the callee's error, as is
    /// @endcode
    virtual result<json> call_tool(std::string_view name, json arguments = json::object());
    /// call_tool with the value decoded as T (the callee's return type); a value that does not
    /// decode is a TOOL_RUNTIME_BAD_OUTPUT_VALUE error.
    template <class T>
    result<T> call_tool_as(std::string_view name, json arguments = json::object()) {
        auto called = call_tool(name, std::move(arguments));
        if (!called) return std::move(called).error();
        T out{};
        decode_error err;
        if (!value_codec<T>::decode(called.value(), out, "", err)) {
            tool_error bad = tool_error::fatal("The value of tool '" + std::string(name) +
                                               "' does not fit the expected type: " +
                                               (err.path.empty() ? std::string("/") : err.path) + ": " + err.message);
            bad.kind = error_kind::tool_runtime_bad_output_value;
            return bad;
        }
        return out;
    }
};

}  // namespace arcade_mcp
