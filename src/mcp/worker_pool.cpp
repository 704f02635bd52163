// worker_pool implementation (see worker_pool.hpp).
#include "mcp/worker_pool.hpp"
#include "observe/metrics.hpp"

namespace arcade_mcp::detail {
namespace {
thread_local bool retire_this_thread = false;
}

worker_pool::worker_pool(std::size_t threads, std::size_t max_spares) {
    if (threads == 0) threads = 1;
    max_spares_ = max_spares == 0 ? threads : max_spares;
    std::lock_guard l(mu_);
    for (std::size_t i = 0; i < threads; ++i) start_thread();
}

worker_pool::~worker_pool() { shutdown(); }

void worker_pool::start_thread() {
    threads_.emplace_front();
    auto self = threads_.begin();
    *self = std::thread([this, self] { run(self); });
}

void worker_pool::post(std::function<void()> job) {
    {
        std::lock_guard l(mu_);
        jobs_.push_back(std::move(job));
    }
    observe::gauge_add(observe::gauge::pool_queue_depth, 1);
    cv_.notify_one();
}

std::size_t worker_pool::busy() const {
    std::lock_guard l(mu_);
    return jobs_.size() + running_;
}

std::size_t worker_pool::threads() const {
    std::lock_guard l(mu_);
    return threads_.size();
}

bool worker_pool::add_spare() {
    join_exited();
    std::lock_guard l(mu_);
    if (stopping_ || spares_ >= max_spares_) return false;
    ++spares_;
    start_thread();
    return true;
}

void worker_pool::retire_after_job() { retire_this_thread = true; }

void worker_pool::join_exited() {
    std::vector<std::thread> done;
    {
        std::lock_guard l(mu_);
        done.swap(exited_);
    }
    for (auto& t : done)
        if (t.joinable()) t.join();
}

void worker_pool::shutdown() {
    {
        std::lock_guard l(mu_);
        if (stopping_ && threads_.empty() && exited_.empty()) return;
        stopping_ = true;
    }
    cv_.notify_all();
    while (true) {
        std::thread t;
        {
            std::lock_guard l(mu_);
            if (threads_.empty()) break;
            t = std::move(threads_.back());
            threads_.pop_back();
        }
        if (t.joinable() && t.get_id() != std::this_thread::get_id()) t.join();
        else if (t.joinable()) t.detach();  // shutdown from a job: that thread ends on its own
    }
    join_exited();
}

void worker_pool::run(std::list<std::thread>::iterator self) {
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
        observe::gauge_add(observe::gauge::pool_queue_depth, -1);
        retire_this_thread = false;
        try {
            job();
        } catch (...) {  // jobs catch their own exceptions; a stray one must not end the process
        }
        job = nullptr;
        std::lock_guard l(mu_);
        --running_;
        if (retire_this_thread && !stopping_) {
            // This thread's job ran past its limit and a spare took its place: leave the pool.
            --spares_;
            exited_.push_back(std::move(*self));
            threads_.erase(self);
            return;
        }
    }
}

}  // namespace arcade_mcp::detail
