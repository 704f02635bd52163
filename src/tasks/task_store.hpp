// Where MCP tasks live (docs/tasks.md): the record of each task (status, result, the questions it
// waits on, the answers it got) behind one interface with two implementations, in memory (one
// replica) and Redis (every replica sees every task). The MCP core writes through it from both
// sides: the replica running a task's handler (runner side) and whichever replica answers the
// client's tasks/* requests (client side). Boost-free and transport-free.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "arcade_mcp/json.hpp"

namespace arcade_mcp::tasks {

enum class task_status { working, input_required, completed, failed, cancelled };

/// "working", "input_required", ... as on the wire; parse_status is its inverse.
std::string_view to_string(task_status s) noexcept;
std::optional<task_status> parse_status(std::string_view s) noexcept;
/// completed, failed and cancelled: the status never changes again.
constexpr bool is_terminal(task_status s) noexcept {
    return s == task_status::completed || s == task_status::failed || s == task_status::cancelled;
}

/// One task as stored. Times are milliseconds since the Unix epoch.
struct task_record {
    std::string id;     ///< 128 random bits, 32 lower-case hex characters
    std::string owner;  ///< the caller it is bound to (principal or user id); never shown to clients
    task_status status = task_status::working;
    std::string status_message;  ///< empty: none
    std::int64_t created_at_ms = 0;
    std::int64_t last_updated_at_ms = 0;
    std::int64_t ttl_ms = 0;            ///< the record may be deleted this long after creation
    std::int64_t poll_interval_ms = 0;  ///< what clients are told to wait between polls
    /// Questions outstanding: key -> {"method": ..., "params": {...}} (status input_required).
    json input_requests = json::object();
    /// Answers received and not yet taken by the runner: key -> the client's result.
    json input_responses = json::object();
    /// Keys ever asked (a key is unique for the task's life; answers to others are ignored).
    std::vector<std::string> asked_keys;
    /// Once terminal: {"result": {...}} or {"error": {"code": ..., "message": ..., "data"?: ...}}.
    json outcome;  // null until terminal
    bool cancel_requested = false;
    /// Runner side: the replica running the handler and when it last said it is alive (0: never).
    std::string runner;
    std::int64_t heartbeat_ms = 0;
    /// Bumped on every change: a waiter compares it to see whether anything happened.
    std::uint64_t version = 0;
};

/// The store cannot be reached (Redis down, timeout). Task requests answer a JSON-RPC error;
/// nothing else is affected.
class task_store_unavailable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct task_limits {
    std::chrono::milliseconds default_ttl{std::chrono::hours(1)};  ///< when the client asks none
    std::chrono::milliseconds max_ttl{std::chrono::hours(24)};     ///< requested TTLs are clamped to it
    std::chrono::milliseconds poll_interval{std::chrono::milliseconds(500)};
    std::size_t max_per_owner = 100;    ///< live (unexpired) tasks one caller may hold
    std::size_t max_total = 10000;      ///< live tasks in the store
    /// A non-terminal task whose runner has not sent a heartbeat for this long is failed by the
    /// next reader (its replica died). Only remote stores use it.
    std::chrono::milliseconds stale_after{std::chrono::seconds(10)};
};

enum class create_refusal { none, owner_cap, total_cap };

struct create_result {
    std::optional<task_record> task;  ///< set when created (status working)
    create_refusal refused = create_refusal::none;
};

struct task_page {
    std::vector<task_record> tasks;  ///< in creation order
    std::optional<std::string> next_cursor;
};

/// What `answer` did with the client's responses.
struct answer_result {
    bool found = false;              ///< false: unknown id or another owner's task
    std::vector<std::string> accepted;  ///< keys that matched an outstanding question
};

class task_store {
public:
    virtual ~task_store() = default;
    /// Every method may throw task_store_unavailable. Lookups by a client (get, list, answer,
    /// cancel) take the caller's owner: another owner's task is treated exactly as an unknown id.

