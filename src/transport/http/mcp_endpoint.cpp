// The /mcp endpoint of Streamable HTTP: Host/Origin checks and the method; for POST the checks
// both eras share (Content-Type, Accept, JSON limits and parse) and the era, chosen per request
// (spec/mcp-server.md §16.9), which picks the handler: mcp_post_legacy.cpp (2025 sessions) or
// mcp_post_modern.cpp (2026-07-28); GET and DELETE are in mcp_session_requests.cpp.
#include "mcp/protocol_version.hpp"
#include "mcp/request_meta.hpp"
#include "transport/http/mcp_bearer.hpp"
#include "transport/http/mcp_exchange.hpp"
#include "util/json_text.hpp"

namespace arcade_mcp::detail {
namespace {

net::awaitable<bool> post(http_stream& stream, const http_request& req, std::shared_ptr<http_shared> shared,
                          caller_ptr caller) {
    in_flight_guard guard(shared->in_flight);
    bool keep = req.keep_alive() && !shared->draining.load();  // decided again before the answer is written
    const header_list no_headers;
    if (!content_type_is(header(req, "Content-Type"), "application/json"))
        co_return co_await reject(stream, req, bhttp::status::unsupported_media_type, -32000,
                                  "Unsupported Media Type: Content-Type must be application/json", keep, no_headers);
    const auto accept = header(req, "Accept");
    if (!accepts(accept, "application/json") || !accepts(accept, "text/event-stream"))
        co_return co_await reject(stream, req, bhttp::status::not_acceptable, -32000,
                                  "Not Acceptable: Accept must list application/json and text/event-stream", keep,
                                  no_headers);
    const auto version_header = header(req, "MCP-Protocol-Version");
    std::string why;
    auto parsed = shared->core.parse_limited(req.body(), why);
    if (!parsed) {
        const int code =
            why.rfind("Parse error", 0) == 0 ? jsonrpc::error_code::parse_error : jsonrpc::error_code::invalid_request;
        co_return co_await reject(stream, req, bhttp::status::bad_request, code, why, keep, no_headers);
    }
    json payload = std::move(*parsed);
    if (!payload.is_object() && !payload.is_array())
        co_return co_await reject(stream, req, bhttp::status::bad_request, jsonrpc::error_code::invalid_request,
                                  "Invalid Request: expected a JSON-RPC message", keep, no_headers);

    if (caller) {
        // Front-door authorization: a tool that needs scopes the token lacks is answered 403.
        if (auto needed = scopes_lacking(payload, *caller, shared->core))
            co_return co_await refuse_insufficient_scope(stream, req, shared, std::move(*needed));
    }

    // Era (spec/mcp-server.md §16.9): 2026-07-28 `_meta` or header, or a revision we do not know,
    // is served statelessly; the rest is the 2025 era of sessions.
    const bool unknown_version =
        !version_header.empty() && !is_supported_revision(version_header) && !is_modern_revision(version_header);
    if (unknown_version && !carries_request_meta(payload)) {
        // Neither era: name the revisions served (UnsupportedProtocolVersionError).
        std::optional<jsonrpc::request_id> id;
        if (payload.is_object() && payload.contains("id")) id = jsonrpc::request_id::from_json(payload["id"]);
        std::string body = to_json_text(jsonrpc::make_error(id, unsupported_version_error(version_header)));
        co_return co_await write_raw_json(stream, req, bhttp::status::bad_request, std::move(body), keep, no_headers) &&
            keep;
    }
    if (dispatcher::is_modern_message(payload) || is_modern_revision(version_header) || unknown_version)
        co_return co_await post_modern(stream, req, shared, std::move(payload), keep, caller);
    co_return co_await post_legacy(stream, req, shared, std::move(payload), keep, caller);
}

}  // namespace

net::awaitable<bool> serve_mcp(http_stream& stream, const http_request& req,
                               std::shared_ptr<http_shared> shared) {
    const bool keep = req.keep_alive() && !shared->draining.load();
    const header_list allow_all{{"Allow", "GET, POST, DELETE"}};
    if (!shared->policy.host_allowed(header(req, "Host")))
        co_return co_await write_response(stream, req, bhttp::status::forbidden,
                                          transport_error(-32000, "Forbidden: invalid Host header"), keep) &&
            keep;
    if (const auto origin = header(req, "Origin"); !origin.empty() && !shared->policy.origin_allowed(origin))
        co_return co_await write_response(stream, req, bhttp::status::forbidden,
                                          transport_error(-32000, "Forbidden: invalid Origin header"), keep) &&
            keep;
    const auto method = req.method();
    const bool served = method == bhttp::verb::post || method == bhttp::verb::get || method == bhttp::verb::delete_;
    std::shared_ptr<const auth::caller_identity> caller;
    if (served && shared->options.bearer) {
        // A token seen before is answered here, without a coroutine frame; the rest (a fetch of
        // keys, a refusal to write) in check_bearer.
        auto known = shared->options.bearer->check_without_fetch(header(req, "Authorization"), to_std(req.target()));
        if (known && known->caller) {
            caller = std::move(known->caller);
        } else {
            auto checked = co_await check_bearer(stream, req, shared, std::move(known));
            if (!checked.caller) co_return checked.keep_alive;
            caller = std::move(checked.caller);
        }
    }
    switch (method) {
        case bhttp::verb::post: co_return co_await post(stream, req, shared, caller.get());
        case bhttp::verb::get: co_return co_await get_stream(stream, req, shared, caller.get());
        case bhttp::verb::delete_: co_return co_await delete_session(stream, req, shared, caller.get());
        default:
            co_return co_await write_response(stream, req, bhttp::status::method_not_allowed,
                                              transport_error(-32000, "Method Not Allowed"), keep, allow_all) && keep;
    }
}

}  // namespace arcade_mcp::detail
