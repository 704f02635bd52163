// The MCP core's metrics and traces: tool calls counted by tool and outcome (unknown names folded
// into one series), requests by method, era and outcome when observed; the request's SERVER span
// under the caller's `_meta.traceparent`, the RunTool span under it, the trace id on the
// request's log lines, and what `tool_context::trace()` gives a handler (also with sampling off).
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "arcade_mcp/mcp/tool_context.hpp"
#include "log/logger.hpp"
#include "mcp/dispatcher.hpp"
#include "mcp/features_fixture.hpp"
#include "observe/metrics.hpp"
#include "observe/tracer.hpp"

namespace arcade_mcp::detail {
namespace {

constexpr const char* caller_trace = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr const char* caller_span = "00f067aa0ba902b7";

class span_capture final : public observe::span_sink {
public:
    void offer(observe::span_record&& span) noexcept override {
        std::lock_guard l(mu_);
        spans_.push_back(std::move(span));
    }
    std::vector<observe::span_record> spans() {
        std::lock_guard l(mu_);
        return spans_;
    }
    const observe::span_record* named(const std::string& name) {
        std::lock_guard l(mu_);
        for (const auto& s : spans_)
            if (s.name == name) return &s;
        return nullptr;
    }

private:
    std::mutex mu_;
    std::vector<observe::span_record> spans_;
};

struct echo_args {
    std::string message;
    static auto describe() { return fields(field("message", &echo_args::message, "Text")); }
};

std::string attribute(const observe::span_record& span, const std::string& key) {
    for (const auto& a : span.attributes)
        if (a.key == key) {
            if (const auto* s = std::get_if<std::string>(&a.value)) return *s;
            return "<not a string>";
        }
    return "<absent>";
}

json call(int id, const std::string& tool, json arguments, json meta = nullptr) {
    json params{{"name", tool}, {"arguments", std::move(arguments)}};
    if (!meta.is_null()) params["_meta"] = std::move(meta);
    return json{{"jsonrpc", "2.0"}, {"id", id}, {"method", "tools/call"}, {"params", std::move(params)}};
}

json traced_meta(bool sampled) {
    return json{{"traceparent", std::string("00-") + caller_trace + "-" + caller_span + (sampled ? "-01" : "-00")},
                {"tracestate", "vendor=1"}};
}

class ObservabilityTest : public ::testing::Test {
protected:
    ObservabilityTest() : srv_(server_info{}) {
        observe::reset_metrics_for_testing();
        srv_.add_tool<echo_args>("echo", "Echo.", [this](tool_context& ctx, const echo_args& a) {
            std::lock_guard l(mu_);
            seen_trace_ = ctx.trace();
            log(log_level::info, "inside the tool", {});
            return a.message;
        });
        srv_.add_tool<echo_args>("slow", "Waits for its stop token.", [](tool_context& ctx, const echo_args&) {
               while (!ctx.stop_token().stop_requested()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
               return std::string("late");
           })
            .with_timeout(std::chrono::milliseconds(30));
    }
    ~ObservabilityTest() override {
        observe::install_tracer(nullptr, {});
        observe::set_requests_observed(false);
        set_log_sink_for_testing(nullptr);
    }

    /// Initializes a 2025-11-25 session, then sends each message and returns the replies.
    std::vector<json> exchange(const std::vector<json>& messages) {
        worker_pool pool(2);
        dispatcher d(srv_, pool, dispatcher_options::with_user("alice"));
        auto s = std::make_shared<session_state>("sid-1", "fallback");
        auto init = std::make_shared<capture_sink>();
        d.handle(s,
                 json::parse(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":)"
                             R"("2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"0"}}})"),
                 init);
        EXPECT_TRUE(init->wait_finished());
        std::vector<json> replies;
        for (const auto& m : messages) {
            auto sink = std::make_shared<capture_sink>();
            d.handle(s, m, sink);
            EXPECT_TRUE(sink->wait_finished());
            replies.push_back(sink->reply().value_or(json()));
        }
        // A handler past its time limit still runs after its answer: let it end before `d` does.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (pool.busy() > 0 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        return replies;
    }
    static std::string exposition() {
        std::string out;
        observe::render_prometheus(out, "test");
        return out;
    }
    static bool has_line(const std::string& text, const std::string& line) {
        return text.find("\n" + line + "\n") != std::string::npos;
    }

