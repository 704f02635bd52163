// Middleware and lifespan hooks: the order of before/after hooks, refusals at both levels,
// exceptions inside hooks, no hooks at all, and registration only before serving.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <stdexcept>

#include "arcade_mcp/mcp/tool_context.hpp"
#include "log/logger.hpp"
#include "mcp/server_access.hpp"
#include "mcp/dispatcher.hpp"

namespace arcade_mcp::detail {
namespace {

class reply_sink final : public outbound_sink {
public:
    void send(json) override {}
    void finish(std::optional<json> r) override {
        std::lock_guard l(mu_);
        reply = std::move(r);
        done = true;
        cv_.notify_all();
    }
    json wait() {
        std::unique_lock l(mu_);
        EXPECT_TRUE(cv_.wait_for(l, std::chrono::seconds(10), [&] { return done; }));
        return reply.value_or(json());
    }
    std::optional<json> reply;
    bool done = false;

private:
    std::mutex mu_;
    std::condition_variable cv_;
};

struct echo_args {
    std::string message;
    static auto describe() { return fields(field("message", &echo_args::message, "Text")); }
};

/// Records every hook it sees as "<name>:<hook>[:detail]".
class recorder final : public middleware {
public:
    recorder(std::string name, std::vector<std::string>& events, std::mutex& mu)
        : name_(std::move(name)), events_(events), mu_(mu) {}
    std::optional<request_refusal> refuse_request;
    std::optional<tool_error> refuse_tool;
    bool throw_before_request = false, throw_before_tool = false, throw_after_tool = false;

    std::optional<request_refusal> before_request(const request_info& r) override {
        note("before_request:" + std::string(r.method));
        if (throw_before_request) throw std::runtime_error("hook bug");
        return refuse_request;
    }
    void after_request(const request_info& r, const request_result& result) override {
        note("after_request:" + std::string(r.method) + ":" +
             (result.error_code ? std::to_string(*result.error_code) : "ok"));
    }
    std::optional<tool_error> before_tool_call(const tool_call_info& c) override {
        note("before_tool:" + std::string(c.tool) + ":" + c.arguments.value("message", std::string()) + ":" +
             std::string(c.context.user_id()));
        if (throw_before_tool) throw std::runtime_error("hook bug");
        return refuse_tool;
    }
    void after_tool_call(const tool_call_info& c, const tool_call_result& r) override {
        note("after_tool:" + std::string(c.tool) + ":" + std::to_string(static_cast<int>(r.status)));
        if (throw_after_tool) throw std::runtime_error("hook bug");
    }

private:
    void note(std::string e) {
        std::lock_guard l(mu_);
        events_.push_back(name_ + ":" + std::move(e));
    }
    std::string name_;
    std::vector<std::string>& events_;
    std::mutex& mu_;
};

json init_request() {
    return json::parse(
        R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},)"
        R"("clientInfo":{"name":"t","version":"0"}}})");
}

json echo_call(int id) {
    return json{{"jsonrpc", "2.0"},
                {"id", id},
                {"method", "tools/call"},
                {"params", {{"name", "echo"}, {"arguments", {{"message", "hi"}}}}}};
}

class MiddlewareTest : public ::testing::Test {
protected:
    MiddlewareTest() : srv_(server_info{}) {
        srv_.add_tool<echo_args>("echo", "Echo.", [this](const echo_args& a) {
            ++tool_runs_;
            return a.message;
        });
    }
    std::shared_ptr<recorder> add(const std::string& name) {
        auto m = std::make_shared<recorder>(name, events_, mu_);
        srv_.use(m);
        return m;
    }
    /// Initializes a session, clears the events, sends `message` and returns the reply.
    json exchange(const json& message) {
        worker_pool pool(1);
        dispatcher d(srv_, pool, dispatcher_options::with_user("alice"));
        auto s = std::make_shared<session_state>("", "fallback");
        auto init = std::make_shared<reply_sink>();
        d.handle(s, init_request(), init);
        init->wait();
        events_.clear();
        auto sink = std::make_shared<reply_sink>();
        d.handle(s, message, sink);
        return sink->wait();
    }
    std::vector<std::string> events() {
        std::lock_guard l(mu_);
        return events_;
    }

    server srv_;
    std::mutex mu_;
    std::vector<std::string> events_;
    std::atomic<int> tool_runs_{0};
};

TEST_F(MiddlewareTest, BeforeHooksRunInOrderAndAfterHooksInReverse) {
    add("a");
    add("b");
    const json reply = exchange(echo_call(1));
    EXPECT_EQ(reply["result"]["content"][0]["text"], "hi");
    const std::vector<std::string> expected{"a:before_request:tools/call",   "b:before_request:tools/call",
                                            "a:before_tool:echo:hi:alice",   "b:before_tool:echo:hi:alice",
                                            "b:after_tool:echo:0",           "a:after_tool:echo:0",
                                            "b:after_request:tools/call:ok", "a:after_request:tools/call:ok"};
    EXPECT_EQ(events(), expected);
}

