// Tests of the test kit (arcade_mcp/testing.hpp) itself: the in-memory client in both eras
// (listing, calls, scripted elicitation and sampling, progress and logs, errors), test_context,
// and invoke().
#include <gtest/gtest.h>

#include "arcade_mcp/testing.hpp"

namespace {
using namespace arcade_mcp;
namespace kit = arcade_mcp::testing;

struct name_args {
    std::string name;
    static auto describe() { return fields(field("name", &name_args::name, "A name").min_length(1)); }
};
struct color_choice {
    std::string color;
    static auto describe() { return fields(field("color", &color_choice::color, "Favourite color")); }
};

server kit_server() {
    server_info info;
    info.name = "kit";
    info.version = "1.0.0";
    info.toolkit = "Kit";
    return server(info);
}

void add_kit_tools(server& srv) {
    srv.add_tool<name_args>("hello", "Greets.", [](const name_args& in) { return "Hello, " + in.name; });
    srv.add_tool<no_arguments>("whoami", "The caller.",
                               [](tool_context& ctx, const no_arguments&) { return std::string(ctx.user_id()); });
    srv.add_tool<no_arguments>("ask_color", "Elicits a color.", [](tool_context& ctx, const no_arguments&) {
        auto answer = ctx.elicit_as<color_choice>("Your favourite color?");
        return answer ? "likes " + answer->color : std::string("declined");
    });
    srv.add_tool<no_arguments>("ask_model", "Samples.", [](tool_context& ctx, const no_arguments&) {
        return ctx.create_message("Say hi", 10).text();
    });
    srv.add_tool<no_arguments>("chatty", "Logs and reports progress.", [](tool_context& ctx, const no_arguments&) {
        ctx.log(mcp_log_level::info, "halfway");
        ctx.report_progress(1, 2, "one of two");
        ctx.report_progress(2, 2);
        return 2;
    });
    srv.add_tool<no_arguments>("fails", "Always fails.", [](const no_arguments&) -> result<int> {
        return tool_error::retry("try later");
    });
}

class Kit : public ::testing::TestWithParam<kit::era> {
protected:
    Kit() : srv_(kit_server()) { add_kit_tools(srv_); }
    kit::client_options options() const {
        kit::client_options o;
        o.protocol = GetParam();
        return o;
    }
    server srv_;
};

TEST_P(Kit, ListsAndCallsTools) {
    kit::client c(srv_, options());
    std::vector<std::string> names;
    for (const auto& t : c.list_tools()) names.push_back(t["name"]);
    EXPECT_EQ(names, (std::vector<std::string>{"Kit_AskColor", "Kit_AskModel", "Kit_Chatty", "Kit_Fails",
                                                "Kit_Hello", "Kit_Whoami"}));
    const auto r = c.call_tool("Kit_Hello", {{"name", "Ada"}});
    EXPECT_FALSE(r.is_error());
    EXPECT_EQ(r.text(), "Hello, Ada");
    EXPECT_EQ(r.structured()["result"], "Hello, Ada");
}

TEST_P(Kit, CallerIsTheConfiguredUser) {
    auto o = options();
    o.user_id = "alice@example.com";
    kit::client c(srv_, o);
    EXPECT_EQ(c.call_tool("Kit_Whoami").text(), "alice@example.com");
}

TEST_P(Kit, ToolErrorsAndProtocolErrorsAreTold) {
    kit::client c(srv_, options());
    const auto failed = c.call_tool("Kit_Fails");
    EXPECT_TRUE(failed.is_error());
    EXPECT_NE(failed.text().find("try later"), std::string::npos) << failed.text();
    try {
        c.call_tool("Kit_Nope");
        FAIL() << "an unknown tool was called";
    } catch (const kit::request_failed& e) {
        EXPECT_EQ(e.code, -32602) << e.what();
    }
    EXPECT_TRUE(c.call_tool("Kit_Hello", {{"name", ""}}).is_error()) << "min_length(1) is enforced";
}

TEST_P(Kit, AnswersElicitationFromTheScript) {
    kit::client c(srv_, options());
    c.on_elicitation([](const json& params) {
        EXPECT_EQ(params["message"], "Your favourite color?");
        return json{{"action", "accept"}, {"content", {{"color", "teal"}}}};
    });
    EXPECT_EQ(c.call_tool("Kit_AskColor").text(), "likes teal");
    ASSERT_EQ(c.server_requests().size(), 1u);
    EXPECT_EQ(c.server_requests()[0]["method"], "elicitation/create");

    kit::client declining(srv_, options());
    declining.on_elicitation([](const json&) { return json{{"action", "decline"}}; });
    EXPECT_EQ(declining.call_tool("Kit_AskColor").text(), "declined");
}

TEST_P(Kit, WithoutTheCapabilityTheCallFails) {
    kit::client c(srv_, options());  // no elicitation script: the capability is not declared
    if (GetParam() == kit::era::sessions) {
        EXPECT_TRUE(c.call_tool("Kit_AskColor").is_error());
    } else {  // 2026-07-28: the request itself is refused (-32021, missing client capability)
        try {
            c.call_tool("Kit_AskColor");
            ADD_FAILURE() << "the call succeeded without the capability";
        } catch (const kit::request_failed& e) {
            EXPECT_EQ(e.code, -32021) << e.what();
        }
    }
    EXPECT_TRUE(c.server_requests().empty());
}

TEST_P(Kit, AnswersSamplingFromTheScript) {
    kit::client c(srv_, options());
    c.on_sampling([](const json& params) {
        EXPECT_EQ(params["messages"][0]["content"]["text"], "Say hi");
        return json{{"role", "assistant"}, {"content", {{"type", "text"}, {"text", "hi!"}}}, {"model", "scripted"}};
    });
    EXPECT_EQ(c.call_tool("Kit_AskModel").text(), "hi!");
}

TEST_P(Kit, CollectsProgressAndLogs) {
    kit::client c(srv_, options());
    EXPECT_EQ(c.call_tool("Kit_Chatty").structured()["result"], 2);
    const auto progress = c.progress();
    ASSERT_EQ(progress.size(), 2u);
    EXPECT_EQ(progress[0]["progress"], 1);
    EXPECT_EQ(progress[0]["message"], "one of two");
    EXPECT_EQ(progress[1]["progress"], 2);
    const auto logs = c.logs();
    ASSERT_EQ(logs.size(), 1u);
    EXPECT_EQ(logs[0]["level"], "info");
    EXPECT_EQ(logs[0]["data"], "halfway");
    c.clear();
    EXPECT_TRUE(c.notifications().empty());
}

INSTANTIATE_TEST_SUITE_P(BothEras, Kit, ::testing::Values(kit::era::sessions, kit::era::stateless),
                         [](const auto& info) { return info.param == kit::era::sessions ? "sessions" : "stateless"; });

TEST(KitClient, DescribesTheServerInEitherEra) {
    auto srv = kit_server();
    kit::client sessions(srv);
    EXPECT_EQ(sessions.server_description()["serverInfo"]["name"], "kit");
    EXPECT_EQ(sessions.server_description()["protocolVersion"], "2025-11-25");
    kit::client stateless(srv, kit::era::stateless);
    EXPECT_TRUE(stateless.server_description().contains("supportedVersions"));
}

TEST(KitContext, HoldsWhatTheTestSets) {
    kit::test_context ctx;
    ctx.with_user("bob").with_secret("Api_Key", "s3cret").with_metadata("tenant", "t1");
    EXPECT_EQ(ctx.user_id(), "bob");
    EXPECT_EQ(ctx.secret("API_KEY"), "s3cret");
    EXPECT_EQ(ctx.secret("api_key"), "s3cret");
    EXPECT_EQ(ctx.secret("other"), std::nullopt);
    EXPECT_EQ(ctx.metadata("TENANT"), "t1");
    EXPECT_FALSE(ctx.stop_token().stop_requested());
    ctx.request_stop();
    EXPECT_TRUE(ctx.stop_token().stop_requested());
    EXPECT_FALSE(ctx.client_supports("elicitation"));
    ctx.on_elicitation([](const json&) { return json{{"action", "accept"}, {"content", {{"color", "red"}}}}; });
    EXPECT_TRUE(ctx.client_supports("elicitation"));
}

TEST(KitInvoke, RunsOneToolDirectly) {
    auto srv = kit_server();
    add_kit_tools(srv);
    kit::test_context ctx;
    ctx.with_user("carol");
    EXPECT_EQ(kit::invoke(srv, "whoami", json::object(), ctx).value, "carol");
    EXPECT_EQ(kit::invoke(srv, "Kit_Whoami", json::object(), ctx).value, "carol");
    EXPECT_EQ(kit::invoke(srv, "Kit.Hello", {{"name", "Di"}}, ctx).value, "Hello, Di");

    const auto bad = kit::invoke(srv, "hello", {{"name", 3}}, ctx);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error->kind, error_kind::tool_runtime_bad_input_value);
    const auto failed = kit::invoke(srv, "fails", json::object(), ctx);
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error->kind, error_kind::tool_runtime_retry);
    EXPECT_THROW(kit::invoke(srv, "missing", json::object(), ctx), std::invalid_argument);

    ctx.on_elicitation([](const json&) { return json{{"action", "accept"}, {"content", {{"color", "red"}}}}; });
    EXPECT_EQ(kit::invoke(srv, "ask_color", json::object(), ctx).value, "likes red");
    EXPECT_EQ(kit::invoke(srv, "chatty", json::object(), ctx).value, 2);
    EXPECT_EQ(ctx.progress().size(), 2u);
    EXPECT_EQ(ctx.logs().at(0)["level"], "info");
}

}  // namespace
