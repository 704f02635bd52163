// Tests for the front-door bearer gate: challenges, metadata, the verified-token cache, keys
// fetched once and refetched at most once per cool-down for unknown kids, scope checks.
#include "auth/bearer_gate.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>

#include "auth/jwt_test_keys.hpp"

namespace arcade_mcp::detail::auth {
namespace {

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

resource_server_options settings() {
    resource_server_options o;
    o.canonical_url = "https://mcp.example.com/mcp";
    authorization_server_entry e;
    e.authorization_server_url = "https://as.example.com";
    e.jwks_uri = "https://as.example.com/jwks";
    e.algorithms = {"RS256", "ES256"};
    o.authorization_servers = {e};
    o.scopes_supported = {"mcp", "offline_access"};
    o.default_challenge_scopes = {"mcp"};
    return o;
}

/// A JWK Set endpoint that counts its fetches.
struct fake_jwks {
    std::atomic<int> fetches{0};
    std::string body = test::jwk_set_text(json::array({test::public_jwk(test::keys().rsa.get(), "k1")}));
    fetch_function function() {
        return [this](const std::string&) {
            ++fetches;
            fetch_result r;
            r.ok = true;
            r.status = 200;
            r.body = body;
            return r;
        };
    }
};

json claims(std::string sub = "alice") {
    const auto now = now_seconds();
    return {{"iss", "https://as.example.com"}, {"aud", "https://mcp.example.com/mcp"}, {"sub", std::move(sub)},
            {"exp", now + 600},                {"iat", now - 5},                       {"scope", "mcp reports:read"}};
}

std::string token(const json& payload, std::string kid = "k1") {
    return test::make_token(test::header("RS256", kid), payload.dump(), "RS256", test::keys().rsa.get());
}

TEST(BearerGate, ServesTheProtectedResourceMetadataWithoutOfflineAccess) {
    fake_jwks jwks;
    bearer_gate gate(settings(), jwks.function());
    EXPECT_EQ(gate.metadata_path(), "/.well-known/oauth-protected-resource/mcp");
    EXPECT_EQ(gate.resource_metadata_url(), "https://mcp.example.com/.well-known/oauth-protected-resource/mcp");
    const json doc = json::parse(gate.metadata_document());
    EXPECT_EQ(doc["resource"], "https://mcp.example.com/mcp");
    EXPECT_EQ(doc["authorization_servers"], json::array({"https://as.example.com"}));
    EXPECT_EQ(doc["bearer_methods_supported"], json::array({"header"}));
    EXPECT_EQ(doc["scopes_supported"], json::array({"mcp"}));
    EXPECT_EQ(jwks.fetches, 0);  // nothing fetched before a token needs it
}

TEST(BearerGate, ARequestWithoutTokenGetsAChallengeWithoutErrorCode) {
    fake_jwks jwks;
    bearer_gate gate(settings(), jwks.function());
    const auto out = gate.check("", "/mcp");
    ASSERT_FALSE(out.caller);
    EXPECT_EQ(out.refusal.status, 401);
    EXPECT_EQ(out.refusal.www_authenticate,
              "Bearer resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource/mcp\", "
              "scope=\"mcp\"");
    EXPECT_FALSE(out.refusal.message.empty());
}

TEST(BearerGate, ATokenInTheQueryIsABadRequest) {
    fake_jwks jwks;
    bearer_gate gate(settings(), jwks.function());
    const auto out = gate.check("", "/mcp?x=1&access_token=" + token(claims()));
    EXPECT_EQ(out.refusal.status, 400);
    EXPECT_NE(out.refusal.www_authenticate.find("error=\"invalid_request\""), std::string::npos);
}

TEST(BearerGate, AValidTokenNamesTheCallerAndIsRememberedWithoutAnotherFetch) {
    fake_jwks jwks;
    bearer_gate gate(settings(), jwks.function());
    const std::string t = token(claims());
    EXPECT_FALSE(gate.check_without_fetch("Bearer " + t, "/mcp").has_value());  // keys not fetched yet
    const auto first = gate.check("Bearer " + t, "/mcp");
    ASSERT_TRUE(first.caller) << first.refusal.message;
    EXPECT_EQ(first.caller->subject, "alice");
    EXPECT_EQ(first.caller->scopes, (std::vector<std::string>{"mcp", "reports:read"}));
    const auto again = gate.check_without_fetch("bearer   " + t, "/mcp");
    ASSERT_TRUE(again.has_value());
    ASSERT_TRUE(again->caller);
    EXPECT_EQ(again->caller.get(), first.caller.get());  // the remembered identity
    // Another token verifies with the keys already held: no fetch, and no blocking.
    const auto other = gate.check_without_fetch("Bearer " + token(claims("bob")), "/mcp");
    ASSERT_TRUE(other.has_value());
    ASSERT_TRUE(other->caller);
    EXPECT_EQ(other->caller->subject, "bob");
    EXPECT_EQ(jwks.fetches, 1);
}

TEST(BearerGate, BadTokensGetInvalidTokenWithADescription) {
    fake_jwks jwks;
    bearer_gate gate(settings(), jwks.function());
    json expired = claims();
    expired["exp"] = now_seconds() - 3600;
    json other_audience = claims();
    other_audience["aud"] = "https://other.example.com/mcp";
    json other_issuer = claims();
    other_issuer["iss"] = "https://evil.example.com";
    for (const std::string& header : {"Bearer " + token(expired), "Bearer " + token(other_audience),
                                      "Bearer " + token(other_issuer), std::string("Bearer not-a-jwt"),
                                      "Bearer " + std::string(20000, 'a')}) {
        const auto out = gate.check(header, "/mcp");
        EXPECT_FALSE(out.caller) << header.substr(0, 40);
        EXPECT_EQ(out.refusal.status, 401);
        EXPECT_EQ(out.refusal.www_authenticate.rfind("Bearer error=\"invalid_token\", error_description=\"", 0), 0u)
            << out.refusal.www_authenticate;
        EXPECT_NE(out.refusal.www_authenticate.find("resource_metadata="), std::string::npos);
    }
}

TEST(BearerGate, AnotherSchemeIsNoTokenAndMalformedBearerCredentialsAreABadRequest) {
    fake_jwks jwks;
    bearer_gate gate(settings(), jwks.function());
    const auto basic = gate.check("Basic dXNlcjpwYXNz", "/mcp");
    EXPECT_EQ(basic.refusal.status, 401);
    EXPECT_EQ(basic.refusal.www_authenticate.find("error="), std::string::npos) << basic.refusal.www_authenticate;
    for (const char* header : {"Bearer", "Bearer   ", "Bearer a b", "Bearer {json}"}) {
        const auto out = gate.check(header, "/mcp");
        EXPECT_EQ(out.refusal.status, 400) << header;
        EXPECT_NE(out.refusal.www_authenticate.find("error=\"invalid_request\""), std::string::npos) << header;
    }
}

TEST(BearerGate, UnknownKidsRefetchTheKeysAtMostOncePerCooldownAndRotationIsPickedUp) {
    fake_jwks jwks;
    auto o = settings();
    o.jwks_refetch_cooldown = std::chrono::seconds(3600);
    bearer_gate gate(o, jwks.function());
    ASSERT_TRUE(gate.check("Bearer " + token(claims()), "/mcp").caller);
    for (int i = 0; i < 200; ++i) {
        const auto out = gate.check("Bearer " + token(claims(), "random-" + std::to_string(i)), "/mcp");
        EXPECT_FALSE(out.caller);
    }
    EXPECT_LE(jwks.fetches, 2);
    // Within the cool-down an unknown kid is refused at once, without leaving the I/O thread.
    const auto quick_refusal = gate.check_without_fetch("Bearer " + token(claims(), "yet-another"), "/mcp");
    ASSERT_TRUE(quick_refusal.has_value());
    EXPECT_EQ(quick_refusal->refusal.status, 401);

    // Rotation: a new key under a new kid is found by the refetch an unknown kid causes.
    fake_jwks rotating;
    auto quick = settings();
    quick.jwks_refetch_cooldown = std::chrono::seconds(0);
    bearer_gate gate2(quick, rotating.function());
    ASSERT_TRUE(gate2.check("Bearer " + token(claims()), "/mcp").caller);
    rotating.body = test::jwk_set_text(json::array({test::public_jwk(test::keys().rsa_other.get(), "k2")}));
    const std::string rotated =
        test::make_token(test::header("RS256", "k2"), claims().dump(), "RS256", test::keys().rsa_other.get());
    const auto out = gate2.check("Bearer " + rotated, "/mcp");
    ASSERT_TRUE(out.caller) << out.refusal.message;
    EXPECT_EQ(rotating.fetches, 2);
}

TEST(BearerGate, FetchFailuresFailClosed) {
    bearer_gate gate(settings(), [](const std::string&) {
        fetch_result r;
        r.error = "connection refused";
        return r;
    });
    const auto out = gate.check("Bearer " + token(claims()), "/mcp");
    EXPECT_FALSE(out.caller);
    EXPECT_EQ(out.refusal.status, 401);
    EXPECT_NE(out.refusal.www_authenticate.find("invalid_token"), std::string::npos);
}

TEST(BearerGate, ScopeChecksNameEveryScopeTheCallNeeds) {
    fake_jwks jwks;
    bearer_gate gate(settings(), jwks.function());
    caller_identity caller;
    caller.scopes = {"mcp", "reports:read"};
    EXPECT_TRUE(bearer_gate::missing_scopes(caller, {"reports:read"}).empty());
    EXPECT_EQ(bearer_gate::missing_scopes(caller, {"reports:read", "reports:admin"}),
              std::vector<std::string>{"reports:admin"});
    EXPECT_EQ(gate.insufficient_scope_challenge({"reports:read", "reports:admin"}),
              "Bearer error=\"insufficient_scope\", scope=\"reports:read reports:admin\", "
              "error_description=\"the token lacks scopes this call needs\", "
              "resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource/mcp\"");
}

TEST(TokenCache, StaysWithinItsCapacityAndForgetsExpiredTokens) {
    token_cache cache(4);
    for (int i = 0; i < 10; ++i) {
        auto who = std::make_shared<caller_identity>();
        who->expires_at = 100 + i;
        cache.put(token_cache::hash("t" + std::to_string(i)), who, 50);
        EXPECT_LE(cache.size(), 4u);
    }
    EXPECT_TRUE(cache.find(token_cache::hash("t9"), 50));
    EXPECT_FALSE(cache.find(token_cache::hash("t9"), 109));  // expired at its exp
    EXPECT_FALSE(cache.find(token_cache::hash("never"), 50));
}

}  // namespace
}  // namespace arcade_mcp::detail::auth
