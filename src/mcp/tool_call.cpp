// tools/call: argument checks, the per-request context handed to handlers, running the handler
// on the worker pool, and turning its outcome into a CallToolResult for the session's revision.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "log/logger.hpp"
#include "mcp/dispatcher.hpp"
#include "mcp/protocol_version.hpp"
#include "mcp/secrets.hpp"
#include "mcp/tool_errors.hpp"

namespace arcade_mcp::detail {
namespace {

std::string_view level_name(mcp_log_level level) {
    static constexpr std::string_view names[] = {"debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"};
    return names[static_cast<int>(level)];
}

/// Per-request state: everything a handler may reach, nothing of the server's secrets.
class request_scope final : public tool_context {
public:
    request_scope(const tool_spec& spec, std::shared_ptr<session_state> session, std::shared_ptr<outbound_sink> sink, jsonrpc::request_id id,
                  std::string revision, std::string user_id, std::optional<json> progress_token, std::stop_token stop)
        : spec_(&spec), session_(std::move(session)), sink_(std::move(sink)), id_(std::move(id)), revision_(std::move(revision)),
          user_id_(std::move(user_id)), progress_token_(std::move(progress_token)), stop_(std::move(stop)) {}

    std::string_view user_id() const override { return user_id_; }
    /// MCP mode: only secrets the tool declared, from the environment (.env included), never a
    /// reserved server secret.
    std::optional<std::string> secret(std::string_view key) const override {
        if (is_reserved_secret(key) || !declares_secret(*spec_, key)) return std::nullopt;
        for (const auto& declared : spec_->requirements.secrets) {
            if (!iequals(declared, key)) continue;
            if (const char* v = std::getenv(declared.c_str())) return std::string(v);
        }
        return std::nullopt;
    }
    std::string_view protocol_version() const override { return revision_; }
    std::stop_token stop_token() const override { return stop_; }
    std::string request_id() const override { return id_.to_json().dump(); }

    void log(mcp_log_level level, json data, std::optional<std::string> logger) override {
        if (level < session_->log_level()) return;
        json params{{"level", level_name(level)}, {"data", std::move(data)}};
        if (logger) params["logger"] = *logger;
        sink_->send(jsonrpc::make_notification("notifications/message", std::move(params)));
    }

