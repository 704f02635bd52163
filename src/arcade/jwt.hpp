// Worker tokens: verification (and minting, for tests and operators' curl checks) of the HS256 JWTs
// the Arcade engine sends to /worker/* routes. Rules: spec/arcade-worker-protocol.md §3;
// implementation plan (OpenSSL 3 EVP_Q_mac + CRYPTO_memcmp): design/cpp-stack.md §5.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/hmac.hpp"  // constant_time_equal, used with tokens

namespace arcade_mcp::detail {

/// Outcome of a token check. `reason` is empty when ok; otherwise a PyJWT-style message such as
/// "Signature has expired", meant for `{"detail":"Invalid token. Error: <reason>"}` and one log line.
/// It never contains the token or the secret (echoed claim values are escaped and truncated).
struct token_check {
    bool ok = false;
    std::string reason;
};

/// Largest accepted token, in bytes; longer input fails with "Token too large" before any decoding.
inline constexpr std::size_t max_worker_token_size = 8 * 1024;

/// Verifies an engine->worker token: HS256 only, keyed with the raw secret bytes (an empty secret
/// never verifies); aud "worker" (string or array containing it); ver the string "1"; exp/nbf/iat
/// checked against now_seconds (zero leeway) when present; any crit rejected; kid must be a string
/// if present; sub/jti must be strings if present; duplicate JSON keys rejected.
token_check verify_worker_token(std::string_view token, std::string_view secret, std::int64_t now_seconds);

/// The value of an Authorization header -> the bearer token, or nullopt when missing / not
/// "Bearer <token>" (scheme case-insensitive, one space or more; trailing spaces/tabs ignored).
/// The returned view points into `authorization_header`.
std::optional<std::string_view> bearer_token(std::string_view authorization_header);

/// Mints {"aud":"worker","ver":"1","iat":now,"exp":now+ttl} (exp omitted when ttl is nullopt; the
/// sum saturates) with header {"alg":"HS256","typ":"JWT"}, compact JSON; for operators' curl tests
/// and for tests. Throws std::invalid_argument for an empty secret (it could never verify).
std::string mint_worker_token(std::string_view secret, std::int64_t now_seconds,
                              std::optional<std::int64_t> ttl_seconds);

}  // namespace arcade_mcp::detail
