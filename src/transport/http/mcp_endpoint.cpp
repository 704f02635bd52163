// The /mcp endpoint of Streamable HTTP: Host/Origin checks and the method; for POST the checks
// both eras share (Content-Type, Accept, JSON limits and parse) and the era, chosen per request
// (spec/mcp-server.md §16.9), which picks the handler: mcp_post_legacy.cpp (2025 sessions) or
// mcp_post_modern.cpp (2026-07-28); GET and DELETE are in mcp_session_requests.cpp.
#include "mcp/protocol_version.hpp"
#include "mcp/request_meta.hpp"
#include "transport/http/mcp_exchange.hpp"
#include "util/json_text.hpp"

namespace arcade_mcp::detail {
namespace {

net::awaitable<bool> post(http_stream& stream, const http_request& req, std::shared_ptr<http_shared> shared) {
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
        co_return co_await post_modern(stream, req, shared, std::move(payload), keep);
    co_return co_await post_legacy(stream, req, shared, std::move(payload), keep);
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
    switch (req.method()) {
        case bhttp::verb::post: co_return co_await post(stream, req, shared);
        case bhttp::verb::get: co_return co_await get_stream(stream, req, shared);
        case bhttp::verb::delete_: co_return co_await delete_session(stream, req, shared);
        default:
            co_return co_await write_response(stream, req, bhttp::status::method_not_allowed,
                                              transport_error(-32000, "Method Not Allowed"), keep, allow_all) && keep;
    }
}

}  // namespace arcade_mcp::detail
