// send_http_request (see http_client.hpp) on libcurl's easy API.
#include "util/http_client.hpp"

#include <algorithm>
#include <memory>

#include "util/curl_library.hpp"

namespace arcade_mcp::detail {
namespace {

struct bounded_body {
    std::string text;
    std::size_t max_bytes = 0;
    bool too_large = false;
};

std::size_t append_bounded(char* data, std::size_t size, std::size_t count, void* user) {
    auto* sink = static_cast<bounded_body*>(user);
    const std::size_t n = size * count;
    if (n > sink->max_bytes - sink->text.size()) {
        sink->too_large = true;
        return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
    }
    try {
        sink->text.append(data, n);
    } catch (...) {
        return 0;
    }
    return n;
}

bool tls_failure(CURLcode rc) {
    return rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_SSL_CACERT_BADFILE ||
           rc == CURLE_SSL_CERTPROBLEM;
}

bool safe_header_part(const std::string& s) {
    return s.find_first_of("\r\n") == std::string::npos;
}

http_response perform(const http_request& request) {
    http_response response;
    const curl_api& api = curl_library();
    if (!api.error.empty()) {
        response.error = api.error;
        return response;
    }
    const std::unique_ptr<CURL, void (*)(CURL*)> handle(api.easy_init(), api.easy_cleanup);
    if (!handle) {
        response.error = "libcurl could not start a transfer";
        return response;
    }
    std::unique_ptr<curl_slist, void (*)(curl_slist*)> list(nullptr, api.slist_free_all);
    bool set = true;
    const auto add_header = [&](const std::string& line) {
        curl_slist* next = api.slist_append(list.get(), line.c_str());
        if (next == nullptr) return false;
        static_cast<void>(list.release());
        list.reset(next);
        return true;
    };
    for (const auto& [name, value] : request.headers) {
        if (name.empty() || name.find(':') != std::string::npos || !safe_header_part(name) ||
            !safe_header_part(value)) {
            response.error = "invalid header";
            return response;
        }
        // libcurl's form for an empty value ("Name:" alone would remove the header instead).
        set = set && add_header(value.empty() ? name + ";" : name + ": " + value);
    }
    const bool post = request.method == "POST";
    if (post) set = set && add_header("Expect:");  // no 100-continue round trip
    bounded_body sink;
    sink.max_bytes = request.max_response_bytes;
    const long timeout_ms = static_cast<long>(std::max<std::chrono::milliseconds::rep>(request.timeout.count(), 1));
    CURL* h = handle.get();
    const auto option = [&](CURLoption name, auto value) { set = set && api.easy_setopt(h, name, value) == CURLE_OK; };
    option(CURLOPT_URL, request.url.c_str());
    option(CURLOPT_PROTOCOLS_STR, "http,https");
    option(CURLOPT_FOLLOWLOCATION, 0L);
    option(CURLOPT_TIMEOUT_MS, timeout_ms);
    option(CURLOPT_NOSIGNAL, 1L);
    option(CURLOPT_SSL_VERIFYPEER, 1L);
    option(CURLOPT_SSL_VERIFYHOST, 2L);
    option(CURLOPT_USERAGENT, "arcade-mcp-cpp");
    option(CURLOPT_HTTPHEADER, list.get());
    option(CURLOPT_WRITEFUNCTION, &append_bounded);
    option(CURLOPT_WRITEDATA, static_cast<void*>(&sink));
    option(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request.max_response_bytes));
    if (!request.ca_file.empty()) option(CURLOPT_CAINFO, request.ca_file.c_str());
    char details[CURL_ERROR_SIZE] = {};
    option(CURLOPT_ERRORBUFFER, details);
    if (post) {
        option(CURLOPT_POST, 1L);
        option(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
        option(CURLOPT_POSTFIELDS, request.body.data());
    } else if (request.method != "GET") {
        response.error = "unsupported method";
        return response;
    }
    if (!set) {
        response.error = "libcurl refused an option";
        return response;
    }
    const CURLcode rc = api.easy_perform(h);
    if (rc != CURLE_OK) {
        response.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
        if (sink.too_large || rc == CURLE_FILESIZE_EXCEEDED)
            response.error = "response larger than " + std::to_string(request.max_response_bytes) + " bytes";
        else
            response.error = api.easy_strerror(rc);
        if (tls_failure(rc) && details[0] != '\0') response.error += std::string(": ") + details;
        return response;
    }
    api.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
    response.transported = true;
    response.body = std::move(sink.text);
    return response;
}

}  // namespace

http_response send_http_request(const http_request& request) {
    try {
        return perform(request);
    } catch (...) {
        http_response failed;
        failed.error = "out of memory";
        return failed;
    }
}

}  // namespace arcade_mcp::detail
