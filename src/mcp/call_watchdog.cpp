// call_watchdog implementation (see call_watchdog.hpp).
#include "mcp/call_watchdog.hpp"

namespace arcade_mcp::detail {

call_watchdog::call_watchdog() : thread_([this] { run(); }) {}

call_watchdog::~call_watchdog() {
    {
        std::lock_guard l(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

std::uint64_t call_watchdog::watch(clock::time_point deadline, std::function<void()> on_expiry) {
    std::uint64_t id = 0;
    {
        std::lock_guard l(mu_);
        id = ++next_id_;
        watches_.emplace(id, std::pair{deadline, std::move(on_expiry)});
        by_deadline_.emplace(deadline, id);
    }
    cv_.notify_all();
    return id;
}

void call_watchdog::cancel(std::uint64_t id) {
    std::lock_guard l(mu_);
    auto it = watches_.find(id);
    if (it == watches_.end()) return;
    auto [first, last] = by_deadline_.equal_range(it->second.first);
    for (auto d = first; d != last; ++d)
        if (d->second == id) {
            by_deadline_.erase(d);
            break;
        }
    watches_.erase(it);
}

void call_watchdog::run() {
    std::unique_lock l(mu_);
    while (!stopping_) {
        if (by_deadline_.empty()) {
            cv_.wait(l);
            continue;
        }
        const auto next = by_deadline_.begin();
        // A copy: cancel() may erase the entry (and its key) while this thread waits.
        const auto deadline = next->first;
        if (clock::now() < deadline) {
            cv_.wait_until(l, deadline);
            continue;
        }
        const auto id = next->second;
        by_deadline_.erase(next);
        auto it = watches_.find(id);
        auto callback = std::move(it->second.second);
        watches_.erase(it);
        l.unlock();
        callback();
        l.lock();
    }
}

}  // namespace arcade_mcp::detail
