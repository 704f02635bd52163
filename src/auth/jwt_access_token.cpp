// JWT access-token decoding and verification (see jwt_access_token.hpp). The order is fixed:
// decode, algorithm allow-list, key, signature, then claims, so that a token which is not
// signed by the authorization server never learns anything about how its claims were judged.
#include "auth/jwt_access_token.hpp"

#include <openssl/err.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <array>
#include <utility>

#include "auth/openssl_ptr.hpp"
#include "auth/strict_json.hpp"
#include "util/ascii.hpp"
#include "util/base64url.hpp"

namespace arcade_mcp::detail::auth {
namespace {

constexpr json_limits token_json_limits{
    .max_depth = 16, .max_string_bytes = max_access_token_bytes, .max_batch_members = 0};
constexpr std::size_t es256_signature_bytes = 64;  // raw r||s, 32 bytes each
constexpr std::size_t ed25519_signature_bytes = 64;

std::optional<unverified_token> refuse(std::string& why, std::string_view text) {
    why = text;
    return std::nullopt;
}

/// Decodes one segment into a JSON object; `what` names it ("header", "payload") in `why`.
std::optional<json> decode_object(std::string_view segment, const char* what, std::string& text, std::string& why) {
    auto decoded = base64url_decode(segment);
    if (!decoded) {
        why = std::string("token ") + what + " is not base64url";
        return std::nullopt;
    }
    auto [status, value] = parse_strict_object(*decoded, &token_json_limits);
    if (status != strict_parse_status::ok) {
        why = std::string("token ") + what +
              (status == strict_parse_status::duplicate ? " has a duplicate member name" : " is not a JSON object");
        return std::nullopt;
    }
    text = std::move(*decoded);
    return std::move(value);
}

const unsigned char* bytes(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

/// The raw r||s of an ES256 signature as the DER ECDSA-Sig-Value OpenSSL verifies.
std::optional<std::string> es256_der(std::string_view raw) {
    if (raw.size() != es256_signature_bytes) return std::nullopt;
    const auto half = static_cast<int>(es256_signature_bytes / 2);
    bn_ptr r(BN_bin2bn(bytes(raw), half, nullptr));
    bn_ptr s(BN_bin2bn(bytes(raw) + half, half, nullptr));
    ecdsa_sig_ptr sig(ECDSA_SIG_new());
    if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return std::nullopt;
    (void)r.release();  // owned by sig now
    (void)s.release();
    const int len = i2d_ECDSA_SIG(sig.get(), nullptr);
    if (len <= 0) return std::nullopt;
    std::string der(static_cast<std::size_t>(len), '\0');
    auto* out = reinterpret_cast<unsigned char*>(der.data());
    if (i2d_ECDSA_SIG(sig.get(), &out) != len) return std::nullopt;
    return der;
}

/// Whether `signature` over `input` verifies with `key` under `alg` (one-shot EVP_DigestVerify).
bool signature_verifies(jws_alg alg, const verification_key& key, std::string_view input, std::string_view signature) {
    EVP_PKEY* pkey = key.pkey.get();
    std::string der;
    switch (alg) {
        case jws_alg::rs256:
        case jws_alg::ps256:
            // RSA signatures are exactly the modulus length (RFC 8017 §8.2.2, §8.1.2).
            if (signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(pkey))) return false;
            break;
        case jws_alg::es256: {
            auto converted = es256_der(signature);  // any other length, DER included, is refused
            if (!converted) return false;
            der = std::move(*converted);
            signature = der;
            break;
        }
        case jws_alg::eddsa:
            if (signature.size() != ed25519_signature_bytes) return false;
            break;
    }
    const md_ctx_ptr ctx(EVP_MD_CTX_new());
    if (!ctx) return false;
    EVP_PKEY_CTX* pctx = nullptr;
    const EVP_MD* md = alg == jws_alg::eddsa ? nullptr : EVP_sha256();
    if (EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, pkey) != 1) return false;
    if (alg == jws_alg::ps256 &&
        (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) <= 0 ||
         EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) <= 0 ||
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) <= 0))  // RFC 7518 §3.5: salt = 32 bytes
        return false;
    if (alg == jws_alg::rs256 && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) <= 0) return false;
    return EVP_DigestVerify(ctx.get(), bytes(signature), signature.size(), bytes(input), input.size()) == 1;
}

