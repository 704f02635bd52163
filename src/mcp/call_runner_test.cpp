// The call runner: exactly one delivery per call (finished, timed out, cancelled), spare threads
// for handlers stuck past their limit, the per-tool concurrency limit, and a body that throws.
#include "mcp/call_runner.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <vector>

namespace arcade_mcp::detail {
namespace {

using namespace std::chrono_literals;

/// Records deliveries; wait() blocks until `n` arrived (bounded).
struct deliveries {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<std::pair<std::string, call_end>> got;
    void add(std::string a, call_end e) {
        std::lock_guard l(mu);
        got.emplace_back(std::move(a), e);
        cv.notify_all();
    }
    bool wait(std::size_t n, std::chrono::milliseconds limit = 5s) {
        std::unique_lock l(mu);
        return cv.wait_for(l, limit, [&] { return got.size() >= n; });
    }
    std::size_t size() {
        std::lock_guard l(mu);
        return got.size();
    }
};

call_job<std::string> job_of(deliveries& d, std::function<std::string()> body) {
    call_job<std::string> job;
    job.body = std::move(body);
    job.on_timeout = [] { return std::string("timeout"); };
    job.on_failure = [] { return std::string("failure"); };
    job.deliver = [&d](std::string a, call_end e) { d.add(std::move(a), e); };
    return job;
}

class CallRunnerTest : public ::testing::Test {
protected:
    // The jobs still touch the runner after their delivery (disarm): join them before it goes.
    ~CallRunnerTest() override { pool_.shutdown(); }
    worker_pool pool_{2};
    call_watchdog watchdog_;
    call_runner runner_{pool_, watchdog_};
};

TEST_F(CallRunnerTest, DeliversTheBodysAnswerOnceAndUntracks) {
    deliveries d;
    auto call = std::make_shared<in_flight_call>();
    ASSERT_TRUE(runner_.run(call, call_plan{false, 1s}, job_of(d, [] { return std::string("ok"); })));
    ASSERT_TRUE(d.wait(1));
    std::this_thread::sleep_for(50ms);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d.got[0], std::pair(std::string("ok"), call_end::finished));
    EXPECT_EQ(runner_.registry().size(), 0u);
}

TEST_F(CallRunnerTest, InlineRunsOnTheCallingThread) {
    deliveries d;
    const auto caller = std::this_thread::get_id();
    std::thread::id ran_on;
    ASSERT_TRUE(runner_.run(std::make_shared<in_flight_call>(), call_plan{true, 0ms}, job_of(d, [&] {
                                ran_on = std::this_thread::get_id();
                                return std::string("inline");
                            })));
    ASSERT_EQ(d.size(), 1u) << "delivered before run() returned";
    EXPECT_EQ(ran_on, caller);
}

TEST_F(CallRunnerTest, PastTheLimitTheTimeoutAnswersAndTheLateAnswerIsDropped) {
    deliveries d;
    std::promise<void> release;
    auto released = release.get_future().share();
    auto call = std::make_shared<in_flight_call>();
    ASSERT_TRUE(runner_.run(call, call_plan{false, 50ms}, job_of(d, [released] {
                                released.wait();
                                return std::string("late");
                            })));
    ASSERT_TRUE(d.wait(1));
    EXPECT_EQ(d.got[0], std::pair(std::string("timeout"), call_end::timed_out));
    EXPECT_TRUE(call->stop.stop_requested());
    release.set_value();
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(d.size(), 1u) << "the handler's late answer is not delivered";
}

TEST_F(CallRunnerTest, ACallCancelledBeforeItStartsNeverRuns) {
    deliveries d;
    std::promise<void> release;
    auto released = release.get_future().share();
    // Occupy both pool threads, then queue a call and cancel it.
    for (int i = 0; i < 2; ++i)
        runner_.run(std::make_shared<in_flight_call>(), call_plan{}, job_of(d, [released] {
                        released.wait();
                        return std::string("busy");
                    }));
    std::atomic<bool> ran{false};
    auto queued = std::make_shared<in_flight_call>();
    runner_.run(queued, call_plan{}, job_of(d, [&] {
                    ran = true;
                    return std::string("ran");
                }));
    queued->cancelled = true;
    release.set_value();
    ASSERT_TRUE(d.wait(3));
    EXPECT_FALSE(ran);
    int cancelled = 0;
    for (const auto& [answer, end] : d.got) cancelled += end == call_end::cancelled;
    EXPECT_EQ(cancelled, 1);
}

TEST_F(CallRunnerTest, StuckHandlersPastTheirLimitGetSpareThreadsSoOthersStillRun) {
    deliveries stuck;
    std::promise<void> release;
    auto released = release.get_future().share();
    for (int i = 0; i < 2; ++i)  // both pool threads hang, ignoring their stop tokens
        runner_.run(std::make_shared<in_flight_call>(), call_plan{false, 50ms}, job_of(stuck, [released] {
                        released.wait();
                        return std::string("late");
                    }));
    ASSERT_TRUE(stuck.wait(2));  // both timed out; their spares start right after
    const auto grown = std::chrono::steady_clock::now() + 5s;
    while (pool_.threads() < 4 && std::chrono::steady_clock::now() < grown) std::this_thread::sleep_for(5ms);
    deliveries quick;
    runner_.run(std::make_shared<in_flight_call>(), call_plan{false, 1s},
                job_of(quick, [] { return std::string("quick"); }));
    EXPECT_TRUE(quick.wait(1, 2s)) << "a spare thread serves the next call while the stuck ones hang";
    EXPECT_EQ(pool_.threads(), 4u);
    release.set_value();
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (pool_.threads() > 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
    EXPECT_EQ(pool_.threads(), 2u) << "the stuck threads retire when their handlers return";
}

TEST_F(CallRunnerTest, SparesAreBounded) {
    worker_pool pool(1, 1);
    call_watchdog watchdog;
    call_runner runner(pool, watchdog);
    deliveries d;
    std::promise<void> release;
    auto released = release.get_future().share();
    for (int i = 0; i < 3; ++i)
        runner.run(std::make_shared<in_flight_call>(), call_plan{false, 30ms}, job_of(d, [released] {
                       released.wait();
                       return std::string("late");
                   }));
    ASSERT_TRUE(d.wait(2));  // the first and (on the spare) the second timed out
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(pool.threads(), 2u) << "one thread plus at most one spare";
    release.set_value();
    ASSERT_TRUE(d.wait(3));
    // The jobs still touch the runner after their delivery (disarm): join them before it goes.
    pool.shutdown();
}

TEST_F(CallRunnerTest, TheConcurrencyLimitRefusesTheCallOverIt) {
    deliveries d;
    std::promise<void> release;
    auto released = release.get_future().share();
    const int tool = 0;
    call_plan plan;
    plan.time_limit = 5s;
    plan.concurrency_key = &tool;
    plan.max_concurrency = 1;
    EXPECT_TRUE(runner_.run(std::make_shared<in_flight_call>(), plan, job_of(d, [released] {
                                released.wait();
                                return std::string("first");
                            })));
    EXPECT_FALSE(
        runner_.run(std::make_shared<in_flight_call>(), plan, job_of(d, [] { return std::string("second"); })));
    release.set_value();
    ASSERT_TRUE(d.wait(1));
    EXPECT_TRUE(runner_.run(std::make_shared<in_flight_call>(), plan, job_of(d, [] { return std::string("third"); })))
        << "admitted again once the first ended";
    ASSERT_TRUE(d.wait(2));
}

TEST_F(CallRunnerTest, ABodyThatThrowsIsAnsweredByOnFailure) {
    deliveries d;
    ASSERT_TRUE(runner_.run(std::make_shared<in_flight_call>(), call_plan{},
                            job_of(d, []() -> std::string { throw std::runtime_error("bug"); })));
    ASSERT_TRUE(d.wait(1));
    EXPECT_EQ(d.got[0], std::pair(std::string("failure"), call_end::finished));
    EXPECT_EQ(runner_.registry().size(), 0u);
}

TEST_F(CallRunnerTest, StopAllReachesRunningCalls) {
    deliveries d;
    auto call = std::make_shared<in_flight_call>();
    std::promise<void> started;
    runner_.run(call, call_plan{}, job_of(d, [&, token = call->stop.get_token()] {
                    started.set_value();
                    while (!token.stop_requested()) std::this_thread::sleep_for(1ms);
                    return std::string("stopped");
                }));
    started.get_future().wait();
    runner_.stop_all();
    ASSERT_TRUE(d.wait(1));
    EXPECT_EQ(d.got[0].first, "stopped");
}

}  // namespace
}  // namespace arcade_mcp::detail
