// The sessions a server-wide notification goes to: every initialized session (and every
// 2026-07-28 subscriptions/listen stream's session) registers here, held weakly so an ended
// session is never kept alive by the registry. Used by the dispatcher for list_changed and
// resources/updated broadcasts. Thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "arcade_mcp/json.hpp"

namespace arcade_mcp::detail {

class session_state;

class session_registry {
public:
    /// Registers a session for broadcasts. Ended sessions are pruned now and then, so the list
    /// stays within about twice the live sessions (each weak_ptr pins its session's memory block).
    void add(const std::shared_ptr<session_state>& session);
    /// Sends `message` to every live, open, initialized session that `wanted` selects. The
    /// sessions are collected under the lock and notified outside it.
    void broadcast(const json& message, const std::function<bool(const session_state&)>& wanted);
    /// Drops the references to ended sessions and gives back the memory (after an expiry sweep).
    void forget_ended();
    /// Registered entries, ended ones included until the next prune.
    std::size_t size() const;

private:
    void prune_locked();

    mutable std::mutex mu_;
    std::vector<std::weak_ptr<session_state>> sessions_;
    std::size_t size_after_prune_ = 0;
};

}  // namespace arcade_mcp::detail
