// Tests for the process-wide metrics (observe/metrics.hpp): labels and values in the exposition,
// histogram buckets, label escaping, bounded tool cardinality, exact counts under concurrency,
// the process_* metrics, and the whole output checked by promtool when it is installed.
#include "observe/metrics.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace arcade_mcp::detail::observe {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::string rendered(std::string_view version = "1.2.3-test") {
    std::string out;
    render_prometheus(out, version);
    return out;
}

/// The value written for `series` (name and labels exactly as rendered), if there is such a line.
std::optional<std::string> value_of(const std::string& text, std::string_view series) {
    const std::string prefix = std::string(series) + " ";
    for (std::size_t start = 0; start < text.size();) {
        const auto end = text.find('\n', start);
        const std::string_view line(text.data() + start, end - start);
        if (line.starts_with(prefix)) return std::string(line.substr(prefix.size()));
        start = end + 1;
    }
    return std::nullopt;
}

std::uint64_t count_of(const std::string& text, std::string_view series) {
    const auto value = value_of(text, series);
    return value ? std::stoull(*value) : 0;
}

/// Sum of the values of every line that starts with `prefix`.
std::uint64_t total_of(const std::string& text, std::string_view prefix) {
    std::uint64_t total = 0;
    for (std::size_t start = 0; start < text.size();) {
        const auto end = text.find('\n', start);
        const std::string line = text.substr(start, end - start);
        if (line.starts_with(prefix)) total += std::stoull(line.substr(line.rfind(' ') + 1));
        start = end + 1;
    }
    return total;
}

/// Every distinct tool="..." label value, still escaped.
std::set<std::string> tool_label_values(const std::string& text) {
    std::set<std::string> values;
    constexpr std::string_view key = "tool=\"";
    for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at + 1)) {
        auto end = at + key.size();
        while (text[end] != '"') end += text[end] == '\\' ? 2 : 1;
        values.insert(text.substr(at + key.size(), end - at - key.size()));
    }
    return values;
}

bool has_family(const std::string& text, std::string_view name) {
    return text.find("# TYPE " + std::string(name) + " ") != std::string::npos;
}

TEST(Metrics, CountsHttpResponsesByRouteAndStatus) {
    reset_metrics_for_testing();
    count_http_response("/mcp", 200);
    count_http_response("/mcp/?session=1", 200);
    count_http_response("/healthz?x", 200);
    count_http_response("/worker/tools/invoke", 401);
    count_http_response("/.well-known/oauth-protected-resource/mcp", 200);
    count_http_response("/secret/path?token=abc", 404);
    count_http_response("/metrics", 42);  // invalid status
    count_http_response_without_route(431);
    const auto text = rendered();
    EXPECT_EQ(value_of(text, R"(arcade_mcp_http_requests_total{route="/mcp",status="200"})"), "2");
    EXPECT_EQ(value_of(text, R"(arcade_mcp_http_requests_total{route="/healthz",status="200"})"), "1");
    EXPECT_EQ(value_of(text, R"(arcade_mcp_http_requests_total{route="/worker/tools/invoke",status="401"})"), "1");
    EXPECT_EQ(value_of(text, R"(arcade_mcp_http_requests_total{route="/.well-known/oauth-protected-resource",)"
                             R"(status="200"})"),
              "1");
    EXPECT_EQ(value_of(text, R"(arcade_mcp_http_requests_total{route="other",status="404"})"), "1");
    EXPECT_EQ(value_of(text, R"(arcade_mcp_http_requests_total{route="/metrics",status="500"})"), "1");
    EXPECT_EQ(value_of(text, R"(arcade_mcp_http_requests_total{route="none",status="431"})"), "1");
    EXPECT_EQ(total_of(text, "arcade_mcp_http_requests_total{"), 8u);
    EXPECT_EQ(text.find("secret"), std::string::npos);
}

