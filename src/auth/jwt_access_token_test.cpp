// Tests for JWT access-token verification (auth/jwt_access_token.hpp): every algorithm, the
// allow-list against `none`, HS* and algorithm confusion, key choice, signature forms, each claim
// rule, typ/crit/duplicate handling in the decoder, and the order of the checks.
#include "auth/jwt_access_token.hpp"

#include <gtest/gtest.h>

#include <string>

#include "auth/jwt_test_keys.hpp"

namespace arcade_mcp::detail::auth {
namespace {

using test::b64;
using test::header;
using test::keys;
using test::kNow;
using test::make_token;
using test::valid_claims;

const jwk_set& key_set() {
    static const jwk_set set = [] {
        std::string error;
        return parse_jwk_set(test::jwk_set_text(json::array({
                                 test::public_jwk(keys().rsa.get(), "rsa"),
                                 test::public_jwk(keys().rsa_other.get(), "rsa-rs256", "RS256"),
                                 test::public_jwk(keys().ec.get(), "ec"),
                                 test::public_jwk(keys().ed25519.get(), "ed"),
                             })),
                             error)
            .value();
    }();
    return set;
}

token_policy policy() {
    return {.issuer = std::string(test::kIssuer),
            .audiences = {"https://other.example.com/mcp", std::string(test::kAudience)},
            .algorithms = {jws_alg::rs256, jws_alg::ps256, jws_alg::es256, jws_alg::eddsa}};
}

/// Decodes and verifies `token`; a decoding failure comes back as `malformed` with its reason.
token_verdict check(const std::string& token, const token_policy& p = policy(), std::int64_t now = kNow) {
    std::string why;
    const auto decoded = decode_unverified(token, why);
    if (!decoded) {
        EXPECT_FALSE(why.empty());
        token_verdict v;
        v.description = why;
        return v;
    }
    auto verdict = verify_access_token(*decoded, key_set(), p, now);
    EXPECT_EQ(verdict.claims.has_value(), verdict.description.empty()) << verdict.description;
    return verdict;
}

std::string rs256(const json& claims, std::string_view kid = "rsa") {
    return make_token(header("RS256", kid), claims.dump(), "RS256", keys().rsa.get());
}

json with(json claims, const std::string& name, json value) {
    claims[name] = std::move(value);
    return claims;
}
json without(json claims, const std::string& name) {
    claims.erase(name);
    return claims;
}

void expect_failure(const token_verdict& v, token_failure failure, std::string_view description) {
    EXPECT_FALSE(v.claims.has_value());
    EXPECT_EQ(v.failure, failure) << v.description;
    EXPECT_NE(v.description.find(description), std::string::npos) << v.description;
}

TEST(AccessToken, EachAlgorithmVerifies) {
    const std::string payload = valid_claims().dump();
    for (const auto& [alg, kid, key] :
         {std::tuple{"RS256", "rsa", keys().rsa.get()}, std::tuple{"PS256", "rsa", keys().rsa.get()},
          std::tuple{"ES256", "ec", keys().ec.get()}, std::tuple{"EdDSA", "ed", keys().ed25519.get()}}) {
        const auto v = check(make_token(header(alg, kid), payload, alg, key));
        ASSERT_TRUE(v.claims.has_value()) << alg << ": " << v.description;
        EXPECT_EQ(v.claims->subject, "user-1");
        EXPECT_EQ(v.claims->issuer, test::kIssuer);
        EXPECT_EQ(v.claims->expires_at, kNow + 3600);
        EXPECT_EQ(v.claims->scopes, std::vector<std::string>{"tools:read"});
        EXPECT_EQ(v.claims->client_id, "client-1");
    }
}

TEST(AccessToken, AlgNoneIsRefused) {
    const std::string token = b64(R"({"alg":"none","typ":"JWT"})") + "." + b64(valid_claims().dump()) + ".";
    expect_failure(check(token), token_failure::algorithm_refused, "algorithm is not accepted");
}

TEST(AccessToken, HmacWithThePublicKeyAsSecretIsRefused) {
    // Algorithm confusion: an HS256 MAC keyed with the RSA public key a verifier might misuse.
    const auto payload = valid_claims().dump();
    for (const std::string& secret :
         {test::public_pem(keys().rsa.get()), test::bn_param(keys().rsa.get(), OSSL_PKEY_PARAM_RSA_N)}) {
        const auto token = make_token(header("HS256", "rsa"), payload, "HS256", nullptr, secret);
        expect_failure(check(token), token_failure::algorithm_refused, "algorithm");
    }
}

TEST(AccessToken, AlgorithmsOutsideTheAllowListAreRefused) {
    const auto payload = valid_claims().dump();
    for (const char* alg : {"HS256", "HS384", "HS512", "RS384", "RS512", "PS384", "ES384", "ES512", "rs256", ""}) {
        const std::string token = b64(header(alg, "rsa")) + "." + b64(payload) + "." + b64("sig");
        expect_failure(check(token), token_failure::algorithm_refused, "algorithm");
    }
    auto only_es256 = policy();
    only_es256.algorithms = {jws_alg::es256};
    expect_failure(check(rs256(valid_claims()), only_es256), token_failure::algorithm_refused, "algorithm");
}

TEST(AccessToken, JwkAlgMustMatchTheHeaderAlg) {
    // The key "rsa-rs256" says alg RS256: a PS256 token naming it finds no usable key.
    const auto token = make_token(header("PS256", "rsa-rs256"), valid_claims().dump(), "PS256", keys().rsa_other.get());
    expect_failure(check(token), token_failure::unknown_key, "unknown key id");
    const auto good = make_token(header("RS256", "rsa-rs256"), valid_claims().dump(), "RS256", keys().rsa_other.get());
    EXPECT_TRUE(check(good).claims.has_value());
}

TEST(AccessToken, KeyIsChosenByKid) {
    expect_failure(check(rs256(valid_claims(), "nope")), token_failure::unknown_key, "unknown key id");
    // Signed by the other RSA key but naming "rsa": the signature fails.
    const auto wrong = make_token(header("RS256", "rsa"), valid_claims().dump(), "RS256", keys().rsa_other.get());
    expect_failure(check(wrong), token_failure::bad_signature, "signature does not verify");
    // No kid: fine when one key fits the algorithm, refused when several do.
    const auto ed = make_token(header("EdDSA", ""), valid_claims().dump(), "EdDSA", keys().ed25519.get());
    EXPECT_TRUE(check(ed).claims.has_value());
    expect_failure(check(rs256(valid_claims(), "")), token_failure::unknown_key, "no single key");
}

TEST(AccessToken, TamperedOrTruncatedSignaturesFail) {
    const auto token = rs256(valid_claims());
    const auto dot = token.find('.');
    const auto dot2 = token.find('.', dot + 1);
    const std::string tampered =
        token.substr(0, dot + 1) + b64(with(valid_claims(), "sub", "admin").dump()) + token.substr(dot2);
    expect_failure(check(tampered), token_failure::bad_signature, "signature does not verify");
    const auto sig = base64url_decode(token.substr(dot2 + 1)).value();
    const auto truncated = token.substr(0, dot2 + 1) + b64(sig.substr(0, sig.size() - 1));
    expect_failure(check(truncated), token_failure::bad_signature, "signature");
    expect_failure(check(token.substr(0, dot2 + 1)), token_failure::bad_signature, "signature");
}

TEST(AccessToken, RsaPaddingMustMatchTheAlgorithm) {
    const auto payload = valid_claims().dump();
    // A PKCS#1 v1.5 signature under a PS256 header, and a PSS one under RS256.
    const auto input = b64(header("PS256", "rsa")) + "." + b64(payload);
    const auto v15 = input + "." + b64(test::sign("RS256", keys().rsa.get(), input));
    expect_failure(check(v15), token_failure::bad_signature, "signature does not verify");
    const auto input2 = b64(header("RS256", "rsa")) + "." + b64(payload);
    const auto pss = input2 + "." + b64(test::sign("PS256", keys().rsa.get(), input2));
    expect_failure(check(pss), token_failure::bad_signature, "signature does not verify");
    // RFC 7518 §3.5: the PSS salt is 32 bytes; a longer one is refused.
    const auto long_salt = make_token(header("PS256", "rsa"), payload, "PS256-MAXSALT", keys().rsa.get());
    expect_failure(check(long_salt), token_failure::bad_signature, "signature does not verify");
}

TEST(AccessToken, Es256SignatureMustBeRawNotDer) {
    const auto der = make_token(header("ES256", "ec"), valid_claims().dump(), "ES256-DER", keys().ec.get());
    expect_failure(check(der), token_failure::bad_signature, "signature does not verify");
    const auto other = make_token(header("ES256", "ec"), valid_claims().dump(), "ES256", keys().ec_other.get());
    expect_failure(check(other), token_failure::bad_signature, "signature does not verify");
}

TEST(AccessToken, SignatureIsCheckedBeforeClaims) {
    // An expired token for another issuer with a bad signature says only "signature".
    auto claims = with(with(valid_claims(), "exp", kNow - 9999), "iss", "https://evil.example");
    const auto token = make_token(header("RS256", "rsa"), claims.dump(), "RS256", keys().rsa_other.get());
    expect_failure(check(token), token_failure::bad_signature, "signature does not verify");
}

TEST(AccessToken, IssuerMustMatch) {
    expect_failure(check(rs256(with(valid_claims(), "iss", "https://evil.example"))), token_failure::wrong_issuer,
                   "token issuer is not https://as.example.com");
    expect_failure(check(rs256(without(valid_claims(), "iss"))), token_failure::wrong_issuer, "no issuer");
    expect_failure(check(rs256(with(valid_claims(), "iss", 1))), token_failure::malformed, "issuer");
}

TEST(AccessToken, AudienceMustIncludeThisResource) {
    expect_failure(check(rs256(with(valid_claims(), "aud", "https://elsewhere.example/mcp"))),
                   token_failure::wrong_audience, "audience does not include this resource");
    EXPECT_TRUE(check(rs256(with(valid_claims(), "aud", {"a", test::kAudience}))).claims.has_value());
    expect_failure(check(rs256(with(valid_claims(), "aud", {"a", "b"}))), token_failure::wrong_audience, "audience");
    expect_failure(check(rs256(with(valid_claims(), "aud", json::array()))), token_failure::wrong_audience, "audience");
    expect_failure(check(rs256(without(valid_claims(), "aud"))), token_failure::wrong_audience, "no audience");
    expect_failure(check(rs256(with(valid_claims(), "aud", 5))), token_failure::malformed, "audience");
    expect_failure(check(rs256(with(valid_claims(), "aud", {test::kAudience, 5}))), token_failure::malformed,
                   "audience");
}

TEST(AccessToken, ExpiryWithLeeway) {
    expect_failure(check(rs256(with(valid_claims(), "exp", kNow - 61))), token_failure::expired, "token expired");
    expect_failure(check(rs256(with(valid_claims(), "exp", kNow - 60))), token_failure::expired, "token expired");
    EXPECT_TRUE(check(rs256(with(valid_claims(), "exp", kNow - 59))).claims.has_value());
    EXPECT_TRUE(check(rs256(with(valid_claims(), "exp", kNow + 10.5))).claims.has_value());
    auto strict = policy();
    strict.leeway = std::chrono::seconds(0);
    expect_failure(check(rs256(with(valid_claims(), "exp", kNow)), strict), token_failure::expired, "expired");
    expect_failure(check(rs256(without(valid_claims(), "exp"))), token_failure::missing_claim, "token has no exp");
    expect_failure(check(rs256(with(valid_claims(), "exp", "never"))), token_failure::malformed, "exp");
    expect_failure(check(rs256(with(valid_claims(), "exp", true))), token_failure::malformed, "exp");
    EXPECT_TRUE(check(rs256(with(valid_claims(), "exp", 1e300))).claims.has_value());
}

TEST(AccessToken, NotBeforeAndIssuedAtInTheFuture) {
    expect_failure(check(rs256(with(valid_claims(), "nbf", kNow + 61))), token_failure::not_yet_valid, "(nbf)");
    EXPECT_TRUE(check(rs256(with(valid_claims(), "nbf", kNow + 60))).claims.has_value());
    expect_failure(check(rs256(with(valid_claims(), "iat", kNow + 61))), token_failure::not_yet_valid, "(iat)");
    EXPECT_TRUE(check(rs256(with(valid_claims(), "iat", kNow + 60))).claims.has_value());
    auto lax = policy();
    lax.verify_iat = false;
    lax.verify_nbf = false;
    EXPECT_TRUE(check(rs256(with(with(valid_claims(), "iat", kNow + 999), "nbf", kNow + 999)), lax).claims);
    expect_failure(check(rs256(with(valid_claims(), "nbf", "soon"))), token_failure::malformed, "nbf");
    EXPECT_TRUE(check(rs256(without(without(valid_claims(), "nbf"), "iat"))).claims.has_value());
}

TEST(AccessToken, SubjectIsRequired) {
    expect_failure(check(rs256(without(valid_claims(), "sub"))), token_failure::missing_claim, "token has no sub");
    expect_failure(check(rs256(with(valid_claims(), "sub", ""))), token_failure::missing_claim, "sub");
    expect_failure(check(rs256(with(valid_claims(), "sub", 42))), token_failure::malformed, "sub is not a string");
}

TEST(AccessToken, ScopesFromScopeOrScp) {
    const auto scopes = [](const json& claims) { return check(rs256(claims)).claims.value().scopes; };
    using list = std::vector<std::string>;
    EXPECT_EQ(scopes(with(valid_claims(), "scope", "  a b   c ")), (list{"a", "b", "c"}));
    EXPECT_EQ(scopes(with(valid_claims(), "scope", "")), list{});
    auto scp = without(valid_claims(), "scope");
    EXPECT_EQ(scopes(with(scp, "scp", {"x", "y"})), (list{"x", "y"}));
    EXPECT_EQ(scopes(with(scp, "scp", "x y")), (list{"x", "y"}));
    EXPECT_EQ(scopes(scp), list{});
    EXPECT_EQ(scopes(with(valid_claims(), "scp", {"ignored"})), list{"tools:read"});  // scope wins
    expect_failure(check(rs256(with(scp, "scp", {"x", 1}))), token_failure::malformed, "scp");
    expect_failure(check(rs256(with(valid_claims(), "scope", json::array({"a"})))), token_failure::malformed, "scope");
}

TEST(AccessToken, ClientIdFromClientIdOrAzp) {
    const auto client = [](const json& claims) { return check(rs256(claims)).claims.value().client_id; };
    EXPECT_EQ(client(valid_claims()), "client-1");
    EXPECT_EQ(client(with(without(valid_claims(), "client_id"), "azp", "az")), "az");
    EXPECT_EQ(client(with(with(valid_claims(), "client_id", 3), "azp", "az")), "az");
    EXPECT_FALSE(client(without(valid_claims(), "client_id")).has_value());
}

TEST(AccessToken, TypMayBeJwtOrAtJwt) {
    for (const char* typ : {"JWT", "at+jwt", "application/at+jwt", "AT+JWT", "jwt"}) {
        const json h = {{"alg", "RS256"}, {"kid", "rsa"}, {"typ", typ}};
        EXPECT_TRUE(check(make_token(h.dump(), valid_claims().dump(), "RS256", keys().rsa.get())).claims) << typ;
    }
    for (const json& typ : {json("foo"), json("JOSE"), json(1)}) {
        const json h = {{"alg", "RS256"}, {"kid", "rsa"}, {"typ", typ}};
        expect_failure(check(make_token(h.dump(), valid_claims().dump(), "RS256", keys().rsa.get())),
                       token_failure::malformed, "typ");
    }
    const json no_typ = {{"alg", "RS256"}, {"kid", "rsa"}};
    EXPECT_TRUE(check(make_token(no_typ.dump(), valid_claims().dump(), "RS256", keys().rsa.get())).claims);
}

TEST(AccessToken, CritAndDuplicateMembersAreRefused) {
    const json crit = {{"alg", "RS256"}, {"kid", "rsa"}, {"crit", {"exp"}}, {"exp", 1}};
    expect_failure(check(make_token(crit.dump(), valid_claims().dump(), "RS256", keys().rsa.get())),
                   token_failure::malformed, "critical");
    const std::string dup_header = R"({"alg":"RS256","kid":"rsa","alg":"none"})";
    expect_failure(check(make_token(dup_header, valid_claims().dump(), "RS256", keys().rsa.get())),
                   token_failure::malformed, "duplicate");
    std::string payload = valid_claims().dump();
    payload.insert(1, R"("sub":"admin",)");
    expect_failure(check(make_token(header("RS256", "rsa"), payload, "RS256", keys().rsa.get())),
                   token_failure::malformed, "duplicate");
}

TEST(AccessToken, DecoderRefusesMalformedTokens) {
    const auto good = rs256(valid_claims());
    const auto p = good.find('.');
    for (const std::string& bad :
         {std::string(), std::string("abc"), good.substr(0, good.rfind('.')), good + ".x", "." + good.substr(p + 1),
          good.substr(0, p) + "=" + good.substr(p), b64("[1]") + good.substr(p),
          b64(R"({"kid":"rsa"})") + good.substr(p), b64(R"({"alg":"RS256","kid":1})") + good.substr(p),
          good.substr(0, p + 1) + b64("\"x\"") + good.substr(good.rfind('.')), good + "=",
          std::string(max_access_token_bytes + 1, 'a')}) {
        std::string why;
        EXPECT_FALSE(decode_unverified(bad, why).has_value()) << bad.substr(0, 80);
        EXPECT_FALSE(why.empty());
    }
    std::string why;
    EXPECT_FALSE(decode_unverified(std::string(max_access_token_bytes + 1, 'a'), why));
    EXPECT_EQ(why, "token too large");
}

TEST(AccessToken, DecoderExposesKidAlgAndIssuer) {
    const auto token = rs256(valid_claims(), "rsa");
    std::string why;
    const auto d = decode_unverified(token, why).value();
    EXPECT_EQ(d.alg, "RS256");
    EXPECT_EQ(d.kid, "rsa");
    EXPECT_EQ(d.issuer, test::kIssuer);
    EXPECT_EQ(d.signing_input, std::string_view(token).substr(0, token.rfind('.')));
    EXPECT_EQ(d.signature.size(), 256u);
}

TEST(AccessToken, DescriptionsCarryNoTokenMaterial) {
    const auto claims = with(with(valid_claims(), "sub", "secret-subject"), "aud", "secret-audience");
    const std::string tokens[] = {rs256(claims), rs256(claims, "secret-kid"),
                                  make_token(header("HS256", "secret-kid"), claims.dump(), "HS256", nullptr, "k"),
                                  rs256(with(claims, "iss", "secret-issuer")), rs256(with(claims, "exp", kNow - 9999))};
    for (const auto& token : tokens) {
        const auto v = check(token);
        ASSERT_FALSE(v.claims.has_value());
        EXPECT_EQ(v.description.find("secret"), std::string::npos) << v.description;
    }
}

}  // namespace
}  // namespace arcade_mcp::detail::auth
