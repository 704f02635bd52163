// Dispatcher-level tests of the MCP 2026-07-28 era (spec/mcp-server.md §16): server/discover,
// result shaping per era (resultType, caching hints, _meta.serverInfo only on modern answers, on
// the same channel as a 2025-11-25 session), the revision's errors (removed methods, -32602 for a
// missing resource, -32022, missing _meta), per-request log levels and subscriptions/listen.
// Multi-round-trip tool calls are in features_modern_rounds_test.cpp.
#include "mcp/features_modern_fixture.hpp"

namespace arcade_mcp::detail {
namespace {

// ---------------------------------------------------------------------------------------------
// server/discover and result shaping

TEST_F(FeaturesTest, DiscoverListsVersionsCapabilitiesAndCacheHints) {
    auto info = test_info();
    info.instructions = "Use the tools.";
    reset(info);
    auto s = std::make_shared<session_state>("", "fallback");
    json r = result_of(s, modern(1, "server/discover"));
    EXPECT_EQ(r["resultType"], "complete");
    EXPECT_EQ(r["supportedVersions"], json::parse(R"(["2026-07-28","2025-11-25","2025-06-18","2025-03-26"])"));
    EXPECT_EQ(r["capabilities"], json::parse(R"({"tools":{"listChanged":true},"logging":{}})"));
    EXPECT_EQ(r["instructions"], "Use the tools.");
    EXPECT_EQ(r["ttlMs"], 3600000);
    EXPECT_EQ(r["cacheScope"], "public");
    EXPECT_EQ(r["_meta"],
              json::parse(R"({"io.modelcontextprotocol/serverInfo":{"name":"features","version":"1.0.0"}})"));
    EXPECT_EQ(r.size(), 7u) << r.dump();
    EXPECT_FALSE(s->initialize_done()) << "a modern request leaves the channel's session alone";
}

TEST_F(FeaturesTest, DiscoverAdvertisesResourcesAndPromptsWhenPresent) {
    srv().add_resource(info_of("x://a", "a"), text_reader("A"));
    add_plain_prompt(srv());
    auto s = std::make_shared<session_state>("", "fallback");
    json caps = result_of(s, modern(1, "server/discover"))["capabilities"];
    EXPECT_EQ(caps["resources"], json::parse(R"({"subscribe":true,"listChanged":true})"));
    EXPECT_EQ(caps["prompts"], json::parse(R"({"listChanged":true})"));
    EXPECT_TRUE(caps.contains("completions"));
}

TEST_F(FeaturesTest, ToolsListIsShapedPerEraOnOneChannel) {
    add_modern_tools(srv());
    auto s = open();  // a 2025-11-25 session on this channel
    for (int round = 0; round < 2; ++round) {
        json modern_list = result_of(s, modern(10 + round, "tools/list"));
        EXPECT_EQ(modern_list["resultType"], "complete");
        EXPECT_EQ(modern_list["ttlMs"], 300000);
        EXPECT_EQ(modern_list["cacheScope"], "public");
        EXPECT_EQ(modern_list["_meta"]["io.modelcontextprotocol/serverInfo"]["name"], "features");
        EXPECT_EQ(modern_list["tools"].size(), 5u);

        json legacy_list = result_of(s, rpc(20 + round, "tools/list"));
        EXPECT_EQ(keys_of(legacy_list), std::vector<std::string>{"tools"})
            << "nothing of 2026-07-28 in a 2025-11-25 answer: " << legacy_list.dump();
        EXPECT_EQ(legacy_list["tools"], modern_list["tools"]) << "the tools themselves are era-agnostic";
    }
    EXPECT_EQ(s->revision(), "2025-11-25");
    EXPECT_FALSE(s->modern());

    // Tool results: the same.
    json legacy_call = result_of(s, call_tool(30, "plain"));
    json modern_result = result_of(s, modern_call(31, "plain"));
    EXPECT_FALSE(legacy_call.contains("resultType"));
    EXPECT_FALSE(legacy_call.contains("_meta"));
    EXPECT_EQ(modern_result["resultType"], "complete");
    EXPECT_FALSE(modern_result.contains("ttlMs")) << "tools/call results are not cacheable";
    json stripped = modern_result;
    stripped.erase("resultType");
    stripped.erase("_meta");
    EXPECT_EQ(stripped, legacy_call);
}

TEST_F(FeaturesTest, ListCacheHintComesFromServerInfo) {
    auto info = test_info();
    info.list_cache = cache_hint::per_caller(std::chrono::seconds(10));
    reset(info);
    auto s = std::make_shared<session_state>("", "fallback");
    json r = result_of(s, modern(1, "tools/list"));
    EXPECT_EQ(r["ttlMs"], 10000);
    EXPECT_EQ(r["cacheScope"], "private");
}

// ---------------------------------------------------------------------------------------------
// Errors of the revision

TEST_F(FeaturesTest, RemovedMethodsAreMethodNotFoundInTheModernEra) {
    srv().add_resource(info_of("x://a", "a"), text_reader("A"));
    auto s = open();
    for (const char* method : {"initialize", "ping", "logging/setLevel", "resources/subscribe", "resources/unsubscribe",
                               "tasks/list", "no/such"}) {
        json params = json::object();
        if (std::string(method) == "logging/setLevel") params["level"] = "debug";
        if (std::string(method).rfind("resources/", 0) == 0) params["uri"] = "x://a";
        json err = error_of(s, modern(1, method, params));
        EXPECT_EQ(err["code"], -32601) << method;
        EXPECT_EQ(err["message"], "Method not found: " + std::string(method));
    }
    // The legacy session on the same channel still has them.
    EXPECT_EQ(result_of(s, rpc(2, "ping")), json::object());
    EXPECT_EQ(result_of(s, rpc(3, "resources/subscribe", json{{"uri", "x://a"}})), json::object());
}

TEST_F(FeaturesTest, MissingResourceIsInvalidParamsInTheModernEraOnly) {
    srv().add_resource(info_of("x://a", "a"), text_reader("A"));
    auto s = open();
    json modern_err = error_of(s, modern(1, "resources/read", json{{"uri", "x://missing"}}));
    EXPECT_EQ(modern_err["code"], -32602);
    EXPECT_EQ(modern_err["message"], "Resource not found: x://missing");
    json legacy_err = error_of(s, rpc(2, "resources/read", json{{"uri", "x://missing"}}));
    EXPECT_EQ(legacy_err["code"], -32002);

    json found = result_of(s, modern(3, "resources/read", json{{"uri", "x://a"}}));
    EXPECT_EQ(found["contents"][0]["text"], "A");
    EXPECT_EQ(found["resultType"], "complete");
    EXPECT_EQ(found["ttlMs"], 0) << "reads are not reused by default";
    EXPECT_EQ(found["cacheScope"], "private");
}

TEST_F(FeaturesTest, ResourceOwnCacheHintWinsInTheModernEraOnly) {
    srv().add_resource(info_of("x://a", "a"), text_reader("A")).cache = cache_hint::shared(std::chrono::seconds(30));
    auto s = open();
    json modern_read = result_of(s, modern(1, "resources/read", json{{"uri", "x://a"}}));
    EXPECT_EQ(modern_read["ttlMs"], 30000);
    EXPECT_EQ(modern_read["cacheScope"], "public");
    json legacy_read = result_of(s, rpc(2, "resources/read", json{{"uri", "x://a"}}));
    EXPECT_EQ(keys_of(legacy_read), std::vector<std::string>{"contents"}) << legacy_read.dump();
}

TEST_F(FeaturesTest, RequestMetaIsRequiredAndItsRevisionChecked) {
    add_modern_tools(srv());
    auto s = std::make_shared<session_state>("", "fallback");

    json no_caps = modern(1, "tools/list");
    no_caps["params"]["_meta"].erase("io.modelcontextprotocol/clientCapabilities");
    EXPECT_EQ(error_of(s, no_caps)["code"], -32602);

    // server/discover is modern by its method alone: without _meta it is refused, not served.
    json bare_discover{{"jsonrpc", "2.0"}, {"id", 2}, {"method", "server/discover"}};
    json err = error_of(s, bare_discover);
    EXPECT_EQ(err["code"], -32602);
    EXPECT_NE(err["message"].get<std::string>().find("_meta is required"), std::string::npos);

    json old = modern(3, "tools/list");
    old["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"] = "2025-11-25";
    json unsupported = error_of(s, old);
    EXPECT_EQ(unsupported["code"], -32022);
    EXPECT_EQ(unsupported["data"]["requested"], "2025-11-25");
    EXPECT_EQ(unsupported["data"]["supported"][0], "2026-07-28");
}

TEST_F(FeaturesTest, ModernBatchesDoNotExist) {
    auto s = std::make_shared<session_state>("", "fallback");
    auto sink = std::make_shared<capture_sink>();
    core().serve_modern(s, json::array({modern(1, "tools/list")}), sink);
    ASSERT_TRUE(sink->wait_finished());
    json reply = sink->reply().value_or(json());
    EXPECT_EQ(reply["error"]["code"], -32600);
    EXPECT_FALSE(reply.contains("id")) << "no id to echo (as for other unreadable messages)";
}

// ---------------------------------------------------------------------------------------------
// Logging per request

TEST_F(FeaturesTest, ModernLogsOnlyWhenTheRequestAsksForThem) {
    add_modern_tools(srv());
    auto s = open();
    const auto logs_for = [&](const json& payload) {
        std::vector<json> sent;
        json reply = request(s, payload, &sent);
        EXPECT_EQ(reply["result"]["content"][0]["text"], "logged") << reply.dump();
        std::vector<std::string> levels;
        for (const auto& m : sent)
            if (m.value("method", std::string()) == "notifications/message")
                levels.push_back(m["params"]["level"].get<std::string>());
        return levels;
    };
    auto call = [](int id, std::optional<std::string> level) {
        return modern(id, "tools/call", json{{"name", "log"}, {"arguments", json::object()}}, json::object(),
                      std::move(level));
    };
    EXPECT_EQ(logs_for(call(1, std::nullopt)), std::vector<std::string>{})
        << "no logLevel: no notifications/message at all";
    EXPECT_EQ(logs_for(call(2, "debug")), (std::vector<std::string>{"debug", "info"}));
    EXPECT_EQ(logs_for(call(3, "info")), (std::vector<std::string>{"info"}));
    EXPECT_EQ(logs_for(call(4, "error")), std::vector<std::string>{});
    // The legacy session keeps its own level (info by default), untouched by the modern requests.
    EXPECT_EQ(logs_for(call_tool(5, "log")), (std::vector<std::string>{"info"}));
}

// ---------------------------------------------------------------------------------------------
// subscriptions/listen

TEST_F(FeaturesTest, ListenAcknowledgesThenCarriesOnlyTheChosenNotificationsTagged) {
    add_plain_prompt(srv());
    auto [legacy, legacy_notes] = open_with_notifier();
    auto channel = std::make_shared<session_state>("", "fallback");
    auto stream = std::make_shared<capture_sink>();
    core().handle(channel,
                  modern("L1", "subscriptions/listen",
                         json{{"notifications", {{"toolsListChanged", true}, {"resourcesListChanged", true}}}}),
                  stream);
    ASSERT_TRUE(stream->wait_sent(1));
    json ack = stream->sent()[0];
    EXPECT_EQ(ack["method"], "notifications/subscriptions/acknowledged");
    EXPECT_FALSE(ack.contains("id"));
    EXPECT_EQ(ack["params"]["notifications"], json::parse(R"({"toolsListChanged":true})"))
        << "no resources here: not agreed";
    EXPECT_EQ(ack["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"], "L1");
    EXPECT_EQ(stream->finishes(), 0) << "the stream stays open";

    srv().notify_list_changed(list_kind::prompts);  // not asked for
    EXPECT_EQ(stream->sent().size(), 1u);
    srv().notify_list_changed(list_kind::tools);
    ASSERT_TRUE(stream->wait_sent(2));
    json tools = stream->sent()[1];
    EXPECT_EQ(tools["method"], "notifications/tools/list_changed");
    EXPECT_EQ(tools["params"]["_meta"], json::parse(R"({"io.modelcontextprotocol/subscriptionId":"L1"})"));
    EXPECT_EQ(stream->sent().size(), 2u);

    // The legacy session heard both, untagged.
    ASSERT_TRUE(legacy_notes->wait_sent(2));
    EXPECT_EQ(methods_of(legacy_notes->sent()),
              (std::vector<std::string>{"notifications/prompts/list_changed", "notifications/tools/list_changed"}));
    EXPECT_EQ(legacy_notes->sent()[1]["params"], json::object());

    // Graceful shutdown: the final result, once; nothing after it.
    core().end_listens();
    ASSERT_TRUE(stream->wait_finished());
    EXPECT_EQ(stream->finishes(), 1);
    EXPECT_EQ(stream->reply().value_or(json()),
              json::parse(R"({"jsonrpc":"2.0","id":"L1","result":{"resultType":"complete","_meta":{
                  "io.modelcontextprotocol/subscriptionId":"L1",
                  "io.modelcontextprotocol/serverInfo":{"name":"features","version":"1.0.0"}}}})"));
    srv().notify_list_changed(list_kind::tools);
    EXPECT_EQ(stream->sent().size(), 2u);
    core().end_listens();
    EXPECT_EQ(stream->finishes(), 1);
    (void)legacy;
}