TEST(Metrics, CountsMcpRequestsByMethodEraAndOutcome) {
    reset_metrics_for_testing();
    count_mcp_request("tools/call", era::modern, request_outcome::ok);
    count_mcp_request("tools/call", era::modern, request_outcome::ok);
    count_mcp_request("tasks/cancel", era::legacy, request_outcome::cancelled);
    count_mcp_request("no/such/method", era::legacy, request_outcome::error);
    const auto text = rendered();
    EXPECT_EQ(value_of(text, R"(arcade_mcp_requests_total{method="tools/call",era="modern",outcome="ok"})"), "2");
    EXPECT_EQ(value_of(text, R"(arcade_mcp_requests_total{method="tasks/cancel",era="legacy",outcome="cancelled"})"),
              "1");
    EXPECT_EQ(value_of(text, R"(arcade_mcp_requests_total{method="other",era="legacy",outcome="error"})"), "1");
    EXPECT_EQ(total_of(text, "arcade_mcp_requests_total{"), 4u);
}

TEST(Metrics, ToolHistogramIsCumulativeWithExactSumAndCount) {
    reset_metrics_for_testing();
    record_tool_call("Kit.Slow", tool_outcome::ok, microseconds(300));
    record_tool_call("Kit.Slow", tool_outcome::tool_error, milliseconds(2));
    record_tool_call("Kit.Slow", tool_outcome::timeout, seconds(20));
    record_tool_call("Kit.Slow", tool_outcome::unknown_tool, seconds(5));  // counted, not observed
    const auto text = rendered();
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"0.0005", "1"}, {"0.001", "1"}, {"0.0025", "2"}, {"0.005", "2"}, {"0.01", "2"}, {"0.025", "2"},
        {"0.05", "2"},   {"0.1", "2"},   {"0.25", "2"},   {"0.5", "2"},   {"1", "2"},    {"2.5", "2"},
        {"5", "2"},      {"10", "2"},    {"30", "3"},     {"60", "3"},    {"+Inf", "3"},
    };
    for (const auto& [le, count] : expected) {
        EXPECT_EQ(value_of(text, R"(arcade_mcp_tool_call_duration_seconds_bucket{tool="Kit.Slow",le=")" + le + "\"}"),
                  count)
            << "le=" << le;
    }
    EXPECT_EQ(value_of(text, R"(arcade_mcp_tool_call_duration_seconds_sum{tool="Kit.Slow"})"), "20.0023");
    EXPECT_EQ(value_of(text, R"(arcade_mcp_tool_call_duration_seconds_count{tool="Kit.Slow"})"), "3");
    EXPECT_EQ(value_of(text, R"(arcade_mcp_tool_calls_total{tool="Kit.Slow",outcome="ok"})"), "1");
    EXPECT_EQ(value_of(text, R"(arcade_mcp_tool_calls_total{tool="Kit.Slow",outcome="tool_error"})"), "1");
    EXPECT_EQ(value_of(text, R"(arcade_mcp_tool_calls_total{tool="Kit.Slow",outcome="timeout"})"), "1");
    EXPECT_EQ(value_of(text, R"(arcade_mcp_tool_calls_total{tool="Kit.Slow",outcome="unknown_tool"})"), "1");
    EXPECT_FALSE(value_of(text, R"(arcade_mcp_tool_calls_total{tool="Kit.Slow",outcome="busy"})"));
}

TEST(Metrics, BucketBoundsAreInclusiveAndLongCallsFallInInf) {
    reset_metrics_for_testing();
    record_tool_call("Kit.Edge", tool_outcome::ok, microseconds(500));
    record_tool_call("Kit.Edge", tool_outcome::ok, seconds(90));
    record_tool_call("Kit.Edge", tool_outcome::ok, microseconds(-5));  // a clock step: counted as 0
    const auto text = rendered();
    EXPECT_EQ(value_of(text, R"(arcade_mcp_tool_call_duration_seconds_bucket{tool="Kit.Edge",le="0.0005"})"), "2");
    EXPECT_EQ(value_of(text, R"(arcade_mcp_tool_call_duration_seconds_bucket{tool="Kit.Edge",le="60"})"), "2");
    EXPECT_EQ(value_of(text, R"(arcade_mcp_tool_call_duration_seconds_bucket{tool="Kit.Edge",le="+Inf"})"), "3");
    EXPECT_EQ(value_of(text, R"(arcade_mcp_tool_call_duration_seconds_sum{tool="Kit.Edge"})"), "90.0005");
}

