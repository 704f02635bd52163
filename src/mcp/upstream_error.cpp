// Failed upstream HTTP exchanges as Arcade's HTTP error adapter words them (see upstream_error.hpp).
// Where arcade_tdk 3.10 is wrong we differ on purpose: header names are matched in any case (its
// requests path misses "Retry-After"), an HTTP-date Retry-After is honoured (it always falls back
// to 1 s), an epoch x-ratelimit-reset is read as a time, not a delay, the endpoint loses user info
// as well as the query, and developer_message names the endpoint, not the client's exception text.
#include "arcade_mcp/mcp/upstream_error.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>

#include "util/ascii.hpp"

namespace arcade_mcp {
namespace {

using headers_t = std::vector<std::pair<std::string, std::string>>;

/// Python 3.11's http.HTTPStatus phrases (what arcade_tdk prints), "Unknown Status" otherwise.
std::string_view status_phrase(int status) {
    static constexpr std::pair<int, std::string_view> phrases[] = {
        {100, "Continue"}, {101, "Switching Protocols"}, {102, "Processing"}, {103, "Early Hints"},
        {200, "OK"}, {201, "Created"}, {202, "Accepted"}, {203, "Non-Authoritative Information"},
        {204, "No Content"}, {205, "Reset Content"}, {206, "Partial Content"}, {207, "Multi-Status"},
        {208, "Already Reported"}, {226, "IM Used"}, {300, "Multiple Choices"}, {301, "Moved Permanently"},
        {302, "Found"}, {303, "See Other"}, {304, "Not Modified"}, {305, "Use Proxy"},
        {307, "Temporary Redirect"}, {308, "Permanent Redirect"}, {400, "Bad Request"}, {401, "Unauthorized"},
        {402, "Payment Required"}, {403, "Forbidden"}, {404, "Not Found"}, {405, "Method Not Allowed"},
        {406, "Not Acceptable"}, {407, "Proxy Authentication Required"}, {408, "Request Timeout"},
        {409, "Conflict"}, {410, "Gone"}, {411, "Length Required"}, {412, "Precondition Failed"},
        {413, "Request Entity Too Large"}, {414, "Request-URI Too Long"}, {415, "Unsupported Media Type"},
        {416, "Requested Range Not Satisfiable"}, {417, "Expectation Failed"}, {418, "I'm a Teapot"},
        {421, "Misdirected Request"}, {422, "Unprocessable Entity"}, {423, "Locked"}, {424, "Failed Dependency"},
        {425, "Too Early"}, {426, "Upgrade Required"}, {428, "Precondition Required"}, {429, "Too Many Requests"},
        {431, "Request Header Fields Too Large"}, {451, "Unavailable For Legal Reasons"},
        {500, "Internal Server Error"}, {501, "Not Implemented"}, {502, "Bad Gateway"},
        {503, "Service Unavailable"}, {504, "Gateway Timeout"}, {505, "HTTP Version Not Supported"},
        {506, "Variant Also Negotiates"}, {507, "Insufficient Storage"}, {508, "Loop Detected"},
        {510, "Not Extended"}, {511, "Network Authentication Required"}};
    for (const auto& [code, phrase] : phrases)
        if (code == status) return phrase;
    return "Unknown Status";
}

std::string_view status_class(int status) {
    if (status >= 400 && status < 500) return "client error";
    if (status >= 500 && status < 600) return "server error";
    if (status >= 300 && status < 400) return "redirection";
    if (status >= 100 && status < 200) return "informational";
    return "response";
}

/// The value of the first header named `name` (any case), trimmed; empty if absent.
std::string_view header(const headers_t& headers, std::string_view name) {
    for (const auto& [key, value] : headers) {
        if (!detail::iequals(key, name)) continue;
        std::string_view v = value;
        while (!v.empty() && (v.back() == '\r' || v.back() == '\n')) v.remove_suffix(1);  // a raw header line
        return detail::trim_blanks(v);
    }
    return {};
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// A decimal number matching `-?\d+(\.\d+)?` ("0", "12", "-1", "1.5"; not "nan", "1e3"), as
/// arcade_tdk's _parse_numeric_header reads one.
std::optional<double> numeric(std::string_view text) {
    std::size_t i = text.empty() || text.front() != '-' ? 0 : 1;
    const std::size_t int_start = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    if (i == int_start) return std::nullopt;
    if (i < text.size() && text[i] == '.') {
        const std::size_t frac_start = ++i;
        while (i < text.size() && is_digit(text[i])) ++i;
        if (i == frac_start) return std::nullopt;
    }
    if (i != text.size()) return std::nullopt;
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{}) return std::nullopt;
    return value;
}

bool all_digits(std::string_view text) {
    if (text.empty() || text.size() > 15) return false;
    for (char c : text)
        if (c < '0' || c > '9') return false;
    return true;
}

std::int64_t to_int(std::string_view digits) {
    std::int64_t value = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), value);
    return value;
}

