// A fixed pool of threads that runs blocking work (tool handlers) off the I/O and stdin threads.
// post() is thread-safe; shutdown() runs what is queued, then joins.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace arcade_mcp::detail {

class worker_pool {
public:
    explicit worker_pool(std::size_t threads);
    ~worker_pool();
    worker_pool(const worker_pool&) = delete;
    worker_pool& operator=(const worker_pool&) = delete;

    void post(std::function<void()> job);
    /// Jobs queued or running.
    std::size_t busy() const;
    /// Finishes queued jobs, then joins the threads. Idempotent.
    void shutdown();

private:
    void run();

    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::function<void()>> jobs_;
    std::size_t running_ = 0;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace arcade_mcp::detail