TEST(Metrics, EscapesLabelValues) {
    reset_metrics_for_testing();
    record_tool_call("Kit.\"Odd\\Name\nTwo", tool_outcome::ok, milliseconds(1));
    const auto text = rendered("v\"1\\\n");
    EXPECT_EQ(value_of(text, R"(arcade_mcp_tool_calls_total{tool="Kit.\"Odd\\Name\nTwo",outcome="ok"})"), "1");
    EXPECT_EQ(value_of(text, R"(arcade_mcp_build_info{version="v\"1\\\n"})"), "1");
}

TEST(Metrics, InvalidUtf8AndReservedToolNamesShareOtherSeries) {
    reset_metrics_for_testing();
    record_tool_call("Kit.\xff", tool_outcome::ok, milliseconds(1));
    record_tool_call("_unknown", tool_outcome::ok, milliseconds(1));
    record_tool_call("", tool_outcome::ok, milliseconds(1));
    record_tool_call("Kit.caf\xc3\xa9", tool_outcome::ok, milliseconds(1));
    const auto text = rendered("1.0\xfe");
    EXPECT_EQ(value_of(text, R"(arcade_mcp_tool_calls_total{tool="_other",outcome="ok"})"), "3");
    EXPECT_EQ(value_of(text, "arcade_mcp_tool_calls_total{tool=\"Kit.caf\xc3\xa9\",outcome=\"ok\"}"), "1");
    EXPECT_EQ(value_of(text, "arcade_mcp_build_info{version=\"1.0\xef\xbf\xbd\"}"), "1");
}

TEST(Metrics, WritesFixedFamiliesAlwaysAndOmitsEmptyOnes) {
    reset_metrics_for_testing();
    const auto text = rendered();
    EXPECT_FALSE(has_family(text, "arcade_mcp_http_requests_total"));
    EXPECT_FALSE(has_family(text, "arcade_mcp_requests_total"));
    EXPECT_FALSE(has_family(text, "arcade_mcp_tool_calls_total"));
    EXPECT_FALSE(has_family(text, "arcade_mcp_tool_call_duration_seconds"));
    EXPECT_FALSE(has_family(text, "arcade_mcp_token_refusals_total"));
    for (const auto* gauge_name : {"arcade_mcp_sessions_open", "arcade_mcp_tool_calls_in_flight",
                                   "arcade_mcp_pool_queue_depth", "arcade_mcp_sse_streams_open",
                                   "arcade_mcp_http_connections_open"}) {
        EXPECT_EQ(value_of(text, gauge_name), "0") << gauge_name;
    }
    for (const auto* kind : {"body_too_large", "headers_too_large", "too_many_requests", "connections", "sessions",
                             "tool_busy", "pending_client_requests"}) {
        EXPECT_EQ(value_of(text, "arcade_mcp_limits_hit_total{kind=\"" + std::string(kind) + "\"}"), "0") << kind;
    }
    for (const auto* reason : {"queue_full", "export_failed", "shutdown"}) {
        EXPECT_EQ(value_of(text, "arcade_mcp_trace_spans_dropped_total{reason=\"" + std::string(reason) + "\"}"), "0");
    }
    EXPECT_EQ(value_of(text, "arcade_mcp_sse_events_replayed_total"), "0");
    EXPECT_EQ(value_of(text, "arcade_mcp_connection_failures_total"), "0");
    EXPECT_EQ(value_of(text, "arcade_mcp_trace_spans_exported_total"), "0");
    EXPECT_EQ(value_of(text, R"(arcade_mcp_build_info{version="1.2.3-test"})"), "1");
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\n');
}

