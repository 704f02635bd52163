// Every handler call running now, MCP or worker, so a shutdown can signal all their stop tokens
// at once. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <unordered_set>

#include "mcp/session_state.hpp"
#include "observe/metrics.hpp"

namespace arcade_mcp::detail {

class call_registry {
public:
    void track(const std::shared_ptr<in_flight_call>& call) {
        std::lock_guard l(mu_);
        if (calls_.insert(call).second) observe::gauge_add(observe::gauge::calls_in_flight, 1);
    }
    void untrack(const std::shared_ptr<in_flight_call>& call) {
        std::lock_guard l(mu_);
        if (calls_.erase(call) != 0) observe::gauge_add(observe::gauge::calls_in_flight, -1);
    }
    /// Signals every running call's stop token (shutdown after the grace period).
    void stop_all() {
        std::lock_guard l(mu_);
        for (const auto& call : calls_) call->stop.request_stop();
    }
    std::size_t size() const {
        std::lock_guard l(mu_);
        return calls_.size();
    }

private:
    mutable std::mutex mu_;
    std::unordered_set<std::shared_ptr<in_flight_call>> calls_;
};

}  // namespace arcade_mcp::detail