/// Seconds since the epoch of an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), if it is one.
/// Parsed by position, without the C library: no locale, no shared state between threads.
std::optional<std::int64_t> http_date(std::string_view text) {
    if (text.size() != 29 || text.substr(3, 2) != ", " || text.substr(25) != " GMT") return std::nullopt;
    static constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto number = [&](std::size_t at, std::size_t len) -> std::optional<int> {
        int n = 0;
        for (std::size_t i = at; i < at + len; ++i) {
            if (!is_digit(text[i])) return std::nullopt;
            n = n * 10 + (text[i] - '0');
        }
        return n;
    };
    unsigned month = 0;
    for (unsigned m = 0; m < 12; ++m)
        if (text.substr(8, 3) == months[m]) month = m + 1;
    const auto day = number(5, 2), year = number(12, 4), hour = number(17, 2), minute = number(20, 2),
               second = number(23, 2);
    if (month == 0 || !day || !year || !hour || !minute || !second || text[7] != ' ' || text[11] != ' ' ||
        text[16] != ' ' || text[19] != ':' || text[22] != ':' || *hour > 23 || *minute > 59 || *second > 60)
        return std::nullopt;
    const std::chrono::year_month_day date{std::chrono::year(*year), std::chrono::month(month),
                                           std::chrono::day(static_cast<unsigned>(*day))};
    if (!date.ok()) return std::nullopt;
    const auto midnight = std::chrono::sys_days(date).time_since_epoch();
    return std::chrono::duration_cast<std::chrono::seconds>(midnight).count() + *hour * 3600 + *minute * 60 + *second;
}

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool rate_limited_403(const headers_t& headers) {
    for (const char* name :
         {"x-ratelimit-remaining", "x-rate-limit-remaining", "ratelimit-remaining", "x-app-rate-limit-remaining"}) {
        const auto remaining = numeric(header(headers, name));
        if (remaining && *remaining == 0) return true;
    }
    const std::string_view retry_after = header(headers, "retry-after");
    bool meaningful_retry_after = false;
    if (!retry_after.empty()) {
        const auto value = numeric(retry_after);
        meaningful_retry_after = value ? *value > 0 : true;  // a date marks a rate-limit window
    }
    bool has_limit = false;
    for (const char* name : {"x-ratelimit-limit", "x-rate-limit-limit", "ratelimit-limit"}) {
        for (const auto& [key, value] : headers)
            if (detail::iequals(key, name)) has_limit = true;
    }
    return meaningful_retry_after && has_limit;
}

bool valid_scheme(std::string_view scheme) {
    if (scheme.empty() || !((scheme[0] >= 'a' && scheme[0] <= 'z') || (scheme[0] >= 'A' && scheme[0] <= 'Z')))
        return false;
    for (char c : scheme)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '+' || c == '.' || c == '-'))
            return false;
    return true;
}

/// "scheme://host/path" of `url` (arcade_tdk's _sanitize_uri): the query, fragment and `;params`
/// go first, then user info; the scheme is lower-cased. A URL without a scheme keeps none.
std::string endpoint_of(std::string_view url) {
    url = url.substr(0, url.find_first_of("?#"));
    std::string scheme;
    if (const auto sep = url.find("://"); sep != std::string_view::npos && valid_scheme(url.substr(0, sep))) {
        scheme = detail::ascii_lower(url.substr(0, sep));
        url.remove_prefix(sep + 3);
    }
    const auto slash = url.find('/');
    std::string_view authority = url.substr(0, slash);
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
    std::string_view path = slash == std::string_view::npos ? std::string_view() : url.substr(slash);
    path = path.substr(0, path.find(';'));
    while (!path.empty() && path.front() == '/') path.remove_prefix(1);
    while (!path.empty() && path.back() == '/') path.remove_suffix(1);
    std::string out;
    if (!scheme.empty()) out.append(scheme).append("://");
    out.append(authority).append("/").append(path);
    return out;
}

json extra_for(std::string_view method, std::string_view url) {
    json extra{{"service", "_http"}};
    if (!url.empty()) extra["endpoint"] = endpoint_of(url);
    if (!method.empty()) extra["http_method"] = detail::ascii_upper(method);
    return extra;
}

std::string_view failure_name(transport_failure failure) {
    switch (failure) {
        case transport_failure::timeout: return "timeout";
        case transport_failure::unreachable: return "unreachable";
        case transport_failure::too_many_redirects: return "too_many_redirects";
        case transport_failure::undecodable: return "undecodable";
        case transport_failure::incomplete: return "incomplete";
        case transport_failure::invalid_url: return "invalid_url";
        case transport_failure::unsupported_scheme: return "unsupported_scheme";
        case transport_failure::tls: return "tls";
    }
    return "incomplete";
}

