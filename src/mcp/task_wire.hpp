// What a task looks like on the wire in each era (spec/tasks.md): the 2025-11-25 `Task` and
// `CreateTaskResult {task}`, and the 2026-07-28 flat `CreateTaskResult` and detailed task of
// tasks/get (inputRequests, the inlined result, or the error). Also the negotiation helpers.
#pragma once

#include <string_view>

#include "arcade_mcp/json.hpp"
#include "mcp/session_state.hpp"
#include "tasks/task_store.hpp"

namespace arcade_mcp::detail {

inline constexpr std::string_view tasks_extension = "io.modelcontextprotocol/tasks";
inline constexpr std::string_view meta_related_task = "io.modelcontextprotocol/related-task";

/// 2025-11-25 `Task`: taskId, status, statusMessage?, createdAt, lastUpdatedAt, ttl, pollInterval.
json legacy_task_json(const tasks::task_record& task);
/// 2026-07-28 `CreateTaskResult`: resultType "task" and the flat task fields (ttlMs, pollIntervalMs).
json modern_create_result(const tasks::task_record& task);
/// 2026-07-28 tasks/get: the flat fields plus inputRequests (input_required), result
/// (completed) or error (failed).
json modern_detailed_task(const tasks::task_record& task);
/// The 2025-11-25 `tasks` server capability (list, cancel, task-augmented tools/call).
json legacy_tasks_capability();
/// True when a 2026-07-28 request declared the tasks extension in its client capabilities.
bool declares_tasks_extension(const session_state& session);
/// -32021 naming the tasks extension as the capability the request lacks.
jsonrpc::error missing_tasks_extension_error();
/// `_meta` naming the task a message belongs to (2025-11-25).
json related_task_meta(std::string_view task_id);

}  // namespace arcade_mcp::detail
