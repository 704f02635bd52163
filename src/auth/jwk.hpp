// Verification keys for JWT access tokens: JWK / JWK Set parsing (RFC 7517/7518) into OpenSSL 3
// public keys, with the rules of spec/authorization.md §3: RSA of at least 2048 bits, EC P-256,
// OKP Ed25519; `use`, when present, must be "sig"; private members are ignored, never loaded.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct evp_pkey_st;  // OpenSSL's EVP_PKEY, kept out of this header

namespace arcade_mcp::detail::auth {

/// The signature algorithms a resource server may accept. `none` and every HS* are not in it:
/// they can never be configured or accepted.
enum class jws_alg { rs256, ps256, es256, eddsa };

/// "RS256", "PS256", "ES256", "EdDSA" (also "Ed25519", the RFC 9864 name) -> the algorithm.
std::optional<jws_alg> parse_jws_alg(std::string_view name);
/// The JOSE name: "RS256", "PS256", "ES256", "EdDSA".
std::string_view jws_alg_name(jws_alg alg);

/// One public key of a JWK Set.
struct verification_key {
    enum class key_type { rsa, ec_p256, ed25519 };
    std::string kid;  ///< empty when the JWK has none
    key_type type = key_type::rsa;
    std::optional<jws_alg> alg;  ///< the JWK's `alg`, when it names one we know
    std::shared_ptr<evp_pkey_st> pkey;

    /// Whether this key may verify a signature made with `a`: the key type fits the algorithm
    /// (RSA: RS256/PS256; P-256: ES256; Ed25519: EdDSA) and the JWK's `alg`, if any, equals it.
    bool usable_with(jws_alg a) const;
};

/// A parsed JWK Set: the usable keys, and one line per key that was skipped (for the log).
struct jwk_set {
    std::vector<verification_key> keys;
    std::vector<std::string> skipped;

    /// The key with this `kid` usable with `alg`; with an empty `kid`, the only key usable with
    /// `alg` (nullptr when there are several or none).
    const verification_key* find(std::string_view kid, jws_alg alg) const;
};

/// Parses a JWK Set document (`{"keys":[...]}`). Returns nullopt with `error` set when the text
/// is not a JWK Set at all (not JSON, no `keys` array, more than `max_keys` keys, nesting deeper
/// than a JWK has); a key that cannot be used (unknown `kty`/`crv`, RSA under 2048 bits, `use`
/// other than "sig", bad base64url, a point not on the curve) is skipped with a reason.
std::optional<jwk_set> parse_jwk_set(std::string_view text, std::string& error, std::size_t max_keys = 64);

}  // namespace arcade_mcp::detail::auth
