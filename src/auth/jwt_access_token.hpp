// JWT access tokens (RFC 9068) verified on OpenSSL 3 against a JWK Set, with the claim rules of
// spec/authorization.md §3: an algorithm allow-list, the key chosen by `kid`, `iss`, `aud`
// (RFC 8707), `exp` required, `nbf`/`iat` with leeway, scopes from `scope` or `scp`, `sub` required.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/jwk.hpp"

namespace arcade_mcp::detail::auth {

/// What one authorization server's tokens must satisfy.
struct token_policy {
    std::string issuer;                  ///< `iss` must equal it exactly
    std::vector<std::string> audiences;  ///< `aud` (string or array) must contain one of them
    std::vector<jws_alg> algorithms;     ///< the allow-list; the header's `alg` must be in it
    std::chrono::seconds leeway{60};     ///< clock skew allowed for `exp`, `nbf`, `iat`
    bool verify_iat = true;              ///< refuse an `iat` in the future (beyond leeway)
    bool verify_nbf = true;              ///< refuse an `nbf` in the future (beyond leeway)
};

/// Largest token accepted, in bytes; longer ones are refused before any decoding.
inline constexpr std::size_t max_access_token_bytes = 16 * 1024;

/// The first two segments of a compact JWS, decoded but not verified: enough to pick the
/// authorization server (`iss`) and the key (`kid`, `alg`).
struct unverified_token {
    std::string header_json;
    std::string payload_json;
    std::string_view signing_input;  ///< "<header>.<payload>", a view into the token
    std::string signature;           ///< decoded bytes
    std::string alg;                 ///< the header's `alg`, as sent
    std::string kid;                 ///< the header's `kid`, "" when absent
    std::string issuer;              ///< the payload's `iss`, "" when absent or not a string
};

/// Splits and decodes a compact JWS (three strict base64url segments, JSON objects without
/// duplicate keys, `alg` a string, `typ` absent or one of "JWT", "at+jwt", "application/at+jwt"
/// (case-insensitive), no `crit`). nullopt with `why` (safe to show: never token material).
std::optional<unverified_token> decode_unverified(std::string_view token, std::string& why);

/// Why a token was refused.
enum class token_failure {
    malformed,          ///< not a compact JWS, bad JSON, a claim of the wrong type
    algorithm_refused,  ///< `alg` not in the allow-list (`none`, HS*, anything not configured)
    unknown_key,        ///< no key in the set for this `kid` and `alg`: the set may need a refetch
    bad_signature,
    expired,
    not_yet_valid,  ///< `nbf` or `iat` in the future beyond the leeway
    wrong_issuer,
    wrong_audience,
    missing_claim,  ///< no `exp`, no `sub`
};

/// The claims of a verified token that the server uses.
struct verified_claims {
    std::string subject;                   ///< `sub`
    std::string issuer;                    ///< `iss`
    std::vector<std::string> scopes;       ///< from `scope` (space-separated) or `scp` (array of strings)
    std::int64_t expires_at = 0;           ///< `exp`, seconds since the epoch
    std::optional<std::string> client_id;  ///< `client_id` or `azp`, when present
};

struct token_verdict {
    std::optional<verified_claims> claims;  ///< set when the token is valid
    token_failure failure = token_failure::malformed;
    std::string description;  ///< for `error_description` and the log: short, never token material
};

/// Verifies a decoded token with `keys` under `policy` at `now` (seconds since the epoch):
/// algorithm, key, signature (RSA PKCS#1 v1.5 / PSS with SHA-256, ECDSA P-256 with a 64-byte
/// raw r||s signature, Ed25519), then the claims. Never throws.
token_verdict verify_access_token(const unverified_token& token, const jwk_set& keys, const token_policy& policy,
                                  std::int64_t now);

}  // namespace arcade_mcp::detail::auth
