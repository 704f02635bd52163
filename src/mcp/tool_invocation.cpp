// invoke_tool: hooks, handler, exceptions to outcomes (see tool_invocation.hpp).
#include "mcp/tool_invocation.hpp"

#include <chrono>
#include <exception>

#include "arcade_mcp/mcp/tool_context.hpp"
#include "log/logger.hpp"
#include "mcp/input_round.hpp"
#include "mcp/tool_errors.hpp"
#include "observe/metrics.hpp"
#include "observe/tracer.hpp"

namespace arcade_mcp::detail {
namespace {

using clock = std::chrono::steady_clock;

/// The tool_output handed to `invoke`: keeps the first thing written.
class outcome_recorder final : public tool_output {
public:
    void value(json encoded) override { keep(std::move(encoded), false); }
    void content(json blocks) override { keep(std::move(blocks), true); }
    void error(tool_error e) override { keep(std::move(e), false); }
    void invalid_arguments(decode_error e) override { keep(std::move(e), false); }

    tool_outcome take() && {
        if (!outcome_) return tool_outcome{tool_error::fatal("The tool produced no result."), false};
        return std::move(*outcome_);
    }

private:
    void keep(std::variant<json, tool_error, decode_error> v, bool is_content) {
        if (!outcome_) outcome_ = tool_outcome{std::move(v), is_content};
    }
    std::optional<tool_outcome> outcome_;
};

tool_run error_run(tool_error e, tool_call_status status) {
    return tool_run{tool_outcome{std::move(e), false}, status};
}

/// The handler, with what it throws turned into an outcome (the MCP input-round signals pass).
tool_run run_handler(const catalog_entry& tool, tool_context& ctx, const json& arguments) {
    try {
        tool_outcome outcome = invoke_outcome(*tool.spec, ctx, arguments);
        tool_call_status status = tool_call_status::ok;
        if (std::holds_alternative<tool_error>(outcome.value)) status = tool_call_status::tool_error;
        else if (std::holds_alternative<decode_error>(outcome.value)) status = tool_call_status::bad_arguments;
        return tool_run{std::move(outcome), status};
    } catch (const input_required_signal&) {
        throw;
    } catch (const request_error_signal&) {
        throw;
    } catch (const protocol_error&) {  // the request's JSON-RPC error (run_on_pool; worker: fatal)
        throw;
    } catch (const tool_exception& e) {
        return error_run(e.error(), tool_call_status::tool_error);
    } catch (const client_request_error& e) {
        return error_run(tool_error::execution(e.what()), tool_call_status::tool_error);
    } catch (const std::exception& e) {
        tool_error error = unhandled_exception_error(e);
        log(log_level::warning, "tool raised an exception",
            {{"tool", tool.fqn}, {"request_id", ctx.request_id()}, {"error", *error.developer_message}});
        return error_run(std::move(error), tool_call_status::exception);
    } catch (...) {
        log(log_level::warning, "tool raised a non-standard exception",
            {{"tool", tool.fqn}, {"request_id", ctx.request_id()}});
        return error_run(unhandled_exception_error(), tool_call_status::exception);
    }
}

}  // namespace

tool_outcome invoke_outcome(const tool_spec& spec, tool_context& ctx, const json& arguments) {
    outcome_recorder recorder;
    spec.invoke(ctx, arguments, recorder);
    return std::move(recorder).take();
}

namespace {

/// The before hooks in order; returns how many ran (their after hooks are owed) and a refusal.
std::size_t run_before_hooks(const middleware_chain& chain, const tool_call_info& info,
                             std::optional<tool_run>& refusal) {
    std::size_t ran = 0;
    for (const auto& m : chain) {
        ++ran;
        try {
            if (auto refused = m->before_tool_call(info)) {
                refusal = error_run(std::move(*refused), tool_call_status::refused);
                break;
            }
        } catch (const std::exception& e) {
            log(log_level::error, "a before_tool_call hook raised an exception",
                {{"tool", std::string(info.tool)}, {"error", e.what()}});
            refusal =
                error_run(tool_error::fatal("The call was refused: a server hook failed."), tool_call_status::refused);
            break;
        } catch (...) {
            log(log_level::error, "a before_tool_call hook raised a non-standard exception",
                {{"tool", std::string(info.tool)}});
            refusal =
                error_run(tool_error::fatal("The call was refused: a server hook failed."), tool_call_status::refused);
            break;
        }
    }
    return ran;
}

void run_after_hooks(const middleware_chain& chain, std::size_t owed, const tool_call_info& info,
                     const tool_call_result& result) {
    for (std::size_t i = owed; i-- > 0;) {
        try {
            chain[i]->after_tool_call(info, result);
        } catch (const std::exception& e) {
            log(log_level::error, "an after_tool_call hook raised an exception",
                {{"tool", std::string(info.tool)}, {"error", e.what()}});
        } catch (...) {
            log(log_level::error, "an after_tool_call hook raised a non-standard exception",
                {{"tool", std::string(info.tool)}});
        }
    }
}

tool_call_result result_of(const tool_run& run, clock::duration took, const tool_context& ctx) {
    tool_call_result r;
    r.status = run.status;
    r.error = std::get_if<tool_error>(&run.outcome.value);
    r.duration = std::chrono::duration_cast<std::chrono::microseconds>(took);
    r.stopped = ctx.stop_token().stop_requested();
    return r;
}

}  // namespace

call_plan plan_for(const tool_spec& spec, std::chrono::milliseconds default_limit) {
    call_plan plan;
    // A tool that needs the user's OAuth2 token may wait for the Arcade API and for the user
    // (tool_preflight.hpp): never on the thread that reads requests, and always under a time limit.
    plan.run_inline = spec.runs_inline && !spec.requirements.oauth2;
    plan.time_limit = plan.run_inline ? std::chrono::milliseconds(0) : spec.timeout.value_or(default_limit);
    plan.max_concurrency = spec.max_concurrency;
    plan.concurrency_key = spec.max_concurrency ? &spec : nullptr;
    return plan;
}

tool_error busy_error(const tool_spec& spec) {
    return tool_error::retry(
        "The tool is busy: " + std::to_string(spec.max_concurrency) + " calls are already running.",
        "Try the call again shortly.", 1000);
}

namespace {

/// The call's label in the tool-call metrics and on its span.
observe::tool_outcome outcome_label(tool_call_status status, const in_flight_call* call, const tool_context& ctx) {
    if (ctx.stop_token().stop_requested())
        return call && call->timed_out.load() ? observe::tool_outcome::timeout : observe::tool_outcome::cancelled;
    switch (status) {
        case tool_call_status::ok: return observe::tool_outcome::ok;
        case tool_call_status::tool_error: return observe::tool_outcome::tool_error;
        case tool_call_status::bad_arguments: return observe::tool_outcome::bad_arguments;
        case tool_call_status::exception: return observe::tool_outcome::exception;
        case tool_call_status::refused: return observe::tool_outcome::refused;
        case tool_call_status::input_required: return observe::tool_outcome::input_required;
    }
    return observe::tool_outcome::exception;
}

std::string_view outcome_text(observe::tool_outcome o) {
    switch (o) {
        case observe::tool_outcome::ok: return "ok";
        case observe::tool_outcome::tool_error: return "tool_error";
        case observe::tool_outcome::bad_arguments: return "bad_arguments";
        case observe::tool_outcome::exception: return "exception";
        case observe::tool_outcome::refused: return "refused";
        case observe::tool_outcome::input_required: return "input_required";
        case observe::tool_outcome::timeout: return "timeout";
        case observe::tool_outcome::cancelled: return "cancelled";
        case observe::tool_outcome::busy: return "busy";
        case observe::tool_outcome::unknown_tool: break;
    }
    return "unknown_tool";
}

/// The "RunTool" span of one tool run (Arcade's name for it), under the request's span.
observe::active_span start_tool_span(const catalog_entry& tool) {
    auto span = observe::active_span::start("RunTool", observe::span_kind::internal, observe::current_span());
    if (!span.recording()) return span;
    span.set_attribute("tool_name", tool.tool_name);
    if (tool.fqn.size() > tool.tool_name.size())
        span.set_attribute("toolkit_name", tool.fqn.substr(0, tool.fqn.size() - tool.tool_name.size() - 1));
    span.set_attribute("gen_ai.tool.name", tool.fqn);
    span.set_attribute("gen_ai.operation.name", std::string("execute_tool"));
    return span;
}

/// Counts the call and ends its span.
void record_tool_run(const catalog_entry& tool, observe::tool_outcome outcome, clock::duration took,
                     observe::active_span& span) {
    observe::record_tool_call(tool.fqn, outcome, std::chrono::duration_cast<std::chrono::microseconds>(took));
    if (span.recording() && outcome != observe::tool_outcome::ok) {
        span.set_attribute("error.type", std::string(outcome_text(outcome)));
        span.set_error(std::string(outcome_text(outcome)));
    }
    span.end();
}

/// The gate (when there is one), then the handler unless the gate refused.
tool_run gate_then_handler(const catalog_entry& tool, tool_context& ctx, const json& arguments, const tool_gate& gate) {
    if (gate)
        if (auto refused = gate()) return error_run(std::move(*refused), tool_call_status::tool_error);
    return run_handler(tool, ctx, arguments);
}

/// The hooks (when there are any), the gate and the handler.
tool_run run_with_hooks(const catalog_entry& tool, tool_context& ctx, const json& arguments,
                        const middleware_chain& chain, std::string_view session_id, const tool_gate& gate) {
    if (chain.empty()) return gate_then_handler(tool, ctx, arguments, gate);  // the common case: no hooks
    const tool_call_info info{tool.fqn, arguments, ctx, session_id};
    std::optional<tool_run> run;
    const std::size_t owed = run_before_hooks(chain, info, run);
    const auto started = clock::now();
    if (!run) {
        try {
            run = gate_then_handler(tool, ctx, arguments, gate);
        } catch (...) {  // an MCP input-round signal or a protocol_error: tell the hooks, then let it pass
            tool_call_result asked;
            asked.status = tool_call_status::input_required;
            try {
                throw;
            } catch (const protocol_error&) {
                asked.status = tool_call_status::exception;
            } catch (...) {
            }
            asked.duration = std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - started);
            asked.stopped = ctx.stop_token().stop_requested();
            run_after_hooks(chain, owed, info, asked);
            throw;
        }
    }
    run_after_hooks(chain, owed, info, result_of(*run, clock::now() - started, ctx));
    return std::move(*run);
}

}  // namespace

tool_run invoke_tool(const catalog_entry& tool, tool_context& ctx, const json& arguments, const middleware_chain& chain,
                     std::string_view session_id, const in_flight_call* call, const tool_gate& gate) {
    observe::active_span span;
    if (observe::tracing_on()) span = start_tool_span(tool);
    const observe::current_span_scope trace_scope(span.started() ? &span.context() : observe::current_span());
    const auto started = clock::now();
    try {
        tool_run run = run_with_hooks(tool, ctx, arguments, chain, session_id, gate);
        record_tool_run(tool, outcome_label(run.status, call, ctx), clock::now() - started, span);
        return run;
    } catch (...) {  // an MCP input-round signal
        record_tool_run(tool, outcome_label(tool_call_status::input_required, call, ctx), clock::now() - started,
                        span);
        throw;
    }
}

}  // namespace arcade_mcp::detail