token_verdict fail(token_failure failure, std::string description) {
    token_verdict v;
    v.failure = failure;
    v.description = std::move(description);
    return v;
}

/// Appends the space-separated words of `text` to `out`.
void split_scopes(std::string_view text, std::vector<std::string>& out) {
    while (!text.empty()) {
        const auto start = text.find_first_not_of(' ');
        if (start == std::string_view::npos) break;
        text.remove_prefix(start);
        const auto end = std::min(text.find(' '), text.size());
        out.emplace_back(text.substr(0, end));
        text.remove_prefix(end);
    }
}

/// The claim checks, once the signature is known to be good.
token_verdict check_claims(const json& payload, const token_policy& policy, std::int64_t now) {
    verified_claims claims;
    const auto iss = payload.find("iss");
    if (iss == payload.end()) return fail(token_failure::wrong_issuer, "token has no issuer");
    if (!iss->is_string()) return fail(token_failure::malformed, "token issuer is not a string");
    if (*iss != policy.issuer)
        return fail(token_failure::wrong_issuer, "token issuer is not " + printable(policy.issuer, 200));
    claims.issuer = iss->get<std::string>();

    const auto aud = payload.find("aud");
    if (aud == payload.end()) return fail(token_failure::wrong_audience, "token has no audience");
    const auto ours = [&](const json& a) {
        return std::find(policy.audiences.begin(), policy.audiences.end(), a.get_ref<const std::string&>()) !=
               policy.audiences.end();
    };
    bool for_us = false;
    if (aud->is_string()) {
        for_us = ours(*aud);
    } else if (aud->is_array()) {
        for (const auto& a : *aud) {
            if (!a.is_string()) return fail(token_failure::malformed, "token audience holds a non-string");
            for_us = for_us || ours(a);
        }
    } else {
        return fail(token_failure::malformed, "token audience is neither a string nor an array");
    }
    if (!for_us) return fail(token_failure::wrong_audience, "audience does not include this resource");

    const auto leeway = static_cast<std::int64_t>(policy.leeway.count());
    const auto exp = payload.find("exp");
    if (exp == payload.end()) return fail(token_failure::missing_claim, "token has no exp");
    const auto exp_s = json_whole_seconds(*exp);
    if (!exp_s) return fail(token_failure::malformed, "token exp is not a number");
    if (saturating_add(*exp_s, leeway) <= now) return fail(token_failure::expired, "token expired");
    claims.expires_at = *exp_s;

    for (const auto& [name, verify] : {std::pair{"nbf", policy.verify_nbf}, std::pair{"iat", policy.verify_iat}}) {
        const auto it = payload.find(name);
        if (it == payload.end()) continue;
        const auto s = json_whole_seconds(*it);
        if (!s) return fail(token_failure::malformed, std::string("token ") + name + " is not a number");
        if (verify && *s > saturating_add(now, leeway))
            return fail(token_failure::not_yet_valid, std::string("token not yet valid (") + name + ")");
    }

    const auto sub = payload.find("sub");
    if (sub == payload.end()) return fail(token_failure::missing_claim, "token has no sub");
    if (!sub->is_string()) return fail(token_failure::malformed, "token sub is not a string");
    if (sub->get_ref<const std::string&>().empty()) return fail(token_failure::missing_claim, "token sub is empty");
    claims.subject = sub->get<std::string>();

    if (const auto scope = payload.find("scope"); scope != payload.end()) {
        if (!scope->is_string()) return fail(token_failure::malformed, "token scope is not a string");
        split_scopes(scope->get_ref<const std::string&>(), claims.scopes);
    } else if (const auto scp = payload.find("scp"); scp != payload.end()) {
        if (scp->is_string()) {
            split_scopes(scp->get_ref<const std::string&>(), claims.scopes);
        } else if (scp->is_array()) {
            for (const auto& s : *scp) {
                if (!s.is_string()) return fail(token_failure::malformed, "token scp holds a non-string");
                split_scopes(s.get_ref<const std::string&>(), claims.scopes);
            }
        } else {
            return fail(token_failure::malformed, "token scp is neither a string nor an array");
        }
    }

    for (const char* name : {"client_id", "azp"}) {
        if (const auto it = payload.find(name); it != payload.end() && it->is_string()) {
            claims.client_id = it->get<std::string>();
            break;
        }
    }
    token_verdict verdict;
    verdict.claims = std::move(claims);
    return verdict;
}

