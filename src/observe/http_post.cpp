// libcurl_post: the OTLP exporter's blocking HTTP POST (libcurl easy API, loaded with dlopen on
// first use): a JSON body with the configured headers, http and https only, no redirects, TLS
// verified, bounded by the timeout, the answer's body discarded. Failures are logged here, at
// most once a minute, with libcurl's reason or the HTTP status (never the headers, whose values
// are API keys).
#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "log/logger.hpp"
#include "observe/otlp_exporter.hpp"
#include "util/ascii.hpp"
#include "util/curl_library.hpp"

namespace arcade_mcp::detail::observe {
namespace {

constexpr std::size_t max_response_bytes = 1 << 20;  // a collector answers a few bytes; more is not one

struct discard_sink {
    std::size_t bytes = 0;
};

std::size_t discard_body(char*, std::size_t size, std::size_t count, void* user) {
    auto* sink = static_cast<discard_sink*>(user);
    const std::size_t n = size * count;
    if (n > max_response_bytes - sink->bytes) return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
    sink->bytes += n;
    return n;
}

/// The URL without its query and fragment (which might carry a token), for the log.
std::string_view loggable(std::string_view url) {
    return url.substr(0, url.find_first_of("?#"));
}

/// Logs a failed POST at most once a minute (the first one at once).
void warn_failure(std::string_view url, std::string_view reason) {
    static std::mutex mutex;
    static std::chrono::steady_clock::time_point last{};
    static bool logged = false;
    const auto now = std::chrono::steady_clock::now();
    {
        const std::lock_guard lock(mutex);
        if (logged && now - last < std::chrono::minutes(1)) return;
        logged = true;
        last = now;
    }
    detail::log(log_level::warning, "OTLP trace export: POST failed (logged at most once a minute)",
                {{"endpoint", loggable(url)}, {"reason", reason}});
}

bool post(const std::string& url, const std::vector<std::pair<std::string, std::string>>& headers,
          const std::string& body, std::chrono::milliseconds timeout) {
    const curl_api& api = curl_library();
    if (!api.error.empty()) {
        static std::once_flag once;
        std::call_once(once, [&] {
            detail::log(log_level::warning, "OTLP trace export is off: libcurl is unavailable",
                        {{"reason", api.error}});
        });
        return false;
    }
    const long timeout_ms = static_cast<long>(std::max<std::chrono::milliseconds::rep>(timeout.count(), 1));
    const std::unique_ptr<CURL, void (*)(CURL*)> handle(api.easy_init(), api.easy_cleanup);
    if (!handle) {
        warn_failure(url, "libcurl could not start a transfer");
        return false;
    }
    std::unique_ptr<curl_slist, void (*)(curl_slist*)> list(nullptr, api.slist_free_all);
    const auto add = [&](const std::string& line) {
        curl_slist* next = api.slist_append(list.get(), line.c_str());
        if (next == nullptr) return false;
        static_cast<void>(list.release());
        list.reset(next);
        return true;
    };
    bool set = add("Content-Type: application/json") && add("Expect:");  // no 100-continue round trip
    std::string line;
    for (const auto& [name, value] : headers) {
        if (name.find_first_of("\r\n:") != std::string::npos || value.find_first_of("\r\n") != std::string::npos)
            continue;  // otel_settings refuses these; never let one split a header
        if (iequals(name, "Content-Type")) continue;
        if (value.empty())
            line.assign(name).append(";");  // libcurl's form for a header without a value
        else
            line.assign(name).append(": ").append(value);
        set = set && add(line);
    }
    discard_sink sink;
    CURL* h = handle.get();
    const auto option = [&](CURLoption name, auto value) { set = set && api.easy_setopt(h, name, value) == CURLE_OK; };
    option(CURLOPT_URL, url.c_str());
    option(CURLOPT_PROTOCOLS_STR, "http,https");
    option(CURLOPT_FOLLOWLOCATION, 0L);
    option(CURLOPT_TIMEOUT_MS, timeout_ms);
    option(CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    option(CURLOPT_NOSIGNAL, 1L);
    option(CURLOPT_SSL_VERIFYPEER, 1L);
    option(CURLOPT_SSL_VERIFYHOST, 2L);
    option(CURLOPT_USERAGENT, "arcade-mcp-cpp");
    option(CURLOPT_HTTPHEADER, list.get());
    option(CURLOPT_POST, 1L);
    option(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    option(CURLOPT_POSTFIELDS, body.data());
    option(CURLOPT_WRITEFUNCTION, &discard_body);
    option(CURLOPT_WRITEDATA, static_cast<void*>(&sink));
    if (!set) {
        warn_failure(url, "libcurl refused an option");
        return false;
    }
    const CURLcode rc = api.easy_perform(h);
    if (rc != CURLE_OK) {
        warn_failure(url, api.easy_strerror(rc));
        return false;
    }
    long status = 0;
    api.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299) {
        const auto reason = std::string("HTTP status ").append(std::to_string(status));
        warn_failure(url, reason);
        return false;
    }
    return true;
}

}  // namespace

otlp_post_function libcurl_post() {
    return [](const std::string& url, const std::vector<std::pair<std::string, std::string>>& headers,
              const std::string& body, std::chrono::milliseconds timeout) {
        try {
            return post(url, headers, body, timeout);
        } catch (...) {
            return false;
        }
    };
}

}  // namespace arcade_mcp::detail::observe
