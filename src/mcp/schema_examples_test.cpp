// The official MCP 2026-07-28 schema examples (shared/mcp-schema/2026-07-28/examples/<Type>/*.json)
// against this library. What is checked, by direction:
//  * Every example directory is classified below as received or sent by a server (a new type
//    fails until someone decides).
//  * Received (client requests and notifications, their params, client capabilities, the
//    client's answers): jsonrpc::decode classifies the messages as request / notification,
//    requests are modern (is_modern_message) and their `_meta` passes read_request_meta and
//    check_served_revision; params examples pass read_request_meta; ClientCapabilities are kept
//    verbatim; ElicitResult / CreateMessageResult / ListRootsResult / Root / InputResponses are
//    valid answers (invalid_answer) for the method that asks them.
//  * Served: every official client request is answered by the dispatcher, on a server that has
//    what the examples name (get_weather, code_review, main.rs, ...), with a `complete` result;
//    where the examples include the matching response, ours equals it (minus our
//    `_meta.serverInfo`, and minus `icons`, which this library does not emit); the official
//    listen acknowledgement, list_changed / resources/updated notifications, final listen
//    result, InputRequiredResult, and the -32020 / -32021 / -32022 errors are compared too.
//  * Sent (results, server notifications, server requests, content, errors): each parses and
//    survives a JSON round trip (parse -> our json -> dump -> parse, equal) — a check of the JSON
//    layer only; the JSON-RPC ones re-encode identically through jsonrpc::decode + make_*; the
//    content blocks and resource contents are reproduced exactly by our factories.
// The examples live outside the repository (the `shared` folder next to it); absent -> skipped.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "mcp/features_fixture.hpp"
#include "mcp/input_round.hpp"
#include "mcp/request_meta.hpp"
#include "transport/http/routing_headers.hpp"
#include "transport/stdio/stdio_transport.hpp"

