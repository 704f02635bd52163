// Test-only: keys, JWKs and signed JWT access tokens made with OpenSSL directly (independent of
// the code under test), shared by the src/auth tests and any later test that needs a token from
// an authorization server. Keys are generated once per process (RSA generation is slow).
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "arcade_mcp/json.hpp"
#include "util/base64url.hpp"

namespace arcade_mcp::detail::auth::test {

inline constexpr std::string_view kIssuer = "https://as.example.com";
inline constexpr std::string_view kAudience = "https://mcp.example.com/mcp";
inline constexpr std::int64_t kNow = 1800000000;  // 2027-01-15

using key_ptr = std::shared_ptr<EVP_PKEY>;

inline key_ptr own(EVP_PKEY* raw) {
    if (raw == nullptr) throw std::runtime_error("test key generation failed");
    return key_ptr(raw, EVP_PKEY_free);
}

inline key_ptr generate_rsa(unsigned bits) {
    return own(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(bits)));
}
inline key_ptr generate_ec_p256() {
    return own(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
}
inline key_ptr generate_ed25519() {
    return own(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
}

/// The keys of the tests, generated on first use.
struct test_keys {
    key_ptr rsa = generate_rsa(2048);
    key_ptr rsa_other = generate_rsa(2048);
    key_ptr rsa_1024 = generate_rsa(1024);
    key_ptr ec = generate_ec_p256();
    key_ptr ec_other = generate_ec_p256();
    key_ptr ed25519 = generate_ed25519();
};
inline const test_keys& keys() {
    static const test_keys k;
    return k;
}

inline std::string b64(std::string_view bytes) {
    return base64url_encode(bytes);
}

inline std::string bn_param(EVP_PKEY* key, const char* name, int pad_to = 0) {
    BIGNUM* bn = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) throw std::runtime_error("EVP_PKEY_get_bn_param failed");
    const int len = pad_to > 0 ? pad_to : BN_num_bytes(bn);
    std::string out(static_cast<std::size_t>(len), '\0');
    BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), len);
    BN_free(bn);
    return out;
}

/// The public JWK of `key` (RSA, EC P-256 or Ed25519), with `kid` and `alg` when given.
inline json public_jwk(EVP_PKEY* key, std::string_view kid, std::optional<std::string_view> alg = std::nullopt) {
    json jwk = json::object();
    if (EVP_PKEY_is_a(key, "RSA")) {
        jwk["kty"] = "RSA";
        jwk["n"] = b64(bn_param(key, OSSL_PKEY_PARAM_RSA_N));
        jwk["e"] = b64(bn_param(key, OSSL_PKEY_PARAM_RSA_E));
    } else if (EVP_PKEY_is_a(key, "EC")) {
        jwk["kty"] = "EC";
        jwk["crv"] = "P-256";
        jwk["x"] = b64(bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, 32));
        jwk["y"] = b64(bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, 32));
    } else {
        unsigned char raw[32];
        std::size_t len = sizeof raw;
        if (EVP_PKEY_get_raw_public_key(key, raw, &len) != 1) throw std::runtime_error("raw public key");
        jwk["kty"] = "OKP";
        jwk["crv"] = "Ed25519";
        jwk["x"] = b64(std::string_view(reinterpret_cast<const char*>(raw), len));
    }
    if (!kid.empty()) jwk["kid"] = kid;
    if (alg) jwk["alg"] = *alg;
    return jwk;
}

/// `{"keys":[...]}` as text.
inline std::string jwk_set_text(const json& keys_array) {
    return json{{"keys", keys_array}}.dump();
}

/// The public key in PEM (SubjectPublicKeyInfo), as an algorithm-confusion attacker would use it.
inline std::string public_pem(EVP_PKEY* key) {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, key);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(len));
    BIO_free(bio);
    return out;
}

/// A DER ECDSA signature turned into the JWS form: r||s, 32 bytes each.
inline std::string der_to_raw(const std::string& der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
    if (sig == nullptr) throw std::runtime_error("d2i_ECDSA_SIG");
    std::string raw(64, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
    ECDSA_SIG_free(sig);
    return raw;
}

/// Signs `input` as JWS `alg` ("RS256", "PS256", "ES256", "EdDSA"; "ES256-DER" gives the DER form
/// a JWS must not use, "PS256-MAXSALT" a PSS signature with the longest salt instead of 32 bytes;
/// "HS256" uses `hmac_secret` and ignores `key`).
inline std::string sign(std::string_view alg, EVP_PKEY* key, std::string_view input,
                        std::string_view hmac_secret = {}) {
    const auto* in = reinterpret_cast<const unsigned char*>(input.data());
    if (alg == "HS256") {
        unsigned char mac[32];
        std::size_t len = 0;
        if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, hmac_secret.data(), hmac_secret.size(), in,
                      input.size(), mac, sizeof mac, &len) == nullptr)
            throw std::runtime_error("HMAC");
        return std::string(reinterpret_cast<const char*>(mac), len);
    }
    const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    EVP_PKEY_CTX* pctx = nullptr;
    const bool eddsa = alg == "EdDSA";
    if (EVP_DigestSignInit(ctx.get(), &pctx, eddsa ? nullptr : EVP_sha256(), nullptr, key) != 1)
        throw std::runtime_error("EVP_DigestSignInit");
    if (alg == "PS256" || alg == "PS256-MAXSALT") {
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
        EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256());
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, alg == "PS256" ? RSA_PSS_SALTLEN_DIGEST : RSA_PSS_SALTLEN_MAX);
    }
    std::size_t len = 0;
    EVP_DigestSign(ctx.get(), nullptr, &len, in, input.size());
    std::string sig(len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in, input.size()) != 1)
        throw std::runtime_error("EVP_DigestSign");
    sig.resize(len);
    return alg == "ES256" ? der_to_raw(sig) : sig;
}

/// "<b64 header>.<b64 payload>.<b64 signature>" with the signature made by sign().
inline std::string make_token(std::string_view header_json, std::string_view payload_json, std::string_view alg,
                              EVP_PKEY* key, std::string_view hmac_secret = {}) {
    std::string input = b64(header_json) + "." + b64(payload_json);
    const std::string sig = sign(alg, key, input, hmac_secret);
    return input + "." + b64(sig);
}

/// A header naming `alg` and `kid` (typ at+jwt).
inline std::string header(std::string_view alg, std::string_view kid) {
    json h = {{"alg", alg}, {"typ", "at+jwt"}};
    if (!kid.empty()) h["kid"] = kid;
    return h.dump();
}

/// Claims valid at kNow for kIssuer and kAudience.
inline json valid_claims() {
    return {{"iss", kIssuer},   {"aud", kAudience}, {"sub", "user-1"},       {"exp", kNow + 3600},
            {"iat", kNow - 60}, {"nbf", kNow - 60}, {"scope", "tools:read"}, {"client_id", "client-1"}};
}

}  // namespace arcade_mcp::detail::auth::test
