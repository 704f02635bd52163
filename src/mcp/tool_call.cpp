// tools/call: argument checks, the per-request context handed to handlers, running the handler
// on the worker pool, and turning its outcome into a CallToolResult for the session's revision.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "log/logger.hpp"
#include "mcp/dispatcher.hpp"
#include "mcp/protocol_version.hpp"
#include "mcp/request_scope.hpp"
#include "mcp/secrets.hpp"
#include "mcp/tool_errors.hpp"

namespace arcade_mcp::detail {
namespace {

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

json success_result(const catalog_entry& tool, json value, bool is_content, std::string_view revision) {
    if (is_content) return json{{"content", std::move(value)}, {"isError", false}};
    std::string text = value.is_string() ? value.get<std::string>() : value.dump();
    json result{{"content", json::array({text_block(std::move(text))})}};
    if (revision_at_least(revision, rev_2025_06_18) && tool.spec->output_schema) {
        result["structuredContent"] = tool.spec->wraps_result ? json{{"result", std::move(value)}} : std::move(value);
    }
    result["isError"] = false;
    return result;
}

}  // namespace

void dispatcher::run_on_pool(const std::shared_ptr<session_state>& session, jsonrpc::request req, const std::shared_ptr<outbound_sink>& sink,
                             std::shared_ptr<const tool_spec> spec, request_work work, timeout_reply on_timeout) {
    std::optional<json> progress_token;
    if (auto meta = req.params.find("_meta"); meta != req.params.end() && meta->is_object()) {
        if (auto t = meta->find("progressToken"); t != meta->end() && (t->is_string() || t->is_number_integer())) progress_token = *t;
    }
    // 2026-07-28: the answers the client gave so far (a bad request state fails the request here).
    std::shared_ptr<input_round> round;
    if (session->modern() && may_require_input(req.method)) {
        std::optional<jsonrpc::error> err;
        round = open_input_round(req, err);
        if (!round) {
            sink->finish(jsonrpc::make_error(req.id, *err));
            return;
        }
    }
    auto call = std::make_shared<in_flight_call>();
    const std::string key = req.id.key();
    if (!session->add_call(key, call)) {
        sink->finish(jsonrpc::make_error(req.id, jsonrpc::error{jsonrpc::error_code::invalid_request, "Invalid Request: request id is already in use", std::nullopt}));
        return;
    }
    track_call(call);
    const std::string revision = session->revision();
    const bool run_inline = spec && spec->runs_inline;
    const auto limit = run_inline ? std::chrono::milliseconds(0) : spec && spec->timeout ? *spec->timeout : options_.tool_timeout;
    auto job = [this, session, sink, call, key, revision, limit, round = std::move(round), spec = std::move(spec), progress_token = std::move(progress_token),
                req = std::move(req), work = std::move(work), on_timeout = std::move(on_timeout)]() mutable {
        if (call->cancelled) {  // cancelled while it waited for a thread: never started
            session->remove_call(key);
            untrack_call(call);
            call->answered = true;
            sink->finish(std::nullopt);
            return;
        }
        // The time limit runs from the handler's start (not from the queue).
        std::optional<std::uint64_t> watch;
        if (limit.count() > 0) {
            watch = watchdog_.watch(call_watchdog::clock::now() + limit, [call, sink, id = req.id, limit, on_timeout = std::move(on_timeout)] {
                call->stop.request_stop();
                if (call->cancelled || call->answered.exchange(true)) return;
                sink->finish(on_timeout ? on_timeout(id, limit)
                                        : jsonrpc::make_error(id, jsonrpc::error{-32001, "Request timed out after " + std::to_string(limit.count()) + " ms",
                                                                                 std::nullopt}));
            });
        }
        request_scope ctx(spec, session, sink, req.id, revision, options_.user_id.value_or(session->fallback_user_id()), progress_token,
                          call->stop.get_token());
        ctx.limit_pending_client_requests(options_.max_pending_client_requests);
        if (round) ctx.use_input_round(round);
        std::optional<json> reply;
        try {
            reply = work(ctx, req);
        } catch (input_required_signal& asked) {
            // The handler asked the client something: answer input_required; the retry re-runs it.
            // Only a request_scope with an input round throws this (request_scope::ask_client).
            std::optional<jsonrpc::error> err;
            json result = input_required_result(req, *round, std::move(asked.requests), err);
            reply = err ? jsonrpc::make_error(req.id, *err) : jsonrpc::make_result(req.id, std::move(result));
        } catch (const request_error_signal& failed) {
            reply = jsonrpc::make_error(req.id, failed.err);
        } catch (const std::exception& e) {
            log(log_level::warning, "handler raised an exception", {{"method", req.method}, {"request_id", ctx.request_id()}, {"error", e.what()}});
            reply = jsonrpc::make_error(req.id, jsonrpc::error{jsonrpc::error_code::internal_error, "Internal error", std::nullopt});
        } catch (...) {
            reply = jsonrpc::make_error(req.id, jsonrpc::error{jsonrpc::error_code::internal_error, "Internal error", std::nullopt});
        }
        if (watch) watchdog_.cancel(*watch);
        session->remove_call(key);
        untrack_call(call);
        if (call->answered.exchange(true)) return;  // the timeout error went out already
        if (call->cancelled) reply.reset();         // cancelled by the client: no response
        sink->finish(std::move(reply));
    };
    if (run_inline) job();
    else pool_.post(std::move(job));
}

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
    auto snapshot = catalog();
    const catalog_entry* tool = snapshot->find(name->get_ref<const std::string&>());
    if (tool == nullptr) return fail(jsonrpc::error_code::invalid_params, "Unknown tool: " + name->get<std::string>());

