// Sealed request state of MCP 2026-07-28: round trip, tampering, expiry, size and key checks.
#include "mcp/request_state.hpp"

#include <gtest/gtest.h>

namespace arcade_mcp::detail {
namespace {

request_state_body sample(const request_state_codec& codec) {
    request_state_body b;
    b.method = "tools/call";
    b.digest = codec.digest("tools/call", json{{"name", "Echo"}, {"arguments", {{"message", "hi"}}}});
    b.principal = "user-1";
    b.answers = json{{"input_1", {{"action", "accept"}, {"content", {{"ok", true}}}}}};
    b.app = json{{"step", 2}};
    return b;
}

TEST(RequestState, RoundTripsEveryField) {
    request_state_codec codec("secret-key", std::chrono::seconds(300), 4096);
    const auto sealed = codec.seal(sample(codec), 1000);
    ASSERT_TRUE(sealed);
    EXPECT_EQ(sealed->rfind("v1.", 0), 0u);
    std::string why;
    const auto opened = codec.open(*sealed, 1200, why);
    ASSERT_TRUE(opened) << why;
    EXPECT_EQ(opened->method, "tools/call");
    EXPECT_EQ(opened->digest, sample(codec).digest);
    EXPECT_EQ(opened->principal, "user-1");
    EXPECT_EQ(opened->answers["input_1"]["content"]["ok"], true);
    EXPECT_EQ(opened->app["step"], 2);
}

TEST(RequestState, AnyAlteredCharacterIsRefused) {
    request_state_codec codec("secret-key", std::chrono::seconds(300), 4096);
    const auto sealed = *codec.seal(sample(codec), 1000);
    for (std::size_t i = 0; i < sealed.size(); ++i) {
        std::string bad = sealed;
        bad[i] = bad[i] == 'A' ? 'B' : 'A';
        std::string why;
        EXPECT_FALSE(codec.open(bad, 1000, why)) << "position " << i;
        EXPECT_NE(why.find("requestState"), std::string::npos);
    }
    std::string why;
    EXPECT_FALSE(codec.open(sealed.substr(0, sealed.size() - 1), 1000, why));
    EXPECT_FALSE(codec.open("", 1000, why));
    EXPECT_FALSE(codec.open("v1.", 1000, why));
    EXPECT_FALSE(codec.open("not-a-state", 1000, why));
}

TEST(RequestState, AnotherKeyCannotOpenIt) {
    request_state_codec a("key-a", std::chrono::seconds(300), 4096);
    request_state_codec b("key-b", std::chrono::seconds(300), 4096);
    request_state_codec a_again("key-a", std::chrono::seconds(300), 4096);  // another replica
    const auto sealed = *a.seal(sample(a), 1000);
    std::string why;
    EXPECT_FALSE(b.open(sealed, 1000, why));
    EXPECT_TRUE(a_again.open(sealed, 1000, why)) << why;
}

TEST(RequestState, ExpiresAfterMaxAge) {
    request_state_codec codec("secret-key", std::chrono::seconds(60), 4096);
    const auto sealed = *codec.seal(sample(codec), 1000);
    std::string why;
    EXPECT_TRUE(codec.open(sealed, 1060, why));
    EXPECT_FALSE(codec.open(sealed, 1061, why));
    EXPECT_NE(why.find("expired"), std::string::npos);
}

TEST(RequestState, SizeIsBoundedBothWays) {
    request_state_codec codec("secret-key", std::chrono::seconds(60), 256);
    auto big = sample(codec);
    big.app = std::string(300, 'x');
    EXPECT_FALSE(codec.seal(big, 1000));
    request_state_codec roomy("secret-key", std::chrono::seconds(60), 4096);
    const auto sealed = *roomy.seal(big, 1000);
    std::string why;
    EXPECT_FALSE(codec.open(sealed, 1000, why));  // longer than this codec accepts
}

TEST(RequestState, DigestDependsOnMethodAndParams) {
    request_state_codec codec("secret-key", std::chrono::seconds(60), 4096);
    const json p1{{"name", "Add"}, {"arguments", {{"a", 1}, {"b", 2}}}};
    const json p1_reordered = json::parse(R"({"arguments":{"b":2,"a":1},"name":"Add"})");
    const json p2{{"name", "Add"}, {"arguments", {{"a", 1}, {"b", 3}}}};
    EXPECT_EQ(codec.digest("tools/call", p1), codec.digest("tools/call", p1_reordered));
    EXPECT_NE(codec.digest("tools/call", p1), codec.digest("tools/call", p2));
    EXPECT_NE(codec.digest("tools/call", p1), codec.digest("prompts/get", p1));
}

TEST(RequestState, EmptyKeyMakesAndAcceptsNothing) {
    request_state_codec codec("", std::chrono::seconds(60), 4096);
    EXPECT_FALSE(codec.seal(sample(codec), 1000));
}

}  // namespace
}  // namespace arcade_mcp::detail
