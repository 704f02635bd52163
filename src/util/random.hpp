// Cryptographically secure identifiers (OpenSSL RAND_bytes): session ids and fallback user ids.
#pragma once

#include <string>

namespace arcade_mcp::detail {

/// `bytes` random bytes as lower-case hex (16 -> 32 characters). Throws std::runtime_error if the
/// RNG fails (never falls back to a weak source).
std::string random_hex(std::size_t bytes);
/// A random RFC 4122 version-4 UUID, dashed.
std::string random_uuid_v4();

}  // namespace arcade_mcp::detail
