// otlp_exporter: a bounded queue of ended spans and one background thread that sends them in
// batches (every schedule_delay, or at once when a batch is full) and, at shutdown, sends what
// it can before the grace deadline. Request threads only take a mutex for a push_back.
#include "observe/otlp_exporter.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <thread>

#include "log/logger.hpp"
#include "observe/metrics.hpp"

namespace arcade_mcp::detail::observe {

namespace {

using clock = std::chrono::steady_clock;

/// At least one span per queue and batch, and a batch no larger than the queue.
otlp_settings normalized(otlp_settings settings) {
    settings.max_queue = std::max<std::size_t>(settings.max_queue, 1);
    settings.max_batch = std::clamp<std::size_t>(settings.max_batch, 1, settings.max_queue);
    return settings;
}

}  // namespace

/// Shared by the exporter and its thread: if a post function overstays the grace period, the
/// thread is left to finish on its own and keeps this alive.
class otlp_exporter::state {
public:
    state(otlp_settings s, otlp_post_function p) : settings(normalized(std::move(s))), post(std::move(p)) {}

    void run() noexcept;

    const otlp_settings settings;
    const otlp_post_function post;

    std::mutex mutex;
    std::condition_variable wake;  ///< the thread: a full batch, or stopping
    std::condition_variable done;  ///< shutdown: the thread has finished
    std::deque<span_record> queue;
    bool stopping = false;
    bool finished = false;
    bool shutdown_called = false;
    clock::time_point deadline{};
    std::thread thread;

private:
    void send(std::vector<span_record>& batch, std::chrono::milliseconds timeout) noexcept;
    void warn(std::size_t dropped) noexcept;

    // Used by the thread alone.
    bool warned = false;
    clock::time_point last_warning{};
    std::size_t dropped_since_warning = 0;
};

void otlp_exporter::state::warn(std::size_t dropped) noexcept {
    dropped_since_warning += dropped;
    const auto now = clock::now();
    if (warned && now - last_warning < std::chrono::minutes(1)) return;
    warned = true;
    last_warning = now;
    try {
        const auto count = std::to_string(dropped_since_warning);
        dropped_since_warning = 0;
        const auto endpoint = std::string_view(settings.endpoint).substr(0, settings.endpoint.find_first_of("?#"));
        detail::log(log_level::warning, "OTLP trace export failed; spans dropped (logged at most once a minute)",
                    {{"endpoint", endpoint}, {"spans_dropped", count}});
    } catch (...) {
    }
}

void otlp_exporter::state::send(std::vector<span_record>& batch, std::chrono::milliseconds timeout) noexcept {
    const std::size_t n = batch.size();
    bool ok = false;
    try {
        const std::string body = encode_otlp_json(settings, batch);
        ok = post(settings.endpoint, settings.headers, body, timeout);
    } catch (...) {
        ok = false;
    }
    if (ok) {
        count_spans_exported(n);
    } else {
        count_spans_dropped(span_drop_reason::export_failed, n);
        warn(n);
    }
}

void otlp_exporter::state::run() noexcept {
    std::vector<span_record> batch;
    while (true) {
        try {
            std::unique_lock lock(mutex);
            if (!stopping) {
                wake.wait_for(lock, settings.schedule_delay,
                              [&] { return stopping || queue.size() >= settings.max_batch; });
            }
            if (queue.empty()) {
                if (stopping) break;
                continue;
            }
            auto timeout = settings.timeout;
            if (stopping) {
                const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
                if (left.count() <= 0) {
                    count_spans_dropped(span_drop_reason::shutdown, queue.size());
                    queue.clear();
                    break;
                }
                timeout = std::min(timeout, left);
            }
            const std::size_t n = std::min(queue.size(), settings.max_batch);
            batch.clear();
            batch.reserve(n);
            for (std::size_t i = 0; i < n; ++i) {
                batch.push_back(std::move(queue.front()));
                queue.pop_front();
            }
            lock.unlock();
            send(batch, timeout);
            batch.clear();
        } catch (...) {
            // Out of memory or a failing mutex: whatever was taken is lost; go on.
            if (!batch.empty()) count_spans_dropped(span_drop_reason::export_failed, batch.size());
            batch.clear();
        }
    }
    try {
        const std::lock_guard lock(mutex);
        finished = true;
    } catch (...) {
    }
    done.notify_all();
}

otlp_exporter::otlp_exporter(otlp_settings settings, otlp_post_function post)
    : state_(std::make_shared<state>(std::move(settings), std::move(post))) {
    state_->thread = std::thread([s = state_] { s->run(); });
}

otlp_exporter::~otlp_exporter() {
    try {
        shutdown(std::chrono::milliseconds(0));
    } catch (...) {
    }
}

void otlp_exporter::offer(span_record&& span) noexcept {
    state& s = *state_;
    bool full_batch = false;
    try {
        std::unique_lock lock(s.mutex);
        if (s.stopping) {
            lock.unlock();
            count_spans_dropped(span_drop_reason::shutdown, 1);
            return;
        }
        if (s.queue.size() >= s.settings.max_queue) {
            lock.unlock();
            count_spans_dropped(span_drop_reason::queue_full, 1);
            return;
        }
        s.queue.push_back(std::move(span));
        full_batch = s.queue.size() >= s.settings.max_batch;
    } catch (...) {
        count_spans_dropped(span_drop_reason::queue_full, 1);
        return;
    }
    if (full_batch) s.wake.notify_one();
}

void otlp_exporter::shutdown(std::chrono::milliseconds grace) {
    state& s = *state_;
    clock::time_point deadline;
    {
        const std::lock_guard lock(s.mutex);
        if (s.shutdown_called) return;
        s.shutdown_called = true;
        s.stopping = true;
        deadline = clock::now() + std::max(grace, std::chrono::milliseconds(0));
        s.deadline = deadline;
    }
    s.wake.notify_all();
    if (!s.thread.joinable()) return;
    // A POST started after the shutdown is bounded by the time left; one already in progress (or
    // a post function that ignores its timeout) may not be: past the deadline (and a little
    // slack for the thread to notice), the thread is left to finish alone, holding the state.
    constexpr auto slack = std::chrono::milliseconds(100);
    bool finished = false;
    {
        std::unique_lock lock(s.mutex);
        finished = s.done.wait_until(lock, deadline + slack, [&] { return s.finished; });
    }
    if (finished) {
        s.thread.join();
        return;
    }
    s.thread.detach();
    detail::log(log_level::warning, "OTLP trace export: a POST outlasted the shutdown grace period; left running",
                {{"grace_ms", std::to_string(grace.count())}});
}

}  // namespace arcade_mcp::detail::observe