    server srv_;
    std::mutex mu_;
    arcade_mcp::trace_context seen_trace_;
};

TEST_F(ObservabilityTest, ToolCallsAreCountedByToolAndOutcomeAndRequestsByMethodEraAndOutcome) {
    observe::set_requests_observed(true);
    const auto replies = exchange({call(1, "echo", {{"message", "a"}}), call(2, "echo", {{"message", "b"}}),
                                   call(3, "echo", json::object()), call(4, "no-such-tool", json::object()),
                                   call(5, "slow", {{"message", "x"}})});
    EXPECT_EQ(replies[0]["result"]["content"][0]["text"], "a");
    EXPECT_TRUE(replies[2]["result"]["isError"].get<bool>());   // 2025-11-25: bad arguments as a tool error
    EXPECT_EQ(replies[3]["error"]["code"], -32602);              // unknown tool
    EXPECT_TRUE(replies[4]["result"]["isError"].get<bool>());   // the time limit passed
    // (The slow tool's handler returned after its stop token fired; exchange() waited for it.)
    const std::string text = exposition();
    EXPECT_TRUE(has_line(text, R"(arcade_mcp_tool_calls_total{tool="echo",outcome="ok"} 2)")) << text;
    EXPECT_TRUE(has_line(text, R"(arcade_mcp_tool_calls_total{tool="echo",outcome="bad_arguments"} 1)")) << text;
    EXPECT_TRUE(has_line(text, R"(arcade_mcp_tool_calls_total{tool="_unknown",outcome="unknown_tool"} 1)")) << text;
    EXPECT_TRUE(has_line(text, R"(arcade_mcp_tool_calls_total{tool="slow",outcome="timeout"} 1)")) << text;
    EXPECT_TRUE(has_line(text, R"(arcade_mcp_tool_call_duration_seconds_count{tool="echo"} 3)")) << text;
    EXPECT_TRUE(has_line(text, R"(arcade_mcp_requests_total{method="initialize",era="legacy",outcome="ok"} 1)"))
        << text;
    EXPECT_TRUE(has_line(text, R"(arcade_mcp_requests_total{method="tools/call",era="legacy",outcome="ok"} 4)"))
        << text;
    EXPECT_TRUE(has_line(text, R"(arcade_mcp_requests_total{method="tools/call",era="legacy",outcome="error"} 1)"))
        << text;
    EXPECT_TRUE(has_line(text, "arcade_mcp_tool_calls_in_flight 0")) << text;
}

TEST_F(ObservabilityTest, ManyUnknownToolNamesAddOneSeries) {
    std::vector<json> calls;
    for (int i = 0; i < 2000; ++i) calls.push_back(call(i + 1, "random-" + std::to_string(i * 7919), json::object()));
    exchange(calls);
    const std::string text = exposition();
    EXPECT_TRUE(has_line(text, R"(arcade_mcp_tool_calls_total{tool="_unknown",outcome="unknown_tool"} 2000)"));
    EXPECT_EQ(text.find("random-"), std::string::npos) << "a client-chosen name became a label value";
}

TEST_F(ObservabilityTest, RequestsAreNotCountedByMethodUnlessObserved) {
    exchange({call(1, "echo", {{"message", "a"}})});
    const std::string text = exposition();
    EXPECT_EQ(text.find("arcade_mcp_requests_total{"), std::string::npos);
    EXPECT_TRUE(has_line(text, R"(arcade_mcp_tool_calls_total{tool="echo",outcome="ok"} 1)")) << text;
}

