// Example: a blocking tool that calls an upstream HTTP API with libcurl. GET
// $UPSTREAM_BASE_URL/items/<id> with connect and total timeouts, cancellation through the call's
// stop token (client cancel, tool time limit, shutdown), the caller's W3C trace context passed on,
// and the upstream's failures mapped to Arcade error kinds the model can act on.
// Run:   UPSTREAM_BASE_URL=http://127.0.0.1:9000 build/release/bin/upstream_http_example   (stdio)
// Try:   {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"Catalog_GetItem","arguments":{"id":"A-100"}}}
// Check: examples/upstream_http/check.sh <binary>  (a local upstream with 200/404/429/500/slow routes)
#include <arcade_mcp/mcp.hpp>

#include <curl/curl.h>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using namespace arcade_mcp;

struct item_args {
    std::string id;
    static auto describe() {
        return fields(field("id", &item_args::id, "Item id, e.g. A-100").min_length(1).max_length(64));
    }
};

struct upstream {
    std::string base_url;  // e.g. http://127.0.0.1:9000
    long timeout_ms;       // the whole request, connect included
};

constexpr std::size_t max_body = 1 << 20;

// libcurl callbacks: plain functions with the signatures libcurl expects.
std::size_t on_body(char* data, std::size_t size, std::size_t n, void* out) {
    auto* body = static_cast<std::string*>(out);
    if (body->size() + size * n > max_body) return 0;  // too large: libcurl fails with CURLE_WRITE_ERROR
    body->append(data, size * n);
    return size * n;
}
std::size_t on_header(char* data, std::size_t size, std::size_t n, void* out) {
    // "Name: value\r\n" lines, kept for the error mapping; a status line starts the headers of
    // another response (after a 100 Continue or a redirect): only the last response's count.
    const std::string_view line(data, size * n);
    auto* headers = static_cast<std::vector<std::pair<std::string, std::string>>*>(out);
    if (line.rfind("HTTP/", 0) == 0) headers->clear();
    const auto colon = line.find(':');
    if (colon != std::string_view::npos) {
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
            value.remove_suffix(1);
        if (headers->size() < 100) headers->emplace_back(std::string(line.substr(0, colon)), std::string(value));
    }
    return size * n;
}
// Called about once a second even while no byte moves: a non-zero return aborts the transfer
// (CURLE_ABORTED_BY_CALLBACK), so a cancelled call frees its thread and its connection at once.
int on_progress(void* stop, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<const std::stop_token*>(stop)->stop_requested() ? 1 : 0;
}

// libcurl's result codes as the failures Arcade's HTTP adapter tells apart.
transport_failure failure_of(CURLcode rc) {
    switch (rc) {
        case CURLE_OPERATION_TIMEDOUT: return transport_failure::timeout;
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
        case CURLE_COULDNT_CONNECT:
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR: return transport_failure::unreachable;
        case CURLE_TOO_MANY_REDIRECTS: return transport_failure::too_many_redirects;
        case CURLE_BAD_CONTENT_ENCODING: return transport_failure::undecodable;
        case CURLE_URL_MALFORMAT: return transport_failure::invalid_url;
        case CURLE_UNSUPPORTED_PROTOCOL: return transport_failure::unsupported_scheme;
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_PEER_FAILED_VERIFICATION: return transport_failure::tls;
        default: return transport_failure::incomplete;
    }
}

result<json> get_item(tool_context& ctx, const item_args& in, const upstream& up) {
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) return tool_error::fatal("libcurl could not start");
    CURL* c = curl.get();
    std::unique_ptr<char, decltype(&curl_free)> id(curl_easy_escape(c, in.id.data(), static_cast<int>(in.id.size())),
                                                   curl_free);  // the id is user input: escape it
    if (!id) return tool_error::fatal("libcurl could not escape the id");
    const std::string url = up.base_url + "/items/" + id.get();

    curl_slist* list = curl_slist_append(nullptr, "Accept: application/json");
    const trace_context trace = ctx.trace();  // the caller's (or the tool span's) W3C context
    if (!trace.empty()) list = curl_slist_append(list, ("traceparent: " + trace.traceparent).c_str());
    if (!trace.tracestate.empty()) list = curl_slist_append(list, ("tracestate: " + trace.tracestate).c_str());
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(list, curl_slist_free_all);

    std::string body;
    std::vector<std::pair<std::string, std::string>> response_headers;
    const std::stop_token stop = ctx.stop_token();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // many threads: no SIGALRM for DNS timeouts
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, up.timeout_ms);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &response_headers);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &stop);
    const CURLcode rc = curl_easy_perform(c);

    // Transport failures: Arcade's NETWORK_TRANSPORT_RUNTIME_* kinds (upstream_error.hpp); libcurl's
    // own text goes to developer_message (the engine and the logs), not to the model.
    if (rc == CURLE_ABORTED_BY_CALLBACK) return tool_error::execution("Cancelled");  // nobody reads it
    if (rc != CURLE_OK) {
        return upstream_transport_error(failure_of(rc), "GET", url, curl_easy_strerror(rc));
    }

    // HTTP failures: upstream_http_error words them as Arcade's HTTP adapter does (404 not found,
    // 429 rate limit with Retry-After, 5xx server error: both retryable, other 4xx bad request,
    // 401/403 auth); the model never sees the body or the URL. A status the tool understands
    // better gets its own words.
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status == 404) return tool_error::upstream(404, "No item with id " + in.id);
    if (status != 200) return upstream_http_error({static_cast<int>(status), response_headers, "GET", url, body});
    json item = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (item.is_discarded()) return tool_error::upstream(502, "The catalog sent invalid JSON");
    return item;
}

}  // namespace

int main(int argc, char** argv) {
    const char* base = std::getenv("UPSTREAM_BASE_URL");
    if (base == nullptr || *base == '\0') {
        std::cerr << "UPSTREAM_BASE_URL is not set (e.g. http://127.0.0.1:9000)\n";
        return 2;
    }
    const char* timeout = std::getenv("UPSTREAM_TIMEOUT_MS");
    const upstream up{base, timeout != nullptr ? std::atol(timeout) : 5000L};
    if (up.timeout_ms <= 0) {
        std::cerr << "UPSTREAM_TIMEOUT_MS must be a positive number of milliseconds\n";
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);  // once, before any thread uses libcurl

    server_info info;
    info.name = "catalog";
    info.version = "1.0.0";
    info.toolkit = "Catalog";
    server srv(info);
    // Blocking (the default): runs on the worker pool. The tool's own time limit is a backstop
    // above libcurl's: past it the stop token fires, which aborts the transfer too.
    srv.add_tool<item_args>("get_item", "Look an item up in the catalog.",
                            [up](tool_context& ctx, const item_args& in) { return get_item(ctx, in, up); })
        .with_timeout(std::chrono::milliseconds(up.timeout_ms + 2000))
        .with_max_concurrency(8);  // protects the upstream: a ninth call gets a retryable "busy"
    const int rc = run(srv, argc, argv);
    curl_global_cleanup();
    return rc;
}
