// The blocking HTTP GET behind jwks_source (util/http_client) and the URL rule it enforces
// (see jwks_source.hpp): https anywhere, plain http only to this machine; no redirects, no user
// info, TLS verified, the body bounded while it arrives. libcurl is loaded with dlopen when first
// needed (util/curl_library.hpp says why).
#include <string>

#include "auth/jwks_source.hpp"
#include "util/ascii.hpp"
#include "util/curl_library.hpp"
#include "util/http_client.hpp"

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
    if (!fetchable_url(url)) {
        result.error = "URL not allowed (https, or http to a loopback address; no user info)";
        return result;
    }
    http_request request;
    request.url = url;
    request.timeout = options.timeout;
    request.max_response_bytes = options.max_bytes;
    request.ca_file = options.ca_file;
    http_response response = send_http_request(request);
    if (!response.transported) {
        // The short text of the cause, stable from one attempt to the next (the log shows each
        // cause once); details only for TLS, where they say what is wrong with the peer.
        result.error = std::move(response.error);
        return result;
    }
    result.status = response.status;
    if (response.status < 200 || response.status > 299) {
        result.error = "HTTP status " + std::to_string(response.status);
        return result;
    }
    result.ok = true;
    result.body = std::move(response.body);
    return result;
}

}  // namespace arcade_mcp::detail::auth
