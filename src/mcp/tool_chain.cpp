// Tool chaining: name resolution, the chained call's context and its outcome (see tool_chain.hpp).
#include "mcp/tool_chain.hpp"

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "mcp/secrets.hpp"
#include "mcp/tool_errors.hpp"
#include "util/ascii.hpp"

namespace arcade_mcp {

result<json> tool_context::call_tool(std::string_view name, json arguments) {
    (void)arguments;
    return tool_error::fatal("This context cannot call other tools (asked for '" + std::string(name) + "')");
}

}  // namespace arcade_mcp

namespace arcade_mcp::detail {
namespace {

/// The context of a chained call: the caller's identity, client and cancellation, with the
/// callee's own secrets, metadata keys and OAuth2 grant.
class chained_scope final : public tool_context {
public:
    chained_scope(tool_context& caller, const tool_chain& chain, const catalog_entry& callee, int depth)
        : caller_(caller), chain_(chain), callee_(callee), depth_(depth) {}

    std::string_view user_id() const override { return caller_.user_id(); }
    std::optional<std::string> secret(std::string_view key) const override {
        if (is_reserved_secret(key) || !chain_.secret_value) return std::nullopt;
        for (const auto& declared : callee_.spec->requirements.secrets)
            if (iequals(declared, key)) return chain_.secret_value(declared);
        return std::nullopt;
    }
    std::optional<std::string> metadata(std::string_view key) const override {
        if (!chain_.metadata_value) return std::nullopt;
        const auto& keys = callee_.spec->requirements.metadata_keys;
        const bool declared =
            std::any_of(keys.begin(), keys.end(), [&](const std::string& k) { return iequals(k, key); });
        return declared ? chain_.metadata_value(key) : std::nullopt;
    }
    // The token of the root's grant (a tool in between may have no OAuth2 requirement of its own).
    std::optional<std::string> authorization_token() const override {
        return granted() ? grant_holder().authorization_token() : std::nullopt;
    }
    json user_info() const override { return granted() ? grant_holder().user_info() : json::object(); }
    std::string_view protocol_version() const override { return caller_.protocol_version(); }
    std::stop_token stop_token() const override { return caller_.stop_token(); }
    std::string request_id() const override { return caller_.request_id(); }
    trace_context trace() const override { return caller_.trace(); }
    void log(mcp_log_level level, json data, std::optional<std::string> logger) override {
        caller_.log(level, std::move(data), std::move(logger));
    }
    void report_progress(double progress, std::optional<double> total, std::optional<std::string> message) override {
        caller_.report_progress(progress, total, std::move(message));
    }
    json request_client(const std::string& method, json params, std::chrono::milliseconds timeout) override {
        return caller_.request_client(method, std::move(params), timeout);
    }
    std::map<std::string, json> ask_client(const std::vector<input_request>& requests) override {
        return caller_.ask_client(requests);
    }
    bool client_supports(std::string_view capability) const override { return caller_.client_supports(capability); }
    // request_state: none; the caller's state between 2026-07-28 rounds stays the caller's.
    bool in_task() const override { return caller_.in_task(); }
    bool start_task() override { return caller_.in_task(); }  // the caller's call is or is not a task
    void set_status_message(std::string message) override { caller_.set_status_message(std::move(message)); }
    void close_stream() override { caller_.close_stream(); }
    result<json> call_tool(std::string_view name, json arguments) override {
        return call_chained_tool(*this, chain_, depth_, name, std::move(arguments));
    }

private:
    const tool_context& grant_holder() const { return chain_.root_context ? *chain_.root_context : caller_; }
    bool granted() const { return callee_.spec->requirements.oauth2 && oauth2_covered(*callee_.spec, chain_.root); }

