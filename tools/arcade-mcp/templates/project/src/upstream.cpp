// libcurl implementation of upstream_client (see upstream.hpp).
#include "upstream.hpp"

#include <curl/curl.h>

#include <cstdlib>
#include <memory>

namespace {{name_snake}} {
namespace {

constexpr std::size_t max_body_bytes = 1 << 20;

struct transfer {
    std::string body;
    std::stop_token stop;
};

std::size_t on_data(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<transfer*>(user);
    if (t->body.size() + size * count > max_body_bytes) return 0;  // too large: abort
    t->body.append(data, size * count);
    return size * count;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<transfer*>(user)->stop.stop_requested() ? 1 : 0;  // non-zero aborts
}

}  // namespace

upstream_client curl_upstream() {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const char* configured = std::getenv("UPSTREAM_URL");
    std::string base = configured && *configured ? configured : "https://jsonplaceholder.typicode.com";
    return [base](const std::string& path, std::stop_token stop) {
        std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
        if (!curl) return upstream_reply{0, "curl_easy_init failed"};
        transfer t{{}, std::move(stop)};
        const std::string url = base + path;
        curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
        curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT_MS, 5000L);
        curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 20000L);
        curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, on_data);
        curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &t);
        curl_easy_setopt(curl.get(), CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(curl.get(), CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(curl.get(), CURLOPT_XFERINFODATA, &t);
        const CURLcode rc = curl_easy_perform(curl.get());
        if (rc != CURLE_OK) return upstream_reply{0, curl_easy_strerror(rc)};
        long status = 0;
        curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
        return upstream_reply{static_cast<int>(status), std::move(t.body)};
    };
}

}  // namespace {{name_snake}}