namespace arcade_mcp::detail {
namespace {

namespace fs = std::filesystem;

const fs::path examples_dir{ARCADE_MCP_SCHEMA_EXAMPLES_DIR};

// Messages a server receives: full JSON-RPC messages, params objects (-> method), the client's
// capabilities, and the client's answers to questions (-> the method that asks them).
const std::set<std::string> received_messages{"CallToolRequest",      "CompleteRequest",      "DiscoverRequest",
                                              "GetPromptRequest",     "ListPromptsRequest",   "ListResourceTemplatesRequest",
                                              "ListResourcesRequest", "ListToolsRequest",     "ReadResourceRequest",
                                              "SubscriptionsListenRequest", "CancelledNotification"};
const std::map<std::string, std::string> received_params{{"CallToolRequestParams", "tools/call"},
                                                         {"CompleteRequestParams", "completion/complete"},
                                                         {"GetPromptRequestParams", "prompts/get"},
                                                         {"PaginatedRequestParams", "tools/list"},
                                                         {"CancelledNotificationParams", "notifications/cancelled"}};
const std::map<std::string, std::string> client_answers{{"ElicitResult", "elicitation/create"},
                                                        {"CreateMessageResult", "sampling/createMessage"},
                                                        {"ListRootsResult", "roots/list"},
                                                        {"Root", "roots/list"},  // wrapped in {"roots": [...]}
                                                        {"InputResponses", ""}};  // methods from InputRequests
const std::set<std::string> received_other{"ClientCapabilities"};

// Messages a server sends: full JSON-RPC messages, and everything else.
const std::set<std::string> sent_messages{
    "CallToolResultResponse",  "CompleteResultResponse",          "DiscoverResultResponse",     "GetPromptResultResponse",
    "ListPromptsResultResponse", "ListResourceTemplatesResultResponse", "ListResourcesResultResponse", "ListToolsResultResponse",
    "ReadResourceResultResponse", "SubscriptionsListenResultResponse", "LoggingMessageNotification", "ProgressNotification",
    "PromptListChangedNotification", "ResourceListChangedNotification", "ResourceUpdatedNotification", "ToolListChangedNotification",
    "SubscriptionsAcknowledgedNotification", "UnsupportedProtocolVersionError", "MissingRequiredClientCapabilityError",
    "HeaderMismatchError"};
const std::set<std::string> sent_other{
    "CallToolResult", "CompleteResult", "DiscoverResult", "GetPromptResult", "InputRequiredResult", "ListPromptsResult",
    "ListResourceTemplatesResult", "ListResourcesResult", "ListToolsResult", "ReadResourceResult", "SubscriptionsListenResult",
    "LoggingMessageNotificationParams", "ProgressNotificationParams", "ResourceUpdatedNotificationParams",
    // server -> client questions (2025 era: requests; 2026-07-28: inside InputRequiredResult)
    "CreateMessageRequest", "ElicitRequest", "ListRootsRequest", "CreateMessageRequestParams", "ElicitRequestFormParams",
    "ElicitRequestURLParams", "InputRequests", "SamplingMessage", "ModelPreferences", "ToolUseContent", "ToolResultContent",
    // data types and error objects
    "ServerCapabilities", "Tool", "Resource", "TextContent", "ImageContent", "AudioContent", "EmbeddedResource", "ResourceLink",
    "TextResourceContents", "BlobResourceContents", "BooleanSchema", "NumberSchema", "StringSchema", "TitledMultiSelectEnumSchema",
    "TitledSingleSelectEnumSchema", "UntitledMultiSelectEnumSchema", "UntitledSingleSelectEnumSchema", "InternalError",
    "InvalidParamsError", "MethodNotFoundError", "ParseError"};

struct example_file {
    fs::path path;
    std::string text;
    json value;
};

json parse_file(const fs::path& p, std::string* text_out = nullptr) {
    std::ifstream in(p, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text_out) *text_out = text;
    return json::parse(text);
}

/// Every example by type (directory name).
std::map<std::string, std::vector<example_file>> load_examples() {
    std::map<std::string, std::vector<example_file>> out;
    for (const auto& dir : fs::directory_iterator(examples_dir)) {
        if (!dir.is_directory()) continue;
        auto& files = out[dir.path().filename().string()];
        for (const auto& f : fs::directory_iterator(dir.path())) {
            if (f.path().extension() != ".json") continue;
            example_file e;
            e.path = f.path();
            e.value = parse_file(f.path(), &e.text);
            files.push_back(std::move(e));
        }
        std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    }
    return out;
}

/// One named example.
json example(const std::string& type, const std::string& file) { return parse_file(examples_dir / type / (file + ".json")); }

/// A 2026-07-28 request with the required `_meta`.
json modern_of(const std::string& method, json params = json::object(), json caps = json::object()) {
    params["_meta"] = json{{"io.modelcontextprotocol/protocolVersion", "2026-07-28"}, {"io.modelcontextprotocol/clientCapabilities", std::move(caps)}};
    return json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", std::move(params)}};
}

json modern_call_of(const std::string& tool, json caps = json{{"elicitation", json::object()}, {"sampling", json::object()}}) {
    return modern_of("tools/call", json{{"name", tool}, {"arguments", json::object()}}, std::move(caps));
}

/// `result` without our `_meta.serverInfo` (the examples leave it out); `_meta` dropped when empty.
json without_server_info(json result) {
    if (auto meta = result.find("_meta"); meta != result.end() && meta->is_object()) {
        meta->erase(std::string(meta_server_info));
        if (meta->empty()) result.erase("_meta");
    }
    return result;
}

/// `value` without `icons` members at the top level or in the items of `list` (not emitted here).
json without_icons(json value, const char* list = nullptr) {
    value.erase("icons");
    if (list && value.contains(list))
        for (auto& item : value[list]) item.erase("icons");
    return value;
}

struct code_review_args {
    std::string code;
    std::optional<std::string> language;
    std::optional<std::string> framework;
    static auto describe() {
        return fields(field("code", &code_review_args::code, "The code to review"), field("language", &code_review_args::language, "Language"),
                      field("framework", &code_review_args::framework, "Framework"));
    }
};

class SchemaExamples : public FeaturesTest {
protected:
    void SetUp() override {
        if (!fs::is_directory(examples_dir)) GTEST_SKIP() << "no schema examples at " << examples_dir << " (the shared folder is absent)";
        examples_ = load_examples();
        reset(example_server_info());
        add_example_features(srv());
    }

