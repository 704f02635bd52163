// The tasks/* methods of both eras (spec/tasks.md): tasks/get and tasks/cancel in both,
// tasks/result and tasks/list in 2025-11-25 sessions, tasks/update in 2026-07-28. Every lookup is
// bound to the caller (task_owner): another caller's task is an unknown id (-32602).
#include <algorithm>
#include <chrono>

#include "log/logger.hpp"

#include "jsonrpc/errors.hpp"
#include "mcp/dispatcher.hpp"
#include "mcp/protocol_version.hpp"
#include "mcp/request_scope.hpp"
#include "mcp/task_wire.hpp"

namespace arcade_mcp::detail {
namespace {

constexpr std::size_t list_page_size = 10;

/// params.taskId, or the -32602 that answers its absence.
const std::string* task_id_param(const jsonrpc::request& req, std::optional<jsonrpc::error>& err) {
    const auto id = req.params.find("taskId");
    if (id != req.params.end() && id->is_string()) return &id->get_ref<const std::string&>();
    err = invalid_params("Invalid params: taskId (string) is required");
    return nullptr;
}

jsonrpc::error unknown_task(const std::string& id) {
    return invalid_params("Invalid params: unknown task " + id);
}

/// What the plain call would have answered, for 2025-11-25 tasks/result: the result with the
/// related-task `_meta`, or the error.
json reply_of_outcome(const jsonrpc::request_id& id, const tasks::task_record& task) {
    if (auto error = task.outcome.find("error"); error != task.outcome.end()) {
        jsonrpc::error e{error->value("code", jsonrpc::error_code::internal_error),
                         error->value("message", std::string("Internal error")), std::nullopt};
        if (auto data = error->find("data"); data != error->end()) e.data = *data;
        return jsonrpc::make_error(id, std::move(e));
    }
    json result = task.outcome.value("result", json::object());
    if (!result.is_object()) result = json::object();
    result["_meta"].update(related_task_meta(task.id));
    return jsonrpc::make_result(id, std::move(result));
}

}  // namespace

std::string dispatcher::task_owner(const session_state& session) const {
    if (!session.principal().empty() || options_.user_id) return state_principal(session);
    return session.modern() ? std::string() : "session:" + session.id();
}

void dispatcher::serve_task_method(const std::shared_ptr<session_state>& session, jsonrpc::request req,
                                   const std::shared_ptr<outbound_sink>& sink, task_answer answer) {
    if (session->modern() && !declares_tasks_extension(*session))
        return sink->finish(jsonrpc::make_error(req.id, missing_tasks_extension_error()));
    if (!session->modern() && session->revision() != rev_2025_11_25)
        return sink->finish(jsonrpc::make_error(
            req.id, jsonrpc::error{jsonrpc::error_code::method_not_found,
                                   "Method not found: " + req.method + " (tasks need MCP 2025-11-25)", std::nullopt}));
    auto run = [this, session, sink, answer](const jsonrpc::request& r) {
        std::optional<jsonrpc::error> err;
        json result;
        try {
            result = answer(*this, *session, r, err);
        } catch (const tasks::task_store_unavailable& e) {
            log(log_level::error, "task store unavailable", {{"method", r.method}, {"error", e.what()}});
            err = jsonrpc::error{jsonrpc::error_code::internal_error, "Task store unavailable: try again later",
                                 std::nullopt};
        }
        sink->finish(err ? jsonrpc::make_error(r.id, *err) : jsonrpc::make_result(r.id, std::move(result)));
    };
    if (!tasks_->store().shared()) return run(req);
    // A remote store: its round trips (and its timeouts when it is down) stay off the I/O thread.
    runner_.pool().post([run = std::move(run), req = std::move(req)] { run(req); });
}

json dispatcher::task_get(const session_state& session, const jsonrpc::request& req,
                          std::optional<jsonrpc::error>& err) {
    const std::string* id = task_id_param(req, err);
    if (!id) return {};
    auto task = tasks_->store().get(*id, task_owner(session));
    if (!task) {
        err = unknown_task(*id);
        return {};
    }
    return session.modern() ? modern_detailed_task(*task) : legacy_task_json(*task);
}

json dispatcher::task_cancel(const session_state& session, const jsonrpc::request& req,
                             std::optional<jsonrpc::error>& err) {
    const std::string* id = task_id_param(req, err);
    if (!id) return {};
    const std::string owner = task_owner(session);
    auto task = tasks_->store().get(*id, owner);
    if (!task) {
        err = unknown_task(*id);
        return {};
    }
    // 2025-11-25: a terminal task cannot be cancelled; 2026-07-28 acknowledges it all the same.
    if (tasks::is_terminal(task->status) && !session.modern()) {
        err = invalid_params("Invalid params: task " + *id + " is already " +
                             std::string(tasks::to_string(task->status)));
        return {};
    }
    if (!tasks::is_terminal(task->status)) {
        task = tasks_->store().cancel(*id, owner);
        tasks_->stop_local(*id);
        tasks_->changed(*id);
        if (!task) {
            err = unknown_task(*id);
            return {};
        }
    }
    return session.modern() ? json::object() : legacy_task_json(*task);
}

json dispatcher::task_update(const session_state& session, const jsonrpc::request& req,
                             std::optional<jsonrpc::error>& err) {
    const std::string* id = task_id_param(req, err);
    if (!id) return {};
    const auto responses = req.params.find("inputResponses");
    if (responses == req.params.end() || !responses->is_object()) {
        err = invalid_params("Invalid params: inputResponses (object) is required");
        return {};
    }
    const auto answered = tasks_->store().answer(*id, task_owner(session), *responses);
    if (!answered.found) err = unknown_task(*id);
    else if (!answered.accepted.empty()) tasks_->changed(*id);
    return json::object();
}

json dispatcher::task_list(const session_state& session, const jsonrpc::request& req,
                           std::optional<jsonrpc::error>& err) {
    std::string cursor;
    if (auto c = req.params.find("cursor"); c != req.params.end() && !c->is_null()) {
        if (!c->is_string()) {
            err = invalid_params("Invalid params: cursor must be a string");
            return {};
        }
        cursor = c->get<std::string>();
    }
    auto page = tasks_->store().list(task_owner(session), cursor, list_page_size);
    if (!page) {
        err = invalid_params("Invalid params: invalid cursor");
        return {};
    }
    json listed = json::array();
    for (const auto& task : page->tasks) listed.push_back(legacy_task_json(task));
    json result{{"tasks", std::move(listed)}};
    if (page->next_cursor) result["nextCursor"] = *page->next_cursor;
    return result;
}

void dispatcher::task_result(const std::shared_ptr<session_state>& session, jsonrpc::request req,
                             const std::shared_ptr<outbound_sink>& sink) {
    if (session->revision() != rev_2025_11_25)
        return sink->finish(jsonrpc::make_error(
            req.id, jsonrpc::error{jsonrpc::error_code::method_not_found,
                                   "Method not found: tasks/result (tasks need MCP 2025-11-25)", std::nullopt}));
    auto work = [this, owner = task_owner(*session)](request_scope& ctx,
                                                     const jsonrpc::request& r) -> std::optional<json> {
        std::optional<jsonrpc::error> err;
        const std::string* id = task_id_param(r, err);
        if (!id) return jsonrpc::make_error(r.id, *err);
        auto& store = tasks_->store();
        auto task = store.get(*id, owner);
        std::vector<std::string> forwarded;  // question keys already sent to the client
        while (task) {
            if (tasks::is_terminal(task->status)) return reply_of_outcome(r.id, *task);
            for (const auto& [key, question] : task->input_requests.items()) {
                if (std::find(forwarded.begin(), forwarded.end(), key) != forwarded.end()) continue;
                forwarded.push_back(key);
                json params = question.value("params", json::object());
                params["_meta"].update(related_task_meta(*id));
                json answer;
                try {
                    answer = ctx.request_client(question.value("method", std::string()), std::move(params),
                                                std::chrono::minutes(10));
                } catch (const client_request_error& e) {
                    // The handler sees its question fail the same way, through the task's end.
                    log(log_level::warning, "task question not answered", {{"task", *id}, {"error", e.what()}});
                    store.cancel(*id, owner);
                    tasks_->stop_local(*id);
                    break;
                }
                store.answer(*id, owner, json{{key, std::move(answer)}});
                tasks_->changed(*id);
            }
            if (ctx.stop_token().stop_requested()) return std::nullopt;
            const auto seen = task->version;
            task = store.wait_for_change(*id, seen, std::chrono::steady_clock::now() + std::chrono::seconds(1));
            if (task && task->version == seen) task = store.get(*id, owner);  // stale-runner check
        }
        return jsonrpc::make_error(r.id, unknown_task(*id));
    };
    call_plan plan;  // no time limit: it waits as long as the task runs
    plan.pool = &task_pool();
    pool_call call{std::move(work), nullptr, plan, {}, {}};
    run_on_pool(session, std::move(req), sink, std::move(call));
}

}  // namespace arcade_mcp::detail
