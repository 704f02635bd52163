// worker_pool implementation (see worker_pool.hpp).
#include "mcp/worker_pool.hpp"

namespace arcade_mcp::detail {

worker_pool::worker_pool(std::size_t threads) {
    if (threads == 0) threads = 1;
    threads_.reserve(threads);
    for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

worker_pool::~worker_pool() { shutdown(); }

void worker_pool::post(std::function<void()> job) {
    {
        std::lock_guard l(mu_);
        jobs_.push_back(std::move(job));
    }
    cv_.notify_one();
}

std::size_t worker_pool::busy() const {
    std::lock_guard l(mu_);
    return jobs_.size() + running_;
}

void worker_pool::shutdown() {
    {
        std::lock_guard l(mu_);
        if (stopping_ && threads_.empty()) return;
        stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_)
        if (t.joinable() && t.get_id() != std::this_thread::get_id()) t.join();
    threads_.clear();
}

void worker_pool::run() {
    while (true) {
        std::function<void()> job;
        {
            std::unique_lock l(mu_);
            cv_.wait(l, [&] { return stopping_ || !jobs_.empty(); });
            if (jobs_.empty()) return;
            job = std::move(jobs_.front());
            jobs_.pop_front();
            ++running_;
        }
        job();  // jobs catch their own exceptions
        std::lock_guard l(mu_);
        --running_;
    }
}

}  // namespace arcade_mcp::detail
