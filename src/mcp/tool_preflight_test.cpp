// MCP mode's checks before a tool runs (tool_preflight.hpp), through the dispatcher: tool OAuth
// through a scripted user authorizer (granted, approval by URL elicitation, declined, failed at
// the provider, clients that cannot be asked, the API failing, no API key), declared secrets and
// the HTTP transport rule, each answer compared with arcade-mcp-server 1.26's texts.
#include <deque>

#include "mcp/features_modern_fixture.hpp"
#include "mcp/tool_preflight.hpp"

namespace arcade_mcp::detail {
namespace {

/// An authorizer answering from scripts, recording what it was asked.
class scripted_authorizer final : public user_authorizer {
public:
    authorization_answer authorize(const oauth2_requirement& requirement, const std::string& user_id) const override {
        std::lock_guard l(mu_);
        asked.push_back(json{{"provider_id", requirement.provider_id.value_or("")},
                             {"id", requirement.id.value_or("")},
                             {"scopes", requirement.scopes},
                             {"user_id", user_id}});
        return next(authorize_answers);
    }
    authorization_answer wait_for(const std::string& id, std::chrono::seconds) const override {
        std::lock_guard l(mu_);
        waited.push_back(id);
        return next(wait_answers);
    }
    static authorization_answer with(std::string status, std::string url = "", std::string token = "") {
        user_authorization a;
        a.id = "auth-1";
        a.status = std::move(status);
        a.url = std::move(url);
        a.token = std::move(token);
        if (!a.token.empty()) a.user_info = json{{"login", "ada"}};
        return authorization_answer{a, ""};
    }

