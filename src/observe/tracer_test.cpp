// Tests for the tracer: spans with and without a parent, sampling decisions (always, ratio,
// parent-based), attributes and status, ending once, moves, and the hand-off to the sink.
#include "observe/tracer.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <vector>

namespace arcade_mcp::detail::observe {
namespace {

class recording_sink final : public span_sink {
public:
    void offer(span_record&& span) noexcept override {
        const std::lock_guard lock(mutex_);
        spans_.push_back(std::move(span));
    }
    std::vector<span_record> spans() {
        const std::lock_guard lock(mutex_);
        return spans_;
    }

private:
    std::mutex mutex_;
    std::vector<span_record> spans_;
};

class TracerTest : public ::testing::Test {
protected:
    void install(sampler_settings::kind kind, double ratio = 1.0) {
        sink_ = std::make_shared<recording_sink>();
        install_tracer(sink_, sampler_settings{kind, ratio});
    }
    void TearDown() override { install_tracer(nullptr, sampler_settings{}); }

    /// A parent context with the given trace id lower 64 bits and sampled flag.
    static span_context parent_with(std::uint64_t lower, bool sampled) {
        span_context parent;
        parent.trace_id[0] = 0x42;
        for (int i = 15; i >= 8; --i) {
            parent.trace_id[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(lower & 0xFF);
            lower >>= 8;
        }
        parent.span_id = new_span_id();
        parent.sampled = sampled;
        return parent;
    }

    std::shared_ptr<recording_sink> sink_;
};

TEST_F(TracerTest, OffWithoutSink) {
    install_tracer(nullptr, sampler_settings{});
    EXPECT_FALSE(tracing_on());
    auto span = active_span::start("x", span_kind::server, nullptr);
    EXPECT_FALSE(span.started());
    EXPECT_FALSE(span.recording());
    EXPECT_FALSE(span.context().valid());
    span.set_attribute("k", std::int64_t{1});  // does nothing, does not crash
    span.end();
}

TEST_F(TracerTest, RootSpanIsRecordedAndHandedOnce) {
    install(sampler_settings::kind::always_on);
    EXPECT_TRUE(tracing_on());
    const auto before = unix_nanos_now();
    auto span = active_span::start("tools/call", span_kind::server, nullptr);
    ASSERT_TRUE(span.started());
    EXPECT_TRUE(span.recording());
    EXPECT_TRUE(span.context().valid());
    EXPECT_TRUE(span.context().sampled);
    span.set_name("tools/call echo");
    span.set_attribute("mcp.method.name", std::string("tools/call"));
    span.set_attribute("count", std::int64_t{3});
    span.set_attribute("ratio", 0.5);
    span.set_attribute("ok", true);
    span.set_attribute("count", std::int64_t{4});  // replaces
    span.set_error("boom");
    const auto context = span.context();
    span.end();
    span.end();  // once
    EXPECT_FALSE(span.recording());
    EXPECT_EQ(span.context().span_id, context.span_id) << "the context stays readable after end()";

    const auto spans = sink_->spans();
    ASSERT_EQ(spans.size(), 1u);
    const auto& r = spans[0];
    EXPECT_EQ(r.context.trace_id, context.trace_id);
    EXPECT_EQ(r.context.span_id, context.span_id);
    EXPECT_EQ(r.parent_span_id, span_id_bytes{});
    EXPECT_EQ(r.name, "tools/call echo");
    EXPECT_EQ(r.kind, span_kind::server);
    EXPECT_GE(r.start_unix_nanos, before);
    EXPECT_GE(r.end_unix_nanos, r.start_unix_nanos);
    ASSERT_EQ(r.attributes.size(), 4u);
    EXPECT_EQ(r.attributes[0].key, "mcp.method.name");
    EXPECT_EQ(std::get<std::string>(r.attributes[0].value), "tools/call");
    EXPECT_EQ(std::get<std::int64_t>(r.attributes[1].value), 4);
    EXPECT_EQ(std::get<double>(r.attributes[2].value), 0.5);
    EXPECT_EQ(std::get<bool>(r.attributes[3].value), true);
    EXPECT_TRUE(r.error);
    EXPECT_EQ(r.status_message, "boom");
}

TEST_F(TracerTest, ChildSharesTraceAndNamesParent) {
    install(sampler_settings::kind::always_on);
    auto parent = active_span::start("parent", span_kind::server, nullptr);
    auto parent_context = parent.context();
    parent_context.tracestate = "vendor=abc";
    {
        auto child = active_span::start("child", span_kind::client, &parent_context);
        EXPECT_EQ(child.context().trace_id, parent_context.trace_id);
        EXPECT_NE(child.context().span_id, parent_context.span_id);
        EXPECT_EQ(child.context().tracestate, "vendor=abc");
    }  // the destructor ends it
    parent.end();
    const auto spans = sink_->spans();
    ASSERT_EQ(spans.size(), 2u);
    EXPECT_EQ(spans[0].name, "child");
    EXPECT_EQ(spans[0].parent_span_id, parent_context.span_id);
    EXPECT_EQ(spans[0].kind, span_kind::client);
    EXPECT_EQ(spans[1].name, "parent");
}

TEST_F(TracerTest, InvalidParentMakesARoot) {
    install(sampler_settings::kind::always_on);
    span_context invalid;
    invalid.sampled = false;
    auto span = active_span::start("x", span_kind::internal, &invalid);
    EXPECT_TRUE(span.context().valid());
    EXPECT_TRUE(span.recording());
    span.end();
    ASSERT_EQ(sink_->spans().size(), 1u);
    EXPECT_EQ(sink_->spans()[0].parent_span_id, span_id_bytes{});
}

TEST_F(TracerTest, UnsampledSpanHasContextButIsNotExported) {
    install(sampler_settings::kind::always_off);
    auto span = active_span::start("x", span_kind::server, nullptr);
    EXPECT_TRUE(span.started());
    EXPECT_FALSE(span.recording());
    EXPECT_TRUE(span.context().valid());
    EXPECT_FALSE(span.context().sampled);
    span.set_attribute("k", true);
    span.set_error("e");
    span.end();
    EXPECT_TRUE(sink_->spans().empty());
}

TEST_F(TracerTest, MovesLeaveTheSourceEmpty) {
    install(sampler_settings::kind::always_on);
    auto a = active_span::start("a", span_kind::internal, nullptr);
    const auto a_id = a.context().span_id;
    active_span b(std::move(a));
    EXPECT_FALSE(a.started());  // NOLINT(bugprone-use-after-move): moved-from state is specified
    EXPECT_TRUE(b.started());
    EXPECT_EQ(b.context().span_id, a_id);
    auto c = active_span::start("c", span_kind::internal, nullptr);
    c = std::move(b);           // ends "c" first
    EXPECT_FALSE(b.started());  // NOLINT(bugprone-use-after-move)
    ASSERT_EQ(sink_->spans().size(), 1u);
    EXPECT_EQ(sink_->spans()[0].name, "c");
    c.end();
    ASSERT_EQ(sink_->spans().size(), 2u);
    EXPECT_EQ(sink_->spans()[1].name, "a");
}

TEST_F(TracerTest, SinkRemovedBeforeEnd) {
    install(sampler_settings::kind::always_on);
    auto span = active_span::start("x", span_kind::internal, nullptr);
    const auto sink = sink_;
    install_tracer(nullptr, sampler_settings{});
    span.end();  // no sink: dropped quietly
    EXPECT_TRUE(sink->spans().empty());
}

TEST_F(TracerTest, RatioZeroAndOne) {
    install(sampler_settings::kind::traceidratio, 0.0);
    for (int i = 0; i < 1000; ++i) EXPECT_FALSE(active_span::start("x", span_kind::internal, nullptr).recording());
    install(sampler_settings::kind::traceidratio, 1.0);
    for (int i = 0; i < 1000; ++i) EXPECT_TRUE(active_span::start("x", span_kind::internal, nullptr).recording());
}

TEST_F(TracerTest, RatioHalfSamplesAboutHalf) {
    install(sampler_settings::kind::traceidratio, 0.5);
    int sampled = 0;
    constexpr int n = 20000;
    for (int i = 0; i < n; ++i) {
        auto span = active_span::start("x", span_kind::internal, nullptr);
        if (span.recording()) ++sampled;
        span = active_span{};
    }
    // Binomial(20000, 0.5): the standard deviation is ~71; 9000..11000 is 14 of them.
    EXPECT_GT(sampled, 9000);
    EXPECT_LT(sampled, 11000);
}

TEST_F(TracerTest, RatioComparesTheLowerSixtyFourBits) {
    install(sampler_settings::kind::traceidratio, 0.25);
    // traceidratio ignores the parent's flag and decides on the (shared) trace id.
    const auto low = parent_with(0x3FFFFFFFFFFFFFFFULL, false);  // just under 2^62 = 0.25 * 2^64
    const auto high = parent_with(0x4000000000000000ULL, true);
    EXPECT_TRUE(active_span::start("x", span_kind::internal, &low).recording());
    EXPECT_FALSE(active_span::start("x", span_kind::internal, &high).recording());
}

TEST_F(TracerTest, ParentBasedHonoursTheParentFlag) {
    const auto sampled_parent = parent_with(0xFFFFFFFFFFFFFFFFULL, true);
    const auto unsampled_parent = parent_with(0, false);
    using k = sampler_settings::kind;
    for (const auto kind : {k::parentbased_always_on, k::parentbased_always_off, k::parentbased_traceidratio}) {
        install(kind, 0.0);
        EXPECT_TRUE(active_span::start("x", span_kind::server, &sampled_parent).recording());
        EXPECT_FALSE(active_span::start("x", span_kind::server, &unsampled_parent).recording());
    }
    // Without a parent, the root sampler decides.
    install(k::parentbased_always_on);
    EXPECT_TRUE(active_span::start("x", span_kind::server, nullptr).recording());
    install(k::parentbased_always_off);
    EXPECT_FALSE(active_span::start("x", span_kind::server, nullptr).recording());
    install(k::parentbased_traceidratio, 0.0);
    EXPECT_FALSE(active_span::start("x", span_kind::server, nullptr).recording());
    install(k::parentbased_traceidratio, 1.0);
    EXPECT_TRUE(active_span::start("x", span_kind::server, nullptr).recording());
    // always_on / always_off ignore the parent.
    install(k::always_on);
    EXPECT_TRUE(active_span::start("x", span_kind::server, &unsampled_parent).recording());
    install(k::always_off);
    EXPECT_FALSE(active_span::start("x", span_kind::server, &sampled_parent).recording());
}

}  // namespace
}  // namespace arcade_mcp::detail::observe
