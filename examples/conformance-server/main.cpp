// Example and test fixture: the server the official MCP conformance suite expects
// (@modelcontextprotocol/conformance, see ../shared/spec/conformance.md §6), written with the
// library's public API only: rich tool content, logging, progress, sampling, elicitation (typed
// and raw schemas), SSE polling, a raw 2020-12 input schema, resources with a template and a
// subscribable resource, prompts with every content kind, and completion; and the 2026-07-28
// fixtures (modern_fixtures.cpp).
// Run: ARCADE_SERVER_TRANSPORT=http ARCADE_SERVER_PORT=3917 build/release/bin/conformance-server
//      (stdio by default). Checked by scripts/conformance.sh and tests/e2e/conformance_stdio.test.mjs.
#include <arcade_mcp/mcp.hpp>

#include "modern_fixtures.hpp"
#include "task_fixtures.hpp"

#include <chrono>
#include <thread>

// The typed form of the SEP-1034 elicitation: defaults of every primitive type and an enum.
enum class account_status { active, inactive, pending };

template <>
struct arcade_mcp::enum_names<account_status> {
    static constexpr std::pair<account_status, std::string_view> values[] = {{account_status::active, "active"},
                                                                             {account_status::inactive, "inactive"},
                                                                             {account_status::pending, "pending"}};
};

