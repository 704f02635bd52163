// POST /worker/tools/invoke: parse the ToolCallRequest, find the tool (toolkit, name, version;
// case-insensitive), run it through the call runner and the middleware, as MCP's tools/call does,
// with the engine's context (user, secrets, metadata, authorization), and answer a
// ToolCallResponse: HTTP 200 for every executed call, success or tool error (worker protocol §6).
#include <cctype>
#include "util/ascii.hpp"
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>

#include "arcade/worker_api.hpp"
#include "log/logger.hpp"
#include "mcp/secrets.hpp"
#include "mcp/tool_chain.hpp"
#include "mcp/tool_errors.hpp"
#include "mcp/tool_invocation.hpp"
#include "observe/metrics.hpp"
#include "observe/tracer.hpp"
#include "util/json_text.hpp"

namespace arcade_mcp::detail {
namespace {

/// The engine's context for one call. Progress and client logging have no meaning here: no-ops.
class worker_scope final : public tool_context {
public:
    std::string user;
    std::string execution_id;
    std::map<std::string, std::string> secrets;   ///< lower-cased key -> value (reserved removed)
    std::map<std::string, std::string> metadata_;  ///< lower-cased key -> value
    std::optional<std::string> token;
    json info = json::object();
    std::shared_ptr<in_flight_call> call = std::make_shared<in_flight_call>();  ///< stopped at shutdown
    const tool_chain* chain = nullptr;  ///< what call_tool reaches (set while the tool runs)

    std::string_view user_id() const override { return user; }
    std::optional<std::string> secret(std::string_view key) const override { return lookup(secrets, key); }
    std::optional<std::string> metadata(std::string_view key) const override { return lookup(metadata_, key); }
    std::optional<std::string> authorization_token() const override { return token; }
    json user_info() const override { return info; }
    std::string_view protocol_version() const override { return "arcade-worker"; }
    std::stop_token stop_token() const override { return call->stop.get_token(); }
    std::string request_id() const override { return execution_id; }
    void log(mcp_log_level, json, std::optional<std::string>) override {}
    void report_progress(double, std::optional<double>, std::optional<std::string>) override {}
    result<json> call_tool(std::string_view name, json arguments) override {
        if (chain == nullptr) return tool_context::call_tool(name, std::move(arguments));
        return call_chained_tool(*this, *chain, 0, name, std::move(arguments));
    }

private:
    static std::optional<std::string> lookup(const std::map<std::string, std::string>& m, std::string_view key) {
        auto it = m.find(ascii_lower(key));
        if (it == m.end()) return std::nullopt;
        return it->second;
    }
};

/// A chained call (ctx.call_tool) in worker mode: the engine sent the secrets the invoked tool
/// declared, no others; a callee declaring one it did not send cannot run.
std::optional<tool_error> worker_chain_refusal(const worker_scope& ctx, const tool_spec& callee) {
    std::string missing;
    for (const auto& key : callee.requirements.secrets) {
        if (is_reserved_secret(key)) return tool_error::fatal("Reserved secret: " + key + " is never given to tools");
        if (!ctx.secret(key)) missing += (missing.empty() ? "" : ", ") + key;
    }
    if (missing.empty()) return std::nullopt;
    return tool_error::context_required(
        "Missing secret(s): " + missing,
        "The engine sends only the secrets of the tool it calls: declare them on that tool as well.");
}

/// Reads `[{key, value}]` into a lower-cased map; false when the shape is wrong.
bool read_pairs(const json& list, std::map<std::string, std::string>& out, bool drop_reserved) {
    if (list.is_null()) return true;
    if (!list.is_array()) return false;
    for (const auto& item : list) {
        if (!item.is_object() || !item.contains("key") || !item["key"].is_string()) return false;
        const json& value = member_or_null(item, "value");
        if (!value.is_string() && !value.is_null()) return false;
        const auto key = item["key"].get<std::string>();
        if (drop_reserved && is_reserved_secret(key)) continue;  // never handed to tool code
        out[ascii_lower(key)] = value.is_string() ? value.get<std::string>() : std::string();
    }
    return true;
}

/// UTC "YYYY-MM-DDTHH:MM:SS.ffffff" without offset; the fraction dropped when zero (Python's isoformat()).
std::string finished_at_now() {
    const auto now = std::chrono::system_clock::now();
    const auto secs = std::chrono::time_point_cast<std::chrono::seconds>(now);
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now - secs).count();
    const std::time_t t = std::chrono::system_clock::to_time_t(secs);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[48];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    std::string out(buf);
    if (micros != 0) {
        std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(micros));
        out += buf;
    }
    return out;
}

