// HMAC-SHA256 (OpenSSL 3 EVP_Q_mac) and constant-time comparison, shared by the worker JWTs and
// the signed request state of MCP 2026-07-28 multi-round-trip requests.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace arcade_mcp::detail {

using hmac_sha256_mac = std::array<unsigned char, 32>;

/// HMAC-SHA256 keyed with the raw secret bytes; nullopt for an empty key (never valid) or on error.
std::optional<hmac_sha256_mac> hmac_sha256(std::string_view key, std::string_view data);

/// Constant-time equality of two byte strings (only the lengths leak).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace arcade_mcp::detail
