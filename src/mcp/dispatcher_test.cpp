// Dispatcher behaviour that golden transcripts cannot show: concurrency of blocking handlers,
// cancellation (stop token signalled, no response), duplicate in-flight ids, stop_all_calls,
// and the per-session fallback user id.
#include "mcp/dispatcher.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <latch>
#include <mutex>
#include <set>

namespace arcade_mcp::detail {
namespace {

/// Collects replies; wait_for_reply() blocks (bounded) until finish() ran.
class test_sink final : public outbound_sink {
public:
    void send(json m) override { std::lock_guard l(mu_); sent.push_back(std::move(m)); }
    void finish(std::optional<json> r) override {
        std::lock_guard l(mu_);
        reply = std::move(r);
        done = true;
        cv_.notify_all();
    }
    bool wait_for_reply(std::chrono::seconds limit = std::chrono::seconds(10)) {
        std::unique_lock l(mu_);
        return cv_.wait_for(l, limit, [&] { return done; });
    }
    std::vector<json> sent;
    std::optional<json> reply;
    bool done = false;

private:
    std::mutex mu_;
    std::condition_variable cv_;
};

struct wait_args {
    std::string name;
    static auto describe() { return fields(field("name", &wait_args::name, "Which latch")); }
};

json initialize_request() {
    return json::parse(
        R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},)"
        R"("clientInfo":{"name":"t","version":"0"}}})");
}

json call(int id, const std::string& tool, json args) {
    return json{{"jsonrpc", "2.0"},
                {"id", id},
                {"method", "tools/call"},
                {"params", {{"name", tool}, {"arguments", std::move(args)}}}};
}

class DispatcherTest : public ::testing::Test {
protected:
    DispatcherTest() : srv_(server_info{}) {
        srv_.add_tool<wait_args>("rendezvous", "Waits until both calls are running.", [this](const wait_args&) {
            both_running_.arrive_and_wait();  // deadlocks unless two handlers run at the same time
            return std::string("met");
        });
        srv_.add_tool<no_arguments>(
            "until_stopped", "Blocks until its stop token fires.", [this](tool_context& ctx, const no_arguments&) {
                started_.count_down();
                std::mutex m;
                std::condition_variable_any cv;
                std::unique_lock l(m);
                const bool stopped = cv.wait_for(l, ctx.stop_token(), std::chrono::seconds(10), [] { return false; });
                stopped_ = ctx.stop_token().stop_requested();
                (void)stopped;
                return std::string("finished");
            });
        srv_.add_tool<no_arguments>("whoami", "Caller id.",
                                    [](tool_context& ctx, const no_arguments&) { return std::string(ctx.user_id()); });
    }

    std::shared_ptr<session_state> initialized_session(dispatcher& d) {
        auto s = std::make_shared<session_state>("", "fallback-" + std::to_string(++sessions_));
        auto sink = std::make_shared<test_sink>();
        d.handle(s, initialize_request(), sink);
        EXPECT_TRUE(sink->wait_for_reply());
        return s;
    }

    server srv_;
    std::latch both_running_{2};
    std::latch started_{1};
    std::atomic<bool> stopped_{false};
    int sessions_ = 0;
};

TEST_F(DispatcherTest, BlockingHandlersRunConcurrently) {
    worker_pool pool(2);
    dispatcher d(srv_, pool, {});
    auto s = initialized_session(d);
    auto a = std::make_shared<test_sink>(), b = std::make_shared<test_sink>();
    d.handle(s, call(1, "rendezvous", {{"name", "a"}}), a);
    d.handle(s, call(2, "rendezvous", {{"name", "b"}}), b);
    ASSERT_TRUE(a->wait_for_reply());
    ASSERT_TRUE(b->wait_for_reply());
    EXPECT_EQ((*a->reply)["result"]["structuredContent"]["result"], "met");
    EXPECT_EQ((*b->reply)["result"]["structuredContent"]["result"], "met");
}

