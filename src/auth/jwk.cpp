// JWK Set parsing into OpenSSL 3 public keys (see jwk.hpp): RSA n/e and EC P-256 x/y through
// EVP_PKEY_fromdata, Ed25519 through EVP_PKEY_new_raw_public_key. Every size is bounded before it
// reaches OpenSSL; a key we cannot or must not use is skipped with a reason, never half-loaded.
#include "auth/jwk.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>

#include <string>
#include <utility>

#include "auth/openssl_ptr.hpp"
#include "auth/strict_json.hpp"
#include "util/base64url.hpp"

namespace arcade_mcp::detail::auth {
namespace {

constexpr std::size_t max_document_bytes = 1024 * 1024;
// {"keys":[{"key_ops":[...]}]} is four levels deep; a JWK has nothing deeper.
constexpr json_limits document_limits{.max_depth = 6, .max_string_bytes = 16 * 1024, .max_batch_members = 0};
constexpr std::size_t max_kid_chars = 256;
// 8192 bits are 1024 bytes, 1366 base64url characters; one more byte for a leading zero.
constexpr std::size_t max_rsa_n_chars = 1368;
constexpr std::size_t max_rsa_e_chars = 11;  // 8 bytes: OpenSSL refuses larger exponents anyway
constexpr int min_rsa_bits = 2048;
constexpr int max_rsa_bits = 8192;
constexpr std::size_t coordinate_bytes = 32;  // P-256 x, y and an Ed25519 public key

const unsigned char* bytes(const std::string& s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

/// Where a member is absent, `nullptr`; otherwise the member.
const json* member(const json& object, const char* name) {
    const auto it = object.find(name);
    return it == object.end() ? nullptr : &*it;
}

/// The strict base64url member `name` of at most `max_chars` characters, or nullopt with `why`.
std::optional<std::string> base64_member(const json& jwk, const char* name, std::size_t max_chars, std::string& why) {
    const json* v = member(jwk, name);
    if (v == nullptr || !v->is_string()) {
        why = std::string("no \"") + name + "\" string";
        return std::nullopt;
    }
    const auto& text = v->get_ref<const std::string&>();
    if (text.size() > max_chars) {
        why = std::string("\"") + name + "\" is too long";
        return std::nullopt;
    }
    auto decoded = base64url_decode(text);
    if (!decoded || decoded->empty()) why = std::string("\"") + name + "\" is not base64url";
    return decoded && !decoded->empty() ? std::move(decoded) : std::nullopt;
}

std::shared_ptr<evp_pkey_st> share(EVP_PKEY* raw) {
    return std::shared_ptr<evp_pkey_st>(raw, EVP_PKEY_free);
}

/// Imports `params` as a public key of `type` ("RSA", "EC"); nullptr when OpenSSL refuses them.
pkey_ptr from_params(const char* type, OSSL_PARAM_BLD* bld) {
    const params_ptr params(OSSL_PARAM_BLD_to_param(bld));
    const pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY* raw = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
        EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0)
        return nullptr;
    return pkey_ptr(raw);
}

std::string load_rsa(const json& jwk, verification_key& key) {
    std::string why;
    const auto n = base64_member(jwk, "n", max_rsa_n_chars, why);
    if (!n) return why;
    const auto e = base64_member(jwk, "e", max_rsa_e_chars, why);
    if (!e) return why;
    const bn_ptr nb(BN_bin2bn(bytes(*n), static_cast<int>(n->size()), nullptr));
    const bn_ptr eb(BN_bin2bn(bytes(*e), static_cast<int>(e->size()), nullptr));
    if (!nb || !eb) return "out of memory";
    const int bits = BN_num_bits(nb.get());
    if (bits < min_rsa_bits)
        return "RSA key of " + std::to_string(bits) + " bits (at least " + std::to_string(min_rsa_bits) + " required)";
    if (bits > max_rsa_bits)
        return "RSA key of " + std::to_string(bits) + " bits (at most " + std::to_string(max_rsa_bits) + " accepted)";
    if (!BN_is_odd(nb.get())) return "RSA modulus is even";
    if (!BN_is_odd(eb.get()) || BN_is_one(eb.get())) return "RSA exponent is not an odd number above 1";
    const param_bld_ptr bld(OSSL_PARAM_BLD_new());
    if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, nb.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, eb.get()) != 1)
        return "out of memory";
    auto pkey = from_params("RSA", bld.get());
    if (!pkey) return "OpenSSL refuses the RSA key";
    key.type = verification_key::key_type::rsa;
    key.pkey = share(pkey.release());
    return {};
}

