// The broadcast list of sessions: see session_registry.hpp.
#include "mcp/session_registry.hpp"

#include "mcp/session_state.hpp"

namespace arcade_mcp::detail {

void session_registry::prune_locked() {
    std::erase_if(sessions_, [](const std::weak_ptr<session_state>& w) { return w.expired(); });
    size_after_prune_ = sessions_.size();
}

void session_registry::add(const std::shared_ptr<session_state>& session) {
    std::lock_guard l(mu_);
    if (sessions_.size() >= 2 * size_after_prune_ + 64) prune_locked();
    sessions_.push_back(session);
}

void session_registry::broadcast(const json& message, const std::function<bool(const session_state&)>& wanted) {
    std::vector<std::shared_ptr<session_state>> live;
    {
        std::lock_guard l(mu_);
        prune_locked();
        live.reserve(sessions_.size());
        for (const auto& w : sessions_)
            if (auto s = w.lock(); s && !s->closed()) live.push_back(std::move(s));
    }
    for (const auto& s : live)
        if (s->initialize_done() && wanted(*s)) s->notify(message);
}

void session_registry::forget_ended() {
    std::lock_guard l(mu_);
    prune_locked();
    sessions_.shrink_to_fit();
}

std::size_t session_registry::size() const {
    std::lock_guard l(mu_);
    return sessions_.size();
}

}  // namespace arcade_mcp::detail