TEST_F(DispatcherTest, CancelledCallIsStoppedAndNotAnswered) {
    worker_pool pool(2);
    dispatcher d(srv_, pool, {});
    auto s = initialized_session(d);
    auto sink = std::make_shared<test_sink>();
    d.handle(s, call(5, "until_stopped", json::object()), sink);
    started_.wait();
    auto note = std::make_shared<test_sink>();
    d.handle(
        s,
        json::parse(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":5,"reason":"user"}})"),
        note);
    ASSERT_TRUE(note->wait_for_reply());
    EXPECT_FALSE(note->reply.has_value());
    ASSERT_TRUE(sink->wait_for_reply());
    EXPECT_FALSE(sink->reply.has_value()) << "a cancelled request gets no response";
    EXPECT_TRUE(stopped_);
}

TEST_F(DispatcherTest, CancelOfStringIdDoesNotStopIntegerId) {
    worker_pool pool(2);
    dispatcher d(srv_, pool, {});
    auto s = initialized_session(d);
    auto sink = std::make_shared<test_sink>();
    d.handle(s, call(5, "until_stopped", json::object()), sink);
    started_.wait();
    d.handle(s, json::parse(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"5"}})"),
             std::make_shared<test_sink>());
    EXPECT_FALSE(sink->wait_for_reply(std::chrono::seconds(0)));
    d.stop_all_calls();  // shutdown path: stop token fires, the call still answers
    ASSERT_TRUE(sink->wait_for_reply());
    ASSERT_TRUE(sink->reply.has_value());
    EXPECT_EQ((*sink->reply)["result"]["structuredContent"]["result"], "finished");
    EXPECT_TRUE(stopped_);
}

TEST_F(DispatcherTest, DuplicateInFlightIdIsRefused) {
    worker_pool pool(2);
    dispatcher d(srv_, pool, {});
    auto s = initialized_session(d);
    auto first = std::make_shared<test_sink>();
    d.handle(s, call(9, "until_stopped", json::object()), first);
    started_.wait();
    auto second = std::make_shared<test_sink>();
    d.handle(s, call(9, "whoami", json::object()), second);
    ASSERT_TRUE(second->wait_for_reply());
    EXPECT_EQ((*second->reply)["error"]["code"], jsonrpc::error_code::invalid_request);
    d.stop_all_calls();
    ASSERT_TRUE(first->wait_for_reply());
}

TEST_F(DispatcherTest, TrackedCallsOutsideTheDispatcherAreStoppedAtShutdown) {
    worker_pool pool(1);
    dispatcher d(srv_, pool, {});
    auto worker_call = std::make_shared<in_flight_call>();  // as worker_invoke.cpp registers one
    auto finished = std::make_shared<in_flight_call>();
    d.runner().registry().track(worker_call);
    d.runner().registry().track(finished);
    d.runner().registry().untrack(finished);
    d.stop_all_calls();
    EXPECT_TRUE(worker_call->stop.stop_requested());
    EXPECT_FALSE(finished->stop.stop_requested());
}

TEST_F(DispatcherTest, UserIdComesFromOptionsElseFromTheSession) {
    worker_pool pool(1);
    dispatcher configured(srv_, pool, dispatcher_options::with_user("alice"));
    dispatcher anonymous(srv_, pool, {});
    for (auto* d : {&configured, &anonymous}) {
        auto s = initialized_session(*d);
        auto sink = std::make_shared<test_sink>();
        d->handle(s, call(1, "whoami", json::object()), sink);
        ASSERT_TRUE(sink->wait_for_reply());
        const auto who = (*sink->reply)["result"]["structuredContent"]["result"].get<std::string>();
        EXPECT_EQ(who, d == &configured ? std::string("alice") : s->fallback_user_id());
    }
}

TEST_F(DispatcherTest, TheAuthenticatedSubjectIsTheUserIdEvenOverAConfiguredOne) {
    worker_pool pool(1);
    dispatcher configured(srv_, pool, dispatcher_options::with_user("alice"));
    auto s = initialized_session(configured);
    s->bind_subject("subject-from-the-token", "https://as.example.com subject-from-the-token");
    auto sink = std::make_shared<test_sink>();
    configured.handle(s, call(1, "whoami", json::object()), sink);
    ASSERT_TRUE(sink->wait_for_reply());
    EXPECT_EQ((*sink->reply)["result"]["structuredContent"]["result"], "subject-from-the-token");
}

