// Tests for trace_context: traceparent parsing against the W3C rules, formatting, ids, and the
// current span of a thread.
#include "observe/trace_context.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

namespace arcade_mcp::detail::observe {
namespace {

constexpr const char* valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

struct parse_case {
    const char* value;
    bool ok;
};

TEST(TraceContextTest, ParseTraceparentTable) {
    const parse_case cases[] = {
        {valid, true},
        {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", true},
        {"  00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\t", true},  // blanks around
        {"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", false},     // upper-case trace id
        {"00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01", false},     // upper-case span id
        {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A", false},     // upper-case flags
        {"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", false},     // version ff
        {"0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", false},     // version not hex
        {"00-00000000000000000000000000000000-00f067aa0ba902b7-01", false},     // zero trace id
        {"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", false},     // zero span id
        {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-", false},    // v00 too long
        {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-011", false},    // v00 too long
        {"00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01", false},      // short trace id
        {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01", false},      // short span id
        {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1", false},      // short flags
        {"00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", false},     // wrong separator
        {"00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01", false},     // wrong separator
        {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7_01", false},     // wrong separator
        {"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", true},      // future version
        {"cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds", true},
        {"cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01.what", false},  // no '-' after flags
        {"cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0", false},        // future, too short
        {"", false},
        {"   ", false},
        {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\n", false},  // newline is no blank
        {"00 -4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", false},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(parse_traceparent(c.value).has_value(), c.ok) << "'" << c.value << "'";
    }
}

TEST(TraceContextTest, ParseReadsIdsAndSampledFlag) {
    const auto context = parse_traceparent(valid);
    ASSERT_TRUE(context);
    EXPECT_EQ(hex(context->trace_id), "4bf92f3577b34da6a3ce929d0e0e4736");
    EXPECT_EQ(hex(context->span_id), "00f067aa0ba902b7");
    EXPECT_TRUE(context->sampled);
    EXPECT_TRUE(context->tracestate.empty());
    EXPECT_TRUE(context->valid());

    const auto unsampled = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
    ASSERT_TRUE(unsampled);
    EXPECT_FALSE(unsampled->sampled);
    // Only bit 0 means sampled; other bits are ignored.
    const auto other_bits = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-fe");
    ASSERT_TRUE(other_bits);
    EXPECT_FALSE(other_bits->sampled);
    const auto future = parse_traceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03-xyz");
    ASSERT_TRUE(future);
    EXPECT_TRUE(future->sampled);
}

TEST(TraceContextTest, FormatRoundTrip) {
    const auto context = parse_traceparent(valid);
    ASSERT_TRUE(context);
    EXPECT_EQ(format_traceparent(*context), valid);

    span_context fresh;
    fresh.trace_id = new_trace_id();
    fresh.span_id = new_span_id();
    fresh.sampled = false;
    const auto text = format_traceparent(fresh);
    EXPECT_EQ(text.size(), 55u);
    EXPECT_EQ(text.substr(52), "-00");
    const auto back = parse_traceparent(text);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->trace_id, fresh.trace_id);
    EXPECT_EQ(back->span_id, fresh.span_id);
    EXPECT_FALSE(back->sampled);
}

TEST(TraceContextTest, HexAndAppendHex) {
    span_id_bytes id{0x00, 0x01, 0x0a, 0x10, 0xab, 0xcd, 0xef, 0xff};
    EXPECT_EQ(hex(id), "00010a10abcdefff");
    std::string out = "x=";
    append_hex(out, id.data(), 2);
    EXPECT_EQ(out, "x=0001");
    trace_id_bytes zero{};
    EXPECT_EQ(hex(zero), std::string(32, '0'));
}

TEST(TraceContextTest, ValidNeedsBothIds) {
    span_context context;
    EXPECT_FALSE(context.valid());
    context.trace_id = new_trace_id();
    EXPECT_FALSE(context.valid());
    context.span_id = new_span_id();
    EXPECT_TRUE(context.valid());
    context.trace_id = {};
    EXPECT_FALSE(context.valid());
}

TEST(TraceContextTest, IdsAreNonZeroAndDistinct) {
    std::set<trace_id_bytes> traces;
    std::set<span_id_bytes> spans;
    for (int i = 0; i < 10000; ++i) {
        const auto t = new_trace_id();
        const auto s = new_span_id();
        EXPECT_NE(t, trace_id_bytes{});
        EXPECT_NE(s, span_id_bytes{});
        traces.insert(t);
        spans.insert(s);
    }
    EXPECT_EQ(traces.size(), 10000u);
    EXPECT_EQ(spans.size(), 10000u);
}

TEST(TraceContextTest, ThreadsDrawDifferentIds) {
    std::vector<trace_id_bytes> ids(4);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < ids.size(); ++i) threads.emplace_back([&ids, i] { ids[i] = new_trace_id(); });
    for (auto& t : threads) t.join();
    const std::set<trace_id_bytes> distinct(ids.begin(), ids.end());
    EXPECT_EQ(distinct.size(), ids.size());
}

TEST(TraceContextTest, CurrentSpanScopeNests) {
    EXPECT_EQ(current_span(), nullptr);
    span_context outer;
    span_context inner;
    {
        current_span_scope a(&outer);
        EXPECT_EQ(current_span(), &outer);
        {
            current_span_scope b(&inner);
            EXPECT_EQ(current_span(), &inner);
            {
                current_span_scope c(nullptr);
                EXPECT_EQ(current_span(), nullptr);
            }
            EXPECT_EQ(current_span(), &inner);
        }
        EXPECT_EQ(current_span(), &outer);
        // Another thread has its own current span.
        const span_context* seen = &inner;
        std::thread([&seen] { seen = current_span(); }).join();
        EXPECT_EQ(seen, nullptr);
    }
    EXPECT_EQ(current_span(), nullptr);
}

}  // namespace
}  // namespace arcade_mcp::detail::observe
