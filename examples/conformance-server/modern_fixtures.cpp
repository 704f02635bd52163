// The conformance suite's MCP 2026-07-28 fixtures (see modern_fixtures.hpp). Each tool asks the
// client through tool_context::ask_client, so it works in every era: in 2025 sessions the library
// sends real requests to the client; in 2026-07-28 it answers input_required and the handler
// runs again when the client retries with the answers.
#include "modern_fixtures.hpp"

namespace {

using namespace arcade_mcp;

struct no_args {
    static auto describe() { return fields(); }
};

json string_form(const char* property) {
    return json{{"type", "object"}, {"properties", {{property, {{"type", "string"}}}}}, {"required", {property}}};
}

const json confirm_form{{"type", "object"}, {"properties", {{"ok", {{"type", "boolean"}}}}}, {"required", {"ok"}}};

input_request ask_name() { return input_request::elicitation("user_name", "What is your name?", string_form("name")); }

input_request ask_capital() {
    return input_request::sampling(
        "capital_question",
        json{{"messages",
              {{{"role", "user"}, {"content", {{"type", "text"}, {"text", "What is the capital of France?"}}}}}},
             {"maxTokens", 100}});
}

/// The text of a sampling answer's content block.
std::string sampled_text(const json& answer) {
    const json content = answer.value("content", json::object());
    return content.is_object() ? content.value("text", std::string()) : std::string();
}

std::string roots_text(const json& answer) {
    std::string out;
    for (const auto& root : answer.value("roots", json::array()))
        out += (out.empty() ? "" : ", ") + root.value("uri", std::string()) +
               (root.contains("name") ? " (" + root.value("name", std::string()) + ")" : "");
    return out;
}

/// The accepted form's field, or "" when the user did not accept.
std::string form_field(const json& answer, const char* field) {
    if (answer.value("action", std::string()) != "accept") return {};
    const json content = answer.value("content", json::object());
    const json value = content.is_object() ? content.value(field, json()) : json();
    return value.is_string() ? value.get<std::string>() : value.dump();
}

/// 2026-07-28 tools that keep their own state between rounds check it came back intact.
bool state_is(const tool_context& ctx, const char* tool) {
    if (ctx.protocol_version() < std::string_view("2026-07-28")) return true;  // one run, no state
    const auto state = ctx.request_state();
    return state && state->value("tool", std::string()) == tool;
}

void add_input_required_tools(server& srv) {
    srv.add_tool<no_args>("test_input_required_result_elicitation", "Asks the user's name, then greets them",
                          [](tool_context& ctx, const no_args&) {
                              const auto answers = ctx.ask_client({ask_name()});
                              return "Hello, " + form_field(answers.at("user_name"), "name") + "!";
                          });
    srv.add_tool<no_args>("test_input_required_result_sampling", "Asks the client's model a question",
                          [](tool_context& ctx, const no_args&) {
                              const auto answers = ctx.ask_client({ask_capital()});
                              return sampled_text(answers.at("capital_question"));
                          });
    srv.add_tool<no_args>("test_input_required_result_list_roots", "Lists the client's roots",
                          [](tool_context& ctx, const no_args&) {
                              const auto answers = ctx.ask_client({input_request::roots("client_roots")});
                              return "Client roots: " + roots_text(answers.at("client_roots"));
                          });
    srv.add_tool<no_args>(
        "test_input_required_result_request_state", "Asks for a confirmation, keeping its own request state",
        [](tool_context& ctx, const no_args&) -> result<std::string> {
            ctx.set_request_state(json{{"tool", "request_state"}});
            const auto answers =
                ctx.ask_client({input_request::elicitation("confirm", "Please confirm", confirm_form)});
            if (!state_is(ctx, "request_state")) return tool_error::fatal("The request state did not come back");
            return "state-ok: confirmed=" + form_field(answers.at("confirm"), "ok");
        });
    srv.add_tool<no_args>(
        "test_input_required_result_multiple_inputs", "Asks for a name, a greeting and the roots at once",
        [](tool_context& ctx, const no_args&) {
            ctx.set_request_state(json{{"tool", "multiple_inputs"}});
            const auto greeting = input_request::sampling(
                "greeting",
                json{{"messages",
                      {{{"role", "user"}, {"content", {{"type", "text"}, {"text", "Generate a greeting"}}}}}},
                     {"maxTokens", 50}});
            const auto answers = ctx.ask_client({ask_name(), greeting, input_request::roots("client_roots")});
            return form_field(answers.at("user_name"), "name") + " / " + sampled_text(answers.at("greeting")) + " / " +
                   std::to_string(answers.at("client_roots").value("roots", json::array()).size()) +
                   " root(s): " + roots_text(answers.at("client_roots"));
        });
    srv.add_tool<no_args>(
        "test_input_required_result_multi_round", "Asks two questions, one after the other",
        [](tool_context& ctx, const no_args&) {
            ctx.set_request_state(json{{"tool", "multi_round"}});
            const auto first = ctx.ask_client(
                {input_request::elicitation("step1", "Step 1: What is your name?", string_form("name"))});
            const auto second = ctx.ask_client(
                {input_request::elicitation("step2", "Step 2: What is your favorite color?", string_form("color"))});
            return form_field(first.at("step1"), "name") + " likes " + form_field(second.at("step2"), "color");
        });
    srv.add_tool<no_args>(
        "test_input_required_result_tampered_state", "Asks for a confirmation; an altered request state is refused",
        [](tool_context& ctx, const no_args&) {
            ctx.set_request_state(json{{"tool", "tampered_state"}});
            const auto answers =
                ctx.ask_client({input_request::elicitation("confirm", "Please confirm", confirm_form)});
            return "confirmed=" + form_field(answers.at("confirm"), "ok");
        });
    srv.add_tool<no_args>("test_input_required_result_capabilities", "Asks only what the client declared it can answer",
                          [](tool_context& ctx, const no_args&) {
        std::vector<input_request> asks;
        if (ctx.client_supports("elicitation")) asks.push_back(ask_name());
        if (ctx.client_supports("sampling")) asks.push_back(ask_capital());
        if (ctx.client_supports("roots")) asks.push_back(input_request::roots("client_roots"));
        if (asks.empty()) asks.push_back(ask_capital());  // the client can answer nothing: -32021 (sampling)
        const auto answers = ctx.ask_client(asks);
        return "answered " + std::to_string(answers.size()) + " question(s)";
    });
    srv.add_prompt<no_args>("test_input_required_result_prompt", "Asks the user for context, then builds the prompt",
                            [](tool_context& ctx, const no_args&) {
                                const auto answers = ctx.ask_client({input_request::elicitation(
                                    "user_context", "What context should the prompt use?", string_form("context"))});
                                return prompt_result{
                                    {},
                                    {prompt_message::user(content_block::text(
                                        "Use this context: " + form_field(answers.at("user_context"), "context")))}};
                            });
}

void add_diagnostic_tools(server& srv) {
    srv.add_tool<no_args>("test_missing_capability", "Needs the client's sampling capability",
                          [](tool_context& ctx, const no_args&) {
                              return "The model said: " + ctx.create_message("Say hello", 20).text();
                          });
    srv.add_tool<no_args>("test_streaming_elicitation", "Reports progress, then asks the user a question",
                          [](tool_context& ctx, const no_args&) {
                              ctx.report_progress(1, 2, "asking");
                              const auto answers = ctx.ask_client({ask_name()});
                              return "Streaming complete: " + form_field(answers.at("user_name"), "name");
                          });
    srv.add_tool<no_args>("test_logging_tool", "Logs at info level (2026-07-28: only when the request asked for logs)",
                          [](tool_context& ctx, const no_args&) {
                              ctx.log(mcp_log_level::info, "Logging tool started");
                              ctx.log(mcp_log_level::info, "Logging tool finished");
                              return std::string("Logging evaluated");
                          });
    srv.add_tool<no_args>("test_trigger_tool_change", "Tells listeners the tool list changed", [&srv](const no_args&) {
        srv.notify_list_changed(list_kind::tools);
        return std::string("Mutation triggered");
    });
    srv.add_tool<no_args>("test_trigger_prompt_change", "Tells listeners the prompt list changed",
                          [&srv](const no_args&) {
                              srv.notify_list_changed(list_kind::prompts);
                              return std::string("Mutation triggered");
                          });
    const json schema = json::parse(R"({"type": "object",
        "properties": {"region": {"type": "string", "description": "Mirrored into the Mcp-Param-Region header",
            "x-mcp-header": "Region"}},
        "required": ["region"]})");
    srv.add_tool(
        make_raw_tool("test_custom_header_echo", "Echoes an argument that clients mirror into Mcp-Param-Region", schema,
                      [](tool_context&, const json& args) {
                          return tool_content{content_block::text("region=" + args.value("region", std::string()))};
                      }));
}

}  // namespace

void add_modern_fixtures(server& srv) {
    add_diagnostic_tools(srv);
    add_input_required_tools(srv);
}