TEST_F(ObservabilityTest, TheRequestSpanIsTheCallersChildAndTheToolSpanTheRequestsChild) {
    auto spans = std::make_shared<span_capture>();
    observe::install_tracer(spans, {observe::sampler_settings::kind::parentbased_always_on, 1.0});
    std::vector<std::string> lines;
    std::mutex lines_mu;
    set_log_sink_for_testing([&](std::string_view line) {
        std::lock_guard l(lines_mu);
        lines.emplace_back(line);
    });
    exchange({call(7, "echo", {{"message", "a"}}, traced_meta(true))});

    const auto* request = spans->named("tools/call echo");
    const auto* tool = spans->named("RunTool");
    ASSERT_NE(request, nullptr);
    ASSERT_NE(tool, nullptr);
    EXPECT_EQ(request->kind, observe::span_kind::server);
    EXPECT_EQ(observe::hex(request->context.trace_id), caller_trace);
    EXPECT_EQ(observe::hex(request->parent_span_id), caller_span);
    EXPECT_EQ(request->context.tracestate, "vendor=1");
    EXPECT_EQ(attribute(*request, "mcp.method.name"), "tools/call");
    EXPECT_EQ(attribute(*request, "jsonrpc.request.id"), "7");
    EXPECT_EQ(attribute(*request, "mcp.session.id"), "sid-1");
    EXPECT_EQ(attribute(*request, "mcp.protocol.version"), "2025-11-25");
    EXPECT_EQ(attribute(*request, "gen_ai.tool.name"), "echo");
    EXPECT_EQ(tool->kind, observe::span_kind::internal);
    EXPECT_EQ(tool->context.trace_id, request->context.trace_id);
    EXPECT_EQ(tool->parent_span_id, request->context.span_id);
    EXPECT_FALSE(tool->error);
    EXPECT_LE(request->start_unix_nanos, tool->start_unix_nanos);
    EXPECT_GE(request->end_unix_nanos, tool->end_unix_nanos);

    // The handler sees its own span, to pass on upstream.
    {
        std::lock_guard l(mu_);
        EXPECT_EQ(seen_trace_.traceparent,
                  std::string("00-") + caller_trace + "-" + observe::hex(tool->context.span_id) + "-01");
        EXPECT_EQ(seen_trace_.tracestate, "vendor=1");
    }
    // Every line logged for the request carries its trace id.
    std::lock_guard l(lines_mu);
    const auto with = [&](const std::string& part) {
        return std::count_if(lines.begin(), lines.end(), [&](const std::string& s) {
            return s.find(part) != std::string::npos &&
                   s.find(std::string("trace_id=") + caller_trace) != std::string::npos;
        });
    };
    EXPECT_EQ(with("inside the tool"), 1);
    EXPECT_EQ(with("tool call"), 1) << "the access log line";
}

TEST_F(ObservabilityTest, AFailedCallMarksItsSpansAsErrors) {
    auto spans = std::make_shared<span_capture>();
    observe::install_tracer(spans, {observe::sampler_settings::kind::always_on, 1.0});
    exchange({call(1, "echo", json::object()), call(2, "missing", json::object())});
    const auto* tool = spans->named("RunTool");
    ASSERT_NE(tool, nullptr);
    EXPECT_TRUE(tool->error);
    EXPECT_EQ(attribute(*tool, "error.type"), "bad_arguments");
    const auto* unknown = spans->named("tools/call missing");
    ASSERT_NE(unknown, nullptr);
    EXPECT_TRUE(unknown->error);
    EXPECT_EQ(attribute(*unknown, "error.type"), "-32602");
    EXPECT_EQ(observe::hex(unknown->parent_span_id), "0000000000000000") << "no caller context: a root span";
}

TEST_F(ObservabilityTest, SamplingOffExportsNothingButTheCallersContextStillPropagates) {
    auto spans = std::make_shared<span_capture>();
    observe::install_tracer(spans, {observe::sampler_settings::kind::parentbased_always_on, 1.0});
    exchange({call(1, "echo", {{"message", "a"}}, traced_meta(false))});  // the caller did not sample
    for (const auto& span : spans->spans())  // (initialize, with no caller context, is a sampled root)
        EXPECT_NE(observe::hex(span.context.trace_id), caller_trace) << span.name;
    EXPECT_EQ(spans->named("RunTool"), nullptr);
    std::lock_guard l(mu_);
    EXPECT_EQ(seen_trace_.traceparent.substr(0, 36), std::string("00-") + caller_trace + "-");
    EXPECT_EQ(seen_trace_.traceparent.substr(52), "-00");
}

TEST_F(ObservabilityTest, WithoutTracingAHandlerSeesNoContextOfItsOwn) {
    exchange({call(1, "echo", {{"message", "a"}})});
    std::lock_guard l(mu_);
    EXPECT_TRUE(seen_trace_.empty());
}

}  // namespace
}  // namespace arcade_mcp::detail
