// Runs one handler call, the same way for every kind (tools/call in both eras, resources/read,
// prompts/get, completion/complete, /worker/tools/invoke): on the worker pool, or inline for a
// non-blocking handler; registered so a shutdown can stop it; under a time limit; within the
// tool's concurrency limit; and answered exactly once. What the call answers is the caller's
// type (`Answer`): a JSON-RPC reply, a worker ToolCallResponse. Boost-free.
//
// Past its time limit a call's stop token is signalled and its timeout answer goes out; a
// handler that ignores the token keeps its thread, so the runner starts a spare thread in its
// place (bounded by the pool) and retires the stuck one when it returns.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

#include "mcp/call_registry.hpp"
#include "mcp/call_watchdog.hpp"
#include "mcp/session_state.hpp"
#include "mcp/worker_pool.hpp"

namespace arcade_mcp::detail {

/// How one call runs.
struct call_plan {
    bool run_inline = false;                   ///< a non-blocking handler: on the calling thread
    std::chrono::milliseconds time_limit{0};   ///< 0: none
    const void* concurrency_key = nullptr;     ///< the tool, when it has a concurrency limit
    std::size_t max_concurrency = 0;           ///< calls of that tool queued or running; 0: any
    worker_pool* pool = nullptr;               ///< where it runs; unset: the runner's pool (tasks have their own)
};

/// How a call ended, as its `deliver` is told.
enum class call_end {
    finished,   ///< the handler returned; the answer is its own
    timed_out,  ///< the time limit passed first; the answer is `on_timeout`'s
    cancelled,  ///< the client cancelled; the answer is empty (nothing is sent)
};

/// One call, for call_runner::run.
template <class Answer>
struct call_job {
    std::function<Answer()> body;        ///< runs the handler; catches what the handler throws
    std::function<Answer()> on_timeout;  ///< the answer when the time limit passes first
    std::function<Answer()> on_failure;  ///< the answer when `body` itself throws (a bug: logged)
    std::function<void(Answer, call_end)> deliver;  ///< called exactly once
};

class call_runner {
public:
    call_runner(worker_pool& pool, call_watchdog& watchdog) : pool_(pool), watchdog_(watchdog) {}
    call_runner(const call_runner&) = delete;
    /// The pool handlers run on (also for other blocking work of the transports).
    worker_pool& pool() noexcept { return pool_; }
    call_runner& operator=(const call_runner&) = delete;

    /// Runs `job` for `call` as `plan` says. False (and nothing runs, nothing is delivered) when
    /// the tool is at its concurrency limit; the caller answers "busy".
    template <class Answer>
    bool run(const std::shared_ptr<in_flight_call>& call, const call_plan& plan, call_job<Answer> job);

    /// Signals every running call's stop token.
    void stop_all() { registry_.stop_all(); }
    call_registry& registry() noexcept { return registry_; }

private:
    static void log_escaped_exception();
    bool admit(const call_plan& plan);
    void release(const call_plan& plan);
    /// Whether a spare thread stands in for a call's handler (decided once, under `mu`).
    struct overdue_state {
        std::mutex mu;
        bool returned = false;  ///< the handler came back
        bool spare = false;     ///< a spare thread was started for it
    };
    /// Arms the time limit: at expiry, signals the stop token, runs `expire` and, while the
    /// handler still holds its pool thread, starts a spare. Returns the watch id, if any.
    std::optional<std::uint64_t> arm(const std::shared_ptr<in_flight_call>& call, const call_plan& plan,
                                     const std::shared_ptr<overdue_state>& overdue, std::function<void()> expire);
    /// After the handler returned: cancels the watch, and retires this pool thread if a spare
    /// took its place.
    void disarm(std::optional<std::uint64_t> watch, overdue_state& overdue, worker_pool& pool);
    worker_pool& pool_for(const call_plan& plan) noexcept { return plan.pool ? *plan.pool : pool_; }

    worker_pool& pool_;
    call_watchdog& watchdog_;
    call_registry registry_;
    std::mutex concurrency_mu_;
    std::unordered_map<const void*, std::size_t> active_;  ///< concurrency-limited tools' calls
};

template <class Answer>
bool call_runner::run(const std::shared_ptr<in_flight_call>& call, const call_plan& plan, call_job<Answer> job) {
    if (!admit(plan)) return false;
    registry_.track(call);
    auto shared = std::make_shared<call_job<Answer>>(std::move(job));
    auto work = [this, call, plan, shared] {
        if (call->cancelled) {  // cancelled while it waited for a thread: never started
            registry_.untrack(call);
            release(plan);
            if (!call->answered.exchange(true)) shared->deliver(Answer{}, call_end::cancelled);
            return;
        }
        // The time limit runs from the handler's start (not from the queue). Without one (inline
        // calls) there is nothing to arm.
        std::shared_ptr<overdue_state> overdue;
        std::optional<std::uint64_t> watch;
        if (plan.time_limit.count() > 0) {
            overdue = std::make_shared<overdue_state>();
            watch = arm(call, plan, overdue, [call, shared] {
                if (call->cancelled || call->answered.exchange(true)) return;
                shared->deliver(shared->on_timeout(), call_end::timed_out);
            });
        }
        Answer answer{};
        try {
            answer = shared->body();
        } catch (...) {
            log_escaped_exception();
            answer = shared->on_failure();
        }
        if (overdue) disarm(watch, *overdue, pool_for(plan));
        registry_.untrack(call);
        release(plan);
        if (call->answered.exchange(true)) return;  // the timeout answer went out already
        if (call->cancelled) shared->deliver(Answer{}, call_end::cancelled);
        else shared->deliver(std::move(answer), call_end::finished);
    };
    if (plan.run_inline) work();
    else pool_for(plan).post(std::move(work));
    return true;
}

}  // namespace arcade_mcp::detail
