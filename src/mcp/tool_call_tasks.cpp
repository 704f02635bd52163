// Whether a tools/call becomes an MCP task (spec/tasks.md): 2025-11-25 when the client asks
// (`params.task`) and the tool allows it; 2026-07-28 whenever the request declares the tasks
// extension and the tool supports tasks (the server's choice). The errors of each era for a call
// that cannot run as the tool requires.
#include <algorithm>
#include <chrono>
#include <cstdint>

#include "mcp/dispatcher.hpp"
#include "mcp/protocol_version.hpp"
#include "mcp/task_wire.hpp"

namespace arcade_mcp::detail {
namespace {

jsonrpc::error not_found(std::string message) {
    return jsonrpc::error{jsonrpc::error_code::method_not_found, std::move(message), std::nullopt};
}

}  // namespace

bool dispatcher::offers_tasks() const {
    const auto snapshot = catalog();
    const auto& entries = snapshot->entries();
    return std::any_of(entries.begin(), entries.end(),
                       [](const catalog_entry& e) { return e.spec->tasks != task_support::forbidden; });
}

std::shared_ptr<task_link> dispatcher::task_link_for(const tool_spec& spec,
                                                     const std::shared_ptr<session_state>& session,
                                                     const jsonrpc::request& req,
                                                     const std::shared_ptr<outbound_sink>& sink,
                                                     std::optional<jsonrpc::error>& err) {
    const bool modern = session->modern();
    const auto task = req.params.find("task");
    // The common case first, without copies: a plain tool called plainly.
    if (spec.tasks == task_support::forbidden && (modern || task == req.params.end())) return nullptr;
    const std::string name = req.params.value("name", std::string());
    std::optional<std::chrono::milliseconds> ttl;
    if (modern) {  // a `task` param means nothing here
        if (!declares_tasks_extension(*session)) {
            if (spec.tasks == task_support::required) err = missing_tasks_extension_error();
            return nullptr;
        }
        if (spec.tasks == task_support::forbidden) return nullptr;
    } else {
        const bool asked = session->revision() == rev_2025_11_25 && task != req.params.end() && task->is_object();
        if (asked && spec.tasks == task_support::forbidden) {
            if (!offers_tasks()) return nullptr;  // `tasks` was not declared: the param is ignored
            err = not_found("Method not found: tool " + name + " does not run as a task");
            return nullptr;
        }
        if (!asked) {
            if (spec.tasks == task_support::required)
                err =
                    not_found("Method not found: tool " + name + " runs only as a task (params.task, MCP 2025-11-25)");
            return nullptr;
        }
        if (auto t = task->find("ttl"); t != task->end() && !t->is_null()) {
            if (!t->is_number_integer() || t->get<std::int64_t>() < 0) {
                err = jsonrpc::error{jsonrpc::error_code::invalid_params,
                                     "Invalid params: task.ttl must be a non-negative integer (milliseconds)",
                                     std::nullopt};
                return nullptr;
            }
            ttl = std::chrono::milliseconds(t->get<std::int64_t>());
        }
    }
    auto announce = [sink, session, key = req.id.key(), id = req.id, modern](const tasks::task_record& task) {
        session->remove_call(key);  // the id is free again; notifications/cancelled cannot reach a task
        json result = json::object();
        if (modern) result = modern_create_result(task);
        else result["task"] = legacy_task_json(task);
        sink->finish(jsonrpc::make_result(id, std::move(result)));
    };
    auto link = std::make_shared<task_link>(tasks_, task_owner(*session), ttl, modern, std::move(announce));
    if (!modern)  // 2025-11-25: notifications/tasks/status on the session's stream (optional in the spec)
        link->on_status([weak = std::weak_ptr<session_state>(session)](const tasks::task_record& task) {
            if (auto s = weak.lock())
                s->notify(jsonrpc::make_notification("notifications/tasks/status", legacy_task_json(task)));
        });
    return link;
}

}  // namespace arcade_mcp::detail
