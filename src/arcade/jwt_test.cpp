// Tests for the worker-token module (arcade/jwt.hpp): the spec's §3.2 vectors, bearer-header
// parsing, minting and constant-time comparison. The hostile-token tables are in
// jwt_hostile_test.cpp.
#include "arcade/jwt.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "arcade/jwt_fixture.hpp"
#include "util/base64url.hpp"

namespace arcade_mcp::detail {
namespace {

TEST(WorkerJwt, SpecVectors) {
    check_all({
        {"minimal valid", std::string(kVector1), ""},
        {"iat 2026, exp 2100",
         "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
         "eyJhdWQiOiJ3b3JrZXIiLCJ2ZXIiOiIxIiwiaWF0IjoxNzY3MjI1NjAwLCJleHAiOjQxMDI0NDQ4"
         "MDB9.lmjqobbZNI4kg_ZTiTjSktcnJZasYk57pK3Vphf2TSw",
         ""},
        {"aud array",
         "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOlsiZW5naW5lIiwid29ya2VyIl0sInZlciI6IjEifQ.YcTHg_"
         "KFkMZAnYZ67feleAd1NS8cyKZ4Hy79lNLGQKc",
         ""},
        {"exp 2001",
         "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJ3b3JrZXIiLCJ2ZXIiOiIxIiwiZXhwIjoxMDAwMDAwMDAwfQ."
         "BrZLDnkDpkossmX-"
         "yfkvvWWTTXu-xZxQLEac_zhyjOI",
         "Signature has expired"},
        {"ver numeric 1",
         "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJ3b3JrZXIiLCJ2ZXIiOjF9."
         "xvdQfVTtJnF5csZjmqVoOt0npRUXM2VX5FIlADdBeMM",
         "Unsupported token version: 1"},
        {"aud actor",
         "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJhY3RvciIsInZlciI6IjEifQ."
         "m4KQgKSNhXsI5kjFhnCOX4xlPKHltmnqxgUT0Zmwnmc",
         "Audience doesn't match"},
        {"no aud", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ2ZXIiOiIxIn0.MXt88WKG4TWB25ADfFdGXmvCTqBiNljCM5MKh6Yocqg",
         "Token is missing the \"aud\" claim"},
        {"HS512",
         "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJ3b3JrZXIiLCJ2ZXIiOiIxIn0.k_C6r4gDAD6p6KlP_"
         "3dVzfNgO3oF0IK45d90fW_"
         "PDAJJeJIgLRFZerGHPUAA8Vjh1ojx4TK_aljNz6GIhhSpEw",
         "The specified alg value is not allowed"},
        {"other-secret",
         "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJ3b3JrZXIiLCJ2ZXIiOiIxIn0."
         "3FO4LMw8sIC0CLbAvt1riAoOkzwrvfVX0uvdM69AfXU",
         "Signature verification failed"},
        {"crit x-foo",
         "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImNyaXQiOlsieC1mb28iXSwieC1mb28iOjF9.eyJhdWQiOiJ3b3JrZXIiLCJ2ZXIiOiIxIn0."
         "UaKOC73Kk0Sr0VMKT0vLe4ht3Rsk8L1Touw4DB33bEI",
         "Unsupported critical extension: x-foo"},
        {"iat 2100",
         "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJ3b3JrZXIiLCJ2ZXIiOiIxIiwiaWF0Ijo0MTAyNDQ0ODAwfQ."
         "E374Ly1X4JVtftqX_"
         "lgfhULtKWm6jyyDezfMygA4zds",
         "The token is not yet valid (iat)"},
        {"nbf 2100",
         "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJ3b3JrZXIiLCJ2ZXIiOiIxIiwibmJmIjo0MTAyNDQ0ODAwfQ."
         "T75Wgb2G0tYjO_-"
         "UL2nmYlFAiY-MbgV7dw2e-O3Y4Ro",
         "The token is not yet valid (nbf)"},
    });
}

// The hostile tokens (jwt_hostile_test.cpp) rely on the helper signing exactly like the engine does.
TEST(WorkerJwt, TestSignerReproducesSpecVector) { EXPECT_EQ(sign(kHeader, kMinimal), kVector1); }

TEST(WorkerJwt, BearerToken) {
    using opt = std::optional<std::string_view>;
    EXPECT_EQ(bearer_token("Bearer x"), opt("x"));
    EXPECT_EQ(bearer_token("bearer x"), opt("x"));
    EXPECT_EQ(bearer_token("BEARER x"), opt("x"));
    EXPECT_EQ(bearer_token("Bearer  x"), opt("x"));
    EXPECT_EQ(bearer_token("Bearer x  "), opt("x"));
    EXPECT_EQ(bearer_token("Bearer a.b.c"), opt("a.b.c"));
    EXPECT_EQ(bearer_token("Basic x"), std::nullopt);
    EXPECT_EQ(bearer_token("Bearer"), std::nullopt);
    EXPECT_EQ(bearer_token("Bearer "), std::nullopt);
    EXPECT_EQ(bearer_token("Bearer   "), std::nullopt);
    EXPECT_EQ(bearer_token(""), std::nullopt);
    EXPECT_EQ(bearer_token("Bearerx"), std::nullopt);
    EXPECT_EQ(bearer_token("Bearer\tx"), std::nullopt);
    EXPECT_EQ(bearer_token("Bearex x"), std::nullopt);
    EXPECT_EQ(bearer_token(std::string(kSecret)), std::nullopt);
}

TEST(WorkerJwt, MintRoundTrip) {
    const std::string token = mint_worker_token(kSecret, kNow, 300);
    const auto first = token.find('.');
    const auto second = token.find('.', first + 1);
    EXPECT_EQ(base64url_decode(token.substr(0, first)), std::optional<std::string>(std::string(kHeader)));
    EXPECT_EQ(base64url_decode(token.substr(first + 1, second - first - 1)),
              std::optional<std::string>(R"({"aud":"worker","ver":"1","iat":1800000000,"exp":1800000300})"));
    EXPECT_EQ(token, sign(kHeader, R"({"aud":"worker","ver":"1","iat":1800000000,"exp":1800000300})"));

    EXPECT_TRUE(verify_worker_token(token, kSecret, kNow).ok);
    EXPECT_TRUE(verify_worker_token(token, kSecret, kNow + 299).ok);
    EXPECT_EQ(verify_worker_token(token, kSecret, kNow + 300).reason, "Signature has expired");
    EXPECT_EQ(verify_worker_token(token, kSecret, kNow - 1).reason, "The token is not yet valid (iat)");
    EXPECT_EQ(verify_worker_token(token, "other-secret", kNow).reason, "Signature verification failed");

    const std::string forever = mint_worker_token(kSecret, kNow, std::nullopt);
    EXPECT_EQ(forever, sign(kHeader, R"({"aud":"worker","ver":"1","iat":1800000000})"));
    EXPECT_TRUE(verify_worker_token(forever, kSecret, kNow + 10LL * 365 * 86400).ok);

    EXPECT_EQ(verify_worker_token(mint_worker_token(kSecret, kNow, -1), kSecret, kNow).reason, "Signature has expired");
    EXPECT_TRUE(verify_worker_token(mint_worker_token(kSecret, kNow, INT64_MAX), kSecret, kNow).ok);  // saturates
    EXPECT_THROW(mint_worker_token("", kNow, 300), std::invalid_argument);
}

TEST(WorkerJwt, ConstantTimeEqual) {
    EXPECT_TRUE(constant_time_equal("", ""));
    EXPECT_TRUE(constant_time_equal("abc", "abc"));
    EXPECT_TRUE(constant_time_equal(std::string("a\0b", 3), std::string("a\0b", 3)));
    EXPECT_FALSE(constant_time_equal("abc", "abd"));
    EXPECT_FALSE(constant_time_equal("abc", "ab"));
    EXPECT_FALSE(constant_time_equal("", "a"));
    EXPECT_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
    EXPECT_FALSE(constant_time_equal(std::string("a\0b", 3), "a"));
}

}  // namespace
}  // namespace arcade_mcp::detail
