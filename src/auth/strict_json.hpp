// Helpers shared by the auth sources: the strict JSON object parser and whole seconds
// (util/strict_json.hpp), saturating addition, and a printable, shortened copy of a foreign
// string for log lines.
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
#include "util/strict_json.hpp"

namespace arcade_mcp::detail::auth {

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
