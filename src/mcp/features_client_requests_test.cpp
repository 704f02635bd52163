// Dispatcher-level tests: requests a running tool sends to the client (sampling, elicitation),
// their answers, errors, time limits, cancellation and the session-end paths.
#include "mcp/features_fixture.hpp"

namespace arcade_mcp::detail {
namespace {

// ---------------------------------------------------------------------------------------------
// Requests to the client from a running tool (sampling, elicitation)

/// Fixture tools that ask the client.
void add_asking_tools(server& srv) {
    srv.add_tool<no_arguments>("ask", "Asks the client's model.", [](tool_context& ctx, const no_arguments&) {
        const sampling_result answer = ctx.create_message("What is 6*7?", 50);
        return answer.role + "|" + answer.text() + "|" + answer.model + "|" + answer.stop_reason.value_or("-");
    });
    srv.add_tool<no_arguments>("confirm", "Asks the user.", [](tool_context& ctx, const no_arguments&) {
        const json schema{{"type", "object"}, {"properties", {{"ok", {{"type", "boolean"}}}}}};
        const elicitation_result answer = ctx.elicit("Proceed?", schema);
        return answer.action + " " + answer.content.dump();
    });
    srv.add_tool<no_arguments>("ask_twice", "Asks the model twice.", [](tool_context& ctx, const no_arguments&) {
        const std::string one = ctx.create_message("one", 5).text();
        return one + "+" + ctx.create_message("two", 5).text();
    });
    srv.add_tool<no_arguments>("roots_quickly", "Asks for roots with a short timeout.",
                               [](tool_context& ctx, const no_arguments&) {
                                   return ctx.request_client("roots/list", json::object(), 50ms).dump();
                               });
}

json response_to(const json& request, json result) {
    return json{{"jsonrpc", "2.0"}, {"id", request["id"]}, {"result", std::move(result)}};
}

/// Feeds the client's answer; it gets no reply of its own.
void answer(dispatcher& core, const std::shared_ptr<session_state>& s, const json& message) {
    auto sink = std::make_shared<capture_sink>();
    core.handle(s, message, sink);
    ASSERT_TRUE(sink->wait_finished());
    EXPECT_FALSE(sink->reply().has_value());
    EXPECT_TRUE(sink->sent().empty());
}

/// The text of a CallToolResult's first block.
std::string text_of(const json& result) { return result["content"][0]["text"].get<std::string>(); }

TEST_F(FeaturesTest, SamplingRequestTravelsOnTheSinkAndTheAnswerReachesTheTool) {
    add_asking_tools(srv());
    auto s = open(json{{"sampling", json::object()}});
    auto sink = std::make_shared<capture_sink>();
    core().handle(s, call_tool(7, "ask"), sink);
    ASSERT_TRUE(sink->wait_sent(1));
    const json req = sink->sent()[0];
    EXPECT_EQ(req["jsonrpc"], "2.0");
    EXPECT_EQ(req["method"], "sampling/createMessage");
    ASSERT_TRUE(req["id"].is_number_integer()) << req.dump();
    EXPECT_EQ(req["params"],
              json::parse(
                  R"({"messages":[{"role":"user","content":{"type":"text","text":"What is 6*7?"}}],"maxTokens":50})"));
    EXPECT_EQ(sink->finishes(), 0) << "the tool is still waiting";

    answer(
        core(), s,
        response_to(
            req,
            json::parse(
                R"({"role":"assistant","content":{"type":"text","text":"42"},"model":"m1","stopReason":"endTurn"})")));
    ASSERT_TRUE(sink->wait_finished());
    const json reply = sink->reply().value_or(json());
    EXPECT_EQ(reply["id"], 7);
    EXPECT_EQ(reply["result"]["isError"], false);
    EXPECT_EQ(reply["result"]["structuredContent"]["result"], "assistant|42|m1|endTurn");
    EXPECT_EQ(sink->sent().size(), 1u);
}

TEST_F(FeaturesTest, ElicitationRoundTrip) {
    add_asking_tools(srv());
    auto s = open(json{{"elicitation", json::object()}});
    auto sink = std::make_shared<capture_sink>();
    core().handle(s, call_tool(8, "confirm"), sink);
    ASSERT_TRUE(sink->wait_sent(1));
    const json req = sink->sent()[0];
    EXPECT_EQ(req["method"], "elicitation/create");
    EXPECT_EQ(req["params"]["message"], "Proceed?");
    EXPECT_EQ(req["params"]["requestedSchema"],
              json::parse(R"({"type":"object","properties":{"ok":{"type":"boolean"}}})"));
    answer(core(), s, response_to(req, json::parse(R"({"action":"accept","content":{"ok":true}})")));
    ASSERT_TRUE(sink->wait_finished());
    EXPECT_EQ(sink->reply().value_or(json())["result"]["structuredContent"]["result"], R"(accept {"ok":true})");
}

TEST_F(FeaturesTest, ElicitationDeclinedAndInvalidAction) {
    add_asking_tools(srv());
    auto s = open(json{{"elicitation", json::object()}});
    for (const char* action : {"decline", "maybe"}) {
        auto sink = std::make_shared<capture_sink>();
        core().handle(s, call_tool(8, "confirm"), sink);
        ASSERT_TRUE(sink->wait_sent(1));
        answer(core(), s, response_to(sink->sent()[0], json{{"action", action}}));
        ASSERT_TRUE(sink->wait_finished());
        const json result = sink->reply().value_or(json())["result"];
        if (std::string(action) == "decline") {
            EXPECT_EQ(result["structuredContent"]["result"], "decline null");
        } else {
            EXPECT_EQ(result["isError"], true);
            EXPECT_NE(text_of(result).find("no valid action"), std::string::npos) << text_of(result);
        }
    }
}

TEST_F(FeaturesTest, EachClientRequestGetsItsOwnId) {
    add_asking_tools(srv());
    auto s = open(json{{"sampling", json::object()}});
    auto sink = std::make_shared<capture_sink>();
    core().handle(s, call_tool(9, "ask_twice"), sink);
    const json content = json::parse(R"({"role":"assistant","content":{"type":"text","text":"A"},"model":"m"})");
    ASSERT_TRUE(sink->wait_sent(1));
    const json first = sink->sent()[0];
    EXPECT_EQ(first["params"]["messages"][0]["content"]["text"], "one");
    answer(core(), s, response_to(first, content));
    ASSERT_TRUE(sink->wait_sent(2));
    const json second = sink->sent()[1];
    EXPECT_NE(first["id"], second["id"]);
    // Answering the first id again is ignored; the second is still waiting.
    answer(core(), s, response_to(first, content));
    EXPECT_EQ(sink->finishes(), 0);
    answer(
        core(), s,
        response_to(
            second,
            json::parse(
                R"({"role":"assistant","content":[{"type":"text","text":"B"},{"type":"text","text":"C"}],)"
                R"("model":"m"})")));
    ASSERT_TRUE(sink->wait_finished());
    EXPECT_EQ(sink->reply().value_or(json())["result"]["structuredContent"]["result"], "A+BC");
}

TEST_F(FeaturesTest, ClientErrorAnswerBecomesAToolError) {
    add_asking_tools(srv());
    auto s = open(json{{"sampling", json::object()}});
    auto sink = std::make_shared<capture_sink>();
    core().handle(s, call_tool(10, "ask"), sink);
    ASSERT_TRUE(sink->wait_sent(1));
    const json req = sink->sent()[0];
    answer(core(), s,
           json{{"jsonrpc", "2.0"},
                {"id", req["id"]},
                {"error", {{"code", -1}, {"message", "User rejected sampling request"}}}});
    ASSERT_TRUE(sink->wait_finished());
    const json reply = sink->reply().value_or(json());
    EXPECT_EQ(reply["id"], 10);
    ASSERT_TRUE(reply.contains("result")) << "a failed client request is a tool result, not a JSON-RPC error";
    EXPECT_EQ(reply["result"]["isError"], true);
    EXPECT_NE(text_of(reply["result"]).find("User rejected sampling request"), std::string::npos)
        << text_of(reply["result"]);
}

TEST_F(FeaturesTest, SamplingResultWithoutContentIsAToolError) {
    add_asking_tools(srv());
    auto s = open(json{{"sampling", json::object()}});
    auto sink = std::make_shared<capture_sink>();
    core().handle(s, call_tool(11, "ask"), sink);
    ASSERT_TRUE(sink->wait_sent(1));
    answer(core(), s, response_to(sink->sent()[0], json{{"role", "assistant"}, {"model", "m"}}));
    ASSERT_TRUE(sink->wait_finished());
    EXPECT_EQ(sink->reply().value_or(json())["result"]["isError"], true);
}

TEST_F(FeaturesTest, ClientWithoutTheCapabilityIsAToolError) {
    add_asking_tools(srv());
    auto s = open(json{{"roots", json::object()}});
    std::vector<json> sent;
    const json ask = request(s, call_tool(1, "ask"), &sent);
    EXPECT_EQ(ask["result"]["isError"], true);
    EXPECT_NE(text_of(ask["result"]).find("does not support sampling"), std::string::npos) << text_of(ask["result"]);
    EXPECT_TRUE(sent.empty()) << "nothing is asked of a client that cannot answer";
    const json confirm = request(s, call_tool(2, "confirm"), &sent);
    EXPECT_EQ(confirm["result"]["isError"], true);
    EXPECT_NE(text_of(confirm["result"]).find("does not support elicitation"), std::string::npos)
        << text_of(confirm["result"]);
    EXPECT_TRUE(sent.empty());
}

TEST_F(FeaturesTest, CapabilityMustBeAnObject) {
    add_asking_tools(srv());
    auto s = open(json{{"sampling", true}});
    EXPECT_EQ(request(s, call_tool(1, "ask"))["result"]["isError"], true);
}

TEST_F(FeaturesTest, StatelessSessionCannotAskTheClient) {
    add_asking_tools(srv());
    auto s = std::make_shared<session_state>("stateless", "fallback");
    s->set_stateless();
    request(s, rpc(0, "initialize",
                   json{{"protocolVersion", "2025-11-25"},
                        {"capabilities", {{"sampling", json::object()}}},
                        {"clientInfo", {{"name", "t"}, {"version", "0"}}}}));
    std::vector<json> sent;
    const json r = request(s, call_tool(1, "ask"), &sent);
    EXPECT_EQ(r["result"]["isError"], true);
    EXPECT_TRUE(sent.empty());
    const json raw = request(s, call_tool(2, "roots_quickly"), &sent);
    EXPECT_EQ(raw["result"]["isError"], true);
    EXPECT_NE(text_of(raw["result"]).find("Stateless"), std::string::npos) << text_of(raw["result"]);
}

TEST_F(FeaturesTest, CancellingAToolThatWaitsForTheClient) {
    add_asking_tools(srv());
    auto s = open(json{{"sampling", json::object()}});
    auto sink = std::make_shared<capture_sink>();
    core().handle(s, call_tool(12, "ask"), sink);
    ASSERT_TRUE(sink->wait_sent(1));
    const json req = sink->sent()[0];
    answer(core(), s,
           json::parse(
               R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":12,"reason":"user"}})"));
    ASSERT_TRUE(sink->wait_finished());
    EXPECT_FALSE(sink->reply().has_value()) << "a cancelled request gets no response";
    const auto sent = sink->sent();
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[1]["method"], "notifications/cancelled");
    EXPECT_EQ(sent[1]["params"]["requestId"], req["id"]) << "the server withdraws its own request";
    EXPECT_TRUE(sent[1]["params"]["reason"].is_string());
    EXPECT_FALSE(sent[1].contains("id"));
    // A late answer finds nothing waiting and is ignored.
    answer(
        core(), s,
        response_to(req, json::parse(R"({"role":"assistant","content":{"type":"text","text":"late"},"model":"m"})")));
    EXPECT_EQ(s->calls_in_flight(), 0u);
}

TEST_F(FeaturesTest, ClientRequestTimesOut) {
    add_asking_tools(srv());
    auto s = open(json{{"roots", json::object()}});
    std::vector<json> sent;
    const json r = request(s, call_tool(13, "roots_quickly"), &sent);
    EXPECT_EQ(r["result"]["isError"], true);
    EXPECT_NE(text_of(r["result"]).find("did not answer roots/list in time"), std::string::npos)
        << text_of(r["result"]);
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[0]["method"], "roots/list");
    EXPECT_EQ(sent[1]["method"], "notifications/cancelled");
    EXPECT_EQ(sent[1]["params"]["requestId"], sent[0]["id"]);
}