    mutable std::deque<authorization_answer> authorize_answers, wait_answers;
    mutable std::vector<json> asked;
    mutable std::vector<std::string> waited;

private:
    static authorization_answer next(std::deque<authorization_answer>& q) {
        if (q.empty()) return authorization_answer{std::nullopt, "script exhausted"};
        auto a = std::move(q.front());
        q.pop_front();
        return a;
    }
    mutable std::mutex mu_;
};

constexpr const char* link = "https://auth.example/authorize/auth-1";

class PreflightTest : public FeaturesTest {
protected:
    void with_authorizer(bool present = true, bool refuse = false) {
        auto options = dispatcher_options::with_user("ada@example.com");
        if (present) options.authorizer = authorizer;
        options.refuse_tools_with_requirements = refuse;
        server_info info = test_info();
        info.toolkit = "Github";
        reset(info, std::move(options));
        srv()
            .add_tool<no_arguments>("who_am_i", "Who the token belongs to.",
                                    [](tool_context& ctx, const no_arguments&) {
                                        return ctx.authorization_token().value_or("none") + " " +
                                               ctx.user_info().value("login", std::string("?"));
                                    })
            .requires_oauth2("github", {"read:user", "repo"});
        srv()
            .add_tool<no_arguments>("needs_keys", "Reads two secrets.",
                                    [](tool_context&, const no_arguments&) { return std::string("ran"); })
            .requires_secret("PREFLIGHT_TEST_UNSET_A")
            .requires_secret("PREFLIGHT_TEST_UNSET_B");
        srv()
            .add_tool<no_arguments>("reserved", "Declares a server secret.",
                                    [](tool_context&, const no_arguments&) { return std::string("ran"); })
            .requires_secret("ARCADE_API_KEY");
    }
    static std::string text(const json& result, std::size_t block = 0) {
        return result["content"][block]["text"].get<std::string>();
    }
    std::shared_ptr<scripted_authorizer> authorizer = std::make_shared<scripted_authorizer>();
};

TEST_F(PreflightTest, AGrantedTokenAndUserInfoReachTheTool) {
    authorizer->authorize_answers.push_back(scripted_authorizer::with("completed", "", "gho_123"));
    with_authorizer();
    auto s = open();
    const json r = result_of(s, call_tool(1, "Github_WhoAmI"));
    EXPECT_EQ(r["isError"], false) << r.dump();
    EXPECT_EQ(r["structuredContent"]["result"], "gho_123 ada");
    ASSERT_EQ(authorizer->asked.size(), 1u);
    EXPECT_EQ(authorizer->asked[0], json::parse(R"({"provider_id":"github","id":"","scopes":["read:user","repo"],
                                                    "user_id":"ada@example.com"})"));
}

TEST_F(PreflightTest, WithoutAnApiKeyTheCallIsRefusedWithPythonsInstructions) {
    with_authorizer(false);
    auto s = open();
    const json r = result_of(s, call_tool(1, "Github_WhoAmI"));
    EXPECT_EQ(r["isError"], true);
    EXPECT_FALSE(r.contains("_meta"));
    EXPECT_FALSE(r.contains("structuredContent"));
    EXPECT_EQ(text(r),
              "✗ Missing Arcade API key\n\n  Tool 'Github_WhoAmI' requires authorization but no API key is "
              "configured.\n\n  To fix, either:\n  1. Run arcade login:     arcade login\n  2. Set environment var:  "
              "export ARCADE_API_KEY=your_key_here\n  3. Add to .env file:     ARCADE_API_KEY=your_key_here\n\n  Then "
              "restart the server.");
    EXPECT_TRUE(text(r, 1).starts_with(R"({"llm_instructions": "The MCP server cannot execute the 'Github_WhoAmI')"));
}

TEST_F(PreflightTest, AClientThatCannotOpenLinksGetsTheLinkAsPythonSendsIt) {
    for (const auto& [capabilities, revision] :
         {std::pair{json::object(), "2025-11-25"}, std::pair{json::parse(R"({"elicitation":{}})"), "2025-11-25"},
          std::pair{json::parse(R"({"elicitation":{"url":{}}})"), "2025-06-18"}}) {
        authorizer->authorize_answers.push_back(scripted_authorizer::with("pending", link));
        with_authorizer();
        auto s = open(capabilities, revision);
        std::vector<json> sent;
        const json r = request(s, call_tool(1, "Github_WhoAmI"), &sent).value("result", json());
        EXPECT_TRUE(sent.empty()) << "nothing asked of a client without URL elicitation: " << capabilities.dump();
        EXPECT_EQ(r["isError"], true);
        EXPECT_EQ(text(r),
                  "⚠ Authorization required\n\n  Tool 'Github_WhoAmI' needs your permission to access your "
                  "account.\n\n  To authorize:\n  1. Click this link: https://auth.example/authorize/auth-1\n  2. "
                  "Grant the requested permissions\n  3. Return here and try again\n\n  This is a one-time setup for "
                  "this tool.");
        EXPECT_EQ(text(r, 1),
                  R"({"llm_instructions": "Please show the following link to the end user formatted as markdown: )"
                  R"(https://auth.example/authorize/auth-1 \nInform the end user that the tool requires their )"
                  R"(authorization to be completed before the tool can be executed.", "authorization_url": )"
                  R"("https://auth.example/authorize/auth-1"})");
        EXPECT_FALSE(r.contains("_meta"));
    }
}

/// Calls WhoAmI on a client taking URL elicitations, answers the elicitation with `action`.
json call_answering(dispatcher& core, const std::shared_ptr<session_state>& s, const std::string& action,
                    json* elicitation, std::vector<json>* notes) {
    auto sink = std::make_shared<capture_sink>();
    core.handle(s, call_tool(1, "Github_WhoAmI"), sink);
    EXPECT_TRUE(sink->wait_sent(1));
    *elicitation = sink->sent()[0];
    auto answer_sink = std::make_shared<capture_sink>();
    core.handle(s, json{{"jsonrpc", "2.0"}, {"id", (*elicitation)["id"]}, {"result", {{"action", action}}}},
                answer_sink);
    EXPECT_TRUE(answer_sink->wait_finished());
    EXPECT_TRUE(sink->wait_finished());
    *notes = sink->sent();
    return sink->reply().value_or(json()).value("result", json());
}

TEST_F(PreflightTest, ApprovalThroughAUrlElicitationThenTheToolRuns) {
    authorizer->authorize_answers.push_back(scripted_authorizer::with("pending", link));
    authorizer->wait_answers.push_back(scripted_authorizer::with("pending", link));
    authorizer->wait_answers.push_back(scripted_authorizer::with("completed", "", "gho_456"));
    with_authorizer();
    auto s = open(json::parse(R"({"elicitation":{"url":{}}})"));
    json elicitation;
    std::vector<json> sent;
    const json r = call_answering(core(), s, "accept", &elicitation, &sent);
    EXPECT_EQ(elicitation["method"], "elicitation/create");
    EXPECT_EQ(elicitation["params"]["mode"], "url");
    EXPECT_EQ(elicitation["params"]["url"], link);
    EXPECT_EQ(elicitation["params"]["elicitationId"], "auth-1");
    EXPECT_FALSE(elicitation["params"].contains("requestedSchema"));
    EXPECT_EQ(r["isError"], false) << r.dump();
    EXPECT_EQ(r["structuredContent"]["result"], "gho_456 ada");
    EXPECT_EQ(authorizer->waited, (std::vector<std::string>{"auth-1", "auth-1"}));
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[1]["method"], "notifications/elicitation/complete");
    EXPECT_EQ(sent[1]["params"], (json{{"elicitationId", "auth-1"}}));
}

TEST_F(PreflightTest, DeclinedOrFailedApprovalEndsTheCallWithTheReason) {
    for (const std::string action : {"decline", "cancel", "accept"}) {
        authorizer->authorize_answers.push_back(scripted_authorizer::with("pending", link));
        authorizer->wait_answers.push_back(scripted_authorizer::with("failed"));
        with_authorizer();
        auto s = open(json::parse(R"({"elicitation":{"url":{}}})"));
        json elicitation;
        std::vector<json> sent;
        const json r = call_answering(core(), s, action, &elicitation, &sent);
        EXPECT_EQ(r["isError"], true);
        if (action == "accept") {
            EXPECT_TRUE(text(r).starts_with("✗ Authorization failed\n\n  Tool 'Github_WhoAmI' was not authorized"));
        } else {
            EXPECT_TRUE(text(r).starts_with("✗ Authorization declined\n\n")) << text(r);
            EXPECT_EQ(json::parse(text(r, 1))["authorization_url"], link);
        }
        authorizer->wait_answers.clear();
    }
}

TEST_F(PreflightTest, AMalformedElicitationAnswerIsADeclineNotACrash) {
    for (const json& answer : {json{{"action", 7}}, json("accept"), json::array({"accept"})}) {
        authorizer->authorize_answers.push_back(scripted_authorizer::with("pending", link));
        with_authorizer();
        auto s = open(json::parse(R"({"elicitation":{"url":{}}})"));
        auto sink = std::make_shared<capture_sink>();
        core().handle(s, call_tool(1, "Github_WhoAmI"), sink);
        ASSERT_TRUE(sink->wait_sent(1));
        auto answer_sink = std::make_shared<capture_sink>();
        core().handle(s, json{{"jsonrpc", "2.0"}, {"id", sink->sent()[0]["id"]}, {"result", answer}}, answer_sink);
        ASSERT_TRUE(sink->wait_finished());
        const json r = sink->reply().value_or(json()).value("result", json());
        EXPECT_EQ(r.value("isError", false), true) << answer.dump() << " " << sink->reply()->dump();
        EXPECT_TRUE(text(r).starts_with("✗ Authorization declined")) << text(r);
    }
}

TEST(PreflightPlan, ATokenNeedingToolNeverRunsOnTheIoThread) {
    tool_spec spec = make_tool<no_arguments>("t", "d", [](const no_arguments&) { return 1; });
    spec.non_blocking();
    EXPECT_TRUE(plan_for(spec, std::chrono::seconds(5)).run_inline);
    spec.requires_oauth2("github");
    const call_plan plan = plan_for(spec, std::chrono::seconds(5));
    EXPECT_FALSE(plan.run_inline);
    EXPECT_EQ(plan.time_limit, std::chrono::seconds(5));
}

TEST_F(PreflightTest, AnApiFailureIsAnAuthorizationErrorAndTheServerServesOn) {
    authorizer->authorize_answers.push_back(authorization_answer{std::nullopt, "Connection error."});
    authorizer->authorize_answers.push_back(scripted_authorizer::with("completed", "", "gho_789"));
    with_authorizer();
    auto s = open();
    json r = result_of(s, call_tool(1, "Github_WhoAmI"));
    EXPECT_EQ(text(r),
              "✗ Authorization error\n\n  Tool 'Github_WhoAmI' failed to authorize.\n\n  Error: Authorization "
              "failed: Connection error.\n\n  To fix:\n  1. Check your API key is valid\n  2. Verify you have "
              "necessary permissions\n  3. Try running: arcade login\n\n  Then restart the server.");
    EXPECT_EQ(json::parse(text(r, 1))["llm_instructions"],
              "The 'Github_WhoAmI' tool failed authorization. Error: Authorization failed: Connection error.. The "
              "developer should check their API key and permissions.");
    r = result_of(s, call_tool(2, "Github_WhoAmI"));
    EXPECT_EQ(r["structuredContent"]["result"], "gho_789 ada");
}

TEST_F(PreflightTest, MissingAndReservedSecretsAreNamedAsPythonNamesThem) {
    with_authorizer();
    auto s = open();
    json r = result_of(s, call_tool(1, "Github_NeedsKeys"));
    EXPECT_EQ(text(r),
              "✗ Missing secrets: PREFLIGHT_TEST_UNSET_A, PREFLIGHT_TEST_UNSET_B\n\n  Tool 'Github_NeedsKeys' "
              "requires these secrets but they are not configured.\n\n  To fix, either:\n  1. Add to .env file:\n"
              "       PREFLIGHT_TEST_UNSET_A=your_value_here\n       PREFLIGHT_TEST_UNSET_B=your_value_here\n  2. Set "
              "environment variable:\n       export PREFLIGHT_TEST_UNSET_A=your_value_here\n       export "
              "PREFLIGHT_TEST_UNSET_B=your_value_here\n\n  Then restart the server.");
    EXPECT_TRUE(json::parse(text(r, 1))["llm_instructions"].get<std::string>().ends_with(
        "Once the secrets are configured, restart the MCP server for the changes to take effect."));
    r = result_of(s, call_tool(2, "Github_Reserved"));
    EXPECT_TRUE(
        text(r).starts_with("✗ Reserved secret: ARCADE_API_KEY\n\n  Tool 'Github_Reserved' declares this "
                            "secret, but Arcade reserves it as a framework credential"))
        << text(r);
}

TEST_F(PreflightTest, HttpWithoutFrontDoorAuthRefusesUnlessTheCallerIsAuthenticated) {
    authorizer->authorize_answers.push_back(scripted_authorizer::with("completed", "", "gho_1"));
    with_authorizer(true, true);
    auto anonymous = open();
    const json r = result_of(anonymous, call_tool(1, "Github_WhoAmI"));
    EXPECT_TRUE(
        text(r).starts_with("✗ Unsupported transport\n\n  Tool 'Github_WhoAmI' cannot run over HTTP transport "
                            "for security reasons.\n  This tool requires authorization.\n\n"))
        << text(r);
    EXPECT_TRUE(authorizer->asked.empty());
    auto s = std::make_shared<session_state>("authenticated", "fallback");
    s->bind_subject("user-sub-1", "issuer|user-sub-1");
    request(s, rpc(0, "initialize",
                   json{{"protocolVersion", "2025-11-25"},
                        {"capabilities", json::object()},
                        {"clientInfo", {{"name", "t"}, {"version", "0"}}}}));
    request(s, json{{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
    const json ok = result_of(s, call_tool(2, "Github_WhoAmI"));
    EXPECT_EQ(ok["structuredContent"]["result"], "gho_1 ada") << ok.dump();
    ASSERT_EQ(authorizer->asked.size(), 1u);
    EXPECT_EQ(authorizer->asked[0]["user_id"], "user-sub-1");  // the token's subject first
}

TEST_F(PreflightTest, A2026RequestAsksForApprovalInAnInputRoundAndRunsOnTheRetry) {
    for (int round = 0; round < 2; ++round)
        authorizer->authorize_answers.push_back(scripted_authorizer::with("pending", link));
    authorizer->wait_answers.push_back(scripted_authorizer::with("completed", "", "gho_2026"));
    with_authorizer();
    auto s = std::make_shared<session_state>("", "fallback");
    const json first = modern_call(1, "Github_WhoAmI", json::object(), json::parse(R"({"elicitation":{"url":{}}})"));
    const json asked = result_of(s, first);
    ASSERT_EQ(asked["resultType"], "input_required") << asked.dump();
    ASSERT_EQ(asked["inputRequests"].size(), 1u);
    const auto requests = asked["inputRequests"];
    const std::string key = requests.begin().key();
    const json question = requests.begin().value();
    EXPECT_EQ(question["method"], "elicitation/create");
    EXPECT_EQ(question["params"]["mode"], "url");
    EXPECT_EQ(question["params"]["url"], link);
    json retry = first;
    retry["id"] = 2;
    retry["params"]["inputResponses"] = json{{key, {{"action", "accept"}}}};
    retry["params"]["requestState"] = asked["requestState"];
    const json done = result_of(s, retry);
    EXPECT_EQ(done["resultType"], "complete") << done.dump();
    EXPECT_EQ(done["structuredContent"]["result"], "gho_2026 ada");
}

TEST(PythonJsonDumps, SpacesAndOrderAsJsonDumpsWritesThem) {
    EXPECT_EQ(python_json_dumps({{"b", "x"}, {"a", "line\n\"q\" é"}}), R"({"b": "x", "a": "line\n\"q\" é"})");
    EXPECT_EQ(python_json_dumps({}), "{}");
}

}  // namespace
}  // namespace arcade_mcp::detail
