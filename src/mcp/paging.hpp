// Opaque cursors of the paginated list methods (tools/list, resources/list, ...): base64url of
// "<kind>:<offset>", checked on the way back in.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "arcade_mcp/json.hpp"

namespace arcade_mcp::detail {

/// The cursor for the page starting at `offset`.
std::string encode_cursor(std::string_view kind, std::size_t offset);
/// The offset a request's `cursor` param names: 0 when absent; std::nullopt when it is not a
/// cursor of this kind or points outside 1..size-1.
std::optional<std::size_t> decode_cursor(const json& params, std::string_view kind, std::size_t size);

/// `{<member>: items[offset, offset+page)}` plus `nextCursor` when more follow; `render(i)`
/// produces item i. Sets `err` (invalid params) and returns null on a bad cursor.
template <class Render>
json page_of(const json& params, std::string_view kind, const char* member, std::size_t size, std::size_t page_size,
             Render render, bool& bad_cursor) {
    const auto offset = decode_cursor(params, kind, size);
    bad_cursor = !offset;
    if (!offset) return nullptr;
    const std::size_t end = std::min(size, *offset + page_size);
    json items = json::array();
    for (std::size_t i = *offset; i < end; ++i) items.push_back(render(i));
    json result{{member, std::move(items)}};
    if (end < size) result["nextCursor"] = encode_cursor(kind, end);
    return result;
}

}  // namespace arcade_mcp::detail