namespace {

using namespace arcade_mcp;
using namespace std::chrono_literals;

// A 1x1 PNG and an 8-sample 8-bit mono WAV.
constexpr const char* png_base64 =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";
constexpr const char* wav_base64 = "UklGRiwAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQgAAACAgICAgICAgA==";

struct no_args {
    static auto describe() { return fields(); }
};

struct prompt_args {
    std::string prompt;
    static auto describe() {
        return fields(field("prompt", &prompt_args::prompt, "The prompt to send to the client's model"));
    }
};

struct message_args {
    std::string message;
    static auto describe() { return fields(field("message", &message_args::message, "The message to show the user")); }
};

struct profile_form {
    std::string name;
    std::int64_t age = 0;
    double score = 0;
    account_status status = account_status::active;
    bool verified = false;
    static auto describe() {
        return fields(field("name", &profile_form::name, "Your name").default_value("John Doe"),
                      field("age", &profile_form::age, "Your age").default_value(30),
                      field("score", &profile_form::score, "Your score").default_value(95.5),
                      field("status", &profile_form::status, "Account status").default_value(account_status::active),
                      field("verified", &profile_form::verified, "Verified account").default_value(true));
    }
};

void add_content_tools(server& srv) {
    srv.add_tool<no_args>("test_simple_text", "Returns a simple text response", [](const no_args&) {
        return tool_content{content_block::text("This is a simple text response for testing.")};
    });
    srv.add_tool<no_args>("test_image_content", "Returns an image", [](const no_args&) {
        return tool_content{content_block::image(png_base64, "image/png")};
    });
    srv.add_tool<no_args>("test_audio_content", "Returns audio", [](const no_args&) {
        return tool_content{content_block::audio(wav_base64, "audio/wav")};
    });
    srv.add_tool<no_args>("test_embedded_resource", "Returns an embedded resource", [](const no_args&) {
        return tool_content{content_block::embedded(resource_contents::text_of(
            "test://embedded-resource", "This is an embedded resource content.", "text/plain"))};
    });
    srv.add_tool<no_args>("test_multiple_content_types", "Returns text, an image and a resource", [](const no_args&) {
        return tool_content{
            content_block::text("Multiple content types test:"), content_block::image(png_base64, "image/png"),
            content_block::embedded(resource_contents::text_of("test://mixed-content-resource",
                                                               R"({"test":"data","value":123})", "application/json"))};
    });
    srv.add_tool<no_args>("test_error_handling", "Always fails", [](const no_args&) -> result<tool_content> {
        return tool_error::execution("This tool intentionally returns an error for testing");
    });
}

void add_notifying_tools(server& srv) {
    srv.add_tool<no_args>("test_tool_with_logging", "Logs while it runs", [](tool_context& ctx, const no_args&) {
        ctx.log(mcp_log_level::info, "Tool execution started");
        std::this_thread::sleep_for(50ms);
        ctx.log(mcp_log_level::info, "Tool processing data");
        std::this_thread::sleep_for(50ms);
        ctx.log(mcp_log_level::info, "Tool execution completed");
        return tool_content{content_block::text("Tool with logging executed successfully")};
    });
    srv.add_tool<no_args>("test_tool_with_progress", "Reports progress while it runs",
                          [](tool_context& ctx, const no_args&) {
                              for (double p : {0.0, 50.0, 100.0}) {
                                  ctx.report_progress(p, 100.0);
                                  if (p < 100) std::this_thread::sleep_for(50ms);
                              }
                              return tool_content{content_block::text("Tool with progress executed successfully")};
                          });
    srv.add_tool<no_args>("test_reconnection",
                          "Ends its SSE stream mid-call; the result arrives after the client resumes",
                          [](tool_context& ctx, const no_args&) {
                              ctx.close_stream();
                              std::this_thread::sleep_for(100ms);
                              return tool_content{content_block::text("Reconnection test completed successfully")};
                          });
}

void add_client_request_tools(server& srv) {
    srv.add_tool<prompt_args>("test_sampling", "Asks the client's model", [](tool_context& ctx, const prompt_args& in) {
        const sampling_result answer = ctx.create_message(in.prompt, 100);
        return tool_content{content_block::text("LLM response: " + answer.text())};
    });
    srv.add_tool<message_args>(
        "test_elicitation", "Asks the user for a username and an email", [](tool_context& ctx, const message_args& in) {
            const json schema{{"type", "object"},
                              {"properties",
                               {{"username", {{"type", "string"}, {"description", "User's response"}}},
                                {"email", {{"type", "string"}, {"description", "User's email address"}}}}},
                              {"required", {"username", "email"}}};
            const elicitation_result answer = ctx.elicit(in.message, schema);
            return tool_content{
                content_block::text("User response: action=" + answer.action + ", content=" + answer.content.dump())};
        });
    srv.add_tool<no_args>("test_elicitation_sep1034_defaults", "Elicits a form whose fields have defaults",
                          [](tool_context& ctx, const no_args&) {
                              const auto form = ctx.elicit_as<profile_form>("Please review your profile");
                              return tool_content{content_block::text(form ? "Profile of " + form->name
                                                                           : std::string("No profile submitted"))};
                          });
    srv.add_tool<no_args>(
        "test_elicitation_sep1330_enums", "Elicits every enum shape of 2025-11-25",
        [](tool_context& ctx, const no_args&) {
            const json titled = json::array({{{"const", "value1"}, {"title", "First Option"}},
                                             {{"const", "value2"}, {"title", "Second Option"}},
                                             {{"const", "value3"}, {"title", "Third Option"}}});
            const json options = json::array({"option1", "option2", "option3"});
            const json schema{
                {"type", "object"},
                {"properties",
                 {{"untitledSingle", {{"type", "string"}, {"enum", options}}},
                  {"titledSingle", {{"type", "string"}, {"oneOf", titled}}},
                  {"legacyEnum",
                   {{"type", "string"},
                    {"enum", {"opt1", "opt2", "opt3"}},
                    {"enumNames", {"Option One", "Option Two", "Option Three"}}}},
                  {"untitledMulti",
                   {{"type", "array"},
                    {"items", {{"type", "string"}, {"enum", options}}},
                    {"minItems", 1},
                    {"maxItems", 3}}},
                  {"titledMulti",
                   {{"type", "array"}, {"items", {{"anyOf", titled}}}, {"minItems", 1}, {"maxItems", 3}}}}}};
            const elicitation_result answer = ctx.elicit("Pick some options", schema);
            return tool_content{content_block::text("Elicitation completed: action=" + answer.action)};
        });
}

void add_schema_tool(server& srv) {
    // Composition, conditionals and $anchor too: 2026-07-28 requires them kept verbatim (SEP-2106).
    const json schema = json::parse(R"({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "$defs": {"address": {"$anchor": "addressDef", "type": "object", "properties": {"street": {"type": "string"},
            "city": {"type": "string"}}}},
        "properties": {"name": {"type": "string"}, "address": {"$ref": "#/$defs/address"},
                       "contactMethod": {"type": "string", "enum": ["phone", "email"]}, "phone": {"type": "string"},
                           "email": {"type": "string"}},
        "allOf": [{"anyOf": [{"required": ["phone"]}, {"required": ["email"]}]}],
        "if": {"properties": {"contactMethod": {"const": "phone"}}, "required": ["contactMethod"]},
        "then": {"required": ["phone"]},
        "else": {"required": ["email"]},
        "additionalProperties": false
    })");
    srv.add_tool(make_raw_tool(
        "json_schema_2020_12_tool", "Tool with JSON Schema 2020-12 features", schema,
        [](tool_context&, const json& args) { return tool_content{content_block::text("Received: " + args.dump())}; }));
}

