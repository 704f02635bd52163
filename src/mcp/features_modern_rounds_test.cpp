// Dispatcher-level tests of MCP 2026-07-28 multi-round-trip tool calls (spec/mcp-server.md §16):
// answers carried in signed request state, its tampering and binding, missing capabilities and
// malformed answers, and the same eliciting tool served in both eras.
#include "mcp/features_modern_fixture.hpp"

namespace arcade_mcp::detail {
namespace {

/// The retry of `request` with a new id, the answers and the state of the previous round.
json retry(const json& request, int id, json responses, const json& state) {
    json r = request;
    r["id"] = id;
    if (!responses.is_null()) r["params"]["inputResponses"] = std::move(responses);
    if (!state.is_null()) r["params"]["requestState"] = state;
    return r;
}

json accepted(json content) { return json{{"action", "accept"}, {"content", std::move(content)}}; }

// ---------------------------------------------------------------------------------------------
// Multi-round-trip requests

TEST_F(FeaturesTest, MultiRoundToolCarriesEarlierAnswersInTheRequestState) {
    add_modern_tools(srv());
    auto s = std::make_shared<session_state>("", "fallback");
    json first = modern_call(1, "two_steps");

    json r1 = result_of(s, first);
    EXPECT_EQ(r1["resultType"], "input_required");
    EXPECT_EQ(keys_of(r1["inputRequests"]), std::vector<std::string>{"step1"});
    EXPECT_EQ(r1["inputRequests"]["step1"]["method"], "elicitation/create");
    EXPECT_EQ(r1["inputRequests"]["step1"]["params"]["message"], "Your name?");
    EXPECT_EQ(r1["inputRequests"]["step1"]["params"]["requestedSchema"], string_form("name"));
    ASSERT_TRUE(r1["requestState"].is_string());
    EXPECT_EQ(r1["requestState"].get<std::string>().rfind("v1.", 0), 0u);
    EXPECT_FALSE(r1.contains("content"));
    EXPECT_FALSE(r1.contains("ttlMs")) << "input_required results carry no caching hints";

    json r2 = result_of(s, retry(first, 2, json{{"step1", accepted(json{{"name", "Ada"}})}}, r1["requestState"]));
    EXPECT_EQ(r2["resultType"], "input_required");
    EXPECT_EQ(keys_of(r2["inputRequests"]), std::vector<std::string>{"step2"}) << "step1 is answered";
    ASSERT_TRUE(r2["requestState"].is_string());
    EXPECT_NE(r2["requestState"], r1["requestState"]);

    // Round 3 carries only step2's answer: step1's comes from the request state.
    json r3 = result_of(s, retry(first, 3, json{{"step2", accepted(json{{"color", "blue"}})}}, r2["requestState"]));
    EXPECT_EQ(r3["resultType"], "complete");
    EXPECT_EQ(r3["content"][0]["text"], "Ada likes blue");
    EXPECT_EQ(r3["isError"], false);

    // With round 1's state instead, step1's answer is unknown: it is asked again, not an error.
    json stale = result_of(s, retry(first, 4, json{{"step2", accepted(json{{"color", "blue"}})}}, r1["requestState"]));
    EXPECT_EQ(stale["resultType"], "input_required");
    EXPECT_EQ(keys_of(stale["inputRequests"]), std::vector<std::string>{"step1"});
}

TEST_F(FeaturesTest, AllAnswersAtOnceNeedNoState) {
    add_modern_tools(srv());
    auto s = std::make_shared<session_state>("", "fallback");
    json answers{{"step1", accepted(json{{"name", "Bo"}})},
                 {"step2", accepted(json{{"color", "red"}})},
                 {"extra", {{"ignored", true}}}};
    json r = result_of(s, retry(modern_call(1, "two_steps"), 1, answers, nullptr));
    EXPECT_EQ(r["resultType"], "complete");
    EXPECT_EQ(r["content"][0]["text"], "Bo likes red") << "unknown extra responses are ignored";
}

TEST_F(FeaturesTest, TamperedOrMistypedRequestStateIsInvalidParams) {
    add_modern_tools(srv());
    auto s = std::make_shared<session_state>("", "fallback");
    json first = modern_call(1, "two_steps");
    const std::string state = result_of(s, first)["requestState"].get<std::string>();
    json answer{{"step1", accepted(json{{"name", "Ada"}})}};

    std::string tampered = state;
    tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
    json err = error_of(s, retry(first, 2, answer, tampered));
    EXPECT_EQ(err["code"], -32602);
    EXPECT_NE(err["message"].get<std::string>().find("requestState"), std::string::npos) << err.dump();

    EXPECT_EQ(error_of(s, retry(first, 3, answer, json(42)))["code"], -32602);
    EXPECT_EQ(error_of(s, retry(first, 4, answer, "v1.not-a-state"))["code"], -32602);
    EXPECT_EQ(error_of(s, retry(first, 5, json("accept"), nullptr))["code"], -32602)
        << "inputResponses must be an object";
    // The untouched state still works.
    EXPECT_EQ(result_of(s, retry(first, 6, answer, state))["resultType"], "input_required");
}

TEST_F(FeaturesTest, RequestStateIsBoundToItsRequest) {
    add_modern_tools(srv());
    auto s = std::make_shared<session_state>("", "fallback");
    json for_ada = modern_call(1, "greet", json{{"who", "Ada"}});
    json state = result_of(s, for_ada)["requestState"];
    ASSERT_TRUE(state.is_string());
    json answer{{"ok", {{"action", "accept"}}}};

    json other_args = modern_call(2, "greet", json{{"who", "Bob"}});
    json err = error_of(s, retry(other_args, 2, answer, state));
    EXPECT_EQ(err["code"], -32602);
    EXPECT_EQ(err["message"], "Invalid params: requestState belongs to another request");

    json other_tool = modern_call(3, "confirm");
    EXPECT_EQ(error_of(s, retry(other_tool, 3, answer, state))["message"],
              "Invalid params: requestState belongs to another request");

    // The same request with other _meta (capabilities, client info) is still the same request.
    json r = result_of(s, retry(for_ada, 4, answer, state));
    EXPECT_EQ(r["content"][0]["text"], "hello Ada (accept)");
}

TEST_F(FeaturesTest, RequestStateIsBoundToTheAuthenticatedSubject) {
    add_modern_tools(srv());
    const auto session_of = [](std::string subject, std::string issuer = "https://as.example.com") {
        auto s = std::make_shared<session_state>("", "fallback");
        s->bind_subject(subject, issuer + " " + subject);
        return s;
    };
    json first = modern_call(1, "greet", json{{"who", "Ada"}});
    json state = result_of(session_of("alice"), first)["requestState"];
    ASSERT_TRUE(state.is_string());
    json answer{{"ok", {{"action", "accept"}}}};
    // Another subject (another bearer token's sub) cannot continue alice's request...
    EXPECT_EQ(error_of(session_of("bob"), retry(first, 2, answer, state))["message"],
              "Invalid params: requestState belongs to another request");
    // ...nor the same subject name from another authorization server...
    EXPECT_EQ(error_of(session_of("alice", "https://other-as.example.com"), retry(first, 5, answer, state))["code"],
              -32602);
    // ...nor a caller without a token (auth off on another replica with the same key).
    EXPECT_EQ(error_of(std::make_shared<session_state>("", "fallback"), retry(first, 3, answer, state))["code"],
              -32602);
    // alice can, from any request (a new token of the same subject).
    EXPECT_EQ(result_of(session_of("alice"), retry(first, 4, answer, state))["content"][0]["text"],
              "hello Ada (accept)");
}

TEST_F(FeaturesTest, AskingWithoutTheCapabilityIsMissingRequiredClientCapability) {
    add_modern_tools(srv());
    auto s = std::make_shared<session_state>("", "fallback");
    for (const json& caps : {json::object(), json{{"sampling", json::object()}}}) {
        json err = error_of(s, modern_call(1, "two_steps", json::object(), caps));
        EXPECT_EQ(err["code"], -32021) << caps.dump();
        EXPECT_EQ(err["data"]["requiredCapabilities"], json::parse(R"({"elicitation":{}})"));
    }
}

TEST_F(FeaturesTest, MalformedAnswerIsInvalidParams) {
    add_modern_tools(srv());
    auto s = std::make_shared<session_state>("", "fallback");
    json err = error_of(s, retry(modern_call(1, "two_steps"), 1, json{{"step1", {{"action", "maybe"}}}}, nullptr));
    EXPECT_EQ(err["code"], -32602);
    EXPECT_NE(err["message"].get<std::string>().find("inputResponses.step1"), std::string::npos) << err.dump();
}

// ---------------------------------------------------------------------------------------------
// One eliciting tool, both eras

TEST_F(FeaturesTest, ElicitingToolWorksUnchangedInBothEras) {
    add_modern_tools(srv());
    auto s = open(json{{"elicitation", json::object()}});  // 2025-11-25 on this channel

    // 2025-11-25: a real elicitation/create to the client; the answer comes back as a response.
    auto sink = std::make_shared<capture_sink>();
    core().handle(s, call_tool(7, "confirm"), sink);
    ASSERT_TRUE(sink->wait_sent(1));
    json asked = sink->sent()[0];
    EXPECT_EQ(asked["method"], "elicitation/create");
    EXPECT_EQ(asked["params"]["message"], "Proceed?");
    EXPECT_EQ(asked["params"]["requestedSchema"], confirm_schema);
    EXPECT_EQ(sink->finishes(), 0) << "the handler waits for the client";
    auto answer_sink = std::make_shared<capture_sink>();
    core().handle(s, json{{"jsonrpc", "2.0"}, {"id", asked["id"]}, {"result", accepted(json{{"ok", true}})}},
                  answer_sink);
    ASSERT_TRUE(answer_sink->wait_finished());
    EXPECT_FALSE(answer_sink->reply().has_value());
    ASSERT_TRUE(sink->wait_finished());
    json legacy = sink->reply().value_or(json());
    EXPECT_EQ(legacy["id"], 7);
    EXPECT_EQ(legacy["result"]["structuredContent"]["result"], R"(accept {"ok":true})");
    EXPECT_FALSE(legacy["result"].contains("resultType"));

    // 2026-07-28 on the same channel: nothing is sent to the client; input_required, then a retry.
    std::vector<json> sent;
    json call = modern_call(8, "confirm");
    json r1 = request(s, call, &sent);
    EXPECT_TRUE(sent.empty()) << "no server-to-client request in 2026-07-28: " << sent.size();
    EXPECT_EQ(r1["id"], 8);
    json round1 = r1["result"];
    EXPECT_EQ(round1["resultType"], "input_required");
    EXPECT_EQ(round1["inputRequests"],
              (json{{"elicit_1",
                     {{"method", "elicitation/create"},
                      {"params", {{"message", "Proceed?"}, {"requestedSchema", confirm_schema}}}}}}));
    json r2 =
        request(s, retry(call, 9, json{{"elicit_1", accepted(json{{"ok", true}})}}, round1["requestState"]), &sent);
    EXPECT_TRUE(sent.empty());
    EXPECT_EQ(r2["id"], 9);
    json modern_result = r2["result"];
    EXPECT_EQ(modern_result["resultType"], "complete");
    modern_result.erase("resultType");
    modern_result.erase("_meta");
    EXPECT_EQ(modern_result, legacy["result"]) << "the same tool, the same answer, the same result";
}

TEST_F(FeaturesTest, LegacyElicitationStillNeedsTheSessionCapability) {
    // The modern request's capabilities do not leak into the legacy session, nor the other way.
    add_modern_tools(srv());
    auto s = open();  // no elicitation declared at initialize
    ASSERT_EQ(result_of(s, modern_call(1, "confirm"))["resultType"], "input_required");
    json legacy = result_of(s, call_tool(2, "confirm"));
    EXPECT_EQ(legacy["isError"], true);
    EXPECT_NE(legacy["content"][0]["text"].get<std::string>().find("does not support elicitation"), std::string::npos)
        << legacy.dump();
}

}  // namespace
}  // namespace arcade_mcp::detail