    void report_progress(double progress, std::optional<double> total, std::optional<std::string> message) override {
        if (!progress_token_) return;
        json params{{"progressToken", *progress_token_}, {"progress", number_json(progress)}};
        if (total) params["total"] = number_json(*total);
        if (message) params["message"] = *message;
        sink_->send(jsonrpc::make_notification("notifications/progress", std::move(params)));
    }

private:
    const tool_spec* spec_;
    std::shared_ptr<session_state> session_;
    std::shared_ptr<outbound_sink> sink_;
    jsonrpc::request_id id_;
    std::string revision_;
    std::string user_id_;
    std::optional<json> progress_token_;
    std::stop_token stop_;
};

/// Why a tool cannot run in MCP mode, if it cannot: a reserved or missing declared secret, or
/// requirements that HTTP without front-door auth must not serve.
std::optional<tool_error> requirement_refusal(const tool_spec& spec, bool refuse_requirements) {
    const auto& r = spec.requirements;
    if (refuse_requirements && (r.oauth2 || !r.secrets.empty()))
        return tool_error::context_required(
            "Unsupported transport: this tool needs " + std::string(r.oauth2 ? "user authorization" : "secrets") +
                " and cannot run over HTTP without authentication",
            "Run the server over stdio, or call the tool through the Arcade engine.");
    std::string missing;
    for (const auto& key : r.secrets) {
        if (is_reserved_secret(key))
            return tool_error::fatal("Reserved secret: " + key + " is never given to tools");
        if (std::getenv(key.c_str()) == nullptr) missing += (missing.empty() ? "" : ", ") + key;
    }
    if (!missing.empty())
        return tool_error::context_required("Missing secret(s): " + missing,
                                            "Set them in the server's environment or .env file, then retry.");
    return std::nullopt;
}

json text_block(std::string text) { return json{{"type", "text"}, {"text", std::move(text)}}; }

/// `[KIND] Class during execution of tool 'name': message`, as Arcade words it.
json error_result(const tool_error& e, const std::string& source_name) {
    std::string text = arcade_error_message(e, source_name);
    if (e.additional_prompt_content) text += "\n\n" + *e.additional_prompt_content;
    json arcade{{"errorKind", to_string(e.kind)}, {"canRetry", e.can_retry}};
    if (e.status_code) arcade["statusCode"] = *e.status_code;
    if (e.additional_prompt_content) arcade["additionalPromptContent"] = *e.additional_prompt_content;
    if (e.retry_after_ms) arcade["retryAfterMs"] = *e.retry_after_ms;
    return json{{"content", json::array({text_block(std::move(text))})}, {"isError", true}, {"_meta", {{"arcade", std::move(arcade)}}}};
}

json success_result(const catalog_entry& tool, json value, std::string_view revision) {
    std::string text = value.is_string() ? value.get<std::string>() : value.dump();
    json result{{"content", json::array({text_block(std::move(text))})}};
    if (revision_at_least(revision, rev_2025_06_18) && tool.spec->output_schema) {
        result["structuredContent"] = tool.spec->wraps_result ? json{{"result", std::move(value)}} : std::move(value);
    }
    result["isError"] = false;
    return result;
}

}  // namespace

void dispatcher::call_tool(const std::shared_ptr<session_state>& session, jsonrpc::request req, const std::shared_ptr<outbound_sink>& sink) {
    const auto fail = [&](int code, std::string message) {
        sink->finish(jsonrpc::make_error(req.id, jsonrpc::error{code, std::move(message), std::nullopt}));
    };
    const auto name = req.params.find("name");
    if (name == req.params.end() || !name->is_string()) return fail(jsonrpc::error_code::invalid_params, "Invalid params: name (string) is required");
    json arguments = json::object();
    if (auto a = req.params.find("arguments"); a != req.params.end() && !a->is_null()) {
        if (!a->is_object()) return fail(jsonrpc::error_code::invalid_params, "Invalid params: arguments must be an object");
        arguments = *a;
    }
    const catalog_entry* tool = catalog_.find(name->get_ref<const std::string&>());
    if (tool == nullptr) return fail(jsonrpc::error_code::invalid_params, "Unknown tool: " + name->get<std::string>());

    std::optional<json> progress_token;
    if (auto meta = req.params.find("_meta"); meta != req.params.end()) {
        if (auto t = meta->find("progressToken"); t != meta->end() && (t->is_string() || t->is_number_integer())) progress_token = *t;
    }
    auto call = std::make_shared<in_flight_call>();
    const std::string key = req.id.key();
    if (!session->add_call(key, call)) return fail(jsonrpc::error_code::invalid_request, "Invalid Request: request id is already in use");
    track_call(call);

    const std::string revision = session->revision();
    auto job = [this, session, sink, call, key, tool, revision, progress_token = std::move(progress_token),
                req = std::move(req), arguments = std::move(arguments)]() mutable {
        const auto started = std::chrono::steady_clock::now();
        std::string_view outcome_name = "ok";
        request_scope ctx(*tool->spec, session, sink, req.id, revision, options_.user_id.value_or(session->fallback_user_id()), progress_token,
                          call->stop.get_token());
        std::optional<json> reply;
        try {
            if (auto refusal = requirement_refusal(*tool->spec, options_.refuse_tools_with_requirements)) {
                outcome_name = "requirements_unmet";
                throw tool_exception(std::move(*refusal));
            }
            tool_outcome outcome = tool->spec->invoke(ctx, arguments);
            if (auto* value = std::get_if<json>(&outcome.value)) {
                reply = jsonrpc::make_result(req.id, success_result(*tool, std::move(*value), revision));
            } else if (auto* error = std::get_if<tool_error>(&outcome.value)) {
                outcome_name = to_string(error->kind);
                reply = jsonrpc::make_result(req.id, error_result(*error, tool->spec->name));
            } else {
                const auto& bad = std::get<decode_error>(outcome.value);
                outcome_name = "bad_arguments";
                if (revision_at_least(revision, rev_2025_11_25)) {
                    reply = jsonrpc::make_result(req.id, error_result(bad_input_error(bad), tool->spec->name));
                } else {
                    reply = jsonrpc::make_error(req.id, jsonrpc::error{jsonrpc::error_code::invalid_params,
                                                                       "Invalid arguments for tool " + tool->mcp_name + ": " +
                                                                           (bad.path.empty() ? "/" : bad.path) + ": " + bad.message,
                                                                       json{{"path", bad.path}, {"reason", bad.message}}});
                }
            }
        } catch (const tool_exception& e) {
            outcome_name = to_string(e.error().kind);
            reply = jsonrpc::make_result(req.id, error_result(e.error(), tool->spec->name));
        } catch (const std::exception& e) {
            outcome_name = "exception";
            log(log_level::warning, "tool raised an exception", {{"tool", tool->fqn}, {"request_id", ctx.request_id()}, {"error", e.what()}});
            reply = jsonrpc::make_result(req.id, error_result(tool_error::fatal("An unhandled exception was raised by the tool."), tool->spec->name));
        } catch (...) {
            outcome_name = "exception";
            log(log_level::warning, "tool raised a non-standard exception", {{"tool", tool->fqn}, {"request_id", ctx.request_id()}});
            reply = jsonrpc::make_result(req.id, error_result(tool_error::fatal("An unhandled exception was raised by the tool."), tool->spec->name));
        }
        session->remove_call(key);
        untrack_call(call);
        if (call->cancelled) {
            reply.reset();  // cancelled by the client: no response
            outcome_name = "cancelled";
        }
        if (log_enabled(log_level::info)) {
            const auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
            char ms[32];
            std::snprintf(ms, sizeof ms, "%.3f", static_cast<double>(us) / 1000.0);
            log(log_level::info, "tool call", {{"tool", tool->fqn}, {"request_id", ctx.request_id()}, {"session_id", session->id()},
                                               {"outcome", std::string(outcome_name)}, {"duration_ms", ms}});
        }
        sink->finish(std::move(reply));
    };
    pool_.post(std::move(job));
}

}  // namespace arcade_mcp::detail
