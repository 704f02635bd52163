// Helpers shared by the auth sources: a JSON object parser that refuses what lets two
// parsers disagree (duplicate member names at any depth, a byte order mark) and bounds nesting and
// string length before parsing; a JSON number as whole seconds; a printable, shortened copy of a
// foreign string for log lines. Same rules as the worker-token parser (src/arcade/jwt.cpp).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "arcade_mcp/json.hpp"
#include "util/json_limits.hpp"

namespace arcade_mcp::detail::auth {

enum class strict_parse_status { ok, invalid, duplicate, too_deep_or_long };

/// Parses `text` as one JSON object. Refuses a byte order mark (RFC 8259 §8.1), text beyond
/// `limits` (checked before parsing), duplicate member names at any depth (nlohmann would keep the
/// last one silently) and any top-level value other than an object. Never throws.
inline std::pair<strict_parse_status, json> parse_strict_object(std::string_view text, const json_limits& limits) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") return {strict_parse_status::invalid, json()};
    if (exceeds_json_limits(text, limits)) return {strict_parse_status::too_deep_or_long, json()};
    try {
        std::vector<std::set<std::string>> keys;  // one set per open object
        bool duplicate = false;
        const json::parser_callback_t track = [&](int, json::parse_event_t event, json& value) {
            if (event == json::parse_event_t::object_start) {
                keys.emplace_back();
            } else if (event == json::parse_event_t::object_end) {
                if (!keys.empty()) keys.pop_back();
            } else if (event == json::parse_event_t::key) {
                if (keys.empty() || !keys.back().insert(value.get<std::string>()).second) duplicate = true;
            }
            return true;
        };
        json value = json::parse(text.begin(), text.end(), track, /*allow_exceptions=*/false);
        if (value.is_discarded()) return {strict_parse_status::invalid, json()};
        if (duplicate) return {strict_parse_status::duplicate, json()};
        if (!value.is_object()) return {strict_parse_status::invalid, json()};
        return {strict_parse_status::ok, std::move(value)};
    } catch (...) {  // allocation failure
        return {strict_parse_status::invalid, json()};
    }
}

/// A JSON number as whole seconds: truncated toward zero, clamped to int64. nullopt for every
/// other type (booleans included).
inline std::optional<std::int64_t> json_seconds(const json& v) {
    constexpr auto lo = std::numeric_limits<std::int64_t>::min();
    constexpr auto hi = std::numeric_limits<std::int64_t>::max();
    if (v.is_number_unsigned()) {
        const auto u = v.get<std::uint64_t>();
        return u > static_cast<std::uint64_t>(hi) ? hi : static_cast<std::int64_t>(u);
    }
    if (v.is_number_integer()) return v.get<std::int64_t>();
    if (!v.is_number_float()) return std::nullopt;
    const double d = std::trunc(v.get<double>());
    if (std::isnan(d)) return std::nullopt;
    if (d >= 9223372036854775808.0) return hi;  // 2^63 (also +inf)
    if (d < -9223372036854775808.0) return lo;
    return static_cast<std::int64_t>(d);
}

/// `a + b` saturated to the int64 range.
inline std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
    std::int64_t out = 0;
    if (__builtin_add_overflow(a, b, &out))
        return b > 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
    return out;
}

/// A foreign string made safe for a log line: printable ASCII only, at most `max` characters.
inline std::string printable(std::string_view s, std::size_t max = 64) {
    std::string out;
    for (const char c : s.substr(0, max)) out += (c >= 0x20 && c <= 0x7E) ? c : '?';
    if (s.size() > max) out += "...";
    return out;
}

}  // namespace arcade_mcp::detail::auth