void add_resources(server& srv) {
    resource_info text_info;
    text_info.uri = "test://static-text";
    text_info.name = "static-text";
    text_info.title = "Static Text Resource";
    text_info.description = "A static text resource for testing";
    text_info.mime_type = "text/plain";
    srv.add_resource(text_info, [](tool_context&, const std::string& uri) {
        return std::vector{
            resource_contents::text_of(uri, "This is the content of the static text resource.", "text/plain")};
    });

    resource_info binary_info;
    binary_info.uri = "test://static-binary";
    binary_info.name = "static-binary";
    binary_info.description = "A static binary resource (a PNG image)";
    binary_info.mime_type = "image/png";
    srv.add_resource(binary_info, [](tool_context&, const std::string& uri) {
        return std::vector{resource_contents::blob_of(uri, png_base64, "image/png")};
    });

    resource_info watched_info;
    watched_info.uri = "test://watched-resource";
    watched_info.name = "watched-resource";
    watched_info.description = "A resource clients can subscribe to";
    watched_info.mime_type = "text/plain";
    srv.add_resource(watched_info, [](tool_context&, const std::string& uri) {
        return std::vector{resource_contents::text_of(uri, "Watched resource content", "text/plain")};
    });

    resource_template_spec family;
    family.info.uri = "test://template/{id}/data";
    family.info.name = "template-data";
    family.info.description = "Data for any id";
    family.info.mime_type = "application/json";
    family.read = [](tool_context&, const std::string& uri, const std::map<std::string, std::string>& vars) {
        const json data{{"id", vars.at("id")}, {"templateTest", true}, {"data", "Data for ID: " + vars.at("id")}};
        return std::vector{resource_contents::text_of(uri, data.dump(), "application/json")};
    };
    family.complete("id", [](tool_context&, const completion_request& r) {
        return completion_result::matching({"1", "2", "3", "123"}, r.value);
    });
    srv.add_resource_template(std::move(family));
}

struct two_args {
    std::string arg1;
    std::string arg2;
    static auto describe() {
        return fields(field("arg1", &two_args::arg1, "First test argument"),
                      field("arg2", &two_args::arg2, "Second test argument"));
    }
};

struct resource_uri_args {
    std::string resourceUri;
    static auto describe() {
        return fields(field("resourceUri", &resource_uri_args::resourceUri, "URI of the resource to embed"));
    }
};

