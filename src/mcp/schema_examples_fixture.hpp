// Test-only: the official MCP 2026-07-28 schema examples shared by the schema_examples*_test.cpp
// files: the classification of every example type as received or sent by a server, their loading,
// and the SchemaExamples fixture (a server that has what the examples name).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "mcp/features_fixture.hpp"
#include "mcp/request_meta.hpp"

namespace arcade_mcp::detail {

namespace fs = std::filesystem;

inline const fs::path examples_dir{ARCADE_MCP_SCHEMA_EXAMPLES_DIR};

// Messages a server receives: full JSON-RPC messages, params objects (-> method), the client's
// capabilities, and the client's answers to questions (-> the method that asks them).
inline const std::set<std::string> received_messages{"CallToolRequest",      "CompleteRequest",
                                                     "DiscoverRequest",      "GetPromptRequest",
                                                     "ListPromptsRequest",   "ListResourceTemplatesRequest",
                                                     "ListResourcesRequest", "ListToolsRequest",
                                                     "ReadResourceRequest",  "SubscriptionsListenRequest",
                                                     "CancelledNotification"};
inline const std::map<std::string, std::string> received_params{
    {"CallToolRequestParams", "tools/call"},
    {"CompleteRequestParams", "completion/complete"},
    {"GetPromptRequestParams", "prompts/get"},
    {"PaginatedRequestParams", "tools/list"},
    {"CancelledNotificationParams", "notifications/cancelled"}};
inline const std::map<std::string, std::string> client_answers{{"ElicitResult", "elicitation/create"},
                                                               {"CreateMessageResult", "sampling/createMessage"},
                                                               {"ListRootsResult", "roots/list"},
                                                               {"Root", "roots/list"},   // wrapped in {"roots": [...]}
                                                               {"InputResponses", ""}};  // methods from InputRequests
inline const std::set<std::string> received_other{"ClientCapabilities"};

// Messages a server sends: full JSON-RPC messages, and everything else.
inline const std::set<std::string> sent_messages{"CallToolResultResponse",
                                                 "CompleteResultResponse",
                                                 "DiscoverResultResponse",
                                                 "GetPromptResultResponse",
                                                 "ListPromptsResultResponse",
                                                 "ListResourceTemplatesResultResponse",
                                                 "ListResourcesResultResponse",
                                                 "ListToolsResultResponse",
                                                 "ReadResourceResultResponse",
                                                 "SubscriptionsListenResultResponse",
                                                 "LoggingMessageNotification",
                                                 "ProgressNotification",
                                                 "PromptListChangedNotification",
                                                 "ResourceListChangedNotification",
                                                 "ResourceUpdatedNotification",
                                                 "ToolListChangedNotification",
                                                 "SubscriptionsAcknowledgedNotification",
                                                 "UnsupportedProtocolVersionError",
                                                 "MissingRequiredClientCapabilityError",
                                                 "HeaderMismatchError"};
inline const std::set<std::string> sent_other{
    "CallToolResult", "CompleteResult", "DiscoverResult", "GetPromptResult", "InputRequiredResult", "ListPromptsResult",
    "ListResourceTemplatesResult", "ListResourcesResult", "ListToolsResult", "ReadResourceResult",
    "SubscriptionsListenResult", "LoggingMessageNotificationParams", "ProgressNotificationParams",
    "ResourceUpdatedNotificationParams",
    // server -> client questions (2025 era: requests; 2026-07-28: inside InputRequiredResult)
    "CreateMessageRequest", "ElicitRequest", "ListRootsRequest", "CreateMessageRequestParams",
    "ElicitRequestFormParams", "ElicitRequestURLParams", "InputRequests", "SamplingMessage", "ModelPreferences",
    "ToolUseContent", "ToolResultContent",
    // data types and error objects
    "ServerCapabilities", "Tool", "Resource", "TextContent", "ImageContent", "AudioContent", "EmbeddedResource",
    "ResourceLink", "TextResourceContents", "BlobResourceContents", "BooleanSchema", "NumberSchema", "StringSchema",
    "TitledMultiSelectEnumSchema", "TitledSingleSelectEnumSchema", "UntitledMultiSelectEnumSchema",
    "UntitledSingleSelectEnumSchema", "InternalError", "InvalidParamsError", "MethodNotFoundError", "ParseError"};

struct example_file {
    fs::path path;
    std::string text;
    json value;
};

inline json parse_file(const fs::path& p, std::string* text_out = nullptr) {
    std::ifstream in(p, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text_out) *text_out = text;
    return json::parse(text);
}

/// Every example by type (directory name).
inline std::map<std::string, std::vector<example_file>> load_examples() {
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
inline json example(const std::string& type, const std::string& file) {
    return parse_file(examples_dir / type / (file + ".json"));
}

/// A 2026-07-28 request with the required `_meta`.
inline json modern_of(const std::string& method, json params = json::object(), json caps = json::object()) {
    params["_meta"] = json{{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
                           {"io.modelcontextprotocol/clientCapabilities", std::move(caps)}};
    return json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", std::move(params)}};
}

inline json modern_call_of(const std::string& tool,
                           json caps = json{{"elicitation", json::object()}, {"sampling", json::object()}}) {
    return modern_of("tools/call", json{{"name", tool}, {"arguments", json::object()}}, std::move(caps));
}

/// `result` without our `_meta.serverInfo` (the examples leave it out); `_meta` dropped when empty.
inline json without_server_info(json result) {
    if (auto meta = result.find("_meta"); meta != result.end() && meta->is_object()) {
        meta->erase(std::string(meta_server_info));
        if (meta->empty()) result.erase("_meta");
    }
    return result;
}

/// `value` without `icons` members at the top level or in the items of `list` (not emitted here).
inline json without_icons(json value, const char* list = nullptr) {
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
        return fields(field("code", &code_review_args::code, "The code to review"),
                      field("language", &code_review_args::language, "Language"),
                      field("framework", &code_review_args::framework, "Framework"));
    }
};

class SchemaExamples : public FeaturesTest {
protected:
    void SetUp() override {
        if (!fs::is_directory(examples_dir))
            GTEST_SKIP() << "no schema examples at " << examples_dir << " (the shared folder is absent)";
        examples_ = load_examples();
        reset(example_server_info());
        add_example_features(srv());
    }

    static server_info example_server_info() {
        server_info info;
        info.name = "ExampleServer";
        info.version = "1.0.0";
        info.instructions =
            example("DiscoverResult", "server-capabilities-discovery")["instructions"].get<std::string>();
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
                                       return tool_content{content_block::text(
                                           "Current weather in " + args.value("location", std::string()) +
                                           ":\nTemperature: 72\u00B0F\nConditions: Partly cloudy")};
                                   }))
            .with_title("Weather Information Provider");
        srv.add_tool<no_arguments>(
            "lookup_login", "Asks for a GitHub login and the capital of France",
            [](tool_context& ctx, const no_arguments&) {
                json login_form =
                    json::parse(R"({"type":"object","properties":{"name":{"type":"string"}},"required":["name"]})");
                json question = json::parse(R"({"messages":[{"role":"user","content":{"type":"text",
                "text":"What is the capital of France?"}}],"maxTokens":100})");
                const auto answers = ctx.ask_client(
                    {input_request::elicitation("github_login", "Please provide your GitHub username", login_form),
                     input_request::sampling("capital_of_france", question)});
                return answers.at("github_login")["content"]["name"].get<std::string>() + " / " +
                       answers.at("capital_of_france")["content"]["text"].get<std::string>();
            });
        srv.add_prompt<code_review_args>(
               "code_review", "Asks the LLM to analyze code quality and suggest improvements",
               [](tool_context&, const code_review_args& a) {
                   return prompt_result{
                       std::string("Code review prompt"),
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
        srv.add_resource(main_rs,
                         [](tool_context&, const std::string& uri) -> result<std::vector<resource_contents>> {
                             return std::vector{resource_contents::text_of(
                                 uri, "fn main() {\n    println!(\"Hello world!\");\n}", "text/x-rust")};
                         })
            .cache = cache_hint::per_caller(std::chrono::seconds(60));
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

}  // namespace arcade_mcp::detail
