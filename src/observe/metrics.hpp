// The server's Prometheus metrics (Boost-free, transport-free): process-wide counters, gauges and
// histograms that every layer bumps with relaxed atomics, and the text exposition of them all
// (format 0.0.4) with the standard process_* metrics and a build-info gauge. Label values are
// bounded by construction: routes, methods, outcomes and reasons come from fixed lists; a tool
// label is only made for a tool the server serves (at most max_tool_series, then "_other"), and a
// call to a tool that does not exist counts under tool="_unknown". Counting is always on (a few
// relaxed atomic adds per request); what ARCADE_METRICS_PORT turns on is serving /metrics and
// the per-request MCP metrics (`requests_observed`).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace arcade_mcp::detail::observe {

/// Whether MCP requests are observed (per method/era/outcome counts): set once before serving,
/// when metrics are served or traces exported. Off, the dispatcher skips the observation wrapper.
void set_requests_observed(bool on) noexcept;
bool requests_observed() noexcept;

// --- HTTP --------------------------------------------------------------------------------------
/// One HTTP response written: `target` is the request target as sent (path and query; the route
/// label is the path when it is one of the server's own routes: /mcp, /healthz, /metrics,
/// /worker/health, /worker/tools, /worker/tools/invoke, /.well-known/oauth-protected-resource...,
/// else "other"; "none" for requests too broken to have a target). `status` 100..599.
void count_http_response(std::string_view target, unsigned status) noexcept;
/// A request target that could not be read (431, malformed): route label "none".
void count_http_response_without_route(unsigned status) noexcept;

enum class limit_kind : std::uint8_t {
    body_too_large,         ///< 413
    headers_too_large,      ///< 431 (header block, header fields)
    too_many_requests,      ///< 429 (requests in progress on one session)
    connections,            ///< 503 at the connection cap
    sessions,               ///< 503 / eviction refused at the session cap
    tool_busy,              ///< a tool at its max_concurrency
    pending_client_requests ///< a session holding too many unanswered server-to-client requests
};
void count_limit_hit(limit_kind kind) noexcept;

/// A connection ended by an exception (already logged by the transport).
void count_connection_failure() noexcept;

// --- MCP requests ------------------------------------------------------------------------------
enum class era : std::uint8_t { legacy, modern };
enum class request_outcome : std::uint8_t { ok, error, input_required, cancelled };
/// One MCP request (JSON-RPC request with an id) answered. `method` folds into "other" unless it
/// is a method of MCP (either era).
void count_mcp_request(std::string_view method, era e, request_outcome outcome) noexcept;

// --- Tool calls --------------------------------------------------------------------------------
enum class tool_outcome : std::uint8_t {
    ok, tool_error, bad_arguments, exception, refused, input_required, timeout, cancelled, busy, unknown_tool
};
/// One tool call of either protocol that ran (or was refused) for a tool the server serves:
/// counted by tool and outcome, its run time observed in the tool's latency histogram.
/// `tool` is the fully qualified name; at most max_tool_series distinct names get their own
/// series (then "_other").
void record_tool_call(std::string_view tool, tool_outcome outcome, std::chrono::microseconds duration) noexcept;
/// A call naming no served tool: tool="_unknown", outcome="unknown_tool" (no histogram sample).
void count_unknown_tool_call() noexcept;
inline constexpr std::size_t max_tool_series = 1000;

// --- Gauges ------------------------------------------------------------------------------------
/// Each is a process-wide level, moved by +1/-1 where the thing starts and ends.
enum class gauge : std::uint8_t {
    sessions_open,          ///< legacy Streamable HTTP sessions in the session table
    calls_in_flight,        ///< handler calls admitted by the call runner and not yet answered
    pool_queue_depth,       ///< jobs waiting for a worker-pool thread
    sse_streams_open,       ///< text/event-stream responses being written
    connections_open,       ///< TCP connections of every listener
};
void gauge_add(gauge g, std::int64_t delta) noexcept;
std::int64_t gauge_value(gauge g) noexcept;
/// Events sent again to a client resuming a stream with Last-Event-ID.
void count_sse_events_replayed(std::size_t n) noexcept;

// --- Authentication ----------------------------------------------------------------------------
enum class token_kind : std::uint8_t { worker, bearer };
/// A refused token. Reasons (fixed set; anything else counts as "other"): missing, malformed,
/// bad_signature, expired, not_yet_valid, wrong_audience, wrong_issuer, wrong_version,
/// unknown_key, insufficient_scope, unavailable (keys could not be fetched), invalid_request.
void count_token_refusal(token_kind kind, std::string_view reason) noexcept;

// --- Traces ------------------------------------------------------------------------------------
enum class span_drop_reason : std::uint8_t { queue_full, export_failed, shutdown };
void count_spans_exported(std::size_t n) noexcept;
void count_spans_dropped(span_drop_reason reason, std::size_t n) noexcept;

// --- Exposition --------------------------------------------------------------------------------
/// Appends every metric in the Prometheus text format 0.0.4 (HELP and TYPE lines, series with
/// non-zero counts or every defined label set, process_* metrics from /proc, build info with
/// `version`). Thread-safe; may run while requests are counted.
void render_prometheus(std::string& out, std::string_view version);
/// Content-Type of render_prometheus's output.
inline constexpr std::string_view prometheus_content_type = "text/plain; version=0.0.4; charset=utf-8";

/// Sets every counter, gauge and histogram back to zero and forgets tool series (tests only).
void reset_metrics_for_testing() noexcept;

}  // namespace arcade_mcp::detail::observe
