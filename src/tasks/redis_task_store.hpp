// The task store in Redis (Debian redis-server 7, libhiredis): every replica reads and writes the
// same records, so tasks/get, tasks/update and tasks/cancel reach a task wherever it runs. Each
// task is one hash with a Redis TTL (its ttl); an owner's tasks are listed from a sorted set. The
// replica running a handler learns of answers and cancellation by polling the hash (docs/tasks.md);
// a task whose runner stops sending heartbeats is failed by the next reader.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "tasks/task_store.hpp"

namespace arcade_mcp::tasks {

struct redis_settings {
    std::string host = "127.0.0.1";
    int port = 6379;
    int database = 0;
    std::string username;  ///< empty: none (AUTH with the password only)
    std::string password;  ///< empty: no AUTH; never logged
    std::chrono::milliseconds timeout{1000};  ///< connect and per-command
    std::string key_prefix = "arcade_mcp:task:";
};

/// `redis://[[user]:password@]host[:port][/db]`; std::nullopt with `why` set when malformed.
std::optional<redis_settings> parse_redis_url(std::string_view url, std::string& why);

/// A store on the Redis of `settings`. Connects lazily and reconnects after a failure; a call
/// while Redis cannot be reached throws task_store_unavailable.
std::unique_ptr<task_store> make_redis_task_store(redis_settings settings, task_limits limits);

}  // namespace arcade_mcp::tasks