TEST_F(FeaturesTest, ListenForResourceUpdatesOnAFreshSession) {
    srv().add_resource(info_of("x://a", "a"), text_reader("A"));
    auto fresh = std::make_shared<session_state>("", "fallback");
    auto stream = std::make_shared<capture_sink>();
    core().serve_modern(
        fresh, modern(3, "subscriptions/listen", json{{"notifications", {{"resourceSubscriptions", {"x://a"}}}}}),
        stream);
    ASSERT_TRUE(stream->wait_sent(1));
    EXPECT_EQ(stream->sent()[0]["params"]["notifications"], json::parse(R"({"resourceSubscriptions":["x://a"]})"));
    srv().notify_resource_updated("x://b");
    srv().notify_list_changed(list_kind::resources);  // not asked for
    srv().notify_list_changed(list_kind::tools);      // not asked for
    srv().notify_resource_updated("x://a");
    ASSERT_TRUE(stream->wait_sent(2));
    json updated = stream->sent()[1];
    EXPECT_EQ(updated["method"], "notifications/resources/updated");
    EXPECT_EQ(updated["params"]["uri"], "x://a");
    EXPECT_EQ(updated["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"], 3);
    EXPECT_EQ(stream->sent().size(), 2u);
    core().end_listens();
    ASSERT_TRUE(stream->wait_finished());
    EXPECT_EQ(stream->reply().value_or(json())["result"]["_meta"]["io.modelcontextprotocol/subscriptionId"], 3);
}

TEST_F(FeaturesTest, ListenNeedsANotificationsFilter) {
    auto s = std::make_shared<session_state>("", "fallback");
    EXPECT_EQ(error_of(s, modern(1, "subscriptions/listen"))["code"], -32602);
    EXPECT_EQ(error_of(s, modern(2, "subscriptions/listen",
                                 json{{"notifications", {{"resourceSubscriptions", "x://a"}}}}))["code"],
              -32602);
}

TEST_F(FeaturesTest, ListenEndsWithoutAResultWhenTheClientCancels) {
    // stdio: notifications/cancelled on the channel ends the stream; no final result is sent.
    auto channel = std::make_shared<session_state>("", "fallback");
    auto stream = std::make_shared<capture_sink>();
    core().handle(channel, modern(4, "subscriptions/listen", json{{"notifications", {{"toolsListChanged", true}}}}),
                  stream);
    ASSERT_TRUE(stream->wait_sent(1));
    auto note = std::make_shared<capture_sink>();
    json cancel{{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", 4}}}};
    core().handle(channel, cancel, note);
    ASSERT_TRUE(note->wait_finished());
    ASSERT_TRUE(stream->wait_finished());
    EXPECT_FALSE(stream->reply().has_value());
    srv().notify_list_changed(list_kind::tools);
    EXPECT_EQ(stream->sent().size(), 1u);
    core().end_listens();
    EXPECT_EQ(stream->finishes(), 1);
}

}  // namespace
}  // namespace arcade_mcp::detail