std::string load_ec(const json& jwk, verification_key& key) {
    const json* crv = member(jwk, "crv");
    if (crv == nullptr || !crv->is_string()) return "EC key without a \"crv\" string";
    if (crv->get_ref<const std::string&>() != "P-256")
        return "curve " + printable(crv->get_ref<const std::string&>()) + " is not supported";
    std::string why;
    constexpr std::size_t max_chars = 44;
    const auto x = base64_member(jwk, "x", max_chars, why);
    if (!x) return why;
    const auto y = base64_member(jwk, "y", max_chars, why);
    if (!y) return why;
    if (x->size() != coordinate_bytes || y->size() != coordinate_bytes) return "P-256 x and y must be 32 bytes each";
    const std::string point = '\x04' + *x + *y;  // uncompressed SEC1 point
    const param_bld_ptr bld(OSSL_PARAM_BLD_new());
    if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1)
        return "out of memory";
    auto pkey = from_params("EC", bld.get());
    if (!pkey) return "the point is not on the P-256 curve";
    const pkey_ctx_ptr check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
    if (!check || EVP_PKEY_public_check(check.get()) != 1) return "the point is not on the P-256 curve";
    key.type = verification_key::key_type::ec_p256;
    key.pkey = share(pkey.release());
    return {};
}

std::string load_okp(const json& jwk, verification_key& key) {
    const json* crv = member(jwk, "crv");
    if (crv == nullptr || !crv->is_string()) return "OKP key without a \"crv\" string";
    if (crv->get_ref<const std::string&>() != "Ed25519")
        return "curve " + printable(crv->get_ref<const std::string&>()) + " is not supported";
    std::string why;
    const auto x = base64_member(jwk, "x", 44, why);
    if (!x) return why;
    if (x->size() != coordinate_bytes) return "Ed25519 x must be 32 bytes";
    EVP_PKEY* raw = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes(*x), x->size());
    if (raw == nullptr) return "OpenSSL refuses the Ed25519 key";
    key.type = verification_key::key_type::ed25519;
    key.pkey = share(raw);
    return {};
}

bool fits(verification_key::key_type type, jws_alg alg) {
    switch (type) {
        case verification_key::key_type::rsa:
            return alg == jws_alg::rs256 || alg == jws_alg::ps256;
        case verification_key::key_type::ec_p256:
            return alg == jws_alg::es256;
        case verification_key::key_type::ed25519:
            return alg == jws_alg::eddsa;
    }
    return false;
}

