// session_table implementation (see session_table.hpp).
#include "transport/http/session_table.hpp"

#include "log/logger.hpp"
#include "util/random.hpp"

namespace arcade_mcp::detail {

session_table::session_table(std::size_t max_sessions, std::chrono::seconds idle_timeout)
    : max_sessions_(max_sessions), idle_timeout_(idle_timeout) {}

void session_table::end(entry& e) {
    e.state->stop_all_calls();
    if (e.stream) e.stream->close();
    e.stream.reset();
}

std::shared_ptr<session_state> session_table::create(clock::time_point now) {
    std::lock_guard l(mu_);
    if (sessions_.size() >= max_sessions_) {
        auto victim = sessions_.end();
        for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
            if (busy(it->second)) continue;
            if (victim == sessions_.end() || it->second.last_used < victim->second.last_used) victim = it;
        }
        if (victim == sessions_.end()) return nullptr;
        log(log_level::info, "session evicted: session cap reached", {{"session_id", victim->first}});
        end(victim->second);
        sessions_.erase(victim);
    }
    std::string id = random_hex(16);
    auto state = std::make_shared<session_state>(id, random_uuid_v4());
    sessions_.emplace(id, entry{state, now, nullptr});
    return state;
}

std::shared_ptr<session_state> session_table::find(const std::string& id, clock::time_point now) {
    std::lock_guard l(mu_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return nullptr;
    it->second.last_used = now;
    return it->second.state;
}

bool session_table::erase(const std::string& id) {
    std::lock_guard l(mu_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return false;
    end(it->second);
    sessions_.erase(it);
    return true;
}

std::size_t session_table::expire_idle(clock::time_point now) {
    std::lock_guard l(mu_);
    std::size_t n = 0;
    for (auto it = sessions_.begin(); it != sessions_.end();) {
        if (!busy(it->second) && now - it->second.last_used > idle_timeout_) {
            log(log_level::debug, "session expired", {{"session_id", it->first}});
            end(it->second);
            it = sessions_.erase(it);
            ++n;
        } else {
            ++it;
        }
    }
    return n;
}

bool session_table::attach_stream(const std::string& id, std::shared_ptr<standalone_stream> stream) {
    std::lock_guard l(mu_);
    auto it = sessions_.find(id);
    if (it == sessions_.end() || it->second.stream) return false;
    it->second.stream = std::move(stream);
    return true;
}

void session_table::detach_stream(const std::string& id, const standalone_stream* stream) {
    std::lock_guard l(mu_);
    auto it = sessions_.find(id);
    if (it != sessions_.end() && it->second.stream.get() == stream) {
        it->second.stream.reset();
        it->second.last_used = clock::now();
    }
}

void session_table::close_all() {
    std::lock_guard l(mu_);
    for (auto& [id, e] : sessions_) end(e);
    sessions_.clear();
}

std::size_t session_table::size() const {
    std::lock_guard l(mu_);
    return sessions_.size();
}

}  // namespace arcade_mcp::detail
