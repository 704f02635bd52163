// The typed helpers of tool_context for server-to-client requests (sampling, elicitation), the
// completion helper, and raw-schema tools. The transport-specific part, request_client (which also
// checks the client declared the capability), lives in the context implementations
// (request_scope.cpp).
#include <algorithm>

#include "arcade_mcp/mcp/completion.hpp"
#include "arcade_mcp/mcp/tool.hpp"
#include "arcade_mcp/mcp/tool_context.hpp"

namespace arcade_mcp {
namespace {

/// `j[key]` when it is a string, else empty: the client's answers are untrusted JSON.
std::string string_member(const json& j, const char* key) {
    if (!j.is_object()) return {};
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string sampling_result::text() const {
    if (content.is_object())
        return string_member(content, "type") == "text" ? string_member(content, "text") : std::string();
    std::string out;
    if (content.is_array())
        for (const auto& block : content)
            if (string_member(block, "type") == "text") out += string_member(block, "text");
    return out;
}

sampling_result tool_context::create_message(json params) {
    const json r = request_client("sampling/createMessage", std::move(params));
    sampling_result out;
    out.role = string_member(r, "role");
    out.content = r.is_object() ? r.value("content", json()) : json();
    out.model = string_member(r, "model");
    if (auto s = r.find("stopReason"); s != r.end() && s->is_string()) out.stop_reason = s->get<std::string>();
    if (out.content.is_null()) throw client_request_error(-32603, "The client's sampling result has no content");
    return out;
}

sampling_result tool_context::create_message(std::string user_text, int max_tokens) {
    json message{{"role", "user"}, {"content", {{"type", "text"}, {"text", std::move(user_text)}}}};
    return create_message(json{{"messages", json::array({std::move(message)})}, {"maxTokens", max_tokens}});
}

elicitation_result tool_context::elicit(std::string message, json requested_schema) {
    json params{{"message", std::move(message)}, {"requestedSchema", std::move(requested_schema)}};
    // `mode` is left out: form mode is the default, and clients of 2025-06-18 do not know the member.
    const json r = request_client("elicitation/create", std::move(params));
    elicitation_result out;
    out.action = string_member(r, "action");
    if (out.action != "accept" && out.action != "decline" && out.action != "cancel")
        throw client_request_error(-32603, "The client's elicitation result has no valid action");
    out.content = r.is_object() ? r.value("content", json()) : json();
    return out;
}

completion_result completion_result::matching(const std::vector<std::string>& candidates, const std::string& prefix) {
    completion_result out;
    for (const auto& c : candidates)
        if (c.compare(0, prefix.size(), prefix) == 0) out.values.push_back(c);
    out.total = out.values.size();
    return out;
}

tool_spec make_raw_tool(std::string name, std::string description, json input_schema, raw_tool_handler handler) {
    tool_spec spec;
    spec.name = std::move(name);
    spec.description = std::move(description);
    spec.input_schema = std::move(input_schema);
    spec.invoke = [h = std::move(handler)](tool_context& ctx, const json& arguments, tool_output& out) {
        auto r = h(ctx, arguments);
        if (!r) return out.error(std::move(r).error());
        out.put(std::move(r).value());
    };
    return spec;
}

}  // namespace arcade_mcp
