// Test-only: the helpers shared by the features_modern*_test.cpp files: 2026-07-28 requests (with
// the required `_meta`), the tools that ask the client, log, or do neither, and small JSON helpers.
#pragma once

#include "mcp/features_fixture.hpp"

#include <optional>
#include <string>
#include <vector>

namespace arcade_mcp::detail {

inline const json modern_caps_elicitation{{"elicitation", json::object()}};

inline json modern_meta(json caps, std::optional<std::string> level) {
    json m{{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
           {"io.modelcontextprotocol/clientCapabilities", std::move(caps)},
           {"io.modelcontextprotocol/clientInfo", {{"name", "modern-test"}, {"version", "1.0.0"}}}};
    if (level) m["io.modelcontextprotocol/logLevel"] = *level;
    return m;
}

/// A 2026-07-28 request: `params` plus the required `_meta`.
inline json modern(json id, const std::string& method, json params = json::object(), json caps = json::object(),
                   std::optional<std::string> level = {}) {
    params["_meta"] = modern_meta(std::move(caps), std::move(level));
    return json{{"jsonrpc", "2.0"}, {"id", std::move(id)}, {"method", method}, {"params", std::move(params)}};
}

inline json modern_call(int id, const std::string& tool, json args = json::object(),
                        json caps = modern_caps_elicitation) {
    return modern(id, "tools/call", json{{"name", tool}, {"arguments", std::move(args)}}, std::move(caps));
}

inline json string_form(const char* property) {
    return json{{"type", "object"}, {"properties", {{property, {{"type", "string"}}}}}, {"required", {property}}};
}

inline std::string field_of(const json& answer, const char* name) {
    json content = answer.value("content", json::object());
    return content.value(name, std::string("?"));
}

struct who_args {
    std::string who;
    static auto describe() { return fields(field("who", &who_args::who, "Who to greet")); }
};

inline const json confirm_schema{{"type", "object"}, {"properties", {{"ok", {{"type", "boolean"}}}}}};

/// Tools that ask the client, log, or do neither; written once for every era.
inline void add_modern_tools(server& srv) {
    srv.add_tool<no_arguments>("confirm", "Asks the user (ctx.elicit).", [](tool_context& ctx, const no_arguments&) {
        const elicitation_result answer = ctx.elicit("Proceed?", confirm_schema);
        return answer.action + " " + answer.content.dump();
    });
    srv.add_tool<no_arguments>(
        "two_steps", "Asks two questions, one after the other.", [](tool_context& ctx, const no_arguments&) {
            const auto first = ctx.ask_client({input_request::elicitation("step1", "Your name?", string_form("name"))});
            const auto second =
                ctx.ask_client({input_request::elicitation("step2", "Your color?", string_form("color"))});
            return field_of(first.at("step1"), "name") + " likes " + field_of(second.at("step2"), "color");
        });
    srv.add_tool<who_args>(
        "greet", "Asks for a confirmation before greeting.", [](tool_context& ctx, const who_args& in) {
            const auto answers =
                ctx.ask_client({input_request::elicitation("ok", "Greet " + in.who + "?", confirm_schema)});
            return "hello " + in.who + " (" + answers.at("ok").value("action", std::string()) + ")";
        });
    srv.add_tool<no_arguments>("log", "Logs at debug and info.", [](tool_context& ctx, const no_arguments&) {
        ctx.log(mcp_log_level::debug, "debug line");
        ctx.log(mcp_log_level::info, "info line");
        return std::string("logged");
    });
    srv.add_tool<no_arguments>("plain", "Needs nothing.", [](const no_arguments&) { return std::string("plain"); });
}

inline std::vector<std::string> keys_of(const json& object) {
    std::vector<std::string> out;
    for (const auto& [k, v] : object.items()) out.push_back(k);
    return out;
}

}  // namespace arcade_mcp::detail
