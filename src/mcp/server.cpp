// server construction, validation of names and versions, and Arcade's naming rules.
#include "arcade_mcp/mcp/server.hpp"

#include <algorithm>
#include <cctype>
#include <regex>
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

bool matches(std::string_view s, const char* pattern) {
    return std::regex_match(s.begin(), s.end(), std::regex(pattern));
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
    if (matches(s, "^(0|[1-9][0-9]*)$")) s += ".0.0";
    else if (matches(s, "^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)$")) s += ".0";
    static const char* semver =
        "^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)"
        "(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?(\\+[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?$";
    if (!matches(s, semver)) return std::nullopt;
    return s;
}

server::server(server_info info) : info_(std::move(info)) {
    if (!matches(info_.name, "^[A-Za-z0-9][A-Za-z0-9_-]*$"))
        throw std::invalid_argument("invalid server name '" + info_.name + "': use letters, digits, '_' and '-'");
    auto version = normalize_version(info_.version);
    if (!version) throw std::invalid_argument("invalid server version '" + info_.version + "': expected semver such as 1.0.0");
    info_.version = *version;
    if (!info_.toolkit.empty() && !matches(info_.toolkit, "^[A-Za-z0-9_]+$"))
        throw std::invalid_argument("invalid toolkit name '" + info_.toolkit + "': use letters, digits and '_'");
    if (info_.page_size == 0) throw std::invalid_argument("page_size must be at least 1");
}

tool_spec& server::add_tool(tool_spec spec) {
    if (!matches(spec.name, "^[A-Za-z0-9_.-]{1,128}$"))
        throw std::invalid_argument("invalid tool name '" + spec.name + "': 1-128 of [A-Za-z0-9_.-]");
    if (spec.description.empty()) throw std::invalid_argument("tool '" + spec.name + "' needs a description");
    if (!spec.invoke) throw std::invalid_argument("tool '" + spec.name + "' has no handler");
    if (!spec.input_schema.is_object() || spec.input_schema.value("type", json()) != "object")
        throw std::invalid_argument("tool '" + spec.name + "': inputSchema must be an object schema");
    const auto key = [&](const std::string& n) { return info_.toolkit.empty() ? n : snake_to_pascal_case(n); };
    const auto clash = std::find_if(tools_.begin(), tools_.end(), [&](const tool_spec& t) {
        auto a = key(t.name), b = key(spec.name);
        return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) { return to_lower(x) == to_lower(y); });
    });
    if (clash != tools_.end()) throw std::invalid_argument("duplicate tool name '" + spec.name + "'");
    tools_.push_back(std::move(spec));
    return tools_.back();
}

}  // namespace arcade_mcp