TEST_F(FeaturesTest, SessionCloseFailsPendingClientRequests) {
    add_asking_tools(srv());
    auto s = open(json{{"sampling", json::object()}});
    auto sink = std::make_shared<capture_sink>();
    core().handle(s, call_tool(14, "ask"), sink);
    ASSERT_TRUE(sink->wait_sent(1));
    s->close();
    ASSERT_TRUE(sink->wait_finished());
    const json reply = sink->reply().value_or(json());
    ASSERT_TRUE(reply.contains("result")) << reply.dump();
    EXPECT_EQ(reply["result"]["isError"], true);
    const std::string text = text_of(reply["result"]);
    // close() stops the call and fails the request; the handler may see either first.
    EXPECT_TRUE(text.find("The session ended") != std::string::npos || text.find("cancelled") != std::string::npos)
        << text;
    // Once closed, nothing more can be asked.
    EXPECT_FALSE(s->open_client_request(16).second);
}

TEST_F(FeaturesTest, ClientGoneFailsPendingClientRequests) {
    add_asking_tools(srv());
    auto s = open(json{{"elicitation", json::object()}});
    auto sink = std::make_shared<capture_sink>();
    core().handle(s, call_tool(15, "confirm"), sink);
    ASSERT_TRUE(sink->wait_sent(1));
    s->fail_client_requests();  // stdio EOF
    ASSERT_TRUE(sink->wait_finished());
    const json reply = sink->reply().value_or(json());
    EXPECT_EQ(reply["result"]["isError"], true);
    EXPECT_NE(text_of(reply["result"]).find("The session ended"), std::string::npos) << text_of(reply["result"]);
    EXPECT_EQ(sink->sent().size(), 1u) << "no cancellation is sent to a client that is gone";
}

TEST_F(FeaturesTest, ResponsesToNoPendingRequestAreIgnored) {
    auto s = open();
    answer(core(), s, json::parse(R"({"jsonrpc":"2.0","id":999,"result":{}})"));
    answer(core(), s, json::parse(R"({"jsonrpc":"2.0","id":"abc","error":{"code":-1,"message":"x"}})"));
    EXPECT_EQ(result_of(s, rpc(1, "ping")), json::object());
}


}  // namespace
}  // namespace arcade_mcp::detail
