// Tests for the JWK Set cache (auth/jwks_source.hpp) with a scripted fetch function: lifetime,
// unknown-kid cool-down, rotation, fail-closed behaviour, back-off, log lines, metadata discovery,
// single-flight fetching; and the URL rule of http_get (fetchable_url).
#include "auth/jwks_source.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "auth/jwt_test_keys.hpp"

namespace arcade_mcp::detail::auth {
namespace {

using namespace std::chrono_literals;
using time_point = std::chrono::steady_clock::time_point;

const time_point t0 = time_point{} + 1000h;
constexpr std::string_view kJwksUri = "https://as.example.com/jwks";

fetch_result ok(std::string body) {
    return {.ok = true, .status = 200, .body = std::move(body), .error = {}};
}
fetch_result down(std::string error) {
    return {.ok = false, .status = 0, .body = {}, .error = std::move(error)};
}

std::string set_of(std::initializer_list<std::string_view> kids) {
    json keys = json::array();
    for (const auto kid : kids) keys.push_back(test::public_jwk(test::keys().ec.get(), kid));
    return test::jwk_set_text(keys);
}

/// A scripted server: a response per URL (404 otherwise), every request recorded.
struct fake_server {
    std::map<std::string, fetch_result> responses;
    std::vector<std::string> requests;
    std::vector<std::string> log;

