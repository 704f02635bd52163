// The blocking HTTP GET behind jwks_source (libcurl easy API) and the URL rule it enforces
// (see jwks_source.hpp): https anywhere, plain http only to this machine; no redirects, no user
// info, TLS verified, the body bounded while it arrives. libcurl is loaded with dlopen when first
// needed (util/curl_library.hpp says why).
#include <memory>
#include <string>

#include "auth/jwks_source.hpp"
#include "util/ascii.hpp"
#include "util/curl_library.hpp"

namespace arcade_mcp::detail::auth {
namespace {

constexpr std::size_t max_url_chars = 4096;

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

bool all_digits(std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

/// A port: 1 to 5 digits, at most 65535.
bool valid_port(std::string_view s) {
    return all_digits(s) && s.size() <= 5 && std::stoul(std::string(s)) <= 65535;
}

/// 127.a.b.c in plain dotted-decimal form (no shortened, octal or hex forms, which resolvers
/// read differently from one another).
bool loopback_v4(std::string_view host) {
    int parts = 0;
    while (true) {
        const auto dot = host.find('.');
        const auto part = host.substr(0, dot);
        if (!all_digits(part) || part.size() > 3 || (part.size() > 1 && part[0] == '0')) return false;
        const auto value = std::stoi(std::string(part));
        if (value > 255 || (parts == 0 && value != 127)) return false;
        ++parts;
        if (dot == std::string_view::npos) break;
        host.remove_prefix(dot + 1);
    }
    return parts == 4;
}

struct body_sink {
    std::string body;
    std::size_t max_bytes = 0;
    bool too_large = false;
};

std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* sink = static_cast<body_sink*>(user);
    const std::size_t n = size * count;
    if (n > sink->max_bytes - sink->body.size()) {
        sink->too_large = true;
        return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
    }
    try {
        sink->body.append(data, n);
    } catch (...) {
        return 0;
    }
    return n;
}

bool tls_error(CURLcode rc) {
    return rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_SSL_CACERT_BADFILE ||
           rc == CURLE_SSL_CERTPROBLEM;
}

}  // namespace

bool fetchable_url(std::string_view url) {
    if (url.size() > max_url_chars) return false;
    for (const char c : url) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7F || c == '\\') return false;  // no blanks, controls, non-ASCII, backslashes
    }
    bool https = false;
    if (starts_with_ci(url, "https://")) {
        https = true;
        url.remove_prefix(8);
    } else if (starts_with_ci(url, "http://")) {
        url.remove_prefix(7);
    } else {
        return false;
    }
    const auto authority = url.substr(0, url.find_first_of("/?#"));
    if (authority.empty() || authority.find('@') != std::string_view::npos) return false;  // no user info at all
    std::string_view host = authority;
    std::string_view after_host;
    if (authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return false;
        host = authority.substr(0, close + 1);
        after_host = authority.substr(close + 1);
    } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        after_host = authority.substr(colon);
    }
    if (!after_host.empty() && (after_host.front() != ':' || !valid_port(after_host.substr(1)))) return false;
    if (host.empty() || host == "[]") return false;
    if (https) return true;
    return iequals(host, "localhost") || host == "[::1]" || loopback_v4(host);
}

std::optional<std::string> http_get_unavailable() {
    return curl_unavailable();
}

fetch_result http_get(const std::string& url, const fetch_options& options) {
    fetch_result result;
    try {
        if (!fetchable_url(url)) {
            result.error = "URL not allowed (https, or http to a loopback address; no user info)";
            return result;
        }
        const curl_api& api = curl_library();
        if (!api.error.empty()) {
            result.error = api.error;
            return result;
        }
        const auto curl_easy_setopt = api.easy_setopt;
        const auto curl_easy_strerror = api.easy_strerror;
        const std::unique_ptr<CURL, void (*)(CURL*)> curl(api.easy_init(), api.easy_cleanup);
        if (!curl) {
            result.error = "libcurl could not start a transfer";
            return result;
        }
        body_sink sink;
        sink.max_bytes = options.max_bytes;
        CURL* h = curl.get();
        bool set =
            curl_easy_setopt(h, CURLOPT_URL, url.c_str()) == CURLE_OK &&
            curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https,http") == CURLE_OK &&
            curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
            curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count())) == CURLE_OK &&
            curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
            curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
            curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK &&
            curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_bytes)) == CURLE_OK &&
            curl_easy_setopt(h, CURLOPT_USERAGENT, "arcade-mcp-cpp") == CURLE_OK &&
            curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_body) == CURLE_OK &&
            curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink) == CURLE_OK;
        if (set && !options.ca_file.empty())
            set = curl_easy_setopt(h, CURLOPT_CAINFO, options.ca_file.c_str()) == CURLE_OK;
        char details[CURL_ERROR_SIZE] = {};
        if (set) set = curl_easy_setopt(h, CURLOPT_ERRORBUFFER, details) == CURLE_OK;
        if (!set) {
            result.error = "libcurl refused an option";
            return result;
        }
        const CURLcode rc = api.easy_perform(h);
        if (rc != CURLE_OK) {
            // The short text of the code, stable from one attempt to the next (the log shows each
            // cause once); the details only for TLS, where they say what is wrong with the peer.
            if (sink.too_large || rc == CURLE_FILESIZE_EXCEEDED)
                result.error = "response larger than " + std::to_string(options.max_bytes) + " bytes";
            else
                result.error = curl_easy_strerror(rc);
            if (tls_error(rc) && details[0] != '\0') result.error += std::string(": ") + details;
            return result;
        }
        long status = 0;
        api.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        result.status = status;
        if (status < 200 || status > 299) {
            result.error = "HTTP status " + std::to_string(status);
            return result;
        }
        result.ok = true;
        result.body = std::move(sink.body);
    } catch (...) {
        result = fetch_result{};
        result.error = "out of memory";
    }
    return result;
}

}  // namespace arcade_mcp::detail::auth
