// GET and DELETE on /mcp (2025 era sessions): the standalone SSE stream of a session (one at a
// time), resumption of a kept POST stream with Last-Event-ID, and ending a session.
#include "log/logger.hpp"
#include "mcp/protocol_version.hpp"
#include "transport/http/mcp_exchange.hpp"

namespace arcade_mcp::detail {

net::awaitable<bool> get_stream(http_stream& stream, const http_request& req,
                                std::shared_ptr<http_shared> shared, caller_ptr caller) {
    const bool keep = req.keep_alive() && !shared->draining.load();
    const header_list no_headers;
    const header_list allow_post{{"Allow", "POST"}};
    if (shared->options.stateless)
        co_return co_await reject(stream, req, bhttp::status::method_not_allowed, -32000,
                                  "Method Not Allowed: no GET stream in stateless mode", keep, allow_post);
    if (is_modern_revision(header(req, "MCP-Protocol-Version")))
        co_return co_await reject(stream, req, bhttp::status::method_not_allowed, -32000,
                                  "Method Not Allowed: 2026-07-28 has no GET stream (use subscriptions/listen)", keep,
                                  allow_post);
    if (!accepts(header(req, "Accept"), "text/event-stream"))
        co_return co_await reject(stream, req, bhttp::status::not_acceptable, -32000,
                                  "Not Acceptable: Accept must list text/event-stream", keep, no_headers);
    const std::string version_header(header(req, "MCP-Protocol-Version"));
    if (!version_header.empty() && !is_supported_revision(version_header))
        co_return co_await reject(stream, req, bhttp::status::bad_request, -32000,
                                  "Bad Request: Unsupported protocol version: " + version_header, keep, no_headers);
    const std::string session_id(header(req, "Mcp-Session-Id"));
    if (session_id.empty())
        co_return co_await reject(stream, req, bhttp::status::bad_request, -32000,
                                  "Bad Request: Mcp-Session-Id header is required", keep, no_headers);
    auto session = shared->sessions.find(session_id, session_table::clock::now(), principal_of(caller));
    if (!session)
        co_return co_await reject(stream, req, bhttp::status::not_found, -32001, "Session not found", keep, no_headers);
    if (shared->draining.load())
        co_return co_await reject(stream, req, bhttp::status::service_unavailable, -32000,
                                  "Service Unavailable: shutting down", false, no_headers);

    request_slot slot(*session, shared->options.max_requests_per_session);
    if (!slot) {
        const header_list retry_after{{"Retry-After", "5"}};
        co_return co_await reject(stream, req, bhttp::status::too_many_requests, -32000,
                                  "Too Many Requests: too many requests in progress on this session", keep,
                                  retry_after);
    }
    auto wake = std::make_shared<wake_signal>(co_await net::this_coro::executor);
    sse_writer sse(stream, shared->options.write_timeout);
    const header_list session_header{{"Mcp-Session-Id", session_id}};

    // Resumption: Last-Event-ID names a kept stream of this session; replay what followed it and
    // go on following that stream.
    std::shared_ptr<event_stream> es;
    std::uint64_t cursor = 0;
    if (const std::string last(header(req, "Last-Event-ID")); !last.empty()) {
        if (auto parsed = event_stream::parse_event_id(last)) {
            es = shared->sessions.find_stream(session_id, parsed->first);
            cursor = parsed->second;
        }
    }
    auto standalone = shared->sessions.standalone_events(session_id);
    if (!standalone)
        co_return co_await reject(stream, req, bhttp::status::not_found, -32001, "Session not found", keep, no_headers);
    // A client that closes the stream is noticed at once (not at the next keep-alive write), so
    // the session's next GET is not refused with 409 meanwhile and its request slot is freed.
    auto hung_up = std::make_shared<bool>(false);
    auto watch = std::make_shared<disconnect_watch>(stream, [hung_up, w = std::weak_ptr<wake_signal>(wake)] {
        *hung_up = true;
        if (auto s = w.lock()) s->close();
    });
    struct watch_stopper {
        disconnect_watch& w;
        ~watch_stopper() { w.stop(); }
    } stop_watch_on_exit{*watch};
    if (es && es->last_seq() > cursor) observe::count_sse_events_replayed(es->last_seq() - cursor);
    if (es && es != standalone) {
        const auto generation = es->attach(wake->waker());
        if (!co_await sse.start(req, session_header)) co_return false;
        watch->start();
        const auto end = co_await pump(sse, *es, generation, cursor, *wake, true, shared->options.sse_keep_alive);
        if (end != pump_end::connection_lost && !*hung_up) co_await sse.end();
        co_return false;
    }
    // The standalone stream: one GET connection per session at a time.
    if (!es) cursor = standalone->last_seq();  // a fresh stream starts now; no replay
    if (!shared->sessions.attach_stream(session_id, wake))
        co_return co_await reject(stream, req, bhttp::status::conflict, -32000,
                                  "Conflict: only one GET stream per session", keep, no_headers);
    const auto generation = standalone->attach(wake->waker());
    bool ok = co_await sse.start(req, session_header);
    if (ok && revision_at_least(session->revision(), rev_2025_11_25))
        ok = co_await sse.prime(standalone->event_id(cursor));
    pump_end end = pump_end::connection_lost;
    if (ok) {
        watch->start();
        end = co_await pump(sse, *standalone, generation, cursor, *wake, false, shared->options.sse_keep_alive);
    }
    shared->sessions.detach_stream(session_id, wake.get());
    if (end != pump_end::connection_lost && !*hung_up) co_await sse.end();
    co_return false;  // a long-lived stream's connection is not reused
}

net::awaitable<bool> delete_session(http_stream& stream, const http_request& req,
                                    std::shared_ptr<http_shared> shared, caller_ptr caller) {
    const bool keep = req.keep_alive() && !shared->draining.load();
    const header_list allow_post{{"Allow", "POST"}};
    if (shared->options.stateless || is_modern_revision(header(req, "MCP-Protocol-Version")))
        co_return co_await write_response(
            stream, req, bhttp::status::method_not_allowed,
            transport_error(-32000, "Method Not Allowed: no sessions in stateless mode or in 2026-07-28"), keep,
            allow_post) &&
            keep;
    const std::string session_id(header(req, "Mcp-Session-Id"));
    if (session_id.empty())
        co_return co_await write_response(stream, req, bhttp::status::bad_request,
                                          transport_error(-32000, "Bad Request: Mcp-Session-Id header is required"),
                                          keep) &&
            keep;
    const auto owned = shared->sessions.find(session_id, session_table::clock::now(), principal_of(caller));
    if (!owned || !shared->sessions.erase(session_id))
        co_return co_await write_response(stream, req, bhttp::status::not_found,
                                          transport_error(-32001, "Session not found"), keep) &&
            keep;
    log(log_level::debug, "session deleted by the client", {{"session_id", session_id}});
    co_return co_await write_response(stream, req, bhttp::status::ok, nullptr, keep) && keep;
}

}  // namespace arcade_mcp::detail