    auto spec = tool->spec;
    auto work = [this, snapshot, tool, session_id = session->id(), arguments = std::move(arguments)](request_scope& ctx, const jsonrpc::request& req) -> std::optional<json> {
        const auto started = std::chrono::steady_clock::now();
        const std::string revision(ctx.protocol_version());
        std::string_view outcome_name = "ok";
        std::optional<json> reply;
        try {
            if (auto refusal = requirement_refusal(*tool->spec, options_.refuse_tools_with_requirements)) {
                outcome_name = "requirements_unmet";
                throw tool_exception(std::move(*refusal));
            }
            tool_outcome outcome = tool->spec->invoke(ctx, arguments);
            if (auto* value = std::get_if<json>(&outcome.value)) {
                reply = jsonrpc::make_result(req.id, success_result(*tool, std::move(*value), outcome.is_content, revision));
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
        } catch (const input_required_signal&) {
            outcome_name = "input_required";
            throw;  // answered by run_on_pool
        } catch (const request_error_signal&) {
            outcome_name = "request_error";
            throw;
        } catch (const tool_exception& e) {
            outcome_name = to_string(e.error().kind);
            reply = jsonrpc::make_result(req.id, error_result(e.error(), tool->spec->name));
        } catch (const client_request_error& e) {
            outcome_name = "client_request_failed";
            reply = jsonrpc::make_result(req.id, error_result(tool_error::execution(e.what()), tool->spec->name));
        } catch (const std::exception& e) {
            outcome_name = "exception";
            log(log_level::warning, "tool raised an exception", {{"tool", tool->fqn}, {"request_id", ctx.request_id()}, {"error", e.what()}});
            reply = jsonrpc::make_result(req.id, error_result(tool_error::fatal("An unhandled exception was raised by the tool."), tool->spec->name));
        } catch (...) {
            outcome_name = "exception";
            log(log_level::warning, "tool raised a non-standard exception", {{"tool", tool->fqn}, {"request_id", ctx.request_id()}});
            reply = jsonrpc::make_result(req.id, error_result(tool_error::fatal("An unhandled exception was raised by the tool."), tool->spec->name));
        }
        if (log_enabled(log_level::info)) {
            const auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
            char ms[32];
            std::snprintf(ms, sizeof ms, "%.3f", static_cast<double>(us) / 1000.0);
            log(log_level::info, "tool call", {{"tool", tool->fqn}, {"request_id", ctx.request_id()}, {"session_id", session_id},
                                               {"outcome", std::string(ctx.stop_token().stop_requested() ? "stopped" : outcome_name)}, {"duration_ms", ms}});
        }
        return reply;
    };
    auto on_timeout = [tool](const jsonrpc::request_id& id, std::chrono::milliseconds limit) {
        return jsonrpc::make_result(id, error_result(timeout_error(limit), tool->spec->name));
    };
    run_on_pool(session, std::move(req), sink, std::move(spec), std::move(work), std::move(on_timeout));
}

}  // namespace arcade_mcp::detail
