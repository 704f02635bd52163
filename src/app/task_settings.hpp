// The task store a server uses, from the environment (docs/tasks.md): ARCADE_TASK_STORE
// ("memory", the default, or a redis:// URL shared by every replica) and the limits
// ARCADE_TASK_DEFAULT_TTL_SECONDS, ARCADE_TASK_MAX_TTL_SECONDS, ARCADE_TASK_MAX_PER_CALLER,
// ARCADE_TASK_MAX_TOTAL, ARCADE_TASK_POLL_INTERVAL_MS, ARCADE_TASK_STALE_SECONDS and
// ARCADE_TASK_WORKER_THREADS.
#pragma once

#include <memory>
#include <string>

#include "app/runtime_config.hpp"
#include "tasks/task_store.hpp"

namespace arcade_mcp::detail {

struct task_settings {
    tasks::task_limits limits;
    std::string redis_url;  ///< empty: in memory; never logged (it may hold a password)
    std::size_t worker_threads = 16;  ///< threads task handlers run on, apart from the worker pool
};

/// Reads the variables; std::nullopt with `why` naming the variable when one is invalid.
std::optional<task_settings> task_settings_from_env(const env_lookup& env, std::string& why);

/// The store of `settings` (Redis is connected lazily: an unreachable Redis fails task calls only).
std::shared_ptr<tasks::task_store> make_task_store(const task_settings& settings);

/// How the store is described in the start-up log line: "memory" or "redis://host:port/db".
std::string describe_task_store(const task_settings& settings);

}  // namespace arcade_mcp::detail
