// call_runner: admission by concurrency limit, the time limit and spare threads (see call_runner.hpp).
#include "mcp/call_runner.hpp"

#include <exception>

#include "log/logger.hpp"

namespace arcade_mcp::detail {

void call_runner::log_escaped_exception() {
    try {
        throw;
    } catch (const std::exception& e) {
        log(log_level::error, "an exception escaped a call's body", {{"error", e.what()}});
    } catch (...) {
        log(log_level::error, "a non-standard exception escaped a call's body", {});
    }
}

bool call_runner::admit(const call_plan& plan) {
    if (plan.concurrency_key == nullptr || plan.max_concurrency == 0) return true;
    std::lock_guard l(concurrency_mu_);
    auto& n = active_[plan.concurrency_key];
    if (n >= plan.max_concurrency) return false;
    ++n;
    return true;
}

void call_runner::release(const call_plan& plan) {
    if (plan.concurrency_key == nullptr || plan.max_concurrency == 0) return;
    std::lock_guard l(concurrency_mu_);
    auto it = active_.find(plan.concurrency_key);
    if (it != active_.end() && --it->second == 0) active_.erase(it);
}

std::optional<std::uint64_t> call_runner::arm(const std::shared_ptr<in_flight_call>& call, const call_plan& plan,
                                              const std::shared_ptr<overdue_state>& overdue,
                                              std::function<void()> expire) {
    if (plan.time_limit.count() <= 0) return std::nullopt;
    const bool on_pool = !plan.run_inline;
    return watchdog_.watch(call_watchdog::clock::now() + plan.time_limit,
                           [pool = &pool_for(plan), call, on_pool, overdue, expire = std::move(expire)] {
                               call->timed_out.store(true);
                               call->stop.request_stop();
                               expire();
                               if (!on_pool) return;
                               std::lock_guard l(overdue->mu);
                               if (!overdue->returned)
                                   overdue->spare = pool->add_spare();  // the handler still holds its thread
                           });
}

void call_runner::disarm(std::optional<std::uint64_t> watch, overdue_state& overdue, worker_pool& pool) {
    if (watch) watchdog_.cancel(*watch);
    std::lock_guard l(overdue.mu);
    overdue.returned = true;
    if (overdue.spare) pool.retire_after_job();
}

}  // namespace arcade_mcp::detail
