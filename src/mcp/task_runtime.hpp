// The tasks this replica runs (docs/tasks.md): a call that became a task keeps running through
// the call runner while its request is already answered with the task's handle. The runtime
// creates tasks in the store, records their outcome, turns a handler's questions into the task's
// input requests and waits for the answers, stops a handler whose task was cancelled (at once in
// memory; within ~250 ms through a shared store, which it polls) and, with a shared store, sends
// heartbeats so that other replicas can fail a task whose replica died. Transport-free.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "arcade_mcp/json.hpp"
#include "arcade_mcp/jsonrpc/message.hpp"
#include "arcade_mcp/mcp/client_requests.hpp"
#include "mcp/call_runner.hpp"
#include "mcp/session_state.hpp"
#include "tasks/task_store.hpp"

namespace arcade_mcp::detail {

class task_runtime;

/// One call that may become a task: made by tools/call before the handler runs, consulted by the
/// request_scope (start_task, questions) and by the call's delivery. Thread-safe.
class task_link {
public:
    /// How the request is answered when the task starts (the CreateTaskResult of the era) and
    /// what happens to the call's registration in its session then.
    using announce_fn = std::function<void(const tasks::task_record&)>;

    task_link(std::shared_ptr<task_runtime> runtime, std::string owner, std::optional<std::chrono::milliseconds> ttl,
              bool modern, announce_fn announce)
        : runtime_(std::move(runtime)),
          owner_(std::move(owner)),
          ttl_(ttl),
          modern_(modern),
          announce_(std::move(announce)) {}

    /// Creates the task and answers the request with its handle (once). An error when the store
    /// refuses (caps) or cannot be reached: the caller answers the request with it instead.
    std::optional<jsonrpc::error> start(const std::shared_ptr<in_flight_call>& call);
    bool started() const;
    /// The task's id; empty until started.
    std::string id() const;
    bool modern() const noexcept { return modern_; }
    const std::string& owner() const noexcept { return owner_; }
    /// Asks the client through the task (status input_required) and blocks until every question
    /// is answered; throws client_request_error when the task is cancelled, stopped or gone.
    std::map<std::string, json> ask(const std::vector<input_request>& requests, const std::stop_token& stop);
    void set_status_message(std::string message);
    /// Told the task as it is after each change this call makes (2025-11-25 sessions send it as
    /// notifications/tasks/status on the session's stream). Set before the call runs.
    void on_status(std::function<void(const tasks::task_record&)> listener) { on_status_ = std::move(listener); }
    /// The call ended: records the reply (a JSON-RPC response) or the cancellation as the task's
    /// outcome, and forgets the call.
    void finish(std::optional<json> reply, call_end end);

private:
    const std::shared_ptr<task_runtime> runtime_;
    const std::string owner_;
    const std::optional<std::chrono::milliseconds> ttl_;
    const bool modern_;
    announce_fn announce_;
    std::function<void(const tasks::task_record&)> on_status_;
    void report(const std::string& task);  ///< changed() and on_status_ after a change
    mutable std::mutex mu_;
    std::string id_;
    std::map<std::string, int> keys_used_;  ///< a question key is unique for the task's life
};

class task_runtime {
public:
    explicit task_runtime(std::shared_ptr<tasks::task_store> store);
    ~task_runtime();
    task_runtime(const task_runtime&) = delete;
    task_runtime& operator=(const task_runtime&) = delete;

    tasks::task_store& store() noexcept { return *store_; }
    /// This replica's id (random per process), recorded as the runner of the tasks it starts.
    const std::string& replica_id() const noexcept { return replica_; }

    /// A task started here: its call, so that cancellation and shutdown reach the handler.
    void track(const std::string& id, std::shared_ptr<in_flight_call> call);
    void untrack(const std::string& id);
    /// The client cancelled the task: stops its handler if it runs here.
    void stop_local(const std::string& id);
    /// Shutdown: every task still running here ends `failed` ("the server shut down") and its
    /// handler is signalled to stop. Later finishes do not change them (first terminal wins).
    void fail_all(const std::string& why);
    std::size_t running() const;
    /// Called (on the changing thread) with a task's id after each change made on this replica:
    /// subscriptions/listen streams watching it send notifications/tasks. Unset: nothing.
    void set_change_listener(std::function<void(const std::string& id)> listener);
    void changed(const std::string& id);

private:
    void watch_loop();  ///< shared stores: heartbeats and cancellation, every 250 ms

    std::shared_ptr<tasks::task_store> store_;
    std::string replica_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::unordered_map<std::string, std::shared_ptr<in_flight_call>> running_;
    std::thread watcher_;  ///< only with a shared store
    std::mutex listener_mu_;
    std::function<void(const std::string&)> listener_;
};

/// The outcome stored for a call's JSON-RPC reply: {"result": ...} or {"error": ...}.
json outcome_of_reply(const json& reply);
/// The terminal status of that outcome: an error is failed; a result with isError is failed in a
/// 2025 session and completed in 2026-07-28.
tasks::task_status status_of_outcome(const json& outcome, bool modern);

}  // namespace arcade_mcp::detail
