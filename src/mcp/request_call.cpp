// Requests whose handler is application code (tools/call, resources/read, prompts/get,
// completion/complete): the per-request context, the 2026-07-28 input round, and the run through
// the call runner (pool or inline, time limit, cancellation, exactly one reply).
#include <chrono>
#include <exception>

#include "log/logger.hpp"
#include "mcp/dispatcher.hpp"
#include "mcp/request_scope.hpp"
#include "observe/trace_context.hpp"

namespace arcade_mcp::detail {
namespace {

std::optional<json> progress_token_of(const jsonrpc::request& req) {
    if (auto meta = req.params.find("_meta"); meta != req.params.end() && meta->is_object()) {
        if (auto t = meta->find("progressToken"); t != meta->end() && (t->is_string() || t->is_number_integer()))
            return std::optional<json>(*t);
    }
    return std::nullopt;
}

json internal_error(const jsonrpc::request_id& id) {
    return jsonrpc::make_error(id, jsonrpc::error{jsonrpc::error_code::internal_error, "Internal error", std::nullopt});
}

}  // namespace

void dispatcher::run_on_pool(const std::shared_ptr<session_state>& session, jsonrpc::request req,
                             const std::shared_ptr<outbound_sink>& sink, pool_call call) {
    // 2026-07-28: the answers the client gave so far (a bad request state fails the request here).
    std::shared_ptr<input_round> round;
    if (session->modern() && may_require_input(req.method)) {
        std::optional<jsonrpc::error> err;
        round = open_input_round(req, *session, err);
        if (!round) return sink->finish(jsonrpc::make_error(req.id, *err));
    }
    auto flight = std::make_shared<in_flight_call>();
    std::string key = req.id.key();
    if (!session->add_call(key, flight))
        return sink->finish(
            jsonrpc::make_error(req.id, jsonrpc::error{jsonrpc::error_code::invalid_request,
                                                       "Invalid Request: request id is already in use", std::nullopt}));
    call_plan plan;
    if (call.plan) plan = *call.plan;
    else plan.time_limit = options_.tool_timeout;

    auto shared_req = std::make_shared<jsonrpc::request>(std::move(req));
    std::optional<observe::span_context> trace;  // the request's span, current again on the pool
    if (const auto* current = observe::current_span()) trace = *current;
    call_job<std::optional<json>> job;
    job.body = [this, session, sink, flight, shared_req, round = std::move(round), spec = std::move(call.spec),
                work = std::move(call.work), trace = std::move(trace), task = call.task]() -> std::optional<json> {
        const observe::current_span_scope trace_scope(trace ? &*trace : nullptr);
        const jsonrpc::request& req = *shared_req;
        request_scope ctx(spec, session, sink, req.id, session->revision(),
                          user_id_of(*session), progress_token_of(req),
                          flight->stop.get_token());
        ctx.set_call(flight);
        ctx.limit_pending_client_requests(options_.max_pending_client_requests);
        if (round) ctx.use_input_round(round);
        if (task) ctx.use_task(task);
        try {
            return work(ctx, req);
        } catch (input_required_signal& asked) {
            // The handler asked the client something: answer input_required; the retry re-runs it.
            // Only a request_scope with an input round throws this (request_scope::ask_client).
            std::optional<jsonrpc::error> err;
            json result = input_required_result(req, *session, *round, std::move(asked.requests), err);
            return err ? jsonrpc::make_error(req.id, *err) : jsonrpc::make_result(req.id, std::move(result));
        } catch (const request_error_signal& failed) {
            return jsonrpc::make_error(req.id, failed.err);
        } catch (const protocol_error& failed) {
            std::optional<json> data;
            if (!failed.data().is_null()) data = failed.data();
            return jsonrpc::make_error(req.id, jsonrpc::error{failed.code(), failed.what(), std::move(data)});
        } catch (const std::exception& e) {
            log(log_level::warning, "handler raised an exception",
                {{"method", req.method}, {"request_id", ctx.request_id()}, {"error", e.what()}});
            return internal_error(req.id);
        } catch (...) {
            return internal_error(req.id);
        }
    };
    job.on_timeout = [shared_req, limit = plan.time_limit,
                      on_timeout = std::move(call.on_timeout)]() -> std::optional<json> {
        if (on_timeout) return on_timeout(shared_req->id, limit);
        return jsonrpc::make_error(
            shared_req->id,
            jsonrpc::error{-32001, "Request timed out after " + std::to_string(limit.count()) + " ms", std::nullopt});
    };
    job.on_failure = [shared_req]() -> std::optional<json> { return internal_error(shared_req->id); };
    job.deliver = [session, sink, key, task = call.task](std::optional<json> reply, call_end end) {
        // A task answered its request when it started (and left the session's calls then): the
        // reply is the task's outcome instead.
        if (task && task->started()) return task->finish(std::move(reply), end);
        session->remove_call(key);
        sink->finish(end == call_end::cancelled ? std::nullopt : std::move(reply));
    };
    auto launch = [this, session, sink, key, flight, plan, shared_req, job = std::move(job), task = call.task,
                   task_first = call.task_first, on_busy = std::move(call.on_busy)]() mutable {
        if (task_first) {
            if (auto refused = task->start(flight)) {
                session->remove_call(key);
                return sink->finish(jsonrpc::make_error(shared_req->id, *refused));
            }
        }
        if (runner_.run(flight, plan, std::move(job))) return;
        json busy = on_busy ? on_busy(shared_req->id) : internal_error(shared_req->id);
        if (task && task->started()) return task->finish(std::move(busy), call_end::finished);
        session->remove_call(key);
        sink->finish(std::move(busy));
    };
    // Creating a task in a shared store is a network round trip: not on the I/O thread.
    if (call.task_first && tasks_->store().shared()) runner_.pool().post(std::move(launch));
    else launch();
}

}  // namespace arcade_mcp::detail
