// server construction, validation of names and versions, and Arcade's naming rules.
#include "arcade_mcp/mcp/server.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace arcade_mcp {
namespace {

bool is_ascii_upper(char c) { return c >= 'A' && c <= 'Z'; }
char to_upper(char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); }
char to_lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string capitalize_rest_lower(std::string_view part) {
    std::string out;
    out.reserve(part.size());
    for (std::size_t i = 0; i < part.size(); ++i) out += i == 0 ? to_upper(part[i]) : to_lower(part[i]);
    return out;
}

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

/// Every character is alphanumeric or one of `extra`.
bool only(std::string_view s, std::string_view extra) {
    return std::all_of(s.begin(), s.end(), [&](char c) { return is_alnum(c) || extra.find(c) != std::string_view::npos; });
}

/// A semver numeric identifier: digits, no leading zero.
bool numeric_identifier(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }) && (s.size() == 1 || s[0] != '0');
}

/// Dot-separated non-empty identifiers of [0-9A-Za-z-] (semver pre-release and build parts).
bool dotted_identifiers(std::string_view s) {
    if (s.empty()) return false;
    std::size_t start = 0;
    while (true) {
        const auto dot = s.find('.', start);
        const auto part = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (part.empty() || !only(part, "-")) return false;
        if (dot == std::string_view::npos) return true;
        start = dot + 1;
    }
}

bool is_semver(std::string_view v) {
    std::string_view build, pre;
    if (auto plus = v.find('+'); plus != std::string_view::npos) {
        build = v.substr(plus + 1);
        if (!dotted_identifiers(build)) return false;
        v = v.substr(0, plus);
    }
    if (auto dash = v.find('-'); dash != std::string_view::npos) {
        pre = v.substr(dash + 1);
        if (!dotted_identifiers(pre)) return false;
        v = v.substr(0, dash);
    }
    const auto d1 = v.find('.');
    const auto d2 = d1 == std::string_view::npos ? d1 : v.find('.', d1 + 1);
    if (d2 == std::string_view::npos) return false;
    return numeric_identifier(v.substr(0, d1)) && numeric_identifier(v.substr(d1 + 1, d2 - d1 - 1)) && numeric_identifier(v.substr(d2 + 1));
}

}  // namespace

std::string snake_to_pascal_case(std::string_view s) {
    if (s.empty()) return {};
    if (s.find('_') != std::string_view::npos) {
        std::string out;
        std::size_t start = 0;
        while (true) {
            const auto end = s.find('_', start);
            const auto part = s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
            out += part.empty() ? std::string("_") : capitalize_rest_lower(part);
            if (end == std::string_view::npos) break;
            start = end + 1;
        }
        return out;
    }
    if (is_ascii_upper(s.front())) return std::string(s);
    return capitalize_rest_lower(s);
}

std::optional<std::string> normalize_version(std::string_view v) {
    if (!v.empty() && (v.front() == 'v' || v.front() == 'V')) v.remove_prefix(1);
    std::string s(v);
    const auto dot = s.find('.');
    if (numeric_identifier(s)) s += ".0.0";
    else if (dot != std::string::npos && numeric_identifier(std::string_view(s).substr(0, dot)) &&
             numeric_identifier(std::string_view(s).substr(dot + 1))) s += ".0";
    if (!is_semver(s)) return std::nullopt;
    return s;
}

server::server(server_info info) : info_(std::move(info)) {
    if (info_.name.empty() || !is_alnum(info_.name.front()) || !only(info_.name, "_-"))
        throw std::invalid_argument("invalid server name '" + info_.name + "': use letters, digits, '_' and '-'");
    auto version = normalize_version(info_.version);
    if (!version) throw std::invalid_argument("invalid server version '" + info_.version + "': expected semver such as 1.0.0");
    info_.version = *version;
    if (!info_.toolkit.empty() && !only(info_.toolkit, "_"))
        throw std::invalid_argument("invalid toolkit name '" + info_.toolkit + "': use letters, digits and '_'");
    if (info_.page_size == 0) throw std::invalid_argument("page_size must be at least 1");
}

tool_spec& server::add_tool(tool_spec spec) {
    if (spec.name.empty() || spec.name.size() > 128 || !only(spec.name, "_.-"))
        throw std::invalid_argument("invalid tool name '" + spec.name + "': 1-128 of [A-Za-z0-9_.-]");
    if (spec.description.empty()) throw std::invalid_argument("tool '" + spec.name + "' needs a description");
    if (!spec.invoke) throw std::invalid_argument("tool '" + spec.name + "' has no handler");
    if (!spec.input_schema.is_object() || spec.input_schema.value("type", json()) != "object")
        throw std::invalid_argument("tool '" + spec.name + "': inputSchema must be an object schema");
    // With a toolkit, Arcade identifies tools by PascalCase name, case-insensitively; without one,
    // names are verbatim and exact.
    const bool arcade = !info_.toolkit.empty();
    const auto clash = std::find_if(tools_.begin(), tools_.end(), [&](const tool_spec& t) {
        if (!arcade) return t.name == spec.name;
        auto a = snake_to_pascal_case(t.name), b = snake_to_pascal_case(spec.name);
        return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) { return to_lower(x) == to_lower(y); });
    });
    if (clash != tools_.end()) throw std::invalid_argument("duplicate tool name '" + spec.name + "'");
    tools_.push_back(std::move(spec));
    return tools_.back();
}

}  // namespace arcade_mcp