    static server_info example_server_info() {
        server_info info;
        info.name = "ExampleServer";
        info.version = "1.0.0";
        info.instructions = example("DiscoverResult", "server-capabilities-discovery")["instructions"].get<std::string>();
        info.page_size = 1;
        info.list_cache = cache_hint::shared(std::chrono::hours(1));
        return info;
    }

    /// What the examples name: the get_weather tool, the code_review prompt (with completion of
    /// its framework argument), the main.rs and config.json resources, and a tool that asks the
    /// questions of the InputRequiredResult example.
    static void add_example_features(server& srv) {
        json weather_schema = json::parse(R"({"type":"object","properties":{"location":{"type":"string",
            "description":"City name or zip code"}},"required":["location"]})");
        srv.add_tool(make_raw_tool("get_weather", "Get current weather information for a location", weather_schema,
                                   [](tool_context&, const json& args) {
                                       return tool_content{content_block::text("Current weather in " + args.value("location", std::string()) +
                                                                               ":\nTemperature: 72\u00B0F\nConditions: Partly cloudy")};
                                   }))
            .with_title("Weather Information Provider");
        srv.add_tool<no_arguments>("lookup_login", "Asks for a GitHub login and the capital of France", [](tool_context& ctx, const no_arguments&) {
            json login_form = json::parse(R"({"type":"object","properties":{"name":{"type":"string"}},"required":["name"]})");
            json question = json::parse(R"({"messages":[{"role":"user","content":{"type":"text",
                "text":"What is the capital of France?"}}],"maxTokens":100})");
            const auto answers = ctx.ask_client({input_request::elicitation("github_login", "Please provide your GitHub username", login_form),
                                                 input_request::sampling("capital_of_france", question)});
            return answers.at("github_login")["content"]["name"].get<std::string>() + " / " +
                   answers.at("capital_of_france")["content"]["text"].get<std::string>();
        });
        srv.add_prompt<code_review_args>("code_review", "Asks the LLM to analyze code quality and suggest improvements",
                                         [](tool_context&, const code_review_args& a) {
                                             return prompt_result{std::string("Code review prompt"),
                                                                  {prompt_message::user(content_block::text("Please review this Python code:\n" + a.code))}};
                                         })
            .complete("framework", [](tool_context&, const completion_request& r) {
                return completion_result::matching({"django", "fastapi", "flask"}, r.value);
            });
        resource_info main_rs;
        main_rs.uri = "file:///project/src/main.rs";
        main_rs.name = "main.rs";
        main_rs.title = "Rust Software Application Main File";
        main_rs.description = "Primary application entry point";
        main_rs.mime_type = "text/x-rust";
        srv.add_resource(main_rs, [](tool_context&, const std::string& uri) -> result<std::vector<resource_contents>> {
               return std::vector{resource_contents::text_of(uri, "fn main() {\n    println!(\"Hello world!\");\n}", "text/x-rust")};
           }).cache = cache_hint::per_caller(std::chrono::seconds(60));
        srv.add_resource(info_of("file:///project/config.json", "config.json"), text_reader("{}"));
    }

    const std::vector<example_file>& of(const std::string& type) {
        static const std::vector<example_file> none;
        const auto it = examples_.find(type);
        EXPECT_NE(it, examples_.end()) << "no examples of " << type;
        return it == examples_.end() ? none : it->second;
    }

    /// Serves one 2026-07-28 message on a fresh session; the reply (null when none).
    json serve(const json& message, std::vector<json>* sent = nullptr) {
        auto sink = std::make_shared<capture_sink>();
        core().serve_modern(std::make_shared<session_state>("", "fallback"), message, sink);
        if (!sink->wait_finished()) {
            ADD_FAILURE() << "no reply to " << message.dump();
            return nullptr;
        }
        if (sent) *sent = sink->sent();
        return sink->reply().value_or(json());
    }

    std::map<std::string, std::vector<example_file>> examples_;
};

// ---------------------------------------------------------------------------------------------
// Inventory

