// Tests for JWK Set parsing (auth/jwk.hpp): the keys each type yields, the keys that are skipped
// and why, the documents that are refused outright, and key lookup by kid and algorithm.
#include "auth/jwk.hpp"

#include <gtest/gtest.h>

#include <string>

#include "auth/jwt_test_keys.hpp"

namespace arcade_mcp::detail::auth {
namespace {

using test::keys;
using test::public_jwk;

jwk_set parse_ok(const std::string& text) {
    std::string error;
    auto set = parse_jwk_set(text, error);
    EXPECT_TRUE(set.has_value()) << error;
    return set ? *set : jwk_set{};
}

/// Parses a set of one key and expects it skipped with a reason containing `why`.
void expect_skipped(const json& jwk, std::string_view why) {
    const auto set = parse_ok(test::jwk_set_text(json::array({jwk})));
    EXPECT_TRUE(set.keys.empty()) << jwk.dump();
    ASSERT_EQ(set.skipped.size(), 1u) << jwk.dump();
    EXPECT_NE(set.skipped[0].find(why), std::string::npos) << set.skipped[0];
}

void expect_refused(std::string_view text, std::string_view why) {
    std::string error;
    EXPECT_FALSE(parse_jwk_set(text, error).has_value()) << text;
    EXPECT_NE(error.find(why), std::string::npos) << error;
}

TEST(JwsAlg, ParsesTheFourAlgorithmsAndNothingElse) {
    EXPECT_EQ(parse_jws_alg("RS256"), jws_alg::rs256);
    EXPECT_EQ(parse_jws_alg("PS256"), jws_alg::ps256);
    EXPECT_EQ(parse_jws_alg("ES256"), jws_alg::es256);
    EXPECT_EQ(parse_jws_alg("EdDSA"), jws_alg::eddsa);
    EXPECT_EQ(parse_jws_alg("Ed25519"), jws_alg::eddsa);
    for (const char* name : {"none", "HS256", "HS384", "HS512", "RS384", "RS512", "ES384", "PS512", "rs256", ""})
        EXPECT_FALSE(parse_jws_alg(name).has_value()) << name;
    for (const auto alg : {jws_alg::rs256, jws_alg::ps256, jws_alg::es256, jws_alg::eddsa})
        EXPECT_EQ(parse_jws_alg(jws_alg_name(alg)), alg);
}

TEST(JwkSet, LoadsRsaEcAndEd25519Keys) {
    const auto set = parse_ok(test::jwk_set_text(json::array({
        public_jwk(keys().rsa.get(), "r1", "RS256"),
        public_jwk(keys().ec.get(), "e1"),
        public_jwk(keys().ed25519.get(), "d1", "EdDSA"),
    })));
    ASSERT_EQ(set.keys.size(), 3u);
    EXPECT_TRUE(set.skipped.empty());
    EXPECT_EQ(set.keys[0].kid, "r1");
    EXPECT_EQ(set.keys[0].type, verification_key::key_type::rsa);
    EXPECT_EQ(set.keys[0].alg, jws_alg::rs256);
    EXPECT_EQ(set.keys[1].type, verification_key::key_type::ec_p256);
    EXPECT_FALSE(set.keys[1].alg.has_value());
    EXPECT_EQ(set.keys[2].type, verification_key::key_type::ed25519);
    for (const auto& key : set.keys) EXPECT_NE(key.pkey, nullptr);
}

TEST(JwkSet, KeyIsUsableOnlyWithAlgorithmsOfItsTypeAndItsAlg) {
    const auto set = parse_ok(test::jwk_set_text(json::array({
        public_jwk(keys().rsa.get(), "any-rsa"),
        public_jwk(keys().rsa_other.get(), "rs256-only", "RS256"),
        public_jwk(keys().ec.get(), "ec"),
        public_jwk(keys().ed25519.get(), "ed"),
    })));
    ASSERT_EQ(set.keys.size(), 4u);
    EXPECT_TRUE(set.keys[0].usable_with(jws_alg::rs256));
    EXPECT_TRUE(set.keys[0].usable_with(jws_alg::ps256));
    EXPECT_FALSE(set.keys[0].usable_with(jws_alg::es256));
    EXPECT_TRUE(set.keys[1].usable_with(jws_alg::rs256));
    EXPECT_FALSE(set.keys[1].usable_with(jws_alg::ps256));  // its JWK says RS256
    EXPECT_TRUE(set.keys[2].usable_with(jws_alg::es256));
    EXPECT_FALSE(set.keys[2].usable_with(jws_alg::eddsa));
    EXPECT_TRUE(set.keys[3].usable_with(jws_alg::eddsa));
    EXPECT_FALSE(set.keys[3].usable_with(jws_alg::rs256));
}

TEST(JwkSet, FindsKeyByKidAndAlgorithm) {
    const auto set = parse_ok(test::jwk_set_text(json::array({
        public_jwk(keys().rsa.get(), "a"),
        public_jwk(keys().rsa_other.get(), "b", "RS256"),
        public_jwk(keys().ec.get(), "c"),
    })));
    ASSERT_EQ(set.keys.size(), 3u);
    EXPECT_EQ(set.find("a", jws_alg::ps256), &set.keys[0]);
    EXPECT_EQ(set.find("b", jws_alg::rs256), &set.keys[1]);
    EXPECT_EQ(set.find("b", jws_alg::ps256), nullptr);
    EXPECT_EQ(set.find("c", jws_alg::rs256), nullptr);
    EXPECT_EQ(set.find("zzz", jws_alg::rs256), nullptr);
    // Without a kid: the only key usable with the algorithm, or none when there are several.
    EXPECT_EQ(set.find("", jws_alg::es256), &set.keys[2]);
    EXPECT_EQ(set.find("", jws_alg::ps256), &set.keys[0]);
    EXPECT_EQ(set.find("", jws_alg::rs256), nullptr);
    EXPECT_EQ(set.find("", jws_alg::eddsa), nullptr);
}

TEST(JwkSet, SkipsRsaKeyUnder2048Bits) {
    expect_skipped(public_jwk(keys().rsa_1024.get(), "small"), "1024 bits");
}

TEST(JwkSet, SkipsRsaModulusLongerThan8192Bits) {
    json jwk = public_jwk(keys().rsa.get(), "huge");
    std::string n(1400, 'A');  // appended, not `+`: GCC 12 -Warray-bounds false positive at -O2
    n.push_back('Q');
    jwk["n"] = n;
    expect_skipped(jwk, "too long");
}

TEST(JwkSet, SkipsEcPointNotOnTheCurve) {
    json jwk = public_jwk(keys().ec.get(), "bad-point");
    auto y = base64url_decode(jwk["y"].get<std::string>()).value();
    y[31] = static_cast<char>(y[31] ^ 1);
    jwk["y"] = base64url_encode(y);
    expect_skipped(jwk, "not on the P-256 curve");
}

TEST(JwkSet, SkipsCoordinatesOfTheWrongSize) {
    json jwk = public_jwk(keys().ec.get(), "short");
    jwk["x"] = base64url_encode(std::string(31, '\x01'));
    expect_skipped(jwk, "32 bytes");
    json ed = public_jwk(keys().ed25519.get(), "ed");
    ed["x"] = base64url_encode(std::string(33, '\x01'));
    expect_skipped(ed, "32 bytes");
}

TEST(JwkSet, SkipsKeysNotForSignatures) {
    json enc = public_jwk(keys().rsa.get(), "enc");
    enc["use"] = "enc";
    expect_skipped(enc, "\"use\" is not \"sig\"");
    json ops = public_jwk(keys().rsa.get(), "ops");
    ops["key_ops"] = {"encrypt", "sign"};
    expect_skipped(ops, "\"verify\"");
    json ok = public_jwk(keys().rsa.get(), "ok");
    ok["use"] = "sig";
    ok["key_ops"] = {"verify"};
    EXPECT_EQ(parse_ok(test::jwk_set_text(json::array({ok}))).keys.size(), 1u);
}

TEST(JwkSet, SkipsUnknownKeyTypesAndCurves) {
    expect_skipped({{"kty", "oct"}, {"k", "c2VjcmV0"}, {"kid", "hmac"}}, "key type oct");
    json p384 = public_jwk(keys().ec.get(), "p384");
    p384["crv"] = "P-384";
    expect_skipped(p384, "curve P-384");
    json x25519 = public_jwk(keys().ed25519.get(), "x");
    x25519["crv"] = "X25519";
    expect_skipped(x25519, "curve X25519");
    expect_skipped({{"kid", "none"}}, "kty");
    expect_skipped(json::array({1, 2}), "not a JSON object");
}

TEST(JwkSet, SkipsKeysWhoseAlgWeDoNotAccept) {
    expect_skipped(public_jwk(keys().rsa.get(), "hs", "HS256"), "algorithm HS256 is not accepted");
    expect_skipped(public_jwk(keys().rsa.get(), "rs384", "RS384"), "algorithm RS384 is not accepted");
    expect_skipped(public_jwk(keys().ec.get(), "mismatch", "RS256"), "does not fit");
    expect_skipped(public_jwk(keys().rsa.get(), "mismatch", "EdDSA"), "does not fit");
}

TEST(JwkSet, SkipsBadBase64AndWrongMemberTypes) {
    json padded = public_jwk(keys().rsa.get(), "padded");
    padded["e"] = "AQAB=";
    expect_skipped(padded, "\"e\" is not base64url");
    json no_n = public_jwk(keys().rsa.get(), "no-n");
    no_n.erase("n");
    expect_skipped(no_n, "no \"n\" string");
    json kid_number = public_jwk(keys().rsa.get(), "");
    kid_number["kid"] = 7;
    expect_skipped(kid_number, "\"kid\" is not a string");
    json even_e = public_jwk(keys().rsa.get(), "even-e");
    even_e["e"] = base64url_encode(std::string("\x01\x00\x00", 3));
    expect_skipped(even_e, "exponent");
}

TEST(JwkSet, IgnoresPrivateMembers) {
    json jwk = public_jwk(keys().rsa.get(), "with-d");
    jwk["d"] = "AQAB";
    jwk["p"] = "AQAB";
    const auto set = parse_ok(test::jwk_set_text(json::array({jwk})));
    ASSERT_EQ(set.keys.size(), 1u);
    EXPECT_EQ(set.keys[0].kid, "with-d");
}

TEST(JwkSet, SkippedKeyReasonNamesIndexAndKid) {
    const auto set = parse_ok(test::jwk_set_text(json::array({
        public_jwk(keys().ec.get(), "fine"),
        public_jwk(keys().rsa_1024.get(), "small\n"),
    })));
    ASSERT_EQ(set.skipped.size(), 1u);
    EXPECT_EQ(set.skipped[0].rfind("key 1 (kid \"small?\") skipped: ", 0), 0u) << set.skipped[0];
}

TEST(JwkSet, RefusesDocumentsThatAreNotJwkSets) {
    expect_refused("", "not a JSON object");
    expect_refused("[]", "not a JSON object");
    expect_refused("{\"keys\":{}}", "no \"keys\" array");
    expect_refused("{}", "no \"keys\" array");
    expect_refused("\xEF\xBB\xBF{\"keys\":[]}", "not a JSON object");
    expect_refused(R"({"keys":[],"keys":[]})", "duplicate");
    expect_refused(R"({"keys":[{"kty":"RSA","kty":"EC"}]})", "duplicate");
    expect_refused(R"({"keys":[{"x":[[[[1]]]]}]})", "deeper");
    std::string many = "{\"keys\":[";
    for (int i = 0; i < 65; ++i) many += (i ? ",{}" : "{}");
    expect_refused(many + "]}", "more than 64 keys");
    std::string error;
    EXPECT_TRUE(parse_jwk_set(many + "]}", error, 65).has_value());
}

TEST(JwkSet, EmptySetIsAJwkSet) {
    const auto set = parse_ok(R"({"keys":[]})");
    EXPECT_TRUE(set.keys.empty());
    EXPECT_TRUE(set.skipped.empty());
}

}  // namespace
}  // namespace arcade_mcp::detail::auth
