// prompts/list, prompts/get and completion/complete of the MCP core. prompts/get and completers
// run on the worker pool.
#include <algorithm>

#include "jsonrpc/errors.hpp"
#include "mcp/dispatcher.hpp"
#include "mcp/paging.hpp"
#include "mcp/protocol_version.hpp"
#include "mcp/request_scope.hpp"

namespace arcade_mcp::detail {
namespace {

json prompt_json(const prompt_spec& p, std::string_view revision) {
    const bool modern = revision_at_least(revision, rev_2025_06_18);
    json j{{"name", p.name}};
    if (p.title && modern) j["title"] = *p.title;
    j["description"] = p.description;
    if (!p.arguments.empty()) {
        json args = json::array();
        for (const auto& a : p.arguments) {
            json arg{{"name", a.name}, {"required", a.required}};
            if (a.description) arg["description"] = *a.description;
            args.push_back(std::move(arg));
        }
        j["arguments"] = std::move(args);
    }
    return j;
}

/// The string-valued object of `member` in `params` (absent: {}), or std::nullopt.
std::optional<json> string_map(const json& params, const char* member) {
    const auto it = params.find(member);
    if (it == params.end() || it->is_null()) return std::optional<json>(std::in_place, json::object());
    if (!it->is_object()) return std::nullopt;
    for (const auto& [k, v] : it->items())
        if (!v.is_string()) return std::nullopt;
    return std::optional<json>(std::in_place, *it);
}

}  // namespace

json dispatcher::list_prompts(const session_state& session, const jsonrpc::request& req,
                              std::optional<jsonrpc::error>& err) const {
    const auto items = server_.prompts();
    const std::string revision = session.revision();
    bool bad = false;
    json result = page_of(req.params, "prompts", "prompts", items.size(), server_.info().page_size,
                          [&](std::size_t i) { return prompt_json(*items[i], revision); }, bad);
    if (bad) err = invalid_params("Invalid params: invalid cursor");
    return result;
}

void dispatcher::get_prompt(const std::shared_ptr<session_state>& session, jsonrpc::request req,
                            const std::shared_ptr<outbound_sink>& sink) {
    const auto name = req.params.find("name");
    if (name == req.params.end() || !name->is_string())
        return sink->finish(
            jsonrpc::make_error(req.id, invalid_params("Invalid params: name (string) is required")));
    std::shared_ptr<const prompt_spec> prompt;
    for (auto& p : server_.prompts())
        if (p->name == name->get_ref<const std::string&>()) prompt = p;
    if (!prompt)
        return sink->finish(
            jsonrpc::make_error(req.id, invalid_params("Unknown prompt: " + name->get<std::string>())));
    auto arguments = string_map(req.params, "arguments");
    if (!arguments)
        return sink->finish(jsonrpc::make_error(
            req.id, invalid_params("Invalid params: arguments must be an object of strings")));
    for (const auto& a : prompt->arguments)
        if (a.required && !arguments->contains(a.name))
            return sink->finish(jsonrpc::make_error(
                req.id, invalid_params("Invalid params: missing required argument '" + a.name + "'")));

    auto work = [prompt, arguments = std::move(*arguments)](request_scope& ctx,
                                                            const jsonrpc::request& r) -> std::optional<json> {
        auto outcome = prompt->get(ctx, arguments);
        if (auto* bad = std::get_if<decode_error>(&outcome))
            return jsonrpc::make_error(r.id, invalid_params("Invalid arguments for prompt " + prompt->name + ": " +
                                                     (bad->path.empty() ? "/" : bad->path) + ": " + bad->message));
        if (auto* e = std::get_if<tool_error>(&outcome))
            return jsonrpc::make_error(r.id,
                                       jsonrpc::error{jsonrpc::error_code::internal_error, e->message, std::nullopt});
        const auto& got = std::get<prompt_result>(outcome);
        json messages = json::array();
        for (const auto& m : got.messages) messages.push_back(json{{"role", m.role}, {"content", m.content.to_json()}});
        json result{{"messages", std::move(messages)}};
        if (got.description) result["description"] = *got.description;
        return jsonrpc::make_result(r.id, std::move(result));
    };
    run_on_pool(session, std::move(req), sink, pool_call{std::move(work), nullptr, std::nullopt, {}, {}});
}

void dispatcher::complete(const std::shared_ptr<session_state>& session, jsonrpc::request req,
                          const std::shared_ptr<outbound_sink>& sink) {
    const auto fail = [&](jsonrpc::error e) { sink->finish(jsonrpc::make_error(req.id, std::move(e))); };
    if (server_.prompts().empty() && server_.resources().empty() && server_.resource_templates().empty())
        return fail(jsonrpc::error{jsonrpc::error_code::method_not_found, "Method not found: completion/complete",
                                   std::nullopt});
    const json ref = req.params.value("ref", json());
    const json argument = req.params.value("argument", json());
    if (!ref.is_object() || !ref.value("type", json()).is_string())
        return fail(invalid_params("Invalid params: ref {type, name|uri} is required"));
    for (const char* member : {"name", "uri"})
        if (const auto m = ref.find(member); m != ref.end() && !m->is_string())
            return fail(invalid_params(std::string("Invalid params: ref.") + member + " must be a string"));
    if (!argument.is_object() || !argument.value("name", json()).is_string() ||
        !argument.value("value", json()).is_string())
        return fail(invalid_params("Invalid params: argument {name, value} (strings) is required"));
    completion_request request;
    request.argument = argument["name"].get<std::string>();
    request.value = argument["value"].get<std::string>();
    if (auto ctx = req.params.find("context"); ctx != req.params.end() && ctx->is_object()) {
        auto args = string_map(*ctx, "arguments");
        if (!args) return fail(invalid_params("Invalid params: context.arguments must be an object of strings"));
        for (const auto& [k, v] : args->items()) request.context_args[k] = v.get<std::string>();
    }

    completer found;
    const std::string type = ref["type"].get<std::string>();
    if (type == "ref/prompt") {
        const std::string name = ref.value("name", std::string());
        std::shared_ptr<const prompt_spec> prompt;
        for (auto& p : server_.prompts())
            if (p->name == name) prompt = p;
        if (!prompt) return fail(invalid_params("Unknown prompt: " + name));
        if (std::none_of(prompt->arguments.begin(), prompt->arguments.end(),
                         [&](const prompt_argument& a) { return a.name == request.argument; }))
            return fail(invalid_params("Prompt " + name + " has no argument '" + request.argument + "'"));
        if (auto it = prompt->completers.find(request.argument); it != prompt->completers.end()) found = it->second;
    } else if (type == "ref/resource") {
        const std::string uri = ref.value("uri", std::string());
        std::shared_ptr<const resource_template_spec> family;
        for (auto& t : server_.resource_templates())
            if (t->info.uri == uri) family = t;
        const auto resources = server_.resources();
        const bool fixed =
            std::any_of(resources.begin(), resources.end(), [&](const auto& r) { return r->info.uri == uri; });
        if (!family && !fixed) return fail(invalid_params("Unknown resource template: " + uri));
        if (family)
            if (auto it = family->completers.find(request.argument); it != family->completers.end()) found = it->second;
    } else {
        return fail(invalid_params("Invalid params: ref.type must be ref/prompt or ref/resource"));
    }

    if (!found)
        return sink->finish(jsonrpc::make_result(
            req.id, json{{"completion", {{"values", json::array()}, {"total", 0}, {"hasMore", false}}}}));
    auto work = [found = std::move(found), request = std::move(request)](
                    request_scope& ctx, const jsonrpc::request& r) -> std::optional<json> {
        completion_result got = found(ctx, request);
        constexpr std::size_t max_values = 100;  // the spec's limit per response
        const bool truncated = got.values.size() > max_values;
        const std::size_t total = got.total.value_or(got.values.size());
        if (truncated) got.values.resize(max_values);
        json completion{{"values", std::move(got.values)}, {"total", total}, {"hasMore", got.has_more || truncated}};
        return jsonrpc::make_result(r.id, json{{"completion", std::move(completion)}});
    };
    run_on_pool(session, std::move(req), sink, pool_call{std::move(work), nullptr, std::nullopt, {}, {}});
}

}  // namespace arcade_mcp::detail
