// libcurl_post: the OTLP exporter's blocking HTTP POST (util/http_client: libcurl loaded with
// dlopen on first use): a JSON body with the configured headers, http and https only, no
// redirects, TLS verified, bounded by the timeout, the answer's body bounded and unused.
// Failures are logged here, at most once a minute, with libcurl's reason or the HTTP status
// (never the headers, whose values are API keys).
#include <chrono>
#include <mutex>
#include <string>

#include "log/logger.hpp"
#include "observe/otlp_exporter.hpp"
#include "util/ascii.hpp"
#include "util/curl_library.hpp"
#include "util/http_client.hpp"

namespace arcade_mcp::detail::observe {
namespace {

constexpr std::size_t max_response_bytes = 1 << 20;  // a collector answers a few bytes; more is not one

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
    if (const auto unavailable = curl_unavailable()) {
        static std::once_flag once;
        std::call_once(once, [&] {
            detail::log(log_level::warning, "OTLP trace export is off: libcurl is unavailable",
                        {{"reason", *unavailable}});
        });
        return false;
    }
    http_request request;
    request.method = "POST";
    request.url = url;
    request.body = body;
    request.timeout = timeout;
    request.max_response_bytes = max_response_bytes;
    request.headers.emplace_back("Content-Type", "application/json");
    for (const auto& [name, value] : headers) {
        if (name.find_first_of("\r\n:") != std::string::npos || value.find_first_of("\r\n") != std::string::npos)
            continue;  // otel_settings refuses these; never let one split a header
        if (iequals(name, "Content-Type")) continue;
        request.headers.emplace_back(name, value);
    }
    const http_response response = send_http_request(request);
    if (!response.transported) {
        warn_failure(url, response.error);
        return false;
    }
    if (response.status < 200 || response.status > 299) {
        warn_failure(url, "HTTP status " + std::to_string(response.status));
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
