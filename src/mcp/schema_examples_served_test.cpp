// The official MCP 2026-07-28 schema examples served: every official client request answered by
// the dispatcher on a server that has what the examples name, compared with the official responses,
// listen messages and errors where the examples include them (see schema_examples_test.cpp).
#include "mcp/schema_examples_fixture.hpp"

#include <gtest/gtest.h>

#include "transport/http/routing_headers.hpp"
#include "transport/stdio/stdio_transport.hpp"

namespace arcade_mcp::detail {
namespace {

// ---------------------------------------------------------------------------------------------
// Served: the official requests against a server that has what they name

TEST_F(SchemaExamples, EveryClientRequestIsServedWithACompleteResult) {
    for (const auto& type : received_messages) {
        if (type.find("Notification") != std::string::npos) continue;
        for (auto e : of(type)) {
            SCOPED_TRACE(e.path.string());
            if (type == "SubscriptionsListenRequest") {
                auto stream = std::make_shared<capture_sink>();
                core().serve_modern(std::make_shared<session_state>("", "fallback"), e.value, stream);
                ASSERT_TRUE(stream->wait_sent(1));
                EXPECT_EQ(stream->sent()[0]["method"], "notifications/subscriptions/acknowledged");
                core().end_listens();
                ASSERT_TRUE(stream->wait_finished());
                EXPECT_EQ(stream->reply().value_or(json())["result"]["resultType"], "complete");
                continue;
            }
            json reply = serve(e.value);
            EXPECT_EQ(reply["id"], e.value["id"]);
            ASSERT_TRUE(reply.contains("result")) << reply.dump();
            EXPECT_EQ(reply["result"]["resultType"], "complete");
            EXPECT_EQ(reply["result"]["_meta"][std::string(meta_server_info)],
                      json::parse(R"({"name":"ExampleServer","version":"1.0.0"})"));
        }
    }
    // The client's notification gets no answer.
    for (auto e : of("CancelledNotification")) EXPECT_TRUE(serve(e.value).is_null());
}

TEST_F(SchemaExamples, CallToolAnswerEqualsTheOfficialResponse) {
    json reply = serve(example("CallToolRequest", "call-tool-request"));
    json official = example("CallToolResultResponse", "call-tool-result-response");
    EXPECT_EQ(reply["id"], official["id"]);
    EXPECT_EQ(without_server_info(reply["result"]), official["result"]);
}

TEST_F(SchemaExamples, GetPromptAnswerEqualsTheOfficialResponse) {
    json reply = serve(example("GetPromptRequest", "get-prompt-request"));
    json official = example("GetPromptResultResponse", "get-prompt-result-response");
    EXPECT_EQ(reply["id"], official["id"]);
    EXPECT_EQ(without_server_info(reply["result"]), official["result"]);
}

TEST_F(SchemaExamples, CompletionWithContextEqualsTheOfficialResult) {
    // The CompleteRequest example completes "language" = "py" while its response shows "flask":
    // the with-context params (framework = "fla") are the ones that answer "flask".
    json params = example("CompleteRequestParams", "prompt-argument-completion-with-context");
    json reply = serve(json{{"jsonrpc", "2.0"}, {"id", "c"}, {"method", "completion/complete"}, {"params", params}});
    EXPECT_EQ(without_server_info(reply["result"]), example("CompleteResult", "single-completion-value"));
    EXPECT_EQ(without_server_info(reply["result"]),
              example("CompleteResultResponse", "completion-result-response")["result"]);
}

TEST_F(SchemaExamples, ReadResourceAnswerEqualsTheOfficialResponseWithTtl) {
    json reply = serve(example("ReadResourceRequest", "read-resource-request"));
    EXPECT_EQ(reply["id"], "read-resource-example");
    EXPECT_EQ(without_server_info(reply["result"]),
              example("ReadResourceResultResponse", "read-resource-result-response-with-ttl")["result"]);
    // The example without hints has the same contents.
    EXPECT_EQ(reply["result"]["contents"],
              example("ReadResourceResultResponse", "read-resource-result-response")["result"]["contents"]);
}

TEST_F(SchemaExamples, DiscoverAnswerHasTheOfficialShape) {
    json reply = serve(example("DiscoverRequest", "server-discover-request"));
    json official = example("DiscoverResult", "server-capabilities-discovery");
    json ours = reply["result"];
    EXPECT_EQ(reply["id"], example("DiscoverResultResponse", "discover-result-response")["id"]);
    for (const auto& [key, value] : official.items()) EXPECT_TRUE(ours.contains(key)) << key;
    for (const auto& [key, value] : ours.items())
        EXPECT_TRUE(official.contains(key)) << "member not in the official example: " << key;
    for (const char* same : {"resultType", "instructions", "ttlMs", "cacheScope", "_meta"})
        EXPECT_EQ(ours[same], official[same]) << same;
    for (const auto& v : official["supportedVersions"])
        EXPECT_NE(std::find(ours["supportedVersions"].begin(), ours["supportedVersions"].end(), v),
                  ours["supportedVersions"].end())
            << v;
    for (const auto& [capability, v] : official["capabilities"].items())
        EXPECT_TRUE(ours["capabilities"].contains(capability)) << capability;
}

TEST_F(SchemaExamples, ListAnswersHaveTheOfficialShape) {
    json tools = serve(example("ListToolsRequest", "list-tools-request"));
    json official_tools = example("ListToolsResultResponse", "list-tools-result-response");
    EXPECT_EQ(tools["id"], official_tools["id"]);
    for (const char* same : {"resultType", "ttlMs", "cacheScope"})
        EXPECT_EQ(tools["result"][same], official_tools["result"][same]) << same;
    EXPECT_TRUE(tools["result"]["nextCursor"].is_string()) << "one tool per page here, as in the example";
    ASSERT_EQ(tools["result"]["tools"].size(), 1u);
    json ours = tools["result"]["tools"][0];
    json theirs = without_icons(official_tools["result"]["tools"][0]);
    for (const auto& [key, value] : theirs.items()) EXPECT_EQ(ours[key], value) << key;

    json resources = serve(example("ListResourcesRequest", "list-resources-request"));
    json official_resources = example("ListResourcesResultResponse", "list-resources-result-response");
    ASSERT_EQ(resources["result"]["resources"].size(), 1u);
    EXPECT_EQ(resources["result"]["resources"][0], without_icons(official_resources["result"]["resources"][0]));
    EXPECT_TRUE(resources["result"]["nextCursor"].is_string());
}

TEST_F(SchemaExamples, InputRequiredResultAndInputResponsesRoundTrip) {
    json call = modern_call_of("lookup_login");
    json official =
        example("InputRequiredResult", "input-required-result-with-elicitation-and-sampling-and-request-state");
    json first = serve(call)["result"];
    EXPECT_EQ(first["resultType"], official["resultType"]);
    EXPECT_EQ(first["inputRequests"], official["inputRequests"]);
    EXPECT_TRUE(first["requestState"].is_string());
    for (const auto& [key, value] : first.items()) EXPECT_TRUE(key == "_meta" || official.contains(key)) << key;

    json retry = call;
    retry["id"] = 2;
    retry["params"]["inputResponses"] = example("InputResponses", "elicitation-and-sampling-input-responses");
    retry["params"]["requestState"] = first["requestState"];
    json done = serve(retry)["result"];
    EXPECT_EQ(done["resultType"], "complete");
    EXPECT_EQ(done["content"][0]["text"], "octocat / The capital of France is Paris.");
}

TEST_F(SchemaExamples, ErrorsMatchTheOfficialOnes) {
    // -32021: the same data as the official example (the client declared sampling only).
    json missing = serve(modern_call_of("lookup_login", json{{"sampling", json::object()}}));
    json official_missing = example("MissingRequiredClientCapabilityError", "missing-elicitation-capability");
    EXPECT_EQ(missing["error"]["code"], official_missing["error"]["code"]);
    EXPECT_EQ(missing["error"]["data"], official_missing["error"]["data"]);

    // -32022: the official requested version, our supported list includes the official one.
    json old = example("ListToolsRequest", "list-tools-request");
    old["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"] = "1900-01-01";
    json unsupported = serve(old);
    json official_unsupported = example("UnsupportedProtocolVersionError", "unsupported-version");
    EXPECT_EQ(unsupported["error"]["code"], official_unsupported["error"]["code"]);
    EXPECT_EQ(unsupported["error"]["data"]["requested"], official_unsupported["error"]["data"]["requested"]);
    for (const auto& v : official_unsupported["error"]["data"]["supported"])
        EXPECT_NE(std::find(unsupported["error"]["data"]["supported"].begin(),
                            unsupported["error"]["data"]["supported"].end(), v),
                  unsupported["error"]["data"]["supported"].end());

    // -32020: the official message word for word.
    json mismatched = json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "tools/call"}, {"params", {{"name", "bar"}}}};
    const auto err = check_routing_headers(
        [](std::string_view name) -> std::optional<std::string> {
            if (name == "Mcp-Method") return std::string("tools/call");
            if (name == "Mcp-Name") return std::string("foo");
            return std::nullopt;
        },
        mismatched, nullptr);
    ASSERT_TRUE(err);
    EXPECT_EQ(jsonrpc::make_error(jsonrpc::request_id(1), *err), example("HeaderMismatchError", "header-mismatch"));