    jwks_source source(jwks_source::settings s) {
        return jwks_source(
            std::move(s),
            [this](const std::string& url) {
                requests.push_back(url);
                const auto it = responses.find(url);
                return it == responses.end() ? fetch_result{.ok = false, .status = 404, .body = {}, .error = "HTTP 404"}
                                             : it->second;
            },
            [this](const std::string& line) { log.push_back(line); });
    }
    jwks_source source() { return source({.jwks_uri = std::string(kJwksUri), .issuer = std::string(test::kIssuer)}); }
};

bool has_kid(const std::shared_ptr<const jwk_set>& set, std::string_view kid) {
    return set != nullptr && set->find(kid, jws_alg::es256) != nullptr;
}

TEST(JwksSource, KeysAreFetchedOnceAndReusedForTheirLifetime) {
    fake_server server;
    server.responses[std::string(kJwksUri)] = ok(set_of({"a"}));
    auto source = server.source();
    EXPECT_TRUE(source.needs_fetch(t0));
    EXPECT_TRUE(has_kid(source.keys(t0), "a"));
    EXPECT_TRUE(has_kid(source.keys(t0 + 3599s), "a"));
    EXPECT_FALSE(source.needs_fetch(t0 + 3599s));
    EXPECT_EQ(source.fetch_count(), 1u);
    EXPECT_TRUE(source.needs_fetch(t0 + 3600s));
    EXPECT_TRUE(has_kid(source.keys(t0 + 3600s), "a"));
    EXPECT_EQ(source.fetch_count(), 2u);
    EXPECT_TRUE(server.log.empty());
}

TEST(JwksSource, UnknownKidRefetchesAtMostOncePerCooldown) {
    fake_server server;
    server.responses[std::string(kJwksUri)] = ok(set_of({"a"}));
    auto source = server.source();
    ASSERT_NE(source.keys(t0), nullptr);
    for (int i = 0; i < 1000; ++i) EXPECT_TRUE(has_kid(source.refresh_for_unknown_kid(t0 + 1s), "a"));
    EXPECT_EQ(source.fetch_count(), 1u);  // the first fetch was within the cool-down
    for (int i = 0; i < 1000; ++i) EXPECT_TRUE(has_kid(source.refresh_for_unknown_kid(t0 + 31s), "a"));
    EXPECT_EQ(source.fetch_count(), 2u);
    EXPECT_EQ(server.requests.size(), 2u);
}

TEST(JwksSource, RotatedKeyAppearsAfterRefetch) {
    fake_server server;
    server.responses[std::string(kJwksUri)] = ok(set_of({"old"}));
    auto source = server.source();
    EXPECT_FALSE(has_kid(source.keys(t0), "new"));
    server.responses[std::string(kJwksUri)] = ok(set_of({"old", "new"}));
    EXPECT_TRUE(has_kid(source.refresh_for_unknown_kid(t0 + 30s), "new"));
    EXPECT_TRUE(has_kid(source.keys(t0 + 31s), "new"));
    EXPECT_EQ(source.fetch_count(), 2u);
}

TEST(JwksSource, FailureKeepsTheLastGoodSetUntilItExpires) {
    fake_server server;
    server.responses[std::string(kJwksUri)] = ok(set_of({"a"}));
    auto source = server.source();
    ASSERT_NE(source.keys(t0), nullptr);
    server.responses[std::string(kJwksUri)] = down("Couldn't connect to server");
    EXPECT_TRUE(has_kid(source.refresh_for_unknown_kid(t0 + 40s), "a"));  // the refetch failed
    EXPECT_EQ(source.fetch_count(), 2u);
    EXPECT_TRUE(has_kid(source.keys(t0 + 3599s), "a"));
    EXPECT_EQ(source.keys(t0 + 3600s), nullptr);  // expired, and the refetch fails: fail closed
    EXPECT_EQ(source.fetch_count(), 3u);
    ASSERT_EQ(server.log.size(), 1u);
    EXPECT_EQ(server.log[0],
              "JWK Set https://as.example.com/jwks: fetch failed: Couldn't connect to server; keeping the previous "
              "keys until they expire");
}

TEST(JwksSource, FailedFetchBacksOffBeforeTryingAgain) {
    fake_server server;
    server.responses[std::string(kJwksUri)] = down("Timeout was reached");
    auto source = server.source();
    EXPECT_EQ(source.keys(t0), nullptr);
    EXPECT_FALSE(source.needs_fetch(t0 + 4s));
    EXPECT_EQ(source.keys(t0 + 4s), nullptr);
    EXPECT_EQ(source.refresh_for_unknown_kid(t0 + 4s), nullptr);
    EXPECT_EQ(source.fetch_count(), 1u);
    server.responses[std::string(kJwksUri)] = ok(set_of({"a"}));
    EXPECT_TRUE(source.needs_fetch(t0 + 5s));
    EXPECT_TRUE(has_kid(source.keys(t0 + 5s), "a"));
    EXPECT_EQ(source.fetch_count(), 2u);
    ASSERT_EQ(server.log.size(), 2u);
    EXPECT_EQ(server.log[0],
              "JWK Set https://as.example.com/jwks: fetch failed: Timeout was reached; tokens are refused until a "
              "fetch succeeds");
    EXPECT_EQ(server.log[1],
              "JWK Set https://as.example.com/jwks: fetched again (1 usable keys) after: JWK Set "
              "https://as.example.com/jwks: fetch failed: Timeout was reached");
}

TEST(JwksSource, BodiesThatAreNotUsableJwkSetsFail) {
    const std::pair<std::string, std::string> cases[] = {
        {"<html>hello</html>", "not a JSON object"},
        {R"({"keys":{}})", "no \"keys\" array"},
        {R"({"keys":[]})", "no usable key"},
        {test::jwk_set_text(json::array({test::public_jwk(test::keys().rsa_1024.get(), "small")})),
         "no usable key (key 0 (kid \"small\") skipped: RSA key of 1024 bits"},
    };
    for (const auto& [body, why] : cases) {
        fake_server server;
        server.responses[std::string(kJwksUri)] = ok(body);
        auto source = server.source();
        EXPECT_EQ(source.keys(t0), nullptr) << body;
        ASSERT_EQ(server.log.size(), 1u) << body;
        EXPECT_NE(server.log[0].find(why), std::string::npos) << server.log[0];
    }
}

TEST(JwksSource, EachFailureCauseIsLoggedOnce) {
    fake_server server;
    auto source = server.source();
    const std::string uri(kJwksUri);
    const std::pair<fetch_result, std::size_t> steps[] = {
        {down("cause A"), 1}, {down("cause A"), 1}, {down("cause A"), 1},   {down("cause B"), 2},
        {down("cause B"), 2}, {down("cause A"), 3}, {ok(set_of({"a"})), 4},
    };
    auto now = t0;
    for (const auto& [response, logged] : steps) {
        server.responses[uri] = response;
        (void)source.keys(now);
        EXPECT_EQ(server.log.size(), logged) << (server.log.empty() ? "" : server.log.back());
        now += 10s;
    }
    (void)source.refresh_for_unknown_kid(now + 60s);  // a second success logs nothing
    EXPECT_EQ(server.log.size(), 4u);
    EXPECT_NE(server.log[3].find("fetched again"), std::string::npos);
}

TEST(JwksSource, SkippedKeysAreLoggedOnce) {
    fake_server server;
    server.responses[std::string(kJwksUri)] = ok(test::jwk_set_text(json::array({
        test::public_jwk(test::keys().ec.get(), "good"),
        test::public_jwk(test::keys().rsa_1024.get(), "small"),
    })));
    auto source = server.source();
    EXPECT_TRUE(has_kid(source.keys(t0), "good"));
    EXPECT_TRUE(has_kid(source.keys(t0 + 3600s), "good"));
    ASSERT_EQ(server.log.size(), 1u);
    EXPECT_EQ(server.log[0],
              "JWK Set https://as.example.com/jwks: key 1 (kid \"small\") skipped: RSA key of 1024 bits (at least 2048 "
              "required)");
}

TEST(JwksSource, ThrowingFetchFunctionIsAFailure) {
    jwks_source source(
        {.jwks_uri = std::string(kJwksUri), .issuer = {}},
        [](const std::string&) -> fetch_result { throw std::runtime_error("boom"); }, nullptr);
    EXPECT_EQ(source.keys(t0), nullptr);
    EXPECT_EQ(source.fetch_count(), 1u);
}

TEST(JwksSource, ConcurrentCallersShareOneFetch) {
    std::atomic<int> calls{0};
    jwks_source source(
        {.jwks_uri = std::string(kJwksUri), .issuer = {}},
        [&](const std::string&) {
            ++calls;
            std::this_thread::sleep_for(50ms);
            return ok(set_of({"a"}));
        },
        nullptr);
    std::vector<std::thread> threads;
    std::atomic<int> got{0};
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&] {
            if (has_kid(source.keys(t0), "a")) ++got;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(calls.load(), 1);
    EXPECT_EQ(got.load(), 8);
}

std::string metadata(std::string_view issuer, std::string_view jwks_uri) {
    return json{{"issuer", issuer}, {"jwks_uri", jwks_uri}, {"token_endpoint", std::string(issuer) + "/token"}}.dump();
}

TEST(JwksSource, DiscoveryTriesOAuthThenOpenIdMetadata) {
    fake_server server;
    server.responses["https://as.example.com/.well-known/openid-configuration"] =
        ok(metadata(test::kIssuer, "https://keys.example.com/jwks.json"));
    server.responses["https://keys.example.com/jwks.json"] = ok(set_of({"a"}));
    auto source = server.source({.jwks_uri = {}, .issuer = std::string(test::kIssuer)});
    EXPECT_TRUE(has_kid(source.keys(t0), "a"));
    EXPECT_EQ(server.requests, (std::vector<std::string>{
                                   "https://as.example.com/.well-known/oauth-authorization-server",
                                   "https://as.example.com/.well-known/openid-configuration",
                                   "https://keys.example.com/jwks.json",
                               }));
    // The discovered URI is kept: the next fetch goes straight to the JWK Set.
    EXPECT_TRUE(has_kid(source.keys(t0 + 3600s), "a"));
    EXPECT_EQ(server.requests.size(), 4u);
    EXPECT_EQ(server.requests.back(), "https://keys.example.com/jwks.json");
    EXPECT_EQ(source.fetch_count(), 2u);
}

TEST(JwksSource, DiscoveryStopsAtTheFirstUsableDocument) {
    fake_server server;
    server.responses["https://as.example.com/.well-known/oauth-authorization-server"] =
        ok(metadata(test::kIssuer, "https://as.example.com/oauth-jwks"));
    server.responses["https://as.example.com/oauth-jwks"] = ok(set_of({"a"}));
    auto source = server.source({.jwks_uri = {}, .issuer = std::string(test::kIssuer)});
    EXPECT_TRUE(has_kid(source.keys(t0), "a"));
    EXPECT_EQ(server.requests.size(), 2u);
}

TEST(JwksSource, DiscoveryWithAnIssuerPathInsertsThePath) {
    fake_server server;
    auto source = server.source({.jwks_uri = {}, .issuer = "https://as.example.com/tenant/one"});
    EXPECT_EQ(source.keys(t0), nullptr);
    EXPECT_EQ(server.requests, (std::vector<std::string>{
                                   "https://as.example.com/.well-known/oauth-authorization-server/tenant/one",
                                   "https://as.example.com/.well-known/openid-configuration/tenant/one",
                                   "https://as.example.com/tenant/one/.well-known/openid-configuration",
                               }));
    ASSERT_EQ(server.log.size(), 1u);
    EXPECT_EQ(server.log[0].rfind("discovery of the JWK Set of issuer https://as.example.com/tenant/one failed: ", 0),
              0u)
        << server.log[0];
    // After a failure the discovery starts over.
    (void)source.keys(t0 + 10s);
    EXPECT_EQ(server.requests.size(), 6u);
}

TEST(JwksSource, DiscoveryRefusesMetadataOfAnotherIssuer) {
    fake_server server;
    server.responses["https://as.example.com/.well-known/oauth-authorization-server"] =
        ok(metadata("https://evil.example.com", "https://evil.example.com/jwks"));
    server.responses["https://evil.example.com/jwks"] = ok(set_of({"a"}));
    auto source = server.source({.jwks_uri = {}, .issuer = std::string(test::kIssuer)});
    EXPECT_EQ(source.keys(t0), nullptr);
    EXPECT_EQ(server.requests.size(), 2u);  // both metadata documents; never the foreign JWK Set
    ASSERT_EQ(server.log.size(), 1u);
    EXPECT_NE(server.log[0].find("another issuer (\"https://evil.example.com\")"), std::string::npos) << server.log[0];
}

TEST(JwksSource, DiscoveryRefusesJwksUriThatMayNotBeFetched) {
    fake_server server;
    server.responses["https://as.example.com/.well-known/oauth-authorization-server"] =
        ok(metadata(test::kIssuer, "http://as.example.com/jwks"));
    auto source = server.source({.jwks_uri = {}, .issuer = std::string(test::kIssuer)});
    EXPECT_EQ(source.keys(t0), nullptr);
    ASSERT_EQ(server.log.size(), 1u);
    EXPECT_NE(server.log[0].find("jwks_uri is not https"), std::string::npos) << server.log[0];
}

TEST(JwksSource, ConfiguredUrlsMustBeFetchable) {
    fake_server server;
    auto plain = server.source({.jwks_uri = "http://as.example.com/jwks", .issuer = {}});
    EXPECT_EQ(plain.keys(t0), nullptr);
    auto no_issuer = server.source({.jwks_uri = {}, .issuer = "as.example.com"});
    EXPECT_EQ(no_issuer.keys(t0), nullptr);
    auto http_issuer = server.source({.jwks_uri = {}, .issuer = "http://as.example.com"});
    EXPECT_EQ(http_issuer.keys(t0), nullptr);
    EXPECT_TRUE(server.requests.empty());
    EXPECT_EQ(server.log.size(), 3u);
}

TEST(FetchableUrl, HttpsAnywhereHttpOnlyToThisMachine) {
    const std::pair<const char*, bool> table[] = {
        {"https://as.example.com/jwks", true},
        {"HTTPS://as.example.com:8443/jwks?x=1", true},
        {"https://[2001:db8::1]/jwks", true},
        {"http://127.0.0.1/jwks", true},
        {"http://127.0.0.1:8080/jwks", true},
        {"http://127.255.3.4", true},
        {"http://localhost:9000/.well-known/jwks.json", true},
        {"http://LOCALHOST/jwks", true},
        {"http://[::1]:8080/jwks", true},
        {"http://as.example.com/jwks", false},
        {"http://10.0.0.1/jwks", false},
        {"http://128.0.0.1/", false},
        {"http://127.1/", false},
        {"http://0x7f.0.0.1/", false},
        {"http://0177.0.0.1/", false},
        {"http://127.0.0.1.evil.com/", false},
        {"http://localhost.evil.com/", false},
        {"http://[::1].evil.com/", false},
        {"http://[::2]/", false},
        {"http://127.0.0.1@evil.com/", false},
        {"https://user:pass@as.example.com/", false},
        {"http://evil.com@127.0.0.1/", false},
        {"http://127.0.0.1\\@evil.com/", false},
        {"http://127.0.0.1:80x/", false},
        {"http://127.0.0.1:99999/", false},
        {"http://127.0.0.1:/", false},
        {"https:///jwks", false},
        {"https://", false},
        {"https://as.example.com/a b", false},
        {"ftp://as.example.com/jwks", false},
        {"file:///etc/passwd", false},
        {"//as.example.com/jwks", false},
        {"", false},
    };
    for (const auto& [url, allowed] : table) EXPECT_EQ(fetchable_url(url), allowed) << url;
}

TEST(HttpGet, RefusesUrlsItMayNotFetch) {
    const auto r = http_get("http://as.example.com/jwks", {});
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.error.find("not allowed"), std::string::npos) << r.error;
}

}  // namespace
}  // namespace arcade_mcp::detail::auth
