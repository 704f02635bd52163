// tools/call: argument checks, then the tool through the call runner and the middleware
// (tool_invocation.hpp), and its typed outcome turned into a CallToolResult for the session's
// revision.
#include <chrono>

#include "mcp/dispatcher.hpp"
#include "mcp/protocol_version.hpp"
#include "mcp/request_scope.hpp"
#include "mcp/tool_chain.hpp"
#include "mcp/tool_errors.hpp"
#include "mcp/tool_invocation.hpp"
#include "mcp/tool_preflight.hpp"
#include "observe/metrics.hpp"

namespace arcade_mcp::detail {
namespace {

// Built member by member: a braced json initializer list copies every element once more.
json text_block(std::string text) {
    json block = json::object();
    block["text"] = std::move(text);
    block["type"] = "text";
    return block;
}

json one_text_block(std::string text) {
    json content = json::array();
    content.push_back(text_block(std::move(text)));
    return content;
}

/// `[KIND] Class during execution of tool 'name': message`, as Arcade words it.
json error_result(const tool_error& e, const std::string& source_name) {
    std::string text = arcade_error_message(e, source_name);
    // An empty additional_prompt_content is no content (arcade-mcp-server tests it for truth).
    const bool prompt = e.additional_prompt_content && !e.additional_prompt_content->empty();
    if (prompt) text += "\n\n" + *e.additional_prompt_content;
    json arcade{{"errorKind", to_string(e.kind)}, {"canRetry", e.can_retry}};
    if (e.status_code) arcade["statusCode"] = *e.status_code;
    if (prompt) arcade["additionalPromptContent"] = *e.additional_prompt_content;
    if (e.retry_after_ms) arcade["retryAfterMs"] = *e.retry_after_ms;
    json result = json::object();
    result["content"] = one_text_block(std::move(text));
    result["isError"] = true;
    result["_meta"]["arcade"] = std::move(arcade);
    return result;
}

json success_result(const catalog_entry& tool, json value, bool is_content, std::string_view revision) {
    json result = json::object();
    result["isError"] = false;
    if (is_content) {
        result["content"] = std::move(value);
        return result;
    }
    const bool structured = revision_at_least(revision, rev_2025_06_18) && tool.spec->output_schema;
    std::string text;
    if (!value.is_string()) text = value.dump();
    else if (structured) text = value.get_ref<const std::string&>();
    else text = std::move(value.get_ref<std::string&>());  // the value is not needed any more
    result["content"] = one_text_block(std::move(text));
    if (structured) {
        if (tool.spec->wraps_result) result["structuredContent"]["result"] = std::move(value);
        else result["structuredContent"] = std::move(value);
    }
    return result;
}

}  // namespace

void dispatcher::call_tool(const std::shared_ptr<session_state>& session, jsonrpc::request req,
                           const std::shared_ptr<outbound_sink>& sink) {
    const auto fail = [&](int code, std::string message) {
        sink->finish(jsonrpc::make_error(req.id, jsonrpc::error{code, std::move(message), std::nullopt}));
    };
    const auto name = req.params.find("name");
    if (name == req.params.end() || !name->is_string())
        return fail(jsonrpc::error_code::invalid_params, "Invalid params: name (string) is required");
    json arguments = json::object();
    if (auto a = req.params.find("arguments"); a != req.params.end() && !a->is_null()) {
        if (!a->is_object())
            return fail(jsonrpc::error_code::invalid_params, "Invalid params: arguments must be an object");
        // Moved out of the request in a session: nothing reads them there again. A 2026-07-28
        // request keeps its params whole (its request state is sealed over a digest of them).
        if (session->modern()) arguments = *a;
        else arguments = std::move(*a);
    }
    auto snapshot = catalog();
    const catalog_entry* tool = snapshot->find(name->get_ref<const std::string&>());
    if (tool == nullptr) {
        observe::count_unknown_tool_call();
        return fail(jsonrpc::error_code::invalid_params, "Unknown tool: " + name->get<std::string>());
    }

    auto spec = tool->spec;
    std::optional<jsonrpc::error> task_refusal;
    auto task = task_link_for(*spec, session, req, sink, task_refusal);
    if (task_refusal) return sink->finish(jsonrpc::make_error(req.id, *task_refusal));
    const bool task_first = task && spec->task_begins == task_start::before_handler;
    auto work = [this, snapshot, tool, session_id = session->id(), arguments = std::move(arguments)](
                    request_scope& ctx, const jsonrpc::request& req) -> std::optional<json> {
        const std::string revision(ctx.protocol_version());
        const bool refuse_requirements = options_.refuse_tools_with_requirements && !ctx.authenticated();
        // ctx.call_tool: other tools of this snapshot, with the checks of tools/call.
        tool_chain chain;
        chain.catalog = snapshot;
        chain.hooks = &chain_;
        chain.session_id = session_id;
        chain.root = tool->spec.get();
        chain.root_context = &ctx;
        // Scopes were checked against a bearer token only when front-door auth authenticated one.
        chain.refusal = [refuse_requirements, authenticated = ctx.authenticated(),
                         root = chain.root](const tool_spec& callee) -> std::optional<tool_error> {
            if (authenticated)
                if (auto lacking = front_door_scope_refusal(callee, root)) return lacking;
            return chained_call_refusal(callee, refuse_requirements);
        };
        chain.secret_value = environment_secret;
        ctx.use_tool_chain(&chain);
        // Tools with requirements pass MCP mode's checks first (tool_preflight.hpp); the refusal's
        // own result is sent when the call ends with its error.
        std::optional<preflight_refusal> refused;
        tool_gate gate;
        if (const auto& r = tool->spec->requirements; r.oauth2 || !r.secrets.empty()) {
            gate = [&]() -> std::optional<tool_error> {
                preflight_settings settings;
                settings.refuse_requirements = refuse_requirements;
                settings.authorizer = options_.authorizer.get();
                refused = check_before_tool(*tool->spec, tool->mcp_name, ctx, settings);
                if (!refused) return std::nullopt;
                return refused->error;
            };
        }
        tool_run run = invoke_tool(*tool, ctx, arguments, chain_, session_id, ctx.call(), gate);
        if (const auto* error = std::get_if<tool_error>(&run.outcome.value);
            refused && error && error->message == refused->error.message)  // not replaced by a hook
            return jsonrpc::make_result(req.id, std::move(refused->result));
        if (auto* value = std::get_if<json>(&run.outcome.value))
            return jsonrpc::make_result(req.id,
                                        success_result(*tool, std::move(*value), run.outcome.is_content, revision));
        if (auto* error = std::get_if<tool_error>(&run.outcome.value))
            return jsonrpc::make_result(req.id, error_result(*error, tool->spec->name));
        const auto& bad = std::get<decode_error>(run.outcome.value);
        if (revision_at_least(revision, rev_2025_11_25))
            return jsonrpc::make_result(req.id, error_result(bad_input_error(bad), tool->spec->name));
        return jsonrpc::make_error(req.id, jsonrpc::error{jsonrpc::error_code::invalid_params,
                                                          "Invalid arguments for tool " + tool->mcp_name + ": " +
                                                              (bad.path.empty() ? "/" : bad.path) + ": " + bad.message,
                                                          json{{"path", bad.path}, {"reason", bad.message}}});
    };
    pool_call call{std::move(work), spec, std::nullopt, {}, {}, std::move(task), task_first};
    call.plan = plan_for(*spec, options_.tool_timeout);
    if (task_first) {  // the handler runs as a task from the start: on the task pool, never inline
        call.plan->pool = &task_pool();
        call.plan->run_inline = false;
    }
    call.on_timeout = [tool](const jsonrpc::request_id& id, std::chrono::milliseconds limit) {
        return jsonrpc::make_result(id, error_result(timeout_error(limit), tool->spec->name));
    };
    call.on_busy = [tool](const jsonrpc::request_id& id) {
        observe::count_limit_hit(observe::limit_kind::tool_busy);
        observe::record_tool_call(tool->fqn, observe::tool_outcome::busy, std::chrono::microseconds(0));
        return jsonrpc::make_result(id, error_result(busy_error(*tool->spec), tool->spec->name));
    };
    run_on_pool(session, std::move(req), sink, std::move(call));
}

}  // namespace arcade_mcp::detail
