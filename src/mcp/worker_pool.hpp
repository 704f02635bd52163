// A pool of threads that runs blocking work (tool handlers) off the I/O and stdin threads.
// post() is thread-safe; shutdown() runs what is queued, then joins. A job that outlives its time
// limit and ignores its stop token would hold its thread for good: the call runner then asks for a
// spare thread (add_spare), so the pool keeps its serving width, and the stuck job's thread
// retires when the job finally returns (retire_after_job). Spares are bounded.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <thread>
#include <vector>

namespace arcade_mcp::detail {

class worker_pool {
public:
    /// `threads` serve jobs; up to `max_spares` more stand in for overdue jobs (0: as many as
    /// `threads`).
    explicit worker_pool(std::size_t threads, std::size_t max_spares = 0);
    ~worker_pool();
    worker_pool(const worker_pool&) = delete;
    worker_pool& operator=(const worker_pool&) = delete;

    void post(std::function<void()> job);
    /// Jobs queued or running.
    std::size_t busy() const;
    /// Threads alive now (the serving width plus spares standing in for overdue jobs).
    std::size_t threads() const;
    /// Starts a thread to stand in for an overdue job; false when the spare bound is reached or the
    /// pool is stopping. Pair a true answer with retire_after_job() once that job returns.
    bool add_spare();
    /// Called from inside a job that had a spare started for it: its thread leaves the pool when
    /// the job returns, so the pool is back to its serving width.
    void retire_after_job();
    /// Finishes queued jobs, then joins the threads. Idempotent.
    void shutdown();

private:
    void start_thread();  // under mu_
    void run(std::list<std::thread>::iterator self);
    void join_exited();  // joins retired threads; not under mu_

    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::function<void()>> jobs_;
    std::size_t running_ = 0;
    std::size_t spares_ = 0;        ///< threads beyond the serving width
    std::size_t max_spares_ = 0;
    bool stopping_ = false;
    std::list<std::thread> threads_;
    std::vector<std::thread> exited_;  ///< retired threads, joined later
};

}  // namespace arcade_mcp::detail