TEST(Metrics, CountsGaugesAuthLimitsAndTraces) {
    reset_metrics_for_testing();
    gauge_add(gauge::sessions_open, 3);
    gauge_add(gauge::sessions_open, -1);
    gauge_add(gauge::connections_open, 1);
    count_sse_events_replayed(7);
    count_token_refusal(token_kind::bearer, "expired");
    count_token_refusal(token_kind::worker, "bad_signature");
    count_token_refusal(token_kind::worker, "something new");
    count_limit_hit(limit_kind::tool_busy);
    count_limit_hit(limit_kind::tool_busy);
    count_connection_failure();
    count_spans_exported(12);
    count_spans_dropped(span_drop_reason::queue_full, 4);
    EXPECT_EQ(gauge_value(gauge::sessions_open), 2);
    const auto text = rendered();
    EXPECT_EQ(value_of(text, "arcade_mcp_sessions_open"), "2");
    EXPECT_EQ(value_of(text, "arcade_mcp_http_connections_open"), "1");
    EXPECT_EQ(value_of(text, "arcade_mcp_sse_events_replayed_total"), "7");
    EXPECT_EQ(value_of(text, R"(arcade_mcp_token_refusals_total{token="bearer",reason="expired"})"), "1");
    EXPECT_EQ(value_of(text, R"(arcade_mcp_token_refusals_total{token="worker",reason="bad_signature"})"), "1");
    EXPECT_EQ(value_of(text, R"(arcade_mcp_token_refusals_total{token="worker",reason="other"})"), "1");
    EXPECT_EQ(value_of(text, R"(arcade_mcp_limits_hit_total{kind="tool_busy"})"), "2");
    EXPECT_EQ(value_of(text, "arcade_mcp_connection_failures_total"), "1");
    EXPECT_EQ(value_of(text, "arcade_mcp_trace_spans_exported_total"), "12");
    EXPECT_EQ(value_of(text, R"(arcade_mcp_trace_spans_dropped_total{reason="queue_full"})"), "4");
}

TEST(Metrics, RequestsObservedIsAFlag) {
    set_requests_observed(true);
    EXPECT_TRUE(requests_observed());
    set_requests_observed(false);
    EXPECT_FALSE(requests_observed());
}

TEST(Metrics, ResetForgetsEverything) {
    reset_metrics_for_testing();
    record_tool_call("Kit.Gone", tool_outcome::ok, milliseconds(1));
    count_unknown_tool_call();
    gauge_add(gauge::pool_queue_depth, 5);
    reset_metrics_for_testing();
    const auto text = rendered();
    EXPECT_EQ(text.find("Kit.Gone"), std::string::npos);
    EXPECT_FALSE(has_family(text, "arcade_mcp_tool_calls_total"));
    EXPECT_EQ(gauge_value(gauge::pool_queue_depth), 0);
}

TEST(Metrics, ToolCardinalityIsBounded) {
    reset_metrics_for_testing();
    constexpr std::size_t calls = 10'000;
    for (std::size_t i = 0; i < calls; ++i) count_unknown_tool_call();
    std::mt19937_64 random(12345);
    for (std::size_t i = 0; i < calls; ++i) {
        record_tool_call("Kit.Tool" + std::to_string(random()) + "_" + std::to_string(i), tool_outcome::ok,
                         microseconds(100));
    }
    const auto text = rendered();
    const auto tools = tool_label_values(text);
    EXPECT_LE(tools.size(), max_tool_series + 2);
    EXPECT_TRUE(tools.contains("_other"));
    EXPECT_TRUE(tools.contains("_unknown"));
    EXPECT_EQ(value_of(text, R"(arcade_mcp_tool_calls_total{tool="_unknown",outcome="unknown_tool"})"), "10000");
    EXPECT_EQ(count_of(text, R"(arcade_mcp_tool_calls_total{tool="_other",outcome="ok"})"), calls - max_tool_series);
    EXPECT_EQ(total_of(text, "arcade_mcp_tool_calls_total{"), 2 * calls);
    EXPECT_EQ(total_of(text, "arcade_mcp_tool_call_duration_seconds_count{"), calls);
}

TEST(Metrics, CountsAreExactUnderConcurrency) {
    reset_metrics_for_testing();
    constexpr int threads = 4;
    constexpr int calls_per_thread = 100'000;
    const std::vector<std::string> names = {"Kit.A", "Kit.B", "Kit.C"};
    std::atomic<bool> done{false};
    std::thread renderer([&] {
        while (!done.load()) {
            const auto text = rendered();
            ASSERT_FALSE(text.empty());
        }
    });
    std::vector<std::thread> callers;
    for (int t = 0; t < threads; ++t) {
        callers.emplace_back([&, t] {
            for (int i = 0; i < calls_per_thread; ++i) {
                record_tool_call(names[static_cast<std::size_t>((t + i) % 3)], tool_outcome::ok, microseconds(700));
            }
        });
    }
    for (auto& caller : callers) caller.join();
    done = true;
    renderer.join();

    std::vector<std::uint64_t> expected(names.size(), 0);
    for (int t = 0; t < threads; ++t) {
        for (int i = 0; i < calls_per_thread; ++i) ++expected[static_cast<std::size_t>((t + i) % 3)];
    }
    const auto text = rendered();
    for (std::size_t n = 0; n < names.size(); ++n) {
        const auto tool = "{tool=\"" + names[n] + "\"";
        EXPECT_EQ(count_of(text, "arcade_mcp_tool_calls_total" + tool + ",outcome=\"ok\"}"), expected[n]);
        EXPECT_EQ(count_of(text, "arcade_mcp_tool_call_duration_seconds_count" + tool + "}"), expected[n]);
        EXPECT_EQ(count_of(text, "arcade_mcp_tool_call_duration_seconds_bucket" + tool + ",le=\"0.001\"}"),
                  expected[n]);
        EXPECT_EQ(count_of(text, "arcade_mcp_tool_call_duration_seconds_bucket" + tool + ",le=\"0.0005\"}"), 0u);
    }
}

