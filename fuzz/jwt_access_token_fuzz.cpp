// Fuzz target: JWT access-token verification (src/auth): parse_jwk_set, decode_unverified and
// verify_access_token under a policy allowing RS256, PS256, ES256 and EdDSA, with a fixed clock.
// Input: "<JWK Set JSON>\n<rest>" (without a newline, the whole input is <rest> and the set is
// empty). <rest> is used twice:
//  1. as a compact token, verified against the input's JWK Set and against the target's own set
//     (one Ed25519 key, kid "fuzz", made from a fixed seed);
//  2. as "<header JSON>\n<payload JSON>" (or a payload alone, under {"alg":"EdDSA","kid":"fuzz"})
//     that the target signs with its Ed25519 key (deterministic signatures), so the fuzzer reaches
//     the claim checks behind the signature.
// Oracles: no crash or sanitizer report; a refusal has a description, an acceptance has none; an
// accepted token has the configured issuer, a non-empty subject, an allowed algorithm and an
// unexpired exp; descriptions are short printable ASCII and never contain a token segment; the
// same token gets the same verdict twice.
// `ARCADE_JWT_ACCESS_TOKEN_FUZZ_MINT=1 jwt_access_token_fuzz` prints a valid seed (the target's
// set and a token it signed) and exits.
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "auth/jwk.hpp"
#include "auth/jwt_access_token.hpp"
#include "util/base64url.hpp"

namespace {

using namespace arcade_mcp::detail;
using namespace arcade_mcp::detail::auth;

constexpr std::int64_t kNow = 1800000000;  // 2027-01-15
constexpr std::string_view kHeader = R"({"alg":"EdDSA","kid":"fuzz","typ":"at+jwt"})";
constexpr std::string_view kValidPayload =
    R"({"iss":"https://as.example.com","aud":"https://mcp.example.com/mcp","sub":"user-1","exp":1800003600,)"
    R"("iat":1799999990,"scope":"tools:read tools:write","client_id":"c1"})";
constexpr std::array<unsigned char, 32> kSeed = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
                                                 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

[[noreturn]] void die(const char* what, std::string_view token) {
    std::fprintf(stderr, "jwt_access_token_fuzz: %s\ntoken: %.*s\n", what, static_cast<int>(token.size()),
                 token.data());
    std::abort();
}

struct fixture {
    EVP_PKEY* key = nullptr;
    std::string jwks;
    jwk_set set;
    token_policy policy;
};

const fixture& the_fixture() {
    static const fixture f = [] {
        fixture out;
        out.key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, kSeed.data(), kSeed.size());
        std::array<unsigned char, 32> pub{};
        std::size_t len = pub.size();
        if (out.key == nullptr || EVP_PKEY_get_raw_public_key(out.key, pub.data(), &len) != 1) die("keygen", "");
        const std::string x = base64url_encode(std::string_view(reinterpret_cast<const char*>(pub.data()), len));
        out.jwks = R"({"keys":[{"kty":"OKP","crv":"Ed25519","use":"sig","kid":"fuzz","x":")" + x + "\"}]}";
        std::string error;
        const auto set = parse_jwk_set(out.jwks, error);
        if (!set || set->keys.size() != 1) die("the target's JWK Set does not parse", out.jwks);
        out.set = *set;
        out.policy.issuer = "https://as.example.com";
        out.policy.audiences = {"https://mcp.example.com/mcp"};
        out.policy.algorithms = {jws_alg::rs256, jws_alg::ps256, jws_alg::es256, jws_alg::eddsa};
        return out;
    }();
    return f;
}

std::string signed_token(std::string_view header, std::string_view payload) {
    std::string input = base64url_encode(header) + "." + base64url_encode(payload);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::array<unsigned char, 64> sig{};
    std::size_t len = sig.size();
    if (ctx == nullptr || EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, the_fixture().key) != 1 ||
        EVP_DigestSign(ctx, sig.data(), &len, reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
        die("signing failed", input);
    EVP_MD_CTX_free(ctx);
    return input + "." + base64url_encode(std::string_view(reinterpret_cast<const char*>(sig.data()), len));
}

bool printable(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c <= 0x7E; });
}

