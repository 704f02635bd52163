// The batching stderr writer of the logger (see log_writer.hpp). One mutex guards the queue; a
// second one orders the writes themselves, so the background thread and a flushing thread never
// interleave their batches. The state is never destroyed (a detached thread may still use it
// while the process exits); an atexit handler writes what is left.
#include "log/log_writer.hpp"

#include "log/logger.hpp"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

namespace arcade_mcp::detail {
namespace {

constexpr auto batch_linger = std::chrono::milliseconds(5);

struct writer_state {
    std::mutex queue_mu;
    std::condition_variable wake_writer;  ///< lines queued while the writer waits
    std::condition_variable room;         ///< the queue drained below the bound
    std::string queued;                   ///< guarded by queue_mu
    bool writer_waiting = false;          ///< guarded by queue_mu
    std::mutex write_mu;                  ///< held while a batch goes to stderr
};

/// write(2) of the whole batch; a closed or broken stderr loses it (nothing else could be done).
void write_all(std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(STDERR_FILENO, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

/// Takes the queue and writes it, in queue order relative to every other batch.
void write_batch(writer_state& s, std::string& batch) {
    std::lock_guard w(s.write_mu);
    {
        std::lock_guard q(s.queue_mu);
        batch.swap(s.queued);
    }
    s.room.notify_all();
    write_all(batch);
    batch.clear();
}

void writer_loop(writer_state& s) {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, nullptr);  // signals are for the process's own signal thread
    std::string batch;
    while (true) {
        {
            std::unique_lock q(s.queue_mu);
            s.writer_waiting = true;
            s.wake_writer.wait(q, [&] { return !s.queued.empty(); });
            s.writer_waiting = false;
            // Linger so lines arriving meanwhile share one write(2): under load this turns one
            // syscall (and one wake-up) per line into one per batch; a line waits at most this.
            s.wake_writer.wait_for(q, batch_linger, [&] { return s.queued.size() >= max_buffered_log_bytes / 2; });
        }
        write_batch(s, batch);
    }
}

writer_state& writer() {
    static writer_state* s = [] {
        auto* created = new writer_state;  // never destroyed: see the header comment
        std::thread(writer_loop, std::ref(*created)).detach();
        std::atexit(flush_log);
        return created;
    }();
    return *s;
}

}  // namespace

void write_log_line(std::string_view line, bool urgent) {
    auto& s = writer();
    bool wake = false;
    {
        std::unique_lock q(s.queue_mu);
        s.room.wait(q, [&] { return s.queued.size() < max_buffered_log_bytes; });
        const bool was_empty = s.queued.empty();
        s.queued.append(line);
        const bool half_full =
            s.queued.size() >= max_buffered_log_bytes / 2 && s.queued.size() - line.size() < max_buffered_log_bytes / 2;
        wake = (was_empty && s.writer_waiting) || half_full;
    }
    if (urgent) {
        flush_log();
        return;
    }
    if (wake) s.wake_writer.notify_one();
}

void flush_log() {
    auto& s = writer();
    std::string batch;
    write_batch(s, batch);
}

}  // namespace arcade_mcp::detail