TEST(Metrics, ProcessMetricsArePlausible) {
    reset_metrics_for_testing();
    const auto text = rendered();
    const auto number = [&](std::string_view name) {
        const auto value = value_of(text, name);
        EXPECT_TRUE(value) << name << " missing";
        return value ? std::stod(*value) : -1.0;
    };
    EXPECT_GT(number("process_resident_memory_bytes"), 0);
    EXPECT_GT(number("process_virtual_memory_bytes"), 0);
    EXPECT_GT(number("process_open_fds"), 2);
    EXPECT_GT(number("process_max_fds"), 2);
    EXPECT_GE(number("process_cpu_seconds_total"), 0);
    const auto now = static_cast<double>(std::chrono::duration_cast<seconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
    const auto started = number("process_start_time_seconds");
    EXPECT_GT(started, now - 86'400);
    EXPECT_LT(started, now + 5);
}

TEST(Metrics, FamiliesAreWrittenOnce) {
    reset_metrics_for_testing();
    record_tool_call("Kit.A", tool_outcome::ok, milliseconds(1));
    record_tool_call("Kit.B", tool_outcome::ok, milliseconds(1));
    count_http_response("/mcp", 200);
    count_http_response("/healthz", 200);
    const auto text = rendered();
    std::set<std::string> families;
    for (auto at = text.find("# TYPE "); at != std::string::npos; at = text.find("# TYPE ", at + 1)) {
        const auto name_start = at + 7;
        EXPECT_TRUE(families.insert(text.substr(name_start, text.find(' ', name_start) - name_start)).second);
    }
    EXPECT_TRUE(families.contains("arcade_mcp_tool_call_duration_seconds"));
}

/// Output and exit status of `promtool check metrics` reading `text`.
std::pair<int, std::string> promtool_check(const std::string& text) {
    char path[] = "/tmp/arcade_metrics_XXXXXX";
    const int fd = mkstemp(path);
    if (fd < 0) return {-1, "mkstemp failed"};
    close(fd);
    std::ofstream(path) << text;
    const std::string command = "/usr/bin/promtool check metrics < " + std::string(path) + " 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    std::string output;
    if (pipe != nullptr) {
        std::array<char, 512> chunk{};
        while (const auto n = std::fread(chunk.data(), 1, chunk.size(), pipe)) output.append(chunk.data(), n);
    }
    const int status = pipe != nullptr ? pclose(pipe) : -1;
    std::remove(path);
    return {status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

TEST(Metrics, PassesPromtoolCheck) {
    if (access("/usr/bin/promtool", X_OK) != 0) GTEST_SKIP() << "promtool is not installed";
    reset_metrics_for_testing();
    count_http_response("/mcp", 200);
    count_http_response_without_route(431);
    count_mcp_request("initialize", era::legacy, request_outcome::ok);
    record_tool_call("Kit.Echo", tool_outcome::ok, milliseconds(3));
    record_tool_call("Kit.\"Odd\\Name\nTwo", tool_outcome::exception, seconds(2));
    count_unknown_tool_call();
    count_token_refusal(token_kind::bearer, "expired");
    count_spans_dropped(span_drop_reason::shutdown, 1);
    const auto text = rendered();
    const auto [status, output] = promtool_check(text);
    EXPECT_EQ(status, 0) << "promtool said:\n" << output << "\non:\n" << text;
}

}  // namespace
}  // namespace arcade_mcp::detail::observe
