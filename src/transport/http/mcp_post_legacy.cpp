// POST /mcp in the 2025 era: the session from Mcp-Session-Id (created by initialize; stateless
// mode: one per request), batches for 2025-03-26, a request slot per session, and the answer as
// JSON (or 202) when the reply comes first, else as an SSE stream, primed and resumable from
// 2025-11-25.
#include "mcp/protocol_version.hpp"
#include "observe/metrics.hpp"
#include "transport/http/mcp_exchange.hpp"
#include "util/random.hpp"

namespace arcade_mcp::detail {

net::awaitable<bool> post_legacy(http_stream& stream, const http_request& req,
                                 std::shared_ptr<http_shared> shared, json payload, bool keep, caller_ptr caller) {
    const header_list no_headers;
    const auto version_header = header(req, "MCP-Protocol-Version");
    const bool is_init = dispatcher::is_initialize_request(payload);
    const bool has_request = carries_request(payload);
    const auto session_id = header(req, "Mcp-Session-Id");
    std::shared_ptr<session_state> session;
    bool created = false;
    const header_list retry_after{{"Retry-After", "5"}};
    if (shared->options.stateless) {
        session = std::make_shared<session_state>(std::string(), random_uuid_v4());
        session->set_stateless();
        bind_to(*session, caller);
        if (!is_init) session->assume_revision(std::string(version_header.empty() ? rev_2025_03_26 : version_header));
    } else if (!session_id.empty()) {
        session = shared->sessions.find(session_id, session_table::clock::now(), principal_of(caller));
        if (!session)
            co_return co_await reject(stream, req, bhttp::status::not_found, -32001, "Session not found", keep,
                                      no_headers);
        if (is_init)
            co_return co_await reject(stream, req, bhttp::status::bad_request, jsonrpc::error_code::invalid_request,
                                      "Invalid Request: Server already initialized", keep, no_headers);
    } else if (is_init) {
        session = shared->sessions.create(session_table::clock::now(), stream.peer_address(),
                                          [caller](session_state& s) { bind_to(s, caller); });
        if (!session) observe::count_limit_hit(observe::limit_kind::sessions);
        if (!session)
            co_return co_await reject(stream, req, bhttp::status::service_unavailable, -32000,
                                      "Service Unavailable: too many sessions", keep, retry_after);
        created = true;
    } else {
        co_return co_await reject(stream, req, bhttp::status::bad_request, -32000,
                                  "Bad Request: Mcp-Session-Id header is required", keep, no_headers);
    }
    if (payload.is_array() && session->revision() != rev_2025_03_26)
        co_return co_await reject(stream, req, bhttp::status::bad_request, jsonrpc::error_code::invalid_request,
                                  "Invalid Request: batches are only supported in protocol revision 2025-03-26", keep,
                                  no_headers);

    request_slot slot(*session, shared->options.max_requests_per_session);
    if (!slot) observe::count_limit_hit(observe::limit_kind::too_many_requests);
    if (!slot)
        co_return co_await reject(stream, req, bhttp::status::too_many_requests, -32000,
                                  "Too Many Requests: too many requests in progress on this session", keep,
                                  retry_after);
    header_list headers;
    if (!session->id().empty()) headers.emplace_back("Mcp-Session-Id", session->id());
    // Per-POST event stream: the handler's notifications and requests, then the reply.
    auto es = std::make_shared<event_stream>(event_stream::next_id(), post_stream_capacity);
    {
        const auto trace = incoming_trace(req);  // the caller's span, current while the request is routed
        const observe::current_span_scope trace_scope(trace ? &*trace : observe::current_span());
        shared->core.handle(session, std::move(payload), es);
    }

    // Answer with plain JSON (or 202) when the reply comes before any other message.
    answer_follower follow{es, nullptr, 0};
    const std::function<void()> nothing_more;
    const event_stream::state st = co_await follow.await_decision(nothing_more);
    keep = req.keep_alive() && !shared->draining.load();  // a drain that began meanwhile closes the connection
    if ((st.only_reply && !st.close_requested) || st.terminated) {
        auto taken = es->take_reply();
        std::string& reply = taken.body;
        if (created && (reply.empty() || taken.error_code))
            shared->sessions.erase(session->id());  // failed initialize
        if (reply.empty() && !has_request)
            co_return co_await write_response(stream, req, bhttp::status::accepted, nullptr, keep, headers) && keep;
        if (reply.empty()) {
            // A request with nothing to answer (the client cancelled it): a request's POST gets a
            // stream, never 202; it ends without a response.
            sse_writer sse(stream, shared->options.write_timeout);
            co_return co_await sse.start(req, headers) && co_await sse.end() && keep;
        }
        co_return co_await write_raw_json(stream, req, bhttp::status::ok, std::move(reply), keep, headers) && keep;
    }
    co_await follow.ensure_attached();
    const auto first = es->read_after(0, follow.generation);
    // A handler sent a notification or request first: answer as an SSE stream that ends with the
    // reply. From 2025-11-25 on (by the session's revision) it is primed and resumable.
    sse_writer sse(stream, shared->options.write_timeout);
    bool ok = co_await sse.start(req, headers);
    const bool resumable = !session->id().empty() && revision_at_least(session->revision(), rev_2025_11_25);
    if (ok && resumable) {
        ok = co_await sse.prime(es->event_id(0));
        shared->sessions.keep_stream(session->id(), es);
    }
    if (!ok) co_return false;
    if (first.close_requested && resumable) {
        // The handler ended the response at once (SEP-1699 polling): the client resumes with GET.
        for (const auto& e : first.events)
            if (!co_await sse.event(es->event_id(e.seq), e.data)) co_return false;
        co_await sse.end();
        co_return false;
    }
    const auto end =
        co_await pump(sse, *es, follow.generation, 0, *follow.wake, resumable, shared->options.sse_keep_alive);
    if (end == pump_end::connection_lost) co_return false;
    ok = co_await sse.end();
    co_return ok && keep && !shared->draining.load() && end == pump_end::finished;
}

}  // namespace arcade_mcp::detail
