// A strict JSON object parser for text an attacker writes (tokens, key sets, metadata): refuses
// what lets two parsers disagree (duplicate member names at any depth, a byte order mark) and,
// when limits are given, bounds nesting and string length before parsing. Shared by the worker
// tokens (src/arcade/jwt.cpp) and front-door authorization (src/auth); and a JSON number read as
// whole seconds (time claims).
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

namespace arcade_mcp::detail {

enum class strict_parse_status { ok, invalid, duplicate, too_deep_or_long };

/// Parses `text` as one JSON object. Refuses a byte order mark (RFC 8259 §8.1), text beyond
/// `limits` when given (checked before parsing), duplicate member names at any depth (nlohmann would keep the
/// last one silently) and any top-level value other than an object. Never throws.
inline std::pair<strict_parse_status, json> parse_strict_object(std::string_view text,
                                                                const json_limits* limits = nullptr) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") return {strict_parse_status::invalid, json()};
    if (limits && exceeds_json_limits(text, *limits)) return {strict_parse_status::too_deep_or_long, json()};
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

/// A JSON number as whole seconds: truncated toward zero (Python's int()), clamped to int64.
/// nullopt for every other type (booleans included) and for non-finite values.
inline std::optional<std::int64_t> json_whole_seconds(const json& v) {
    constexpr auto lo = std::numeric_limits<std::int64_t>::min();
    constexpr auto hi = std::numeric_limits<std::int64_t>::max();
    if (v.is_number_unsigned()) {
        const auto u = v.get<std::uint64_t>();
        return u > static_cast<std::uint64_t>(hi) ? hi : static_cast<std::int64_t>(u);
    }
    if (v.is_number_integer()) return v.get<std::int64_t>();
    if (!v.is_number_float()) return std::nullopt;
    const double d = std::trunc(v.get<double>());
    if (!std::isfinite(d)) return std::nullopt;
    if (d >= 9223372036854775808.0) return hi;  // 2^63
    if (d < -9223372036854775808.0) return lo;
    return static_cast<std::int64_t>(d);
}

}  // namespace arcade_mcp::detail