    // -32602 for an unknown tool and prompt, with the official wording; -32601; -32700 on stdio.
    EXPECT_EQ(serve(modern_call_of("invalid_tool_name"))["error"], example("InvalidParamsError", "unknown-tool"));
    json prompt = example("GetPromptRequest", "get-prompt-request");
    prompt["params"]["name"] = "invalid_prompt_name";
    EXPECT_EQ(serve(prompt)["error"], example("InvalidParamsError", "unknown-prompt"));
    EXPECT_EQ(serve(modern_of("no/such/method"))["error"]["code"],
              example("MethodNotFoundError", "prompts-not-supported")["code"]);
    auto sink = std::make_shared<capture_sink>();
    handle_stdio_line(core(), std::make_shared<session_state>("", "fallback"), "{not json", sink);
    ASSERT_TRUE(sink->wait_finished());
    EXPECT_EQ(sink->reply().value_or(json())["error"]["code"], example("ParseError", "invalid-json")["code"]);
}

TEST_F(SchemaExamples, ListenStreamMatchesTheOfficialMessages) {
    // The official listen request: its acknowledgement, a tools list_changed and the final result.
    auto stream = std::make_shared<capture_sink>();
    core().serve_modern(std::make_shared<session_state>("", "fallback"),
                        example("SubscriptionsListenRequest", "listen-for-list-changes"), stream);
    ASSERT_TRUE(stream->wait_sent(1));
    EXPECT_EQ(stream->sent()[0], example("SubscriptionsAcknowledgedNotification", "listen-acknowledged"));
    srv().notify_list_changed(list_kind::prompts);  // not asked for
    srv().notify_list_changed(list_kind::tools);
    ASSERT_TRUE(stream->wait_sent(2));
    EXPECT_EQ(stream->sent().size(), 2u);
    EXPECT_EQ(stream->sent()[1], example("ToolListChangedNotification", "tools-list-changed"));
    core().end_listens();
    ASSERT_TRUE(stream->wait_finished());
    json final_reply = stream->reply().value_or(json());
    final_reply["result"] = without_server_info(final_reply["result"]);
    EXPECT_EQ(final_reply, example("SubscriptionsListenResultResponse", "listen-closed-response"));
    EXPECT_EQ(final_reply["result"], example("SubscriptionsListenResult", "listen-closed"));

    // The same id asking for everything: the other official notifications.
    json everything = example("SubscriptionsListenRequest", "listen-for-list-changes");
    everything["params"]["notifications"] = json{{"promptsListChanged", true}, {"resourcesListChanged", true},
                                                 {"resourceSubscriptions", {"file:///project/src/main.rs"}}};
    auto second = std::make_shared<capture_sink>();
    core().serve_modern(std::make_shared<session_state>("", "fallback"), everything, second);
    ASSERT_TRUE(second->wait_sent(1));
    srv().notify_list_changed(list_kind::prompts);
    srv().notify_list_changed(list_kind::resources);
    srv().notify_resource_updated("file:///project/src/main.rs");
    ASSERT_TRUE(second->wait_sent(4));
    EXPECT_EQ(second->sent()[1], example("PromptListChangedNotification", "prompts-list-changed"));
    EXPECT_EQ(second->sent()[2], example("ResourceListChangedNotification", "resources-list-changed"));
    EXPECT_EQ(second->sent()[3], example("ResourceUpdatedNotification", "file-resource-updated-notification"));
    core().end_listens();
    ASSERT_TRUE(second->wait_finished());
}

}  // namespace
}  // namespace arcade_mcp::detail
