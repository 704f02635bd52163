// A cheap pre-check of untrusted JSON text before it is parsed: nesting depth, string length (in
// bytes, escapes counted as written) and the members of a top-level array (a JSON-RPC batch). One
// pass, no allocation; the parser then only sees input within limits, so neither its work, its
// memory, nor later recursive walks can be driven up by the sender.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace arcade_mcp::detail {

struct json_limits {
    std::size_t max_depth = 64;                  ///< nested arrays/objects
    std::size_t max_string_bytes = 1024 * 1024;  ///< one string (key or value)
    std::size_t max_batch_members = 0;           ///< members of a top-level array; 0: no limit
};

/// Why `text` exceeds the limits ("nesting deeper than 64", ...), or std::nullopt when it does
/// not. Malformed JSON is not judged here (the parser reports it).
std::optional<std::string> exceeds_json_limits(std::string_view text, const json_limits& limits);

}  // namespace arcade_mcp::detail
