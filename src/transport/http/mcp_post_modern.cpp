// POST /mcp in the 2026-07-28 era: no session, no event ids or resumption; the revision's checks
// of `_meta` and the routing headers, a fresh per-request session, and an answer as JSON (status
// from the typed error code) or as an SSE stream scoped to the request, whose closing cancels it.
#include "log/logger.hpp"
#include "mcp/protocol_version.hpp"
#include "mcp/request_meta.hpp"
#include "transport/http/mcp_exchange.hpp"
#include "transport/http/routing_headers.hpp"
#include "util/json_text.hpp"
#include "util/random.hpp"

namespace arcade_mcp::detail {

/// The HTTP status of a 2026-07-28 answer sent as JSON, from its error code (none: a result):
/// 404 for an unknown method, 400 for the errors the revision assigns to it (bad `_meta` or
/// params, header mismatch, missing client capability, unsupported revision), 200 otherwise.
namespace {

bhttp::status modern_status(std::optional<int> error_code) {
    if (!error_code) return bhttp::status::ok;
    const int code = *error_code;
    if (code == jsonrpc::error_code::method_not_found) return bhttp::status::not_found;
    if (code == jsonrpc::error_code::invalid_params || code == jsonrpc::error_code::invalid_request ||
        code == jsonrpc::error_code::parse_error ||
        (code <= modern_error::header_mismatch && code >= modern_error::unsupported_protocol_version))
        return bhttp::status::bad_request;
    return bhttp::status::ok;
}

}  // namespace

/// A 2026-07-28 POST: no session, no event ids or resumption. Checks, in the order the revision
/// gives: `_meta` (-32602), MCP-Protocol-Version = `_meta` revision (-32020), a served revision
/// (-32022), the routing headers (-32020); then a fresh per-request session serves it. Closing
/// the answer stream cancels the request.
net::awaitable<bool> post_modern(http_stream& stream, const http_request& req,
                                 std::shared_ptr<http_shared> shared, json payload, bool keep, caller_ptr caller) {
    const header_list no_headers;
    std::optional<jsonrpc::request_id> id;
    if (payload.is_object())
        if (auto i = payload.find("id"); i != payload.end()) id = jsonrpc::request_id::from_json(*i);
    const auto answer_error = [&](const jsonrpc::error& err) -> net::awaitable<bool> {
        // Error texts may quote header bytes that are not UTF-8: replaced, so the body stays JSON.
        std::string body = to_json_text(jsonrpc::make_error(id, err));
        const auto status = modern_status(err.code);
        co_return co_await write_raw_json(stream, req, status, std::move(body), keep, no_headers) && keep;
    };
    // Errors are built as named values first: GCC 12 destroys temporaries made inside a co_await
    // expression twice (design/cpp-stack.md).
    if (!payload.is_object()) {
        const jsonrpc::error batch{jsonrpc::error_code::invalid_request,
                                   "Invalid Request: batches do not exist in 2026-07-28", std::nullopt};
        co_return co_await answer_error(batch);
    }
    if (const auto method = payload.find("method"); method != payload.end() && !method->is_string()) {
        const jsonrpc::error bad_method{jsonrpc::error_code::invalid_request,
                                        "Invalid Request: method must be a string", std::nullopt};
        co_return co_await answer_error(bad_method);
    }
    const bool is_request = payload.contains("id") && payload.contains("method");
    if (is_request) {
        auto meta = check_request_meta(member_or_null(payload, "params"));
        if (auto* err = std::get_if<jsonrpc::error>(&meta)) co_return co_await answer_error(*err);
        const std::string revision(std::get<checked_request_meta>(meta).revision);
        const std::string sent(header(req, "MCP-Protocol-Version"));
        if (sent != revision) {
            const jsonrpc::error mismatch{modern_error::header_mismatch,
                                          "Header mismatch: MCP-Protocol-Version header value '" + sent +
                                              "' does not match body value '" + revision + "'",
                                          std::nullopt};
            co_return co_await answer_error(mismatch);
        }
        if (auto unsupported = check_served_revision(revision)) co_return co_await answer_error(*unsupported);
        // Mcp-Param-* follow the called tool's x-mcp-header properties.
        std::shared_ptr<const tool_catalog> catalog;
        const json* schema = nullptr;
        if (const auto m = payload.find("method");
            m != payload.end() && m->get_ref<const std::string&>() == "tools/call") {
            catalog = shared->core.catalog();
            const auto params = payload.find("params");
            if (params != payload.end() && params->is_object())
                if (auto name = params->find("name"); name != params->end() && name->is_string())
                    if (const auto* tool = catalog->find(name->get_ref<const std::string&>()))
                        schema = &tool->spec->input_schema;
        }
        const header_lookup lookup = [&req](std::string_view name) -> std::optional<std::string> {
            const auto it = req.find(boost::beast::string_view(name.data(), name.size()));
            if (it == req.end()) return std::nullopt;
            return std::string(to_std(it->value()));
        };
        if (auto mismatch = check_routing_headers(lookup, payload, schema)) co_return co_await answer_error(*mismatch);
    }

    auto session = std::make_shared<session_state>(std::string(), random_uuid_v4());
    bind_to(*session, caller);
    auto es = std::make_shared<event_stream>(event_stream::next_id(), post_stream_capacity);
    {
        const auto trace = incoming_trace(req);  // the caller's span, current while the request is routed
        const observe::current_span_scope trace_scope(trace ? &*trace : observe::current_span());
        shared->core.serve_modern(session, std::move(payload), es);
    }

    answer_follower follow{es, nullptr, 0};
    // While the answer is pending, a client that hangs up cancels the request.
    std::shared_ptr<disconnect_watch> watch;
    struct watch_stopper {
        std::shared_ptr<disconnect_watch>& w;
        ~watch_stopper() {
            if (w) w->stop();
        }
    } stop_watch_on_exit{watch};
    const std::function<void()> start_watch = [&] {
        watch = std::make_shared<disconnect_watch>(stream, [session, w = std::weak_ptr<wake_signal>(follow.wake)] {
            session->close();
            if (auto s = w.lock()) s->close();
        });
        watch->start();
    };
    const event_stream::state st = co_await follow.await_decision(start_watch);
    if (follow.gone(st)) co_return false;
    keep = req.keep_alive() && !shared->draining.load();
    if (st.only_reply || st.terminated) {
        if (watch) watch->stop();
        auto reply = es->take_reply();
        if (reply.body.empty())
            co_return co_await write_response(stream, req, bhttp::status::accepted, nullptr, keep, no_headers) && keep;
        const auto status = modern_status(reply.error_code);
        co_return co_await write_raw_json(stream, req, status, std::move(reply.body), keep, no_headers) && keep;
    }
    // Notifications first (progress, logs; a listen stream's acknowledgement): an SSE stream
    // scoped to this request, ending with its answer.
    co_await follow.ensure_attached();
    sse_writer sse(stream, shared->options.write_timeout);
    if (!co_await sse.start(req, no_headers)) {
        session->close();
        co_return false;
    }
    if (!watch) start_watch();
    const auto end =
        co_await pump(sse, *es, follow.generation, 0, *follow.wake, false, shared->options.sse_keep_alive, false);
    if (end == pump_end::connection_lost || end == pump_end::stopped) {
        session->close();  // the client closed the stream: that is the cancellation
        co_return false;
    }
    watch->stop();
    const bool ok = co_await sse.end();
    co_return ok && keep && !shared->draining.load() && end == pump_end::finished;
}

}  // namespace arcade_mcp::detail
