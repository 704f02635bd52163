// Host / Origin / Accept / Content-Type policy (see http_policy.hpp).
#include "transport/http/http_policy.hpp"
#include "util/ascii.hpp"

#include <algorithm>
#include <cctype>

namespace arcade_mcp::detail {
namespace {

/// Decimal digits naming a TCP port (0-65535); "99999" is not a port.
bool valid_port(std::string_view p) {
    if (p.empty() || p.size() > 5 || !std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return false;
    unsigned value = 0;
    for (const char c : p) value = value * 10 + static_cast<unsigned>(c - '0');
    return value <= 65535;
}

/// The media type of one list element, lower-case, without parameters.
/// The media type of an Accept element or a Content-Type value (compare with iequals).
std::string_view media_type(std::string_view element) { return trim_blanks(element.substr(0, element.find(';'))); }

/// True for a media range with `q=0` (explicitly not acceptable, RFC 9110 §12.4.2).
bool zero_quality(std::string_view element) {
    for (auto pos = element.find(';'); pos != std::string_view::npos; pos = element.find(';', pos + 1)) {
        auto param = trim_blanks(element.substr(pos + 1, element.find(';', pos + 1) - pos - 1));
        if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
            const auto v = trim_blanks(param.substr(2));
            return !v.empty() && v.find_first_not_of("0.") == std::string_view::npos;
        }
    }
    return false;
}

}  // namespace

bool is_loopback_host(std::string_view host) {
    const auto h = ascii_lower(host);
    return h == "localhost" || h == "127.0.0.1" || h == "::1" || h == "[::1]";
}

std::optional<std::pair<std::string, std::string>> split_authority(std::string_view a) {
    if (a.empty()) return std::nullopt;
    if (a.front() == '[') {
        const auto close = a.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        auto rest = a.substr(close + 1);
        if (!rest.empty() && (rest.front() != ':' || !valid_port(rest.substr(1)))) return std::nullopt;
        return std::pair{ascii_lower(a.substr(0, close + 1)), std::string(rest.empty() ? "" : rest.substr(1))};
    }
    const auto colon = a.rfind(':');
    if (colon == std::string_view::npos) return std::pair{ascii_lower(a), std::string()};
    if (!valid_port(a.substr(colon + 1)) || a.substr(0, colon).find(':') != std::string_view::npos) return std::nullopt;
    return std::pair{ascii_lower(a.substr(0, colon)), std::string(a.substr(colon + 1))};
}

origin_policy::origin_policy(std::string_view bind_host, std::vector<std::string> allowed_hosts,
                             std::vector<std::string> allowed_origins) {
    for (auto& h : allowed_hosts) hosts_.push_back(ascii_lower(trim_blanks(h)));
    for (auto& o : allowed_origins) {
        auto v = ascii_lower(trim_blanks(o));
        while (!v.empty() && v.back() == '/') v.pop_back();
        origins_.push_back(std::move(v));
    }
    for (const char* h : {"localhost", "127.0.0.1", "[::1]"}) hosts_.emplace_back(h);
    // Off loopback with no list configured the Host header cannot be known (ingress); skip it.
    check_host_ = is_loopback_host(bind_host) || !allowed_hosts.empty();
}

bool origin_policy::host_name_allowed(std::string_view host, std::string_view port) const {
    for (const auto& allowed : hosts_) {
        auto parts = split_authority(allowed);
        if (!parts) continue;
        if (parts->first == host && (parts->second.empty() || parts->second == port)) return true;
    }
    return false;
}

bool origin_policy::host_allowed(std::string_view host_header) const {
    if (!check_host_) return true;
    auto parts = split_authority(trim_blanks(host_header));
    return parts && host_name_allowed(parts->first, parts->second);
}

bool origin_policy::origin_allowed(std::string_view origin) const {
    auto o = ascii_lower(trim_blanks(origin));
    while (!o.empty() && o.back() == '/') o.pop_back();
    if (std::find(origins_.begin(), origins_.end(), o) != origins_.end()) return true;
    std::string_view rest = o;
    if (rest.rfind("http://", 0) == 0) rest.remove_prefix(7);
    else if (rest.rfind("https://", 0) == 0) rest.remove_prefix(8);
    else return false;
    if (rest.find('/') != std::string_view::npos || rest.find('@') != std::string_view::npos) return false;
    auto parts = split_authority(rest);
    return parts && host_name_allowed(parts->first, parts->second);
}

bool accepts(std::string_view accept_header, std::string_view type) {
    const auto slash = type.find('/');
    const auto wanted_family = type.substr(0, slash);
    while (!accept_header.empty()) {
        const auto comma = accept_header.find(',');
        const auto element = accept_header.substr(0, comma);
        const auto m = media_type(element);
        const bool family_wildcard = m.size() == wanted_family.size() + 2 && m.substr(m.size() - 2) == "/*" &&
                                     iequals(m.substr(0, wanted_family.size()), wanted_family);
        if ((iequals(m, type) || m == "*/*" || family_wildcard) && !zero_quality(element)) return true;
        if (comma == std::string_view::npos) break;
        accept_header.remove_prefix(comma + 1);
    }
    return false;
}

bool content_type_is(std::string_view content_type, std::string_view type) {
    return iequals(media_type(content_type), type);
}

bool is_mcp_path(std::string_view target) {
    const auto path = target.substr(0, target.find('?'));
    return path == "/mcp" || path == "/mcp/";
}

}  // namespace arcade_mcp::detail