TEST_F(MiddlewareTest, ABeforeToolCallRefusalAnswersAsTheToolsErrorAndTheToolDoesNotRun) {
    auto a = add("a");
    add("b");
    a->refuse_tool = tool_error::context_required("Sign in first", "Ask the user to sign in.");
    const json reply = exchange(echo_call(2));
    EXPECT_EQ(tool_runs_, 0);
    EXPECT_TRUE(reply["result"]["isError"].get<bool>());
    EXPECT_NE(reply["result"]["content"][0]["text"].get<std::string>().find("Sign in first"), std::string::npos);
    const auto ev = events();
    EXPECT_EQ(std::count(ev.begin(), ev.end(), "b:before_tool:echo:hi:alice"), 0) << "later hooks do not run";
    EXPECT_EQ(std::count(ev.begin(), ev.end(),
                         "a:after_tool:echo:" + std::to_string(static_cast<int>(tool_call_status::refused))),
              1);
    EXPECT_EQ(std::count(ev.begin(), ev.end(), "b:after_tool:echo:4"), 0) << "only the hooks that ran are told";
}

TEST_F(MiddlewareTest, ABeforeRequestRefusalIsTheJsonRpcError) {
    auto a = add("a");
    a->refuse_request = request_refusal{-32001, "not on Sundays"};
    const json reply = exchange(echo_call(3));
    EXPECT_EQ(tool_runs_, 0);
    EXPECT_EQ(reply["error"]["code"], -32001);
    EXPECT_EQ(reply["error"]["message"], "not on Sundays");
    EXPECT_EQ(events(), (std::vector<std::string>{"a:before_request:tools/call", "a:after_request:tools/call:-32001"}));
}

TEST_F(MiddlewareTest, AThrowingBeforeRequestHookRefusesWithAnInternalError) {
    add("a")->throw_before_request = true;
    const json reply = exchange(echo_call(4));
    EXPECT_EQ(tool_runs_, 0);
    EXPECT_EQ(reply["error"]["code"], jsonrpc::error_code::internal_error);
}

TEST_F(MiddlewareTest, AThrowingBeforeToolHookRefusesTheCallAndAThrowingAfterHookIsIgnored) {
    add("a")->throw_before_tool = true;
    json reply = exchange(echo_call(5));
    EXPECT_EQ(tool_runs_, 0);
    EXPECT_TRUE(reply["result"]["isError"].get<bool>());
    EXPECT_EQ(reply["result"]["_meta"]["arcade"]["errorKind"], "TOOL_RUNTIME_FATAL");
}

TEST_F(MiddlewareTest, AThrowingAfterToolHookLeavesTheAnswerAlone) {
    add("a")->throw_after_tool = true;
    const json reply = exchange(echo_call(6));
    EXPECT_EQ(tool_runs_, 1);
    EXPECT_EQ(reply["result"]["content"][0]["text"], "hi");
    EXPECT_FALSE(reply["result"]["isError"].get<bool>());
}

TEST_F(MiddlewareTest, NoMiddlewareMeansNoHooks) {
    configure_logging(log_format::text, log_level::warning);  // no access log either
    worker_pool pool(1);
    dispatcher d(srv_, pool, {});
    configure_logging(log_format::text, log_level::info);
    EXPECT_TRUE(d.middleware().empty());
    dispatcher logged(srv_, pool, {});
    EXPECT_EQ(logged.middleware().size(), 1u) << "the access log is the only tool-call hook";
}

TEST_F(MiddlewareTest, RegistrationIsOnlyBeforeServing) {
    add("a");
    worker_pool pool(1);
    dispatcher d(srv_, pool, {});
    EXPECT_THROW(srv_.use(std::make_shared<recorder>("late", events_, mu_)), std::logic_error);
    EXPECT_THROW(srv_.on_start([] {}), std::logic_error);
    EXPECT_THROW(srv_.before_stop([] {}), std::logic_error);
    EXPECT_THROW(server(server_info{}).use(nullptr), std::invalid_argument);
}

TEST(LifespanTest, StartHooksInOrderStopHooksInReverseAndAThrowingStopHookDoesNotStopTheOthers) {
    server srv(server_info{});
    std::vector<std::string> order;
    srv.on_start([&] { order.push_back("start 1"); });
    srv.on_start([&] { order.push_back("start 2"); });
    srv.before_stop([&] { order.push_back("stop 1"); });
    srv.before_stop([&] {
        order.push_back("stop 2");
        throw std::runtime_error("pool close failed");
    });
    detail::server_access::run_start_hooks(srv);
    detail::server_access::run_stop_hooks(srv);
    EXPECT_EQ(order, (std::vector<std::string>{"start 1", "start 2", "stop 2", "stop 1"}));
}

TEST(LifespanTest, AThrowingStartHookPropagates) {
    server srv(server_info{});
    bool second = false;
    srv.on_start([] { throw std::runtime_error("no database"); });
    srv.on_start([&] { second = true; });
    EXPECT_THROW(detail::server_access::run_start_hooks(srv), std::runtime_error);
    EXPECT_FALSE(second);
}

}  // namespace
}  // namespace arcade_mcp::detail
