// JSON as the server reads and writes it on the hot path. to_json_text: compact, invalid UTF-8
// replaced (never an exception on the way out), serialized into a per-thread buffer that keeps
// its capacity, then copied out at its exact size (one allocation per message instead of one per
// doubling of a growing string). member_or_null: a view of an object's member, never a copy.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "arcade_mcp/json.hpp"

namespace arcade_mcp::detail {

/// `object[key]` when `object` is an object that has `key`, else a null value: a view, never a
/// copy (json::value() copies what it returns).
inline const json& member_or_null(const json& object, std::string_view key) {
    static const json none;
    if (!object.is_object()) return none;
    const auto it = object.find(key);
    return it != object.end() ? *it : none;
}

inline std::string to_json_text(const json& value) {
    // Replies larger than this are returned as the buffer itself, so no thread keeps a large one.
    constexpr std::size_t kept_capacity = 64 * 1024;
    thread_local std::string buffer;
    buffer.clear();
    nlohmann::detail::serializer<json> out(nlohmann::detail::output_adapter<char, std::string>(buffer), ' ',
                                           json::error_handler_t::replace);
    out.dump(value, false, false, 0);
    if (buffer.capacity() > kept_capacity) return std::exchange(buffer, std::string());
    return std::string(buffer);
}

}  // namespace arcade_mcp::detail
