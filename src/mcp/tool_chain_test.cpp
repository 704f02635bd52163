// tool_context::call_tool over MCP (the in-memory client): which names find a tool, what the
// callee sees of its caller (user, revision, request id, secrets, client), what comes back
// (values, content, errors, bad arguments, call_tool_as), the middleware around chained calls,
// the depth limit, and contexts that cannot chain.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "arcade_mcp/testing.hpp"
#include "mcp/tool_chain.hpp"

namespace arcade_mcp::detail {
namespace {

namespace kit = arcade_mcp::testing;

struct chain_call_args {
    std::string target;
    json arguments = json::object();
    static auto describe() {
        return fields(field("target", &chain_call_args::target, "Tool to call"),
                      field("arguments", &chain_call_args::arguments, "Its arguments"));
    }
};

struct chain_num_args {
    std::int64_t n = 0;
    static auto describe() { return fields(field("n", &chain_num_args::n, "A number")); }
};

/// What a callee saw of its context.
struct chain_seen {
    std::string user;
    std::string protocol;
    std::string request;
    std::string own_secret;
    std::string callers_secret;
    static auto describe() {
        return fields(field("user", &chain_seen::user, "user_id()"), field("protocol", &chain_seen::protocol, "rev"),
                      field("request", &chain_seen::request, "request_id()"),
                      field("own_secret", &chain_seen::own_secret, "its declared secret"),
                      field("callers_secret", &chain_seen::callers_secret, "the caller's secret"));
    }
};

/// Records the tools the hooks saw; refuses `refused` when set.
class chain_recorder final : public middleware {
public:
    std::vector<std::string> before, after;
    std::string refused;
    std::optional<tool_error> before_tool_call(const tool_call_info& call) override {
        before.emplace_back(call.tool);
        if (call.tool == refused) return tool_error::execution("refused by policy");
        return std::nullopt;
    }
    void after_tool_call(const tool_call_info& call, const tool_call_result&) override {
        after.emplace_back(call.tool);
    }
};

server_info chain_info() {
    server_info info;
    info.name = "chain";
    info.version = "1.0.0";
    info.toolkit = "Main";
    return info;
}

/// Main.Call (calls any tool, declares CHAIN_TEST_CALLER_KEY), Main.Double, Main.Fail,
/// Main.Throw, Main.Pictures (content), Main.Loop (calls itself), Other.Seen (declares
/// CHAIN_TEST_OTHER_KEY), Other.Double.
void add_chain_tools(server& srv) {
    srv.add_tool<chain_call_args>("call", "Calls another tool.",
                                  [](tool_context& ctx, const chain_call_args& in) -> result<json> {
                                      ctx.log(mcp_log_level::info, "calling " + in.target);
                                      return ctx.call_tool(in.target, in.arguments);
                                  })
        .requires_secret("CHAIN_TEST_CALLER_KEY");
    srv.add_tool<chain_num_args>("double", "Doubles n.", [](const chain_num_args& in) { return in.n * 2; });
    srv.add_tool<no_arguments>("fail", "Fails.", [](const no_arguments&) -> result<int> {
        return tool_error::retry("try later", "wait a bit", 1500);
    });
    srv.add_tool<no_arguments>("throw", "Throws.", [](const no_arguments&) -> int { throw std::logic_error("x"); });
    srv.add_tool<no_arguments>("pictures", "Content blocks.", [](const no_arguments&) {
        return tool_content{content_block::text("a caption")};
    });
    srv.add_tool<no_arguments>("loop", "Calls itself.", [](tool_context& ctx, const no_arguments&) -> result<json> {
        return ctx.call_tool("Loop");
    });
    srv.add_tool<no_arguments>("typed", "Uses call_tool_as.",
                               [](tool_context& ctx, const no_arguments&) -> result<std::int64_t> {
                                   auto doubled = ctx.call_tool_as<std::int64_t>("Main.Double", {{"n", 21}});
                                   if (!doubled) return std::move(doubled).error();
                                   auto wrong = ctx.call_tool_as<std::int64_t>("Other_Seen");
                                   if (wrong) return tool_error::fatal("a chain_seen decoded as an integer");
                                   if (wrong.error().kind != error_kind::tool_runtime_bad_output_value)
                                       return std::move(wrong).error();
                                   return doubled.value();
                               });
    auto& other = srv.add_toolkit({"Other", "0.2.0", "Other tools"});
    other.add_tool<no_arguments>("seen", "Reports its context.", [](tool_context& ctx, const no_arguments&) {
        chain_seen s;
        s.user = ctx.user_id();
        s.protocol = ctx.protocol_version();
        s.request = ctx.request_id();
        s.own_secret = ctx.secret("CHAIN_TEST_OTHER_KEY").value_or("-");
        s.callers_secret = ctx.secret("CHAIN_TEST_CALLER_KEY").value_or("-");
        ctx.log(mcp_log_level::info, "seen ran");
        return s;
    }).requires_secret("CHAIN_TEST_OTHER_KEY");
    other.add_tool<chain_num_args>("double", "Doubles n too.", [](const chain_num_args& in) { return in.n * 2; });
}

class ToolChain : public ::testing::Test {
protected:
    void SetUp() override {
        ::setenv("CHAIN_TEST_CALLER_KEY", "caller-secret", 1);
        ::setenv("CHAIN_TEST_OTHER_KEY", "other-secret", 1);
        add_chain_tools(srv);
        recorder = std::make_shared<chain_recorder>();
        srv.use(recorder);
        client = std::make_unique<kit::client>(srv, kit::era::sessions);  // serves: after use()
    }
    void TearDown() override {
        client.reset();
        ::unsetenv("CHAIN_TEST_CALLER_KEY");
        ::unsetenv("CHAIN_TEST_OTHER_KEY");
    }
    kit::tool_result call(const std::string& target, json arguments = json::object()) {
        return client->call_tool("Main_Call", {{"target", target}, {"arguments", std::move(arguments)}});
    }
    server srv{chain_info()};
    std::shared_ptr<chain_recorder> recorder;
    std::unique_ptr<kit::client> client;
};

TEST_F(ToolChain, FindsToolsByMcpNameFullyQualifiedNameOrAUniqueOwnName) {
    for (const char* name : {"Other_Seen", "Other.Seen", "other.seen", "OTHER_SEEN", "Seen", "seen"}) {
        const auto r = call(name);
        ASSERT_FALSE(r.is_error()) << name << ": " << r.text();
        EXPECT_EQ(r.structured()["result"]["own_secret"], "other-secret") << name;
    }
    const auto ambiguous = call("Double", {{"n", 1}});
    ASSERT_TRUE(ambiguous.is_error());
    EXPECT_NE(ambiguous.text().find("Ambiguous tool name 'Double': Main.Double, Other.Double"), std::string::npos)
        << ambiguous.text();
    EXPECT_EQ(call("Other.Double", {{"n", 4}}).structured()["result"], 8);
    const auto unknown = call("Nope");
    ASSERT_TRUE(unknown.is_error());
    EXPECT_EQ(unknown.raw["_meta"]["arcade"]["errorKind"], "TOOL_RUNTIME_FATAL");
    EXPECT_NE(unknown.text().find("Unknown tool: Nope"), std::string::npos) << unknown.text();
}

TEST_F(ToolChain, TheCalleeHasTheCallersIdentityAndOnlyItsOwnSecrets) {
    const auto r = call("Other.Seen");
    ASSERT_FALSE(r.is_error()) << r.text();
    const json seen = r.structured()["result"];  // Main.Call returns free-form JSON: wrapped
    EXPECT_EQ(seen["user"], "test-user");
    EXPECT_EQ(seen["protocol"], "2025-11-25");
    EXPECT_FALSE(seen["request"].get<std::string>().empty());
    EXPECT_EQ(seen["own_secret"], "other-secret");
    EXPECT_EQ(seen["callers_secret"], "-");  // declared by the caller, not by the callee
    // The callee's log message travels with the caller's request.
    bool logged = false;
    for (const auto& l : client->logs()) logged = logged || l["data"] == "seen ran";
    EXPECT_TRUE(logged);
}

TEST_F(ToolChain, AMissingDeclaredSecretRefusesTheCalleeAsToolsCallWould) {
    ::unsetenv("CHAIN_TEST_OTHER_KEY");
    const auto r = call("Other.Seen");
    ASSERT_TRUE(r.is_error());
    EXPECT_EQ(r.raw["_meta"]["arcade"]["errorKind"], "TOOL_RUNTIME_CONTEXT_REQUIRED");
    EXPECT_NE(r.text().find("Missing secret(s): CHAIN_TEST_OTHER_KEY"), std::string::npos) << r.text();
}

TEST_F(ToolChain, ErrorsComeBackTyped) {
    const auto failed = call("Main.Fail");
    ASSERT_TRUE(failed.is_error());
    EXPECT_EQ(failed.raw["_meta"]["arcade"]["errorKind"], "TOOL_RUNTIME_RETRY");
    EXPECT_EQ(failed.raw["_meta"]["arcade"]["retryAfterMs"], 1500);
    EXPECT_NE(failed.text().find("try later"), std::string::npos);
    const auto thrown = call("Throw");
    ASSERT_TRUE(thrown.is_error());
    EXPECT_NE(thrown.text().find("An unhandled std::logic_error was raised by the tool."), std::string::npos)
        << thrown.text();
    for (const json& bad : {json{{"n", "two"}}, json{{"m", 1}}}) {
        const auto r = call("Main.Double", bad);
        ASSERT_TRUE(r.is_error()) << bad.dump();
        EXPECT_EQ(r.raw["_meta"]["arcade"]["errorKind"], "TOOL_RUNTIME_BAD_INPUT_VALUE") << bad.dump();
    }
}

TEST_F(ToolChain, ValuesAndContentComeBackAsTheCalleeMadeThem) {
    EXPECT_EQ(call("Main_Double", {{"n", 5}}).structured()["result"],
              10);  // the plain 10, wrapped by Call's MCP result
    const auto pictures = call("Pictures");
    ASSERT_FALSE(pictures.is_error()) << pictures.text();
    EXPECT_EQ(pictures.structured()["result"], (json::array({{{"type", "text"}, {"text", "a caption"}}})));
    const auto typed = client->call_tool("Main_Typed");
    ASSERT_FALSE(typed.is_error()) << typed.text();
    EXPECT_EQ(typed.structured()["result"], 42);
}

TEST_F(ToolChain, MiddlewareSeesChainedCallsAndMayRefuseThem) {
    ASSERT_FALSE(call("Other.Seen").is_error());
    EXPECT_EQ(recorder->before, (std::vector<std::string>{"Main.Call", "Other.Seen"}));
    EXPECT_EQ(recorder->after, (std::vector<std::string>{"Other.Seen", "Main.Call"}));
    recorder->refused = "Other.Seen";
    const auto r = call("Other.Seen");
    ASSERT_TRUE(r.is_error());
    EXPECT_NE(r.text().find("refused by policy"), std::string::npos) << r.text();
}

TEST_F(ToolChain, RecursionStopsAtTheDepthLimit) {
    const auto r = client->call_tool("Main_Loop");
    ASSERT_TRUE(r.is_error());
    EXPECT_NE(r.text().find("Tool call chain too deep: calling 'Loop' would nest more than 8 tool calls"),
              std::string::npos)
        << r.text();
    // The protocol's call and 8 nested ones ran; the 9th was refused before it started.
    EXPECT_EQ(std::count(recorder->before.begin(), recorder->before.end(), "Main.Loop"), 9);
}

TEST(ToolChainContexts, ContextsWithoutAServerAnswerAnError) {
    kit::test_context ctx;
    const auto r = ctx.call_tool("Anything");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, error_kind::tool_runtime_fatal);
    EXPECT_NE(r.error().message.find("cannot call other tools"), std::string::npos);
}

TEST(ToolChainContexts, OAuthGrantsCoverCalleesOfTheSameProviderAndNoNewScopes) {
    tool_spec root, same, fewer, more, other, none;
    root.requires_oauth2("github", {"repo", "user"});
    same.requires_oauth2("GitHub", {"repo", "user"});
    fewer.requires_oauth2("github", {"repo"});
    more.requires_oauth2("github", {"repo", "admin"});
    other.requires_oauth2("slack", {});
    EXPECT_TRUE(oauth2_covered(same, &root));
    EXPECT_TRUE(oauth2_covered(fewer, &root));
    EXPECT_FALSE(oauth2_covered(more, &root));
    EXPECT_FALSE(oauth2_covered(other, &root));
    EXPECT_TRUE(oauth2_covered(none, &root));
    EXPECT_FALSE(oauth2_covered(fewer, &none));
    EXPECT_FALSE(oauth2_covered(fewer, nullptr));
}

TEST(ToolChainContexts, FrontDoorScopesMustHaveBeenCheckedForTheOutermostTool) {
    tool_spec root, callee;
    root.requires_scopes({"mail:read", "mail:send"});
    callee.name = "send";
    callee.requires_scopes({"mail:send"});
    EXPECT_FALSE(front_door_scope_refusal(callee, &root));
    callee.requires_scopes({"mail:send", "admin"});
    const auto refused = front_door_scope_refusal(callee, &root);
    ASSERT_TRUE(refused);
    EXPECT_NE(refused->message.find("needs the scope(s) admin"), std::string::npos) << refused->message;
}

}  // namespace
}  // namespace arcade_mcp::detail