    tool_context& caller_;
    const tool_chain& chain_;
    const catalog_entry& callee_;
    int depth_;
};

tool_error chain_error(std::string message) { return tool_error::fatal(std::move(message)); }

std::string provider_of(const oauth2_requirement& r) {
    return r.provider_id ? *r.provider_id : r.id ? "id " + *r.id : std::string("?");
}

}  // namespace

std::optional<std::string> environment_secret(std::string_view key) {
    if (const char* v = std::getenv(std::string(key).c_str())) return std::string(v);
    return std::nullopt;
}

std::optional<tool_error> front_door_scope_refusal(const tool_spec& callee, const tool_spec* root) {
    std::string lacking;
    for (const auto& scope : callee.required_scopes) {
        const bool checked = root != nullptr && std::find(root->required_scopes.begin(), root->required_scopes.end(),
                                                          scope) != root->required_scopes.end();
        if (!checked) lacking += (lacking.empty() ? "" : " ") + scope;
    }
    if (lacking.empty()) return std::nullopt;
    return tool_error::fatal("Tool '" + callee.name + "' needs the scope(s) " + lacking +
                             ", which were not checked for this call; call it directly");
}

bool oauth2_covered(const tool_spec& callee, const tool_spec* root) {
    const auto& wanted = callee.requirements.oauth2;
    if (!wanted) return true;
    if (root == nullptr || !root->requirements.oauth2) return false;
    const auto& held = *root->requirements.oauth2;
    const auto same = [](const std::optional<std::string>& a, const std::optional<std::string>& b) {
        return a.has_value() == b.has_value() && (!a || iequals(*a, *b));
    };
    if (!same(wanted->provider_id, held.provider_id) || !same(wanted->id, held.id)) return false;
    return std::all_of(wanted->scopes.begin(), wanted->scopes.end(), [&](const std::string& scope) {
        return std::find(held.scopes.begin(), held.scopes.end(), scope) != held.scopes.end();
    });
}

result<const catalog_entry*> resolve_chained_tool(const tool_catalog& catalog, std::string_view name) {
    if (const auto* exact = catalog.find(name)) return exact;
    std::vector<const catalog_entry*> matches;  // by the tool's own name, in any toolkit
    for (const auto& e : catalog.entries()) {
        if (iequals(e.fqn, name) || iequals(e.mcp_name, name)) return &e;  // unique ignoring case
        if (iequals(e.tool_name, name) || e.spec->name == name) matches.push_back(&e);
    }
    if (matches.size() == 1) return matches.front();
    if (matches.size() > 1) {
        std::string candidates;
        for (const auto* e : matches) candidates += (candidates.empty() ? "" : ", ") + e->fqn;
        return chain_error("Ambiguous tool name '" + std::string(name) + "': " + candidates +
                           "; call it by its fully qualified name");
    }
    return chain_error("Unknown tool: " + std::string(name));
}

result<json> call_chained_tool(tool_context& caller, const tool_chain& chain, int depth, std::string_view name,
                               json arguments) {
    if (depth >= max_tool_chain_depth)
        return chain_error("Tool call chain too deep: calling '" + std::string(name) + "' would nest more than " +
                           std::to_string(max_tool_chain_depth) + " tool calls");
    auto resolved = resolve_chained_tool(*chain.catalog, name);
    if (!resolved) return std::move(resolved).error();
    const catalog_entry& callee = *resolved.value();
    if (arguments.is_null()) arguments = json::object();
    if (!arguments.is_object()) return bad_input_error(decode_error{"", "expected object, got " +
                                                                            std::string(arguments.type_name())});
    std::optional<tool_error> refused;
    if (chain.refusal) refused = chain.refusal(*callee.spec);
    if (!refused && !oauth2_covered(*callee.spec, chain.root))
        refused = tool_error::context_required(
            "Tool '" + callee.fqn + "' needs an OAuth2 grant (" + provider_of(*callee.spec->requirements.oauth2) +
                ") that the calling tool's authorization does not cover",
            "Call " + callee.mcp_name + " directly, so that the user can authorize it.");
    chained_scope scope(caller, chain, callee, depth + 1);
    static const middleware_chain no_hooks;
    tool_gate gate;
    if (refused) gate = [&refused]() -> std::optional<tool_error> { return std::move(refused); };
    tool_run run = invoke_tool(callee, scope, arguments, chain.hooks ? *chain.hooks : no_hooks, chain.session_id,
                               nullptr, gate);
    if (auto* value = std::get_if<json>(&run.outcome.value)) return std::move(*value);
    if (auto* error = std::get_if<tool_error>(&run.outcome.value)) return std::move(*error);
    return bad_input_error(std::get<decode_error>(run.outcome.value));
}

}  // namespace arcade_mcp::detail