TEST_F(SchemaExamples, EveryExampleTypeIsClassified) {
    EXPECT_GE(examples_.size(), 80u);
    std::size_t files = 0;
    for (const auto& [type, list] : examples_) {
        const bool known = received_messages.count(type) || received_params.count(type) || client_answers.count(type) ||
                           received_other.count(type) || sent_messages.count(type) || sent_other.count(type);
        EXPECT_TRUE(known) << type << ": new example type; classify it as received or sent in " << __FILE__;
        EXPECT_FALSE(list.empty()) << type;
        files += list.size();
    }
    EXPECT_GE(files, 120u);
    for (const auto* set : {&received_messages, &received_other, &sent_messages, &sent_other})
        for (const auto& type : *set) EXPECT_TRUE(examples_.count(type)) << type << " is listed but has no examples";
}

// ---------------------------------------------------------------------------------------------
// Received by a server

TEST_F(SchemaExamples, ClientMessagesDecodeAndCarryValidRequestMeta) {
    for (const auto& type : received_messages) {
        for (auto e : of(type)) {
            SCOPED_TRACE(e.path.string());
            const auto decoded = jsonrpc::decode(e.value);
            if (type.find("Notification") != std::string::npos) {
                ASSERT_TRUE(std::holds_alternative<jsonrpc::notification>(decoded));
                EXPECT_EQ(std::get<jsonrpc::notification>(decoded).method, e.value["method"]);
                continue;
            }
            ASSERT_TRUE(std::holds_alternative<jsonrpc::request>(decoded));
            const auto& req = std::get<jsonrpc::request>(decoded);
            EXPECT_EQ(req.method, e.value["method"]);
            EXPECT_EQ(req.id.to_json(), e.value["id"]);
            EXPECT_TRUE(dispatcher::is_modern_message(e.value)) << "a 2026-07-28 request must be recognised as one";
            EXPECT_TRUE(carries_request_meta(e.value));
            const auto meta = read_request_meta(req.params);
            ASSERT_TRUE(std::holds_alternative<request_meta>(meta)) << std::get<jsonrpc::error>(meta).message;
            EXPECT_EQ(std::get<request_meta>(meta).revision, "2026-07-28");
            EXPECT_FALSE(check_served_revision(std::get<request_meta>(meta).revision));
            EXPECT_EQ(std::get<request_meta>(meta).client_info, e.value["params"]["_meta"]["io.modelcontextprotocol/clientInfo"]);
        }
    }
}

