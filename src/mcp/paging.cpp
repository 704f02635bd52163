// Cursor encoding of the list methods (see paging.hpp).
#include "mcp/paging.hpp"

#include "util/base64url.hpp"

namespace arcade_mcp::detail {

std::string encode_cursor(std::string_view kind, std::size_t offset) {
    return base64url_encode(std::string(kind) + ":" + std::to_string(offset));
}

std::optional<std::size_t> decode_cursor(const json& params, std::string_view kind, std::size_t size) {
    const auto c = params.find("cursor");
    if (c == params.end() || c->is_null()) return std::size_t{0};
    const auto decoded = c->is_string() ? base64url_decode(c->get<std::string>()) : std::nullopt;
    const std::string prefix = std::string(kind) + ":";
    if (!decoded || decoded->rfind(prefix, 0) != 0 || decoded->size() <= prefix.size() ||
        decoded->size() >= prefix.size() + 10)
        return std::nullopt;
    std::size_t offset = 0;
    for (std::size_t i = prefix.size(); i < decoded->size(); ++i) {
        const char ch = (*decoded)[i];
        if (ch < '0' || ch > '9') return std::nullopt;
        offset = offset * 10 + static_cast<std::size_t>(ch - '0');
    }
    if (offset == 0 || offset >= size) return std::nullopt;
    return offset;
}

}  // namespace arcade_mcp::detail
