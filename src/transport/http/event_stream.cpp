// event_stream implementation (see event_stream.hpp).
#include "transport/http/event_stream.hpp"

#include "arcade_mcp/jsonrpc/message.hpp"
#include "util/json_text.hpp"

#include <atomic>
#include <charconv>
#include <cstdio>

namespace arcade_mcp::detail {

void event_stream::push(std::string data, bool is_reply) {
    {
        std::lock_guard l(mu_);
        if (finished_ || terminated_) return;
        events_.push_back(event{++seq_, std::move(data), is_reply});
        if (events_.size() > capacity_) events_.pop_front();
        if (is_reply) finished_ = true;
    }
    wake_reader();
}

void event_stream::send(json message) { push(to_json_text(message), false); }

void event_stream::finish(std::optional<json> reply) {
    if (reply) {
        if (const auto code = jsonrpc::error_code_of(*reply)) {
            std::lock_guard l(mu_);
            reply_error_code_ = code;
        }
        push(to_json_text(*reply), true);
        return;
    }
    {
        std::lock_guard l(mu_);
        finished_ = true;
    }
    wake_reader();
}

void event_stream::close_stream() {
    {
        std::lock_guard l(mu_);
        close_requested_ = true;
    }
    wake_reader();
}

void event_stream::terminate() {
    {
        std::lock_guard l(mu_);
        terminated_ = true;
    }
    wake_reader();
}

std::uint64_t event_stream::attach(std::function<void()> wake) {
    std::function<void()> previous;
    std::uint64_t generation = 0;
    {
        std::lock_guard l(mu_);
        previous = std::move(wake_);
        wake_ = std::move(wake);
        generation = ++generation_;
    }
    if (previous) previous();  // the old reader notices it was superseded
    return generation;
}

event_stream::view event_stream::read_after(std::uint64_t cursor, std::uint64_t generation) {
    std::lock_guard l(mu_);
    view v;
    v.superseded = generation != generation_;
    v.terminated = terminated_;
    v.finished = finished_;
    if (!v.superseded) {
        v.close_requested = close_requested_;
        close_requested_ = false;
    }
    for (const auto& e : events_)
        if (e.seq > cursor) v.events.push_back(e);
    return v;
}

event_stream::state event_stream::peek() const {
    std::lock_guard l(mu_);
    state st;
    st.finished = finished_;
    st.terminated = terminated_;
    st.close_requested = close_requested_;
    st.events = events_.size();
    st.only_reply = finished_ && (events_.empty() || (events_.size() == 1 && events_.front().is_reply));
    return st;
}

event_stream::reply event_stream::take_reply() {
    std::lock_guard l(mu_);
    if (events_.size() != 1 || !events_.front().is_reply) return {};
    return reply{std::move(events_.front().data), reply_error_code_};
}

std::uint64_t event_stream::last_seq() const {
    std::lock_guard l(mu_);
    return seq_;
}

void event_stream::wake_reader() {
    std::function<void()> wake;
    {
        std::lock_guard l(mu_);
        wake = wake_;
    }
    if (wake) wake();
}

std::string event_stream::next_id() {
    static std::atomic<std::uint64_t> counter{0};
    char buf[24];
    std::snprintf(buf, sizeof buf, "s%llx",
                  static_cast<unsigned long long>(counter.fetch_add(1, std::memory_order_relaxed) + 1));
    return buf;
}

std::optional<std::pair<std::string, std::uint64_t>> event_stream::parse_event_id(std::string_view event_id) {
    const auto dash = event_id.rfind('-');
    if (dash == std::string_view::npos || dash == 0 || dash + 1 >= event_id.size()) return std::nullopt;
    std::uint64_t seq = 0;
    const char* first = event_id.data() + dash + 1;
    const char* last = event_id.data() + event_id.size();
    const auto [end, ec] = std::from_chars(first, last, seq);
    if (ec != std::errc() || end != last) return std::nullopt;
    return std::pair{std::string(event_id.substr(0, dash)), seq};
}

}  // namespace arcade_mcp::detail
