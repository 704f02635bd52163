// The reference toolkit with the test kit (arcade_mcp/testing.hpp): names, schemas and the
// answers as an MCP client sees them in both eras, Add's overflow rule and Whoami's caller run
// directly with a test context (the exact wire view is pinned in tests/transcripts).
#include "eval_ref_tools.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <memory>

#include "arcade_mcp/testing.hpp"

namespace {
using namespace arcade_mcp;
namespace kit = arcade_mcp::testing;

/// The arcade-eval-ref server (a server is neither copied nor moved: tools keep pointers to it).
std::unique_ptr<server> reference_server() {
    auto srv = std::make_unique<server>(eval_ref::reference_server_info());
    eval_ref::add_reference_tools(*srv);
    return srv;
}

json tool_named(const std::vector<json>& tools, const std::string& name) {
    for (const auto& t : tools)
        if (t["name"] == name) return t;
    return nullptr;
}

TEST(EvalRefTools, ServerIdentity) {
    auto srv_ptr = reference_server();
    server& srv = *srv_ptr;
    kit::client client(srv);
    const json described = client.server_description();
    EXPECT_EQ(described["serverInfo"]["name"], "arcade-eval-ref");
    EXPECT_EQ(described["serverInfo"]["version"], "1.0.0");
    EXPECT_EQ(srv.info().toolkit, "ArcadeEvalRef");
}

TEST(EvalRefTools, ServedInBothErasWithTheSameAnswers) {
    auto srv_ptr = reference_server();
    server& srv = *srv_ptr;
    for (auto era : {kit::era::sessions, kit::era::stateless}) {
        kit::client_options options;
        options.protocol = era;
        options.user_id = "dana@example.com";
        kit::client client(srv, options);
        const auto tools = client.list_tools();
        ASSERT_EQ(tools.size(), 3u);
        EXPECT_FALSE(tool_named(tools, "ArcadeEvalRef_Add").is_null());
        EXPECT_EQ(client.call_tool("ArcadeEvalRef_Add", {{"a", 2}, {"b", 3}}).structured()["result"], 5);
        EXPECT_EQ(client.call_tool("ArcadeEvalRef_Echo", {{"message", "hi"}}).text(), "hi");
        EXPECT_EQ(client.call_tool("ArcadeEvalRef_Whoami").text(), "dana@example.com");
    }
}

TEST(EvalRefTools, AddSumsAndRefusesOverflow) {
    auto srv_ptr = reference_server();
    server& srv = *srv_ptr;
    kit::test_context ctx;
    EXPECT_EQ(kit::invoke(srv, "add", {{"a", 2}, {"b", 3}}, ctx).value, 5);
    EXPECT_EQ(kit::invoke(srv, "add", {{"a", std::numeric_limits<std::int64_t>::min()}, {"b", 0}}, ctx).value,
              std::numeric_limits<std::int64_t>::min());
    for (const auto& args : {json{{"a", std::numeric_limits<std::int64_t>::max()}, {"b", 1}},
                             json{{"a", std::numeric_limits<std::int64_t>::min()}, {"b", -1}}}) {
        const auto out = kit::invoke(srv, "add", args, ctx);
        ASSERT_FALSE(out.ok()) << args.dump();
        EXPECT_EQ(out.error->kind, error_kind::tool_runtime_fatal);
    }
    kit::client client(srv);
    EXPECT_TRUE(
        client.call_tool("ArcadeEvalRef_Add", {{"a", std::numeric_limits<std::int64_t>::max()}, {"b", 1}}).is_error());
}

TEST(EvalRefTools, SchemasComeFromTheDeclarations) {
    auto srv_ptr = reference_server();
    server& srv = *srv_ptr;
    kit::client client(srv);
    const auto tools = client.list_tools();
    EXPECT_EQ(tool_named(tools, "ArcadeEvalRef_Echo")["inputSchema"]["required"], json::array({"message"}));
    EXPECT_EQ(tool_named(tools, "ArcadeEvalRef_Add")["inputSchema"]["properties"]["a"]["type"], "integer");
    EXPECT_EQ(tool_named(tools, "ArcadeEvalRef_Whoami")["inputSchema"],
              json::parse(R"({"type":"object","properties":{},"additionalProperties":false})"));
    EXPECT_EQ(tool_named(tools, "ArcadeEvalRef_Whoami")["outputSchema"],
              json::parse(R"({"type":"object","properties":{"result":{"type":"string"}}})"));
}

TEST(EvalRefTools, WhoamiReturnsTheContextUser) {
    auto srv_ptr = reference_server();
    server& srv = *srv_ptr;
    kit::test_context ctx;
    ctx.with_user("u");
    EXPECT_EQ(kit::invoke(srv, "whoami", json::object(), ctx).value, "u");
}

}  // namespace
