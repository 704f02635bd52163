// Unit tests of the {{Toolkit}} tools with the arcade-mcp test kit: through an in-memory MCP
// client (the real request path: names, schemas, argument validation, errors) and directly.
#include <gtest/gtest.h>

#include <algorithm>

#include <arcade_mcp/testing.hpp>

#include "tools.hpp"

namespace {
namespace testing = arcade_mcp::testing;
using arcade_mcp::json;

TEST(Tools, ListedUnderTheToolkitName) {
    arcade_mcp::server srv({{name_snake}}::server_description());
    {{name_snake}}::add_tools(srv);
    testing::client client(srv);
    std::vector<std::string> names;
    for (const auto& tool : client.list_tools()) names.push_back(tool["name"]);
    EXPECT_NE(std::find(names.begin(), names.end(), "{{Toolkit}}_CountWords"), names.end());
}

TEST(Tools, CountWordsInBothProtocolEras) {
    arcade_mcp::server srv({{name_snake}}::server_description());
    {{name_snake}}::add_tools(srv);
    for (auto era : {testing::era::sessions, testing::era::stateless}) {
        testing::client client(srv, era);
        const auto r = client.call_tool("{{Toolkit}}_CountWords", {{"text", "one two  three"}});
        ASSERT_FALSE(r.is_error()) << r.text();
        EXPECT_EQ(r.structured()["words"], 3);
        EXPECT_EQ(r.structured()["characters"], 14);
    }
}

TEST(Tools, CountWordsRefusesAMissingArgument) {
    arcade_mcp::server srv({{name_snake}}::server_description());
    {{name_snake}}::add_tools(srv);
    testing::client client(srv);
    const auto r = client.call_tool("{{Toolkit}}_CountWords", json::object());
    EXPECT_TRUE(r.is_error());
}
{{#full}}

{{name_snake}}::upstream_client fake_upstream(int status, std::string body) {
    return [status, body](const std::string&, std::stop_token) { return {{name_snake}}::upstream_reply{status, body}; };
}

TEST(Tools, FetchJsonReturnsTheUpstreamDocument) {
    arcade_mcp::server srv({{name_snake}}::server_description());
    {{name_snake}}::add_tools(srv, fake_upstream(200, R"({"id":1,"title":"hello"})"));
    testing::client client(srv);
    const auto r = client.call_tool("{{Toolkit}}_FetchJson", {{"path", "/todos/1"}});
    ASSERT_FALSE(r.is_error()) << r.text();
    EXPECT_EQ(arcade_mcp::json::parse(r.text())["title"], "hello") << r.raw.dump();
}

TEST(Tools, FetchJsonMapsUpstreamErrorsToArcadeKinds) {
    testing::test_context ctx;
    const auto not_found = {{name_snake}}::fetch_json(ctx, {"/missing"}, fake_upstream(404, ""));
    ASSERT_FALSE(not_found.has_value());
    EXPECT_EQ(not_found.error().kind, arcade_mcp::error_kind::upstream_runtime_not_found);
    const auto limited = {{name_snake}}::fetch_json(ctx, {"/busy"}, fake_upstream(429, ""));
    ASSERT_FALSE(limited.has_value());
    EXPECT_EQ(limited.error().kind, arcade_mcp::error_kind::upstream_runtime_rate_limit);
    const auto down = {{name_snake}}::fetch_json(ctx, {"/x"}, fake_upstream(0, "connection refused"));
    ASSERT_FALSE(down.has_value());
    EXPECT_TRUE(down.error().can_retry);
}

TEST(Tools, FetchJsonPassesTheStopTokenOn) {
    testing::test_context ctx;
    ctx.request_stop();
    bool saw_stop = false;
    {{name_snake}}::upstream_client upstream = [&](const std::string&, std::stop_token stop) {
        saw_stop = stop.stop_requested();
        return {{name_snake}}::upstream_reply{0, "cancelled"};
    };
    EXPECT_FALSE({{name_snake}}::fetch_json(ctx, {"/slow"}, upstream).has_value());
    EXPECT_TRUE(saw_stop);
}
{{/full}}

}  // namespace