token_verdict verify_unchecked(const unverified_token& token, const jwk_set& keys, const token_policy& policy,
                               std::int64_t now) {
    const auto alg = parse_jws_alg(token.alg);
    if (!alg || std::find(policy.algorithms.begin(), policy.algorithms.end(), *alg) == policy.algorithms.end())
        return fail(token_failure::algorithm_refused, "token algorithm is not accepted");
    const verification_key* key = keys.find(token.kid, *alg);
    if (key == nullptr)
        return fail(token_failure::unknown_key,
                    token.kid.empty() ? "token names no key id and no single key fits" : "unknown key id");
    const bool good = signature_verifies(*alg, *key, token.signing_input, token.signature);
    ERR_clear_error();  // a refused signature leaves reasons on OpenSSL's per-thread queue
    if (!good) return fail(token_failure::bad_signature, "signature does not verify");
    auto [status, payload] = parse_strict_object(token.payload_json, &token_json_limits);
    if (status != strict_parse_status::ok) return fail(token_failure::malformed, "token payload is not a JSON object");
    return check_claims(payload, policy, now);
}

}  // namespace

std::optional<unverified_token> decode_unverified(std::string_view token, std::string& why) {
    try {
        if (token.size() > max_access_token_bytes) return refuse(why, "token too large");
        const auto dot1 = token.find('.');
        const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
        if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
            return refuse(why, "token is not a compact JWS (three segments)");
        const auto header64 = token.substr(0, dot1);
        const auto payload64 = token.substr(dot1 + 1, dot2 - dot1 - 1);
        if (header64.empty() || payload64.empty()) return refuse(why, "token is not a compact JWS (empty segment)");

        unverified_token out;
        const auto header = decode_object(header64, "header", out.header_json, why);
        if (!header) return std::nullopt;
        const auto alg = header->find("alg");
        if (alg == header->end() || !alg->is_string()) return refuse(why, "token header has no alg string");
        out.alg = alg->get<std::string>();
        if (const auto kid = header->find("kid"); kid != header->end()) {
            if (!kid->is_string()) return refuse(why, "token kid is not a string");
            out.kid = kid->get<std::string>();
        }
        if (const auto typ = header->find("typ"); typ != header->end()) {
            if (!typ->is_string()) return refuse(why, "token typ is not a string");
            const auto& t = typ->get_ref<const std::string&>();
            if (!iequals(t, "JWT") && !iequals(t, "at+jwt") && !iequals(t, "application/at+jwt"))
                return refuse(why, "token type is not accepted");
        }
        if (header->contains("crit")) return refuse(why, "critical header parameters are not supported");

        const auto payload = decode_object(payload64, "payload", out.payload_json, why);
        if (!payload) return std::nullopt;
        if (const auto iss = payload->find("iss"); iss != payload->end() && iss->is_string())
            out.issuer = iss->get<std::string>();

        auto signature = base64url_decode(token.substr(dot2 + 1));  // empty for alg "none"
        if (!signature) return refuse(why, "token signature is not base64url");
        out.signature = std::move(*signature);
        out.signing_input = token.substr(0, dot2);
        return out;
    } catch (...) {
        return refuse(why, "token could not be decoded");
    }
}

token_verdict verify_access_token(const unverified_token& token, const jwk_set& keys, const token_policy& policy,
                                  std::int64_t now) {
    try {
        return verify_unchecked(token, keys, policy, now);
    } catch (...) {
        ERR_clear_error();
        return fail(token_failure::malformed, "token could not be verified");
    }
}

}  // namespace arcade_mcp::detail::auth
