// stop_trigger: fires its handler once, runs a handler set after the fire at once, and
// set_handler waits for a handler that fire() is running on another thread (run() replaces the
// handler and then frees the event loop the old one posts to: found by g++ ASan on SIGTERM).
#include "transport/http/http_server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace arcade_mcp::detail {
namespace {

using namespace std::chrono_literals;

TEST(StopTrigger, FiresOnceAndLateHandlersRunAtOnce) {
    stop_trigger trigger;
    int calls = 0;
    trigger.set_handler([&] { ++calls; });
    trigger.fire();
    trigger.fire();
    EXPECT_EQ(calls, 1);
    EXPECT_TRUE(trigger.fired());
    int late = 0;
    trigger.set_handler([&] { ++late; });
    EXPECT_EQ(late, 1);
}

TEST(StopTrigger, ReplacingTheHandlerWaitsForARunningOne) {
    stop_trigger trigger;
    std::atomic<bool> started{false}, finished{false};
    trigger.set_handler([&] {
        started = true;
        std::this_thread::sleep_for(200ms);
        finished = true;
    });
    std::thread firing([&] { trigger.fire(); });
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!started && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
    ASSERT_TRUE(started);
    trigger.set_handler(nullptr);
    EXPECT_TRUE(finished) << "set_handler returned while the old handler was still running";
    firing.join();
}

}  // namespace
}  // namespace arcade_mcp::detail