void add_prompts(server& srv) {
    srv.add_prompt<
        no_args>("test_simple_prompt", "A simple prompt without arguments", [](tool_context&, const no_args&) {
        return prompt_result{{}, {prompt_message::user(content_block::text("This is a simple prompt for testing."))}};
    });
    srv.add_prompt<two_args>("test_prompt_with_arguments", "A prompt with two required arguments",
                             [](tool_context&, const two_args& a) {
                                 return prompt_result{
                                     {},
                                     {prompt_message::user(content_block::text("Prompt with arguments: arg1='" +
                                                                               a.arg1 + "', arg2='" + a.arg2 + "'"))}};
                             })
        .complete("arg1", [](tool_context&, const completion_request& r) {
            return completion_result::matching({"test", "testValue1", "value"}, r.value);
        });
    srv.add_prompt<resource_uri_args>(
        "test_prompt_with_embedded_resource", "A prompt that embeds a resource",
        [](tool_context&, const resource_uri_args& a) {
            return prompt_result{
                {},
                {prompt_message::user(content_block::embedded(resource_contents::text_of(
                     a.resourceUri, "Embedded resource content for testing.", "text/plain"))),
                 prompt_message::user(content_block::text("Please process the embedded resource above."))}};
        });
    srv.add_prompt<no_args>("test_prompt_with_image", "A prompt with an image", [](tool_context&, const no_args&) {
        return prompt_result{{}, {prompt_message::user(content_block::image(png_base64, "image/png")),
                                  prompt_message::user(content_block::text("Please analyze the image above."))}};
    });
}

struct wait_args {
    double seconds = 5;
    static auto describe() {
        return fields(
            field("seconds", &wait_args::seconds, "How long to wait").minimum(0).maximum(60).default_value(5.0));
    }
};

/// Beyond the suite: tools that change the server at run time (list_changed, resources/updated)
/// and a slow tool to cancel, used by our own tests (tests/e2e/conformance_*.test.mjs).
void add_dynamic_tools(server& srv) {
    srv.add_tool<no_args>("test_toggle_dynamic_tool", "Adds test_dynamic_tool, or removes it when present",
                          [&srv](const no_args&) {
                              if (srv.remove_tool("test_dynamic_tool")) return std::string("removed");
                              srv.add_tool<no_args>("test_dynamic_tool", "A tool added at run time",
                                                    [](const no_args&) { return std::string("dynamic"); });
                              return std::string("added");
                          });
    srv.add_tool<no_args>("test_toggle_dynamic_resource", "Adds test://dynamic-resource, or removes it when present",
                          [&srv](const no_args&) {
                              if (srv.remove_resource("test://dynamic-resource")) return std::string("removed");
                              resource_info info;
                              info.uri = "test://dynamic-resource";
                              info.name = "dynamic-resource";
                              srv.add_resource(info, [](tool_context&, const std::string& uri) {
                                  return std::vector{resource_contents::text_of(uri, "dynamic")};
                              });
                              return std::string("added");
                          });
    srv.add_tool<no_args>(
        "test_toggle_dynamic_prompt", "Adds test_dynamic_prompt, or removes it when present", [&srv](const no_args&) {
            if (srv.remove_prompt("test_dynamic_prompt")) return std::string("removed");
            srv.add_prompt<no_args>(
                "test_dynamic_prompt", "A prompt added at run time", [](tool_context&, const no_args&) {
                    return prompt_result{{}, {prompt_message::user(content_block::text("dynamic"))}};
                });
            return std::string("added");
        });
    srv.add_tool<no_args>("test_update_watched_resource", "Tells subscribers that test://watched-resource changed",
                          [&srv](const no_args&) {
                              srv.notify_resource_updated("test://watched-resource");
                              return std::string("notified");
                          });
    srv.add_tool<wait_args>(
        "test_slow_tool", "Waits, or stops early when cancelled", [](tool_context& ctx, const wait_args& in) {
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(in.seconds);
            while (std::chrono::steady_clock::now() < deadline) {
                if (ctx.stop_token().stop_requested()) return std::string("cancelled");
                std::this_thread::sleep_for(10ms);
            }
            return std::string("completed");
        });
}

}  // namespace

int main(int argc, char** argv) {
    server_info info;
    info.name = "mcp-conformance-test-server";
    info.version = "1.0.0";
    server srv(info);
    add_content_tools(srv);
    add_notifying_tools(srv);
    add_client_request_tools(srv);
    add_schema_tool(srv);
    add_modern_fixtures(srv);
    add_task_fixtures(srv);
    add_dynamic_tools(srv);
    add_resources(srv);
    add_prompts(srv);
    return run(srv, argc, argv);
}
