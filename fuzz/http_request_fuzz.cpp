// Fuzz target: HTTP/1.1 request handling up to the MCP endpoint, on an in-memory byte stream.
// The input is what a client sends on one connection. Like run_connection
// (src/transport/http/http_connection.cpp) the target reads requests one after another with
// Beast's request_parser<string_body> under the server's default limits (header 8 KiB, body
// 1 MiB): header first, then the request-smuggling guard (ambiguous_framing(framing_of(...)),
// src/transport/http/framing_guard.hpp, the function the server calls), then the declared-length
// check, then the body; then the checks mcp_endpoint.cpp and the router apply to a parsed request:
// Host and Origin policy (a loopback server with default lists and a 0.0.0.0 server with
// configured lists), MCP / health / worker paths, Accept, Content-Type, the bearer token and the
// Last-Event-ID. Keep-alive requests are followed by the next one (pipelining), at most 8.
// Not covered: the coroutine I/O itself (timeouts, 100-continue, writes), the endpoint's JSON and
// session handling (see jsonrpc_dispatch_fuzz).
// Oracles: no crash or sanitizer report; the loopback policy only admits loopback Hosts/Origins.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "arcade/jwt.hpp"
#include "arcade/worker_api.hpp"
#include "transport/http/detail/asio.hpp"
#include "transport/http/event_stream.hpp"
#include "transport/http/framing_guard.hpp"
#include "transport/http/http_policy.hpp"
#include "transport/http/http_server.hpp"
#include "util/ascii.hpp"

namespace {

using namespace arcade_mcp::detail;

[[noreturn]] void die(const char* what, std::string_view value) {
    std::fprintf(stderr, "http_request_fuzz: %s: \"%.*s\"\n", what, static_cast<int>(value.size()), value.data());
    std::abort();
}

const http_options& defaults() {
    static const http_options o;
    return o;
}

const origin_policy& loopback_policy() {
    static const origin_policy p("127.0.0.1", {}, {});
    return p;
}

const origin_policy& configured_policy() {
    static const origin_policy p("0.0.0.0", {"mcp.example.com", "api.example.com:8443"}, {"https://app.example.com/"});
    return p;
}

/// How reading one request ended (the server's answer in brackets).
enum class outcome {
    incomplete,
    malformed /*400*/,
    header_too_large /*431*/,
    body_too_large /*413*/,
    ambiguous /*400*/,
    complete
};

/// Feeds `rest` to the parser until the header (or, with `body`, the message) is done; consumed
/// bytes are removed from `rest`.
outcome feed(bhttp::request_parser<bhttp::string_body>& parser, std::string_view& rest, bool body) {
    for (int guard = 0; guard < 100000 && !(body ? parser.is_done() : parser.is_header_done()); ++guard) {
        beast::error_code ec;
        const std::size_t n = parser.put(net::buffer(rest.data(), rest.size()), ec);
        rest.remove_prefix(n);
        if (ec == bhttp::error::need_more) {
            if (n == 0) return outcome::incomplete;  // the connection would wait for more (then time out)
            continue;
        }
        if (ec == bhttp::error::header_limit) return outcome::header_too_large;
        if (ec == bhttp::error::body_limit) return outcome::body_too_large;
        if (ec) return outcome::malformed;
        if (n == 0) return outcome::incomplete;
    }
    return outcome::complete;
}

/// One request as run_connection reads it.
outcome read_request(bhttp::request_parser<bhttp::string_body>& parser, std::string_view& rest) {
    parser.header_limit(static_cast<std::uint32_t>(defaults().max_header_bytes));
    parser.body_limit(defaults().max_body_bytes);
    if (const auto o = feed(parser, rest, false); o != outcome::complete) return o;
    if (ambiguous_framing(framing_of(parser.get().base()))) return outcome::ambiguous;
    if (const auto len = parser.content_length(); len && *len > defaults().max_body_bytes)
        return outcome::body_too_large;
    parser.eager(true);
    return feed(parser, rest, true);
}

std::string header(const bhttp::request<bhttp::string_body>& req, std::string_view name) {
    return std::string(to_std(req[beast::string_view(name.data(), name.size())]));
}

void check_loopback_host(std::string_view host) {
    if (!loopback_policy().host_allowed(host)) return;
    const auto parts = split_authority(trim_blanks(host));
    if (!parts || !is_loopback_host(parts->first)) die("loopback policy admitted a non-loopback Host", host);
}

void check_loopback_origin(std::string_view origin) {
    if (!loopback_policy().origin_allowed(origin)) return;
    std::string o = ascii_lower(trim_blanks(origin));
    while (!o.empty() && o.back() == '/') o.pop_back();
    std::string_view rest = o;
    if (rest.rfind("http://", 0) == 0) rest.remove_prefix(7);
    else if (rest.rfind("https://", 0) == 0) rest.remove_prefix(8);
    else die("loopback policy admitted an Origin without http(s)://", origin);
    const auto parts = split_authority(rest);
    if (!parts || !is_loopback_host(parts->first)) die("loopback policy admitted a non-loopback Origin", origin);
}

/// What the router and mcp_endpoint.cpp look at before the JSON.
void route(const bhttp::request<bhttp::string_body>& req) {
    const auto target = to_std(req.target());
    const std::string host = header(req, "Host");
    const std::string origin = header(req, "Origin");
    for (const origin_policy* p : {&loopback_policy(), &configured_policy()}) {
        (void)p->host_allowed(host);
        if (!origin.empty()) (void)p->origin_allowed(origin);
    }
    check_loopback_host(host);
    if (!origin.empty()) check_loopback_origin(origin);
    (void)is_mcp_path(target);
    (void)(target.substr(0, target.find('?')) == "/healthz");
    (void)worker_api::is_worker_path(target);
    const std::string accept = header(req, "Accept");
    (void)accepts(accept, "application/json");
    (void)accepts(accept, "text/event-stream");
    (void)content_type_is(header(req, "Content-Type"), "application/json");
    const std::string authorization = header(req, "Authorization");
    if (const auto token = bearer_token(authorization)) (void)verify_worker_token(*token, "fuzz-secret", 1800000000);
    (void)event_stream::parse_event_id(header(req, "Last-Event-ID"));
    (void)req.method();
    (void)req.keep_alive();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    for (int n = 0; n < 8 && !rest.empty(); ++n) {
        bhttp::request_parser<bhttp::string_body> parser;
        if (read_request(parser, rest) != outcome::complete) break;  // the server answers and closes
        const auto& req = parser.get();
        route(req);
        if (!req.keep_alive()) break;
    }
    return 0;
}
