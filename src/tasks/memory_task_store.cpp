// The in-memory task store (task_store.hpp): one replica's tasks behind one mutex, with a condition
// variable for waiters. Expiry is timer-free: every call first erases the records whose TTL has
// passed (the oldest deadlines first, from an ordered index), so memory returns to baseline once
// abandoned tasks expire, and a lookup never sees an expired record.
#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include "tasks/task_store.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include "util/random.hpp"

namespace arcade_mcp::tasks {
namespace {

using steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

/// unordered_map<std::string, ...> that can be searched with a std::string_view.
struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

json cancelled_outcome() {
    return {{"error", {{"code", -32800}, {"message", "Task cancelled"}}}};
}

/// Cursors are "c" + the creation number of the last task of the previous page.
std::string cursor_for(std::uint64_t seq) {
    return "c" + std::to_string(seq);
}

std::optional<std::uint64_t> parse_cursor(std::string_view cursor) {
    if (cursor.size() < 2 || cursor.front() != 'c') return std::nullopt;
    std::uint64_t seq = 0;
    const char* first = cursor.data() + 1;
    const char* last = cursor.data() + cursor.size();
    const auto [end, ec] = std::from_chars(first, last, seq);
    if (ec != std::errc{} || end != last) return std::nullopt;
    if (cursor_for(seq) != cursor) return std::nullopt;  // leading zeros: never produced
    return seq;
}

class memory_task_store final : public task_store {
public:
    explicit memory_task_store(task_limits limits) : task_store(limits) {}

    create_result create(const std::string& owner, std::optional<milliseconds> requested_ttl,
                         const std::string& runner_id) override {
        std::string id = detail::random_hex(16);  // outside the lock: it asks OpenSSL
        const milliseconds ttl = clamp_ttl(requested_ttl);
        std::lock_guard lock(mutex_);
        sweep();
        if (const auto refusal = refusal_for(owner); refusal != create_refusal::none) return {std::nullopt, refusal};
        while (records_.contains(id)) id = detail::random_hex(16);  // 128 random bits: never in practice

        const std::uint64_t seq = next_seq_++;
        task_record record;
        record.id = id;
        record.owner = owner;
        record.runner = runner_id;
        record.created_at_ms = record.last_updated_at_ms = now_ms();
        record.ttl_ms = ttl.count();
        record.poll_interval_ms = limits_.poll_interval.count();
        record.version = 1;
        const auto expiry_pos = expiry_.emplace(steady::now() + ttl, id);
        by_owner_[owner].emplace(seq, id);
        const auto [pos, inserted] = records_.emplace(id, entry{std::move(record), seq, expiry_pos});
        (void)inserted;
        return {pos->second.record, create_refusal::none};
    }

    std::optional<task_record> get(std::string_view id, std::string_view owner) override {
        std::lock_guard lock(mutex_);
        sweep();
        if (const entry* e = find(id, owner)) return e->record;
        return std::nullopt;
    }

    std::optional<task_page> list(std::string_view owner, std::string_view cursor, std::size_t limit) override {
        std::lock_guard lock(mutex_);
        std::uint64_t after = 0;
        if (!cursor.empty()) {
            const auto seq = parse_cursor(cursor);
            if (!seq || *seq == 0 || *seq >= next_seq_) return std::nullopt;
            after = *seq;
        }
        sweep();
        task_page page;
        const auto owned = by_owner_.find(owner);
        if (owned == by_owner_.end()) return page;
        const std::size_t most = std::max<std::size_t>(limit, 1);
        auto it = owned->second.upper_bound(after);
        for (; it != owned->second.end() && page.tasks.size() < most; ++it) {
            page.tasks.push_back(records_.find(it->second)->second.record);
        }
        if (it != owned->second.end()) page.next_cursor = cursor_for(std::prev(it)->first);
        return page;
    }

    answer_result answer(std::string_view id, std::string_view owner, const json& responses) override {
        std::lock_guard lock(mutex_);
        sweep();
        entry* e = find(id, owner);
        if (e == nullptr) return {};
        answer_result result{true, {}};
        task_record& r = e->record;
        if (is_terminal(r.status) || !responses.is_object()) return result;
        for (const auto& [key, value] : responses.items()) {
            const auto question = r.input_requests.find(key);
            if (question == r.input_requests.end()) continue;
            r.input_requests.erase(question);
            r.input_responses[key] = value;
            result.accepted.push_back(key);
        }
        if (result.accepted.empty()) return result;
        if (r.input_requests.empty() && r.status == task_status::input_required) r.status = task_status::working;
        changed(r);
        return result;
    }

    std::optional<task_record> cancel(std::string_view id, std::string_view owner) override {
        std::lock_guard lock(mutex_);
        sweep();
        entry* e = find(id, owner);
        if (e == nullptr) return std::nullopt;
        task_record& r = e->record;
        if (!is_terminal(r.status)) {
            r.cancel_requested = true;
            r.status = task_status::cancelled;
            r.outcome = cancelled_outcome();
            changed(r);
        }
        return r;
    }

    std::optional<task_record> load(std::string_view id) override {
        std::lock_guard lock(mutex_);
        sweep();
        if (const entry* e = find(id)) return e->record;
        return std::nullopt;
    }

    bool set_status_message(std::string_view id, std::string message) override {
        std::lock_guard lock(mutex_);
        sweep();
        entry* e = find(id);
        if (e == nullptr || is_terminal(e->record.status)) return false;
        if (e->record.status_message != message) {
            e->record.status_message = std::move(message);
            changed(e->record);
        }
        return true;
    }