// Issue 14, finding 4: a 2025-03-26 batch is bounded in members and in the size of its reply.
class DispatcherBatchTest : public DispatcherTest {
protected:
    std::shared_ptr<session_state> session_2025_03_26(dispatcher& d) {
        auto s = std::make_shared<session_state>("", "batch-user");
        auto init = initialize_request();
        init["params"]["protocolVersion"] = "2025-03-26";
        auto sink = std::make_shared<test_sink>();
        d.handle(s, init, sink);
        EXPECT_TRUE(sink->wait_for_reply());
        return s;
    }
    static json batch_of(int members, const std::string& method) {
        json batch = json::array();
        for (int i = 1; i <= members; ++i) batch.push_back(json{{"jsonrpc", "2.0"}, {"id", i}, {"method", method}});
        return batch;
    }
};

TEST_F(DispatcherBatchTest, MoreMembersThanTheLimitGetOneError) {
    worker_pool pool(1);
    dispatcher_options o;
    o.max_batch_members = 3;
    dispatcher d(srv_, pool, o);
    auto s = session_2025_03_26(d);
    auto ok = std::make_shared<test_sink>();
    d.handle(s, batch_of(3, "ping"), ok);
    ASSERT_TRUE(ok->wait_for_reply());
    ASSERT_TRUE(ok->reply && ok->reply->is_array());
    EXPECT_EQ(ok->reply->size(), 3u);
    auto over = std::make_shared<test_sink>();
    d.handle(s, batch_of(4, "ping"), over);
    ASSERT_TRUE(over->wait_for_reply());
    ASSERT_TRUE(over->reply && over->reply->is_object()) << "one error for the whole batch";
    EXPECT_EQ((*over->reply)["error"]["code"], jsonrpc::error_code::invalid_request);
    EXPECT_FALSE(over->reply->contains("id"));
    EXPECT_NE((*over->reply)["error"]["message"].get<std::string>().find("at most 3"), std::string::npos);
}

TEST_F(DispatcherBatchTest, AnOversizedBatchIsRefusedBeforeItIsParsed) {
    worker_pool pool(1);
    dispatcher_options o;
    o.max_batch_members = 3;
    dispatcher d(srv_, pool, o);
    std::string why;
    EXPECT_TRUE(d.parse_limited(batch_of(3, "ping").dump(), why)) << why;
    EXPECT_FALSE(d.parse_limited(batch_of(4, "ping").dump(), why));
    EXPECT_EQ(why, "Invalid Request: a batch holds at most 3 messages; this one has 4");
}

TEST_F(DispatcherBatchTest, RepliesPastTheBudgetBecomeShortErrors) {
    worker_pool pool(1);
    dispatcher_options o;
    const auto one = json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "tools/list"}};
    std::size_t list_reply = 0;
    {
        dispatcher probe(srv_, pool, {});
        auto s = session_2025_03_26(probe);
        auto sink = std::make_shared<test_sink>();
        probe.handle(s, one, sink);
        EXPECT_TRUE(sink->wait_for_reply());
        list_reply = sink->reply->dump().size();
    }
    o.max_batch_reply_bytes = list_reply * 3 + list_reply / 2;  // room for three replies, not four
    dispatcher d(srv_, pool, o);
    auto s = session_2025_03_26(d);
    auto sink = std::make_shared<test_sink>();
    d.handle(s, batch_of(10, "tools/list"), sink);
    ASSERT_TRUE(sink->wait_for_reply());
    ASSERT_TRUE(sink->reply && sink->reply->is_array());
    ASSERT_EQ(sink->reply->size(), 10u) << "every member is answered";
    std::set<int> ids;
    int results = 0, over_budget = 0;
    for (const auto& r : *sink->reply) {
        ids.insert(r["id"].get<int>());
        if (r.contains("result")) ++results;
        if (r.contains("error")) {
            EXPECT_EQ(r["error"]["code"], jsonrpc::error_code::internal_error);
            EXPECT_NE(r["error"]["message"].get<std::string>().find("batch reply"), std::string::npos);
            ++over_budget;
        }
    }
    EXPECT_EQ(ids.size(), 10u) << "each id exactly once";
    EXPECT_EQ(results, 3);
    EXPECT_EQ(over_budget, 7);
    EXPECT_LE(sink->reply->dump().size(), o.max_batch_reply_bytes + 7 * 200);
}

}  // namespace
}  // namespace arcade_mcp::detail