constexpr std::size_t body_limit = 1024;

}  // namespace

std::optional<std::int64_t> retry_after_from_headers(const headers_t& headers) {
    std::string_view name;
    std::string_view value;
    for (const char* candidate : {"retry-after", "x-ratelimit-reset", "x-ratelimit-reset-ms"}) {
        value = header(headers, candidate);
        if (!value.empty()) {
            name = candidate;
            break;
        }
    }
    if (value.empty()) return std::nullopt;
    if (all_digits(value)) {
        const std::int64_t n = to_int(value);
        if (name == "x-ratelimit-reset-ms") return n;
        // x-ratelimit-reset holds a delay at some APIs and an epoch time at others (GitHub).
        const std::int64_t now = now_seconds();
        if (name == "x-ratelimit-reset" && n > 1'000'000'000) return n > now ? (n - now) * 1000 : 0;
        return n * 1000;
    }
    if (name == "retry-after") {
        if (const auto at = http_date(value)) {
            const std::int64_t now = now_seconds();
            return *at > now ? (*at - now) * 1000 : 0;
        }
    }
    return std::nullopt;
}

tool_error upstream_http_error(const upstream_response& response) {
    const int status = response.status;
    std::string message = "Upstream HTTP request failed (";
    message.append(status_phrase(status)).append(", ").append(status_class(status)).append(").");
    tool_error error;
    if (status == 429 || (status == 403 && rate_limited_403(response.headers))) {
        const std::int64_t wait_ms = retry_after_from_headers(response.headers).value_or(1000);
        if (wait_ms / 1000 > 0) {
            message.append(" Retry after ").append(std::to_string(wait_ms / 1000)).append(" second(s).");
        } else {
            message.append(" Rate limit encountered.");
        }
        error = tool_error::upstream_rate_limit(std::move(message), wait_ms);
    } else {
        error = tool_error::upstream(status, std::move(message));
    }
    std::string developer = "HTTP " + std::to_string(status);
    if (!response.url.empty()) {
        developer.append(" from ");
        if (!response.method.empty()) developer.append(detail::ascii_upper(response.method)).append(" ");
        developer.append(endpoint_of(response.url));
    }
    if (!response.body.empty()) {
        std::size_t cut = std::min(response.body.size(), body_limit);
        // Not inside a UTF-8 sequence: back up over continuation bytes (10xxxxxx).
        while (cut < response.body.size() && cut > 0 && (static_cast<unsigned char>(response.body[cut]) & 0xC0) == 0x80)
            --cut;
        developer.append(": ").append(response.body, 0, cut);
        if (cut < response.body.size()) developer.append("...");
    }
    error.developer_message = std::move(developer);
    error.extra = extra_for(response.method, response.url);
    return error;
}

tool_error upstream_transport_error(transport_failure failure, std::string_view method, std::string_view url,
                                    std::string detail) {
    tool_error error;
    switch (failure) {
        case transport_failure::timeout:
            error = tool_error::network(error_kind::network_transport_runtime_timeout,
                                        "HTTP request timed out before a complete response was received.");
            break;
        case transport_failure::unreachable:
            error = tool_error::network(error_kind::network_transport_runtime_unreachable,
                                        "HTTP request failed before reaching the upstream service.");
            break;
        case transport_failure::too_many_redirects:
            error = tool_error::network(error_kind::network_transport_runtime_unmapped,
                                        "HTTP redirect limit exceeded before a final response was received.", false);
            break;
        case transport_failure::undecodable:
            error = tool_error::network(error_kind::network_transport_runtime_unmapped,
                                        "HTTP response from upstream could not be decoded.");
            break;
        case transport_failure::incomplete:
            error = tool_error::network(error_kind::network_transport_runtime_unmapped,
                                        "HTTP request failed before a complete response was received.");
            break;
        case transport_failure::invalid_url:
            error = tool_error::fatal("HTTP request URL is invalid or malformed.");
            break;
        case transport_failure::unsupported_scheme:
            error = tool_error::fatal("HTTP request URL uses an unsupported scheme (expected http or https).");
            break;
        case transport_failure::tls:
            error = tool_error::fatal(
                "TLS handshake failed \u2014 likely a local certificate or trust configuration issue.");
            break;
    }
    if (!detail.empty()) error.developer_message = std::move(detail);
    error.extra = extra_for(method, url);
    error.extra["error_type"] = failure_name(failure);
    return error;
}

}  // namespace arcade_mcp