TEST_F(SchemaExamples, ClientParamsCarryValidRequestMeta) {
    for (const auto& [type, method] : received_params) {
        for (auto e : of(type)) {
            SCOPED_TRACE(e.path.string());
            if (method.rfind("notifications/", 0) == 0) {
                const auto decoded = jsonrpc::decode(json{{"jsonrpc", "2.0"}, {"method", method}, {"params", e.value}});
                EXPECT_TRUE(std::holds_alternative<jsonrpc::notification>(decoded));
                continue;
            }
            json message{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", e.value}};
            EXPECT_TRUE(std::holds_alternative<jsonrpc::request>(jsonrpc::decode(message)));
            EXPECT_TRUE(carries_request_meta(message));
            const auto meta = read_request_meta(e.value);
            ASSERT_TRUE(std::holds_alternative<request_meta>(meta)) << std::get<jsonrpc::error>(meta).message;
            EXPECT_FALSE(check_served_revision(std::get<request_meta>(meta).revision));
        }
    }
}

TEST_F(SchemaExamples, ClientCapabilitiesAreKeptAsSent) {
    for (auto e : of("ClientCapabilities")) {
        SCOPED_TRACE(e.path.string());
        json params{{"_meta", {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"}, {"io.modelcontextprotocol/clientCapabilities", e.value}}}};
        const auto meta = read_request_meta(params);
        ASSERT_TRUE(std::holds_alternative<request_meta>(meta));
        EXPECT_EQ(std::get<request_meta>(meta).client_capabilities, e.value);
    }
}

TEST_F(SchemaExamples, ClientAnswersAreValidForTheQuestionsTheyAnswer) {
    std::size_t checked = 0;
    for (const auto& [type, method] : client_answers) {
        if (method.empty()) continue;
        for (auto e : of(type)) {
            SCOPED_TRACE(e.path.string());
            json answer = type == "Root" ? json{{"roots", json::array({e.value})}} : e.value;
            EXPECT_EQ(invalid_answer(method, answer), std::nullopt);
            ++checked;
        }
    }
    // InputResponses answer the questions of InputRequests, key by key.
    json requests = example("InputRequests", "elicitation-and-sampling-input-requests");
    for (auto e : of("InputResponses")) {
        SCOPED_TRACE(e.path.string());
        input_round round(e.value, nullptr);
        for (const auto& [key, answer] : e.value.items()) {
            ASSERT_TRUE(requests.contains(key)) << key;
            const std::string method = requests[key]["method"].get<std::string>();
            EXPECT_EQ(invalid_answer(method, answer), std::nullopt) << key;
            EXPECT_EQ(round.answer(key, method), answer);
            ++checked;
        }
    }
    EXPECT_GE(checked, 10u);
}

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
            EXPECT_EQ(reply["result"]["_meta"][std::string(meta_server_info)], json::parse(R"({"name":"ExampleServer","version":"1.0.0"})"));
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
    EXPECT_EQ(without_server_info(reply["result"]), example("CompleteResultResponse", "completion-result-response")["result"]);
}

TEST_F(SchemaExamples, ReadResourceAnswerEqualsTheOfficialResponseWithTtl) {
    json reply = serve(example("ReadResourceRequest", "read-resource-request"));
    EXPECT_EQ(reply["id"], "read-resource-example");
    EXPECT_EQ(without_server_info(reply["result"]), example("ReadResourceResultResponse", "read-resource-result-response-with-ttl")["result"]);
    // The example without hints has the same contents.
    EXPECT_EQ(reply["result"]["contents"], example("ReadResourceResultResponse", "read-resource-result-response")["result"]["contents"]);
}

TEST_F(SchemaExamples, DiscoverAnswerHasTheOfficialShape) {
    json reply = serve(example("DiscoverRequest", "server-discover-request"));
    json official = example("DiscoverResult", "server-capabilities-discovery");
    json ours = reply["result"];
    EXPECT_EQ(reply["id"], example("DiscoverResultResponse", "discover-result-response")["id"]);
    for (const auto& [key, value] : official.items()) EXPECT_TRUE(ours.contains(key)) << key;
    for (const auto& [key, value] : ours.items()) EXPECT_TRUE(official.contains(key)) << "member not in the official example: " << key;
    for (const char* same : {"resultType", "instructions", "ttlMs", "cacheScope", "_meta"}) EXPECT_EQ(ours[same], official[same]) << same;
    for (const auto& v : official["supportedVersions"])
        EXPECT_NE(std::find(ours["supportedVersions"].begin(), ours["supportedVersions"].end(), v), ours["supportedVersions"].end()) << v;
    for (const auto& [capability, v] : official["capabilities"].items()) EXPECT_TRUE(ours["capabilities"].contains(capability)) << capability;
}

TEST_F(SchemaExamples, ListAnswersHaveTheOfficialShape) {
    json tools = serve(example("ListToolsRequest", "list-tools-request"));
    json official_tools = example("ListToolsResultResponse", "list-tools-result-response");
    EXPECT_EQ(tools["id"], official_tools["id"]);
    for (const char* same : {"resultType", "ttlMs", "cacheScope"}) EXPECT_EQ(tools["result"][same], official_tools["result"][same]) << same;
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
    json official = example("InputRequiredResult", "input-required-result-with-elicitation-and-sampling-and-request-state");
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
        EXPECT_NE(std::find(unsupported["error"]["data"]["supported"].begin(), unsupported["error"]["data"]["supported"].end(), v),
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
    EXPECT_EQ(serve(modern_of("no/such/method"))["error"]["code"], example("MethodNotFoundError", "prompts-not-supported")["code"]);
    auto sink = std::make_shared<capture_sink>();
    handle_stdio_line(core(), std::make_shared<session_state>("", "fallback"), "{not json", sink);
    ASSERT_TRUE(sink->wait_finished());
    EXPECT_EQ(sink->reply().value_or(json())["error"]["code"], example("ParseError", "invalid-json")["code"]);
}

TEST_F(SchemaExamples, ListenStreamMatchesTheOfficialMessages) {
    // The official listen request: its acknowledgement, a tools list_changed and the final result.
    auto stream = std::make_shared<capture_sink>();
    core().serve_modern(std::make_shared<session_state>("", "fallback"), example("SubscriptionsListenRequest", "listen-for-list-changes"), stream);
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

// ---------------------------------------------------------------------------------------------
// Sent by a server

TEST_F(SchemaExamples, ServerMessagesSurviveAJsonRoundTrip) {
    // A check of the JSON layer (numbers, escapes, Unicode) on every example a server sends.
    std::size_t checked = 0;
    for (const auto* set : {&sent_messages, &sent_other})
        for (const auto& type : *set)
            for (auto e : of(type)) {
                SCOPED_TRACE(e.path.string());
                json parsed = json::parse(e.text);
                EXPECT_EQ(json::parse(parsed.dump()), parsed);
                EXPECT_EQ(json::parse(parsed.dump(2)), parsed);
                ++checked;
            }
    EXPECT_GE(checked, 80u);
}

TEST_F(SchemaExamples, ServerJsonRpcMessagesReencodeWithOurEncoders) {
    for (const auto& type : sent_messages) {
        for (auto e : of(type)) {
            SCOPED_TRACE(e.path.string());
            const auto decoded = jsonrpc::decode(e.value);
            if (const auto* n = std::get_if<jsonrpc::notification>(&decoded)) {
                EXPECT_EQ(jsonrpc::make_notification(n->method, n->params), e.value);
            } else if (const auto* r = std::get_if<jsonrpc::response>(&decoded)) {
                ASSERT_TRUE(r->id);
                if (const auto* result = std::get_if<json>(&r->outcome)) {
                    EXPECT_EQ(jsonrpc::make_result(*r->id, *result), e.value);
                } else {
                    EXPECT_EQ(jsonrpc::make_error(r->id, std::get<jsonrpc::error>(r->outcome)), e.value);
                }
            } else {
                ADD_FAILURE() << type << " does not decode as a notification or response";
            }
        }
    }
}

TEST_F(SchemaExamples, ContentBlocksAreReproducedByOurFactories) {
    for (const char* type : {"TextContent", "ImageContent", "AudioContent", "EmbeddedResource", "ResourceLink"})
        for (auto e : of(type)) EXPECT_EQ(content_block::from_json(e.value).to_json(), e.value) << e.path;
    for (auto e : of("CallToolResult"))
        for (const auto& block : e.value["content"]) EXPECT_NO_THROW((void)content_block::from_json(block)) << e.path;

    EXPECT_EQ(content_block::text("Tool result text").to_json(), example("TextContent", "text-content"));

    json image = example("ImageContent", "image-png-content-with-annotations");
    annotations for_user;
    for_user.audience = {"user"};
    for_user.priority = 0.9;
    EXPECT_EQ(content_block::image(image["data"].get<std::string>(), "image/png").with_annotations(for_user).to_json(), image);

    json audio = example("AudioContent", "audio-wav-content");
    EXPECT_EQ(content_block::audio(audio["data"].get<std::string>(), "audio/wav").to_json(), audio);

    EXPECT_EQ(content_block::resource_link("file:///project/src/main.rs", "main.rs", "text/x-rust", "Primary application entry point").to_json(),
              example("ResourceLink", "file-resource-link"));

    json embedded = example("EmbeddedResource", "embedded-file-resource-with-annotations");
    annotations both;
    both.audience = {"user", "assistant"};
    both.priority = 0.7;
    both.last_modified = "2025-05-03T14:30:00Z";
    EXPECT_EQ(content_block::embedded(resource_contents::text_of("file:///project/src/main.rs", embedded["resource"]["text"].get<std::string>(), "text/x-rust"))
                  .with_annotations(both)
                  .to_json(),
              embedded);

    EXPECT_EQ(resource_contents::text_of("file:///example.txt", "Resource content", "text/plain").to_json(),
              example("TextResourceContents", "text-file-contents"));
    json blob = example("BlobResourceContents", "image-file-contents");
    EXPECT_EQ(resource_contents::blob_of("file:///example.png", blob["blob"].get<std::string>(), "image/png").to_json(), blob);
}

}  // namespace
}  // namespace arcade_mcp::detail
