// Parsing and validation of one runtime-configuration value (see config_values.hpp): number
// ranges, words, bind addresses (checked by binding once), Host/Origin allow-list entries, and
// one-line error messages that escape control characters and redact secret-looking settings.
#include "app/config_values.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace arcade_mcp::detail::config_values {
namespace {

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
char ascii_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

std::string to_lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
    return out;
}

bool is_secret_name(std::string_view name) {
    std::string upper(name);
    std::transform(upper.begin(), upper.end(), upper.begin(), ascii_upper);
    return upper.find("SECRET") != std::string::npos || upper.find("KEY") != std::string::npos ||
           upper.find("TOKEN") != std::string::npos;
}

// Renders a value for a one-line message: control characters escaped, long values cut
// visibly, secret-looking settings redacted.
std::string shown_value(std::string_view name, std::string_view value) {
    if (is_secret_name(name)) return "<redacted>";
    constexpr std::size_t max_shown = 120;
    std::string out = "'";
    for (std::size_t i = 0; i < value.size() && i < max_shown; ++i) {
        const auto c = static_cast<unsigned char>(value[i]);
        if (c < 0x20 || c == 0x7F) {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 0x0F];
        } else {
            out += static_cast<char>(c);
        }
    }
    out += "'";
    if (value.size() > max_shown) out += " (truncated, " + std::to_string(value.size()) + " bytes)";
    return out;
}

bool valid_port_suffix(std::string_view port) {
    if (port == "*") return true;
    unsigned value = 0;
    const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    return !port.empty() && ec == std::errc{} && ptr == port.data() + port.size() && value <= 65535;
}

// "example.com", "example.com:443", "[::1]:8000", "host:*".
bool valid_authority(std::string_view a) {
    if (a.empty()) return false;
    for (const char c : a) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7F || c == '/' || c == '@' || c == '?' || c == '#') return false;
    }
    std::size_t host_end = a.rfind(':');  // ':' of the port, if any
    if (a.front() == '[') {                // IPv6 literal
        const auto close = a.find(']');
        if (close == std::string_view::npos || close == 1) return false;
        if (close + 1 < a.size() && a[close + 1] != ':') return false;
        host_end = close + 1 < a.size() ? close + 1 : std::string_view::npos;
    }
    if (host_end == std::string_view::npos) return true;
    return host_end > 0 && valid_port_suffix(a.substr(host_end + 1));
}

}  // namespace

std::string_view trim(std::string_view s) {
    constexpr std::string_view ws = " \t\r\n\f\v";
    const auto first = s.find_first_not_of(ws);
    if (first == std::string_view::npos) return {};
    return s.substr(first, s.find_last_not_of(ws) - first + 1);
}

[[noreturn]] void fail(std::string_view name, std::string_view value, std::string_view expected) {
    throw config_error{"invalid " + std::string(name) + " " + shown_value(name, value) +
                       ": expected " + std::string(expected)};
}

std::uint64_t parse_uint(const raw_value& v, std::uint64_t min, std::uint64_t max, std::string_view unit) {
    const std::string_view text = trim(v.text);
    std::uint64_t result = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, result);
    const bool digits_only = !text.empty() && text.front() != '-' && text.front() != '+';
    if (!digits_only || ec != std::errc{} || ptr != end || result < min || result > max) {
        std::string expected = "an integer " + std::to_string(min) + "-" + std::to_string(max);
        if (!unit.empty()) expected += " (" + std::string(unit) + ")";
        fail(v.name, v.text, expected);
    }
    return result;
}

transport_kind parse_transport(const raw_value& v) {
    const std::string t = to_lower(trim(v.text));
    if (t == "stdio") return transport_kind::stdio;
    if (t == "http" || t == "streamable-http" || t == "streamable") return transport_kind::http;
    fail(v.name, v.text, "one of stdio, http, streamable-http");
}

/// A bind address: `localhost` or an IPv4/IPv6 literal (brackets allowed around IPv6). Names
/// are not resolved: a server binds one address, and a name could resolve to several.
std::string parse_host(const raw_value& v) {
    std::string_view h = trim(v.text);
    if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
    const std::string host(h);
    in6_addr any{};
    const bool ok = to_lower(host) == "localhost" || ::inet_pton(AF_INET, host.c_str(), &any) == 1 ||
                    ::inet_pton(AF_INET6, host.c_str(), &any) == 1;
    if (!ok) fail(v.name, v.text, "an IP address (such as 127.0.0.1, 0.0.0.0 or ::) or localhost");
    return to_lower(host) == "localhost" ? std::string("localhost") : host;
}

/// Why `host` cannot be bound on this machine (empty when it can): tried once with port 0, so a
/// typo'd or foreign address stops the server with the other configuration errors.
std::string bind_problem(const std::string& host) {
    const std::string ip = host == "localhost" ? "127.0.0.1" : host;
    sockaddr_storage addr{};
    socklen_t len = 0;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
    if (::inet_pton(AF_INET, ip.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        len = sizeof(sockaddr_in);
    } else if (::inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        len = sizeof(sockaddr_in6);
    } else {
        return "not an IP address";
    }
    const int fd = ::socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return std::strerror(errno);
    const int rc = ::bind(fd, reinterpret_cast<const sockaddr*>(&addr), len);
    const int err = errno;
    ::close(fd);
    return rc == 0 ? std::string() : std::string(std::strerror(err));
}

log_format parse_format(const raw_value& v) {
    const std::string f = to_lower(trim(v.text));
    if (f == "text") return log_format::text;
    if (f == "json") return log_format::json;
    fail(v.name, v.text, "text or json");
}

log_level parse_level(const raw_value& v) {
    if (auto level = parse_log_level(trim(v.text))) return *level;
    fail(v.name, v.text, "one of debug, info, warning, error, off");
}

bool parse_bool(const raw_value& v) {
    const std::string b = to_lower(trim(v.text));
    // Pydantic's boolean words, as Arcade's Python settings accept them.
    if (b == "true" || b == "1" || b == "yes" || b == "on" || b == "t" || b == "y") return true;
    if (b == "false" || b == "0" || b == "no" || b == "off" || b == "f" || b == "n") return false;
    fail(v.name, v.text, "true, false, 1, 0, yes, no, on or off");
}

std::string parse_allowed_host(const raw_value& v, std::string_view entry) {
    if (!valid_authority(entry)) {
        fail(v.name, entry, "a host such as example.com or example.com:443");
    }
    return std::string(entry);
}

std::string parse_allowed_origin(const raw_value& v, std::string_view entry) {
    std::string_view e = entry;
    if (e.size() > 1 && e.back() == '/') e.remove_suffix(1);  // browsers send no trailing slash
    const auto sep = e.find("://");
    bool ok = sep != std::string_view::npos && sep > 0;
    if (ok) {
        const std::string_view scheme = e.substr(0, sep);
        ok = std::all_of(scheme.begin(), scheme.end(), [](char c) {
                 return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '+' || c == '-' || c == '.';
             }) && valid_authority(e.substr(sep + 3));
    }
    if (!ok) fail(v.name, entry, "an origin such as https://app.example.com");
    return std::string(e);
}

}  // namespace arcade_mcp::detail::config_values