/// ToolCallError as arcade-core 4.11 sends it: every member, null when unset; message and
/// developer_message carry the "[KIND] Class during execution of tool 'name': " prefix.
json error_json(const tool_error& e, std::string_view source_tool) {
    auto developer_message = arcade_developer_message(e, source_tool);
    return json{
        {"message", arcade_error_message(e, source_tool)},
        {"kind", to_string(e.kind)},
        {"developer_message", developer_message ? json(std::move(*developer_message)) : json(nullptr)},
        {"can_retry", e.can_retry},
        {"additional_prompt_content", e.additional_prompt_content ? json(*e.additional_prompt_content) : json(nullptr)},
        {"retry_after_ms", e.retry_after_ms ? json(*e.retry_after_ms) : json(nullptr)},
        {"stacktrace", nullptr},
        {"status_code", e.status_code ? json(*e.status_code) : json(nullptr)},
        {"extra", e.extra.is_object() ? e.extra : json(nullptr)}};
}

http_answer bad_request(std::string detail) { return http_answer{400, json{{"detail", std::move(detail)}}, {}}; }

}  // namespace

void worker_api::invoke(const std::string& body, std::function<void(http_answer)> respond) {
    // Traced: a "CallTool" SERVER span (Arcade's name) under the engine's traceparent, ended
    // with the answer; the tool's "RunTool" span runs under it on the pool.
    std::shared_ptr<observe::active_span> span;
    if (observe::tracing_on()) {
        span = std::make_shared<observe::active_span>(
            observe::active_span::start("CallTool", observe::span_kind::server, observe::current_span()));
        respond = [span, next = std::move(respond)](http_answer a) {
            if (span->recording()) {
                span->set_attribute("http.response.status_code", static_cast<std::int64_t>(a.status));
                if (a.status >= 400 || (a.body.is_object() && a.body.value("success", true) == false))
                    span->set_error(a.status >= 400 ? "HTTP " + std::to_string(a.status) : "the tool failed");
            }
            span->end();
            next(std::move(a));
        };
    }
    const observe::current_span_scope trace_scope(span ? &span->context() : observe::current_span());
    std::string why;
    auto parsed = core_.parse_limited(body, why);
    if (parsed && !parsed->is_object()) return respond(bad_request("Request body must be a JSON object"));
    if (!parsed)
        return respond(bad_request(why.rfind("Parse error", 0) == 0 ? "Request body must be a JSON object" : why));
    json& request = *parsed;  // read in place; only the inputs are moved out
    const json& tool = member_or_null(request, "tool");
    if (!tool.is_object() || !member_or_null(tool, "name").is_string() || !member_or_null(tool, "toolkit").is_string())
        return respond(bad_request("tool.name and tool.toolkit must be strings"));
    const json& version = member_or_null(tool, "version");
    if (!version.is_null() && !version.is_string())
        return respond(bad_request("tool.version must be a string or null"));
    json inputs = json::object();
    if (auto in = request.find("inputs"); in != request.end() && !in->is_null()) {
        if (!in->is_object()) return respond(bad_request("inputs must be an object or null"));
        inputs = std::move(*in);
    }
    const json& execution_id = member_or_null(request, "execution_id");
    if (!execution_id.is_null() && !execution_id.is_string())
        return respond(bad_request("execution_id must be a string or null"));

    auto ctx = std::make_shared<worker_scope>();
    ctx->execution_id = execution_id.is_string() ? execution_id.get<std::string>() : std::string();
    const json& context = member_or_null(request, "context");
    if (!context.is_null()) {
        if (!context.is_object()) return respond(bad_request("context must be an object or null"));
        const json& user = member_or_null(context, "user_id");
        if (!user.is_null() && !user.is_string())
            return respond(bad_request("context.user_id must be a string or null"));
        if (user.is_string()) ctx->user = user.get<std::string>();
        if (!read_pairs(member_or_null(context, "secrets"), ctx->secrets, true))
            return respond(bad_request("context.secrets must be a list of {key, value} strings"));
        if (!read_pairs(member_or_null(context, "metadata"), ctx->metadata_, false))
            return respond(bad_request("context.metadata must be a list of {key, value} strings"));
        const json& auth = member_or_null(context, "authorization");
        if (!auth.is_null()) {
            if (!auth.is_object()) return respond(bad_request("context.authorization must be an object or null"));
            if (const json& t = member_or_null(auth, "token"); t.is_string()) ctx->token = t.get<std::string>();
            if (const json& info = member_or_null(auth, "user_info"); info.is_object()) ctx->info = info;
        }
    }

    const auto toolkit = tool["toolkit"].get<std::string>();
    const auto name = tool["name"].get<std::string>();
    const auto catalog = core_.catalog();
    const catalog_entry* entry = catalog->find_for_worker(
        toolkit, name, version.is_string() ? std::optional(version.get<std::string>()) : std::nullopt);
    if (span && span->recording()) {
        span->set_attribute("tool_name", name);
        span->set_attribute("toolkit_name", toolkit);
        if (!ctx->execution_id.empty()) span->set_attribute("arcade.execution_id", ctx->execution_id);
    }
    if (entry == nullptr) {
        observe::count_unknown_tool_call();
        return respond(http_answer{404, json{{"detail", "Tool '" + toolkit + "." + name + "' not found"}}, {}});
    }

    // Exactly one answer: the tool's, or the timeout error when it runs past its limit.
    const auto started = std::chrono::steady_clock::now();
    auto answer = [ctx, entry, started](json value, std::optional<tool_error> error) {
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
        json logs = nullptr;
        if (!error && entry->spec->deprecation_message)
            logs = json::array(
                {{{"message", *entry->spec->deprecation_message}, {"level", "warning"}, {"subtype", "deprecation"}}});
        if (!error && value.is_null()) value = "";  // a typed tool's null result, as Python reports it
        // Built member by member: a braced json initializer list copies every element once more.
        json output = json::object();
        output["value"] = error ? json(nullptr) : std::move(value);
        output["logs"] = std::move(logs);
        output["error"] = error ? error_json(*error, entry->spec->name) : json(nullptr);
        output["requires_authorization"] = nullptr;
        json response = json::object();
        response["execution_id"] = ctx->execution_id;
        response["finished_at"] = finished_at_now();
        response["duration"] = ms;
        response["success"] = !error;
        response["output"] = std::move(output);
        return http_answer{200, std::move(response), {}};
    };
    const call_plan plan = plan_for(*entry->spec, core_.options().tool_timeout);
    call_job<http_answer> job;
    std::optional<observe::span_context> trace;  // current again on the pool thread
    if (const auto* current = observe::current_span()) trace = *current;
    job.body = [this, catalog, entry, ctx, answer, inputs = std::move(inputs), trace = std::move(trace)] {
        const observe::current_span_scope pool_trace_scope(trace ? &*trace : nullptr);
        tool_chain chain;  // ctx.call_tool: other tools of this snapshot, for the same engine call
        chain.catalog = catalog;
        chain.hooks = &core_.middleware();
        chain.root = entry->spec.get();
        chain.refusal = [&ctx = *ctx](const tool_spec& callee) { return worker_chain_refusal(ctx, callee); };
        chain.secret_value = [&ctx = *ctx](std::string_view key) { return ctx.secret(key); };
        chain.metadata_value = [&ctx = *ctx](std::string_view key) { return ctx.metadata(key); };
        chain.root_context = ctx.get();
        ctx->chain = &chain;
        struct chain_reset {  // the context may outlive this job; `chain` does not
            worker_scope& scope;
            ~chain_reset() { scope.chain = nullptr; }
        } reset{*ctx};
        std::optional<tool_run> ran;
        try {
            ran = invoke_tool(*entry, *ctx, inputs, core_.middleware(), {}, ctx->call.get());
        } catch (const protocol_error& e) {  // the worker protocol has no JSON-RPC errors
            return answer(nullptr, tool_error::fatal(e.what()));
        }
        tool_run& run = *ran;
        if (auto* value = std::get_if<json>(&run.outcome.value)) return answer(std::move(*value), std::nullopt);
        if (auto* error = std::get_if<tool_error>(&run.outcome.value)) return answer(nullptr, std::move(*error));
        return answer(nullptr, bad_input_error(std::get<decode_error>(run.outcome.value)));
    };
    job.on_timeout = [answer, limit = plan.time_limit] { return answer(nullptr, timeout_error(limit)); };
    job.on_failure = [answer] {
        return answer(nullptr, tool_error::fatal("An unhandled exception was raised by the tool."));
    };
    auto reply = std::make_shared<std::function<void(http_answer)>>(std::move(respond));
    job.deliver = [reply](http_answer a, call_end) { (*reply)(std::move(a)); };
    if (!core_.runner().run(ctx->call, plan, std::move(job))) {
        observe::count_limit_hit(observe::limit_kind::tool_busy);
        observe::record_tool_call(entry->fqn, observe::tool_outcome::busy, std::chrono::microseconds(0));
        (*reply)(answer(nullptr, busy_error(*entry->spec)));
    }
}

}  // namespace arcade_mcp::detail
