// session_table implementation (see session_table.hpp).
#include "transport/http/session_table.hpp"
#include "observe/metrics.hpp"

#include "log/logger.hpp"
#include "util/random.hpp"

namespace arcade_mcp::detail {

session_table::session_table(std::size_t max_sessions, std::chrono::seconds idle_timeout, std::size_t max_per_client)
    : max_sessions_(max_sessions), max_per_client_(max_per_client), idle_timeout_(idle_timeout) {}

void session_table::end(entry& e) {
    observe::gauge_add(observe::gauge::sessions_open, -1);
    if (auto n = per_client_.find(e.client); n != per_client_.end() && --n->second == 0) per_client_.erase(n);
    e.state->close();
    if (e.stream) e.stream->close();
    e.stream.reset();
    if (e.standalone) e.standalone->terminate();
    for (auto& s : e.kept) s->terminate();
    e.kept.clear();
}

bool session_table::evict_one(const std::string* client) {
    auto victim = sessions_.end();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
        if (busy(it->second) || (client && it->second.client != *client)) continue;
        if (victim == sessions_.end() || it->second.last_used < victim->second.last_used) victim = it;
    }
    if (victim == sessions_.end()) return false;
    log(log_level::info,
        client ? "session evicted: per-client session cap reached" : "session evicted: session cap reached",
        {{"session_id", victim->first}});
    end(victim->second);
    sessions_.erase(victim);
    return true;
}

std::shared_ptr<session_state> session_table::create(clock::time_point now, const std::string& client,
                                                     const std::function<void(session_state&)>& bind) {
    std::lock_guard l(mu_);
    const auto held = per_client_.find(client);
    if (held != per_client_.end() && held->second >= max_per_client_ && !evict_one(&client)) return nullptr;
    if (sessions_.size() >= max_sessions_ && !evict_one(nullptr)) return nullptr;
    std::string id = random_hex(16);
    // Not make_shared: weak references elsewhere (the dispatcher's broadcast list) must not keep
    // an ended session's memory alive.
    std::shared_ptr<session_state> state(new session_state(id, random_uuid_v4()));
    if (bind) bind(*state);
    // Messages unrelated to a request wait here for the GET stream (the last 128 are kept).
    constexpr std::size_t standalone_capacity = 128;
    auto standalone = std::make_shared<event_stream>(event_stream::next_id(), standalone_capacity);
    state->set_notifier(standalone);
    sessions_.emplace(id, entry{state, now, nullptr, std::move(standalone), {}, client});
    ++per_client_[client];
    observe::gauge_add(observe::gauge::sessions_open, 1);
    return state;
}

std::shared_ptr<session_state> session_table::find(std::string_view id, clock::time_point now,
                                                   const std::string* principal) {
    std::lock_guard l(mu_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return nullptr;
    if (principal && it->second.state->principal() != *principal) return nullptr;
    // Idle past the timeout but not swept yet: expired all the same (a late request must not
    // revive it, or expiry would depend on the sweep's timing).
    if (!busy(it->second) && now - it->second.last_used > idle_timeout_) {
        log(log_level::debug, "session expired", {{"session_id", it->first}});
        end(it->second);
        sessions_.erase(it);
        return nullptr;
    }
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

std::shared_ptr<event_stream> session_table::standalone_events(const std::string& id) {
    std::lock_guard l(mu_);
    auto it = sessions_.find(id);
    return it == sessions_.end() ? nullptr : it->second.standalone;
}

void session_table::keep_stream(const std::string& id, std::shared_ptr<event_stream> stream) {
    constexpr std::size_t max_kept = 16;  // resumable POST streams per session
    std::lock_guard l(mu_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return;
    it->second.kept.push_back(std::move(stream));
    if (it->second.kept.size() > max_kept) it->second.kept.pop_front();
}

std::shared_ptr<event_stream> session_table::find_stream(const std::string& id, const std::string& stream_id) {
    std::lock_guard l(mu_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return nullptr;
    if (it->second.standalone && it->second.standalone->id() == stream_id) return it->second.standalone;
    for (const auto& s : it->second.kept)
        if (s->id() == stream_id) return s;
    return nullptr;
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