/// Loads one JWK into `key`; "" on success, otherwise why it is skipped.
std::string load_key(const json& jwk, verification_key& key) {
    if (!jwk.is_object()) return "not a JSON object";
    if (const json* kid = member(jwk, "kid")) {
        if (!kid->is_string()) return "\"kid\" is not a string";
        if (kid->get_ref<const std::string&>().size() > max_kid_chars) return "\"kid\" is too long";
        key.kid = kid->get<std::string>();
    }
    const json* kty = member(jwk, "kty");
    if (kty == nullptr || !kty->is_string()) return "no \"kty\" string";
    const auto& type = kty->get_ref<const std::string&>();
    if (type != "RSA" && type != "EC" && type != "OKP") return "key type " + printable(type) + " is not supported";
    if (const json* use = member(jwk, "use"); use != nullptr && (!use->is_string() || *use != "sig"))
        return "\"use\" is not \"sig\"";
    if (const json* ops = member(jwk, "key_ops")) {
        if (!ops->is_array()) return "\"key_ops\" is not an array";
        bool verify = false;
        for (const auto& op : *ops) {
            if (!op.is_string()) return "\"key_ops\" holds a non-string";
            verify = verify || op == "verify";
        }
        if (!verify) return "\"key_ops\" does not allow \"verify\"";
    }
    if (const json* alg = member(jwk, "alg")) {
        if (!alg->is_string()) return "\"alg\" is not a string";
        key.alg = parse_jws_alg(alg->get_ref<const std::string&>());
        if (!key.alg) return "algorithm " + printable(alg->get_ref<const std::string&>()) + " is not accepted";
    }
    std::string why = type == "RSA" ? load_rsa(jwk, key) : type == "EC" ? load_ec(jwk, key) : load_okp(jwk, key);
    if (why.empty() && key.alg && !fits(key.type, *key.alg))
        why = "algorithm " + std::string(jws_alg_name(*key.alg)) + " does not fit a " + type + " key";
    return why;
}

}  // namespace

std::optional<jws_alg> parse_jws_alg(std::string_view name) {
    if (name == "RS256") return jws_alg::rs256;
    if (name == "PS256") return jws_alg::ps256;
    if (name == "ES256") return jws_alg::es256;
    if (name == "EdDSA" || name == "Ed25519") return jws_alg::eddsa;
    return std::nullopt;
}

std::string_view jws_alg_name(jws_alg alg) {
    switch (alg) {
        case jws_alg::rs256:
            return "RS256";
        case jws_alg::ps256:
            return "PS256";
        case jws_alg::es256:
            return "ES256";
        case jws_alg::eddsa:
            return "EdDSA";
    }
    return "?";
}

bool verification_key::usable_with(jws_alg a) const {
    return pkey != nullptr && fits(type, a) && (!alg || *alg == a);
}

const verification_key* jwk_set::find(std::string_view kid, jws_alg alg) const {
    const verification_key* only = nullptr;
    for (const auto& key : keys) {
        if (!key.usable_with(alg)) continue;
        if (!kid.empty()) {
            if (key.kid == kid) return &key;
        } else {
            if (only != nullptr) return nullptr;  // several candidates: the token must name one
            only = &key;
        }
    }
    return only;
}

std::optional<jwk_set> parse_jwk_set(std::string_view text, std::string& error, std::size_t max_keys) {
    try {
        if (text.size() > max_document_bytes) {
            error = "JWK Set larger than " + std::to_string(max_document_bytes) + " bytes";
            return std::nullopt;
        }
        auto [status, doc] = parse_strict_object(text, &document_limits);
        if (status != strict_parse_status::ok) {
            error = status == strict_parse_status::duplicate ? "JWK Set with a duplicate member name"
                    : status == strict_parse_status::too_deep_or_long
                        ? "JWK Set nested deeper or with strings longer than a JWK Set has"
                        : "not a JSON object";
            return std::nullopt;
        }
        const json* keys = member(doc, "keys");
        if (keys == nullptr || !keys->is_array()) {
            error = "no \"keys\" array";
            return std::nullopt;
        }
        if (keys->size() > max_keys) {
            error = "more than " + std::to_string(max_keys) + " keys";
            return std::nullopt;
        }
        jwk_set set;
        std::size_t index = 0;
        for (const auto& jwk : *keys) {
            verification_key key;
            std::string why = load_key(jwk, key);
            ERR_clear_error();  // OpenSSL's reasons for a refused key stay out of other code's error queue
            if (why.empty()) {
                set.keys.push_back(std::move(key));
            } else {
                std::string line = "key " + std::to_string(index);
                if (!key.kid.empty()) line += " (kid \"" + printable(key.kid) + "\")";
                set.skipped.push_back(line + " skipped: " + why);
            }
            ++index;
        }
        return set;
    } catch (...) {
        ERR_clear_error();
        error = "JWK Set could not be read (out of memory)";
        return std::nullopt;
    }
}

}  // namespace arcade_mcp::detail::auth