    bool ask(std::string_view id, const json& requests) override {
        std::lock_guard lock(mutex_);
        sweep();
        entry* e = find(id);
        if (e == nullptr || is_terminal(e->record.status)) return false;
        task_record& r = e->record;
        bool added = false;
        if (requests.is_object()) {
            for (const auto& [key, question] : requests.items()) {
                if (std::find(r.asked_keys.begin(), r.asked_keys.end(), key) != r.asked_keys.end()) continue;
                r.asked_keys.push_back(key);
                r.input_requests[key] = question;
                added = true;
            }
        }
        if (!r.input_requests.empty()) {
            added = added || r.status != task_status::input_required;
            r.status = task_status::input_required;
        }
        if (added) changed(r);
        return true;
    }

    json take_answers(std::string_view id) override {
        std::lock_guard lock(mutex_);
        sweep();
        entry* e = find(id);
        if (e == nullptr || e->record.input_responses.empty()) return json::object();
        json answers = std::exchange(e->record.input_responses, json::object());
        changed(e->record);
        return answers;
    }

    bool finish(std::string_view id, task_status terminal, json outcome) override {
        if (!is_terminal(terminal)) throw std::invalid_argument("finish needs a terminal status");
        std::lock_guard lock(mutex_);
        sweep();
        entry* e = find(id);
        if (e == nullptr || is_terminal(e->record.status)) return false;
        e->record.status = terminal;
        e->record.outcome = std::move(outcome);
        changed(e->record);
        return true;
    }

    void heartbeat(const std::vector<std::string>&) override {}

    std::optional<task_record> wait_for_change(std::string_view id, std::uint64_t seen_version,
                                               steady::time_point deadline) override {
        std::unique_lock lock(mutex_);
        for (;;) {
            sweep();
            const entry* e = find(id);
            if (e == nullptr) return std::nullopt;
            if (e->record.version != seen_version || steady::now() >= deadline) return e->record;
            // Wake at the expiry too: nobody notifies when a record simply runs out.
            changed_.wait_until(lock, std::min(deadline, e->expiry_pos->first));
        }
    }

    std::size_t size() override {
        std::lock_guard lock(mutex_);
        sweep();
        return records_.size();
    }

    bool shared() const noexcept override { return false; }

private:
    using expiry_index = std::multimap<steady::time_point, std::string>;
    struct entry {
        task_record record;
        std::uint64_t seq = 0;              ///< creation number: list order and cursors
        expiry_index::iterator expiry_pos;  ///< this record's place in expiry_
    };

    milliseconds clamp_ttl(std::optional<milliseconds> requested) const {
        const milliseconds most = std::max(limits_.max_ttl, milliseconds(1));
        return std::clamp(requested.value_or(limits_.default_ttl), milliseconds(1), most);
    }

    create_refusal refusal_for(const std::string& owner) const {
        const auto owned = by_owner_.find(owner);
        if (owned != by_owner_.end() && owned->second.size() >= limits_.max_per_owner) return create_refusal::owner_cap;
        if (records_.size() >= limits_.max_total) return create_refusal::total_cap;
        return create_refusal::none;
    }

    entry* find(std::string_view id) {
        const auto it = records_.find(id);
        return it == records_.end() ? nullptr : &it->second;
    }

    /// Another owner's task is not found, exactly like an unknown id.
    entry* find(std::string_view id, std::string_view owner) {
        entry* e = find(id);
        return e != nullptr && e->record.owner == owner ? e : nullptr;
    }

    void changed(task_record& r) {
        ++r.version;
        r.last_updated_at_ms = std::max(now_ms(), r.last_updated_at_ms);
        changed_.notify_all();
    }

    /// Erases every record whose TTL has passed (called with the mutex held).
    void sweep() {
        const auto now = steady::now();
        std::size_t erased = 0;
        while (!expiry_.empty() && expiry_.begin()->first <= now) {
            erase(expiry_.begin()->second);
            ++erased;
        }
        if (erased > 0) changed_.notify_all();  // waiters on those ids see them gone
#if defined(__GLIBC__)
        // After a burst, hand the freed records back to the OS: glibc keeps them in its arenas
        // otherwise, and RSS would stay at the peak (as the session sweep does).
        if (erased >= trim_after) ::malloc_trim(0);
#endif
    }
    static constexpr std::size_t trim_after = 256;

    void erase(const std::string& id_ref) {
        const std::string id = id_ref;  // id_ref may live in the expiry node erased below
        const auto it = records_.find(id);
        if (it == records_.end()) return;
        const auto owned = by_owner_.find(it->second.record.owner);
        if (owned != by_owner_.end()) {
            owned->second.erase(it->second.seq);
            if (owned->second.empty()) by_owner_.erase(owned);
        }
        expiry_.erase(it->second.expiry_pos);
        records_.erase(it);
    }

    std::mutex mutex_;
    std::condition_variable changed_;
    std::unordered_map<std::string, entry, string_hash, std::equal_to<>> records_;
    /// owner -> creation number -> id: the per-owner cap and list pages in creation order.
    std::unordered_map<std::string, std::map<std::uint64_t, std::string>, string_hash, std::equal_to<>> by_owner_;
    expiry_index expiry_;  ///< expiry deadline (steady clock) -> id, soonest first
    std::uint64_t next_seq_ = 1;
};

}  // namespace

std::unique_ptr<task_store> make_memory_task_store(task_limits limits) {
    return std::make_unique<memory_task_store>(limits);
}

}  // namespace arcade_mcp::tasks