void check(const token_verdict& v, const unverified_token& d, std::string_view token) {
    if (v.claims && !v.description.empty()) die("accepted with a description", token);
    if (!v.claims && v.description.empty()) die("refused without a description", token);
    if (v.description.size() > 300 || !printable(v.description)) die("description too long or not printable", token);
    std::string_view rest = token;
    for (int i = 0; i < 3; ++i) {  // no segment of 16+ characters appears in the description
        const auto dot = rest.find('.');
        const auto segment = rest.substr(0, dot);
        if (segment.size() >= 16 && v.description.find(segment) != std::string::npos)
            die("the description holds token material", token);
        if (dot == std::string_view::npos) break;
        rest.remove_prefix(dot + 1);
    }
    if (!v.claims) return;
    const auto alg = parse_jws_alg(d.alg);
    if (!alg) die("accepted with an algorithm outside the allow-list", token);
    if (v.claims->issuer != the_fixture().policy.issuer) die("accepted for another issuer", token);
    if (v.claims->subject.empty()) die("accepted without a subject", token);
    if (v.claims->expires_at <= kNow - 60) die("accepted although expired", token);
}

void verify(std::string_view token, const jwk_set& set) {
    std::string why;
    const auto decoded = decode_unverified(token, why);
    if (!decoded) {
        if (why.empty() || !printable(why)) die("decode refused without a printable reason", token);
        return;
    }
    const auto& policy = the_fixture().policy;
    const token_verdict first = verify_access_token(*decoded, set, policy, kNow);
    check(first, *decoded, token);
    const token_verdict second = verify_access_token(*decoded, set, policy, kNow);
    if (first.claims.has_value() != second.claims.has_value() || first.failure != second.failure ||
        first.description != second.description)
        die("two verdicts for one token", token);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    const std::string token = signed_token(kHeader, kValidPayload);
    std::string why;
    const auto d = decode_unverified(token, why);
    if (!d || !verify_access_token(*d, the_fixture().set, the_fixture().policy, kNow).claims)
        die("a token signed by the target does not verify", token);
    if (std::getenv("ARCADE_JWT_ACCESS_TOKEN_FUZZ_MINT")) {
        std::printf("%s\n%s", the_fixture().jwks.c_str(), token.c_str());
        std::exit(0);
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    std::string_view jwks_text;
    std::string_view rest = in;
    if (const auto nl = in.find('\n'); nl != std::string_view::npos) {
        jwks_text = in.substr(0, nl);
        rest = in.substr(nl + 1);
    }

    // The input's JWK Set.
    jwk_set set;
    std::string error;
    if (const auto parsed = parse_jwk_set(jwks_text, error)) {
        set = *parsed;
        for (const auto& key : set.keys) {
            if (!key.pkey) die("a loaded key without an OpenSSL key", jwks_text);
            for (const auto alg : {jws_alg::rs256, jws_alg::ps256, jws_alg::es256, jws_alg::eddsa})
                if (set.find(key.kid, alg) != nullptr && !set.find(key.kid, alg)->usable_with(alg))
                    die("find returned a key unusable with the algorithm", jwks_text);
        }
    } else if (error.empty()) {
        die("a refused JWK Set without a reason", jwks_text);
    }

    // 1. <rest> as a token.
    verify(rest, set);
    verify(rest, the_fixture().set);

    // 2. <rest> as JSON, signed by the target.
    std::string_view header = kHeader;
    std::string_view payload = rest;
    if (const auto nl = rest.find('\n'); nl != std::string_view::npos) {
        header = rest.substr(0, nl);
        payload = rest.substr(nl + 1);
    }
    if (header.size() + payload.size() < max_access_token_bytes / 2)
        verify(signed_token(header, payload), the_fixture().set);
    return 0;
}
