// Deadlines of running calls: one thread sleeps until the earliest deadline and runs its
// callback (signal the call's stop token and answer with a timeout error). A call that ends in
// time cancels its watch. Thread-safe; callbacks run on the watchdog thread, never under its lock.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace arcade_mcp::detail {

class call_watchdog {
public:
    using clock = std::chrono::steady_clock;

    call_watchdog();
    ~call_watchdog();
    call_watchdog(const call_watchdog&) = delete;
    call_watchdog& operator=(const call_watchdog&) = delete;

    /// Runs `on_expiry` at `deadline` unless cancelled first; returns the watch's id.
    std::uint64_t watch(clock::time_point deadline, std::function<void()> on_expiry);
    /// Cancels a watch (no effect once it fired).
    void cancel(std::uint64_t id);

private:
    void run();

    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::uint64_t next_id_ = 0;
    std::multimap<clock::time_point, std::uint64_t> by_deadline_;
    std::map<std::uint64_t, std::pair<clock::time_point, std::function<void()>>> watches_;
    std::thread thread_;  ///< last: started after the members it uses
};

}  // namespace arcade_mcp::detail
