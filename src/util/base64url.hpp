// Strict base64url (RFC 4648 §5, no padding) used for pagination cursors and JWT segments.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace arcade_mcp::detail {

std::string base64url_encode(std::string_view bytes);
/// Rejects padding, characters outside the alphabet, a length of 1 mod 4 and non-zero unused bits.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace arcade_mcp::detail