    // --- client side -------------------------------------------------------------------
    /// A new task for `owner`, status working, with `requested_ttl` clamped to the limits
    /// (unset: the default), id of 128 random bits, `runner` set to `runner_id`.
    virtual create_result create(const std::string& owner, std::optional<std::chrono::milliseconds> requested_ttl,
                                 const std::string& runner_id) = 0;
    /// The task, if it exists, has not expired and belongs to `owner`. A remote store fails a
    /// non-terminal task whose runner is stale here (status failed, error -32603 "task's server
    /// stopped") before returning it.
    virtual std::optional<task_record> get(std::string_view id, std::string_view owner) = 0;
    /// `owner`'s live tasks in creation order, at most `limit`, after `cursor` (an opaque string
    /// a previous page returned). A cursor this store did not produce: std::nullopt.
    virtual std::optional<task_page> list(std::string_view owner, std::string_view cursor, std::size_t limit) = 0;
    /// Applies the client's answers: keys that match an outstanding question move from
    /// input_requests to input_responses; others are ignored. When no question is left the status
    /// goes back to working. Done before returning (a get right after sees it).
    virtual answer_result answer(std::string_view id, std::string_view owner, const json& responses) = 0;
    /// Asks the task to stop: cancel_requested, and a non-terminal task becomes cancelled at once
    /// (outcome: error -32800 "Task cancelled"). Returns the task as it is after that (terminal
    /// tasks unchanged); std::nullopt: unknown.
    virtual std::optional<task_record> cancel(std::string_view id, std::string_view owner) = 0;

    // --- runner side (no owner check: the runner holds the id it created) ---------------
    /// The task as stored (no owner check, no stale check); std::nullopt when gone (expired).
    virtual std::optional<task_record> load(std::string_view id) = 0;
    /// A non-terminal task's status message. False when the task is gone or terminal.
    virtual bool set_status_message(std::string_view id, std::string message) = 0;
    /// Adds questions (key -> {method, params}; keys never asked before in this task) and sets
    /// input_required. False when the task is gone or terminal.
    virtual bool ask(std::string_view id, const json& requests) = 0;
    /// Removes and returns the answers received (key -> result); {} when none.
    virtual json take_answers(std::string_view id) = 0;
    /// The first terminal status wins: sets status and outcome unless already terminal. Returns
    /// false when the task was already terminal or is gone.
    virtual bool finish(std::string_view id, task_status terminal, json outcome) = 0;
    /// The runner is alive: heartbeat_ms = now for each id (remote stores; no-op in memory).
    virtual void heartbeat(const std::vector<std::string>& ids) = 0;

    // --- both ---------------------------------------------------------------------------
    /// Blocks until the task's version differs from `seen_version`, the task is gone, or
    /// `deadline` passes; returns the task as it is then (std::nullopt: gone). In memory: a
    /// condition variable; Redis: polling every ~50 ms.
    virtual std::optional<task_record> wait_for_change(std::string_view id, std::uint64_t seen_version,
                                                       std::chrono::steady_clock::time_point deadline) = 0;
    /// Live tasks (tests, metrics; a remote store may answer an estimate).
    virtual std::size_t size() = 0;
    /// True for stores every replica shares (Redis).
    virtual bool shared() const noexcept = 0;
    const task_limits& limits() const noexcept { return limits_; }

protected:
    explicit task_store(task_limits limits) : limits_(limits) {}
    task_limits limits_;
};

/// The in-memory store (one replica): expiry by a sweep on every create and on a timer-free
/// check at each lookup, so memory returns to baseline once tasks expire.
std::unique_ptr<task_store> make_memory_task_store(task_limits limits);

/// Milliseconds since the Unix epoch, now.
std::int64_t now_ms();
/// An ISO 8601 UTC timestamp with milliseconds, e.g. "2026-12-07T08:00:00.123Z".
std::string iso8601(std::int64_t epoch_ms);

}  // namespace arcade_mcp::tasks
