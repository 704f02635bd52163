// The process-wide tracer: the installed span sink and sampler, and active_span (start with a
// sampling decision, attributes, end and hand-off to the sink).
#include "observe/tracer.hpp"

#include <atomic>
#include <chrono>
#include <mutex>
#include <utility>

namespace arcade_mcp::detail::observe {
namespace {

/// The sampler in the form start() reads it: relaxed atomics, no lock.
struct sampler_state {
    std::atomic<sampler_settings::kind> kind{sampler_settings::kind::parentbased_always_on};
    /// traceidratio: sampled when the trace id's lower 64 bits are below `threshold`, or always
    /// when `ratio_all` (ratio 1, whose threshold 2^64 does not fit).
    std::atomic<std::uint64_t> threshold{0};
    std::atomic<bool> ratio_all{true};
};

struct tracer_state {
    std::atomic<bool> on{false};
    sampler_state sampler;
    std::mutex sink_mutex;  ///< guards `sink`; held only to copy the pointer at end()
    std::shared_ptr<span_sink> sink;
};

tracer_state& tracer() noexcept {
    static tracer_state state;
    return state;
}

bool ratio_sampled(const trace_id_bytes& trace_id) noexcept {
    const auto& s = tracer().sampler;
    if (s.ratio_all.load(std::memory_order_relaxed)) return true;
    std::uint64_t lower = 0;
    for (std::size_t i = 8; i < 16; ++i) lower = (lower << 8) | trace_id[i];
    return lower < s.threshold.load(std::memory_order_relaxed);
}

/// The sampling decision for a new span with trace id `trace_id` under `parent` (valid or null).
bool decide(const trace_id_bytes& trace_id, const span_context* parent) noexcept {
    using k = sampler_settings::kind;
    switch (tracer().sampler.kind.load(std::memory_order_relaxed)) {
        case k::always_on:
            return true;
        case k::always_off:
            return false;
        case k::traceidratio:
            return ratio_sampled(trace_id);
        case k::parentbased_always_on:
            return parent != nullptr ? parent->sampled : true;
        case k::parentbased_always_off:
            return parent != nullptr ? parent->sampled : false;
        case k::parentbased_traceidratio:
            return parent != nullptr ? parent->sampled : ratio_sampled(trace_id);
    }
    return false;
}

const span_context& empty_context() noexcept {
    static const span_context empty;
    return empty;
}

}  // namespace

void install_tracer(std::shared_ptr<span_sink> sink, sampler_settings sampler) {
    auto& t = tracer();
    const double ratio = sampler.ratio;
    constexpr double two_to_64 = 18446744073709551616.0;
    if (!(ratio > 0.0)) {  // 0, negative or NaN: never
        t.sampler.ratio_all.store(false, std::memory_order_relaxed);
        t.sampler.threshold.store(0, std::memory_order_relaxed);
    } else if (ratio * two_to_64 >= two_to_64) {
        t.sampler.ratio_all.store(true, std::memory_order_relaxed);
    } else {
        t.sampler.ratio_all.store(false, std::memory_order_relaxed);
        t.sampler.threshold.store(static_cast<std::uint64_t>(ratio * two_to_64), std::memory_order_relaxed);
    }
    t.sampler.kind.store(sampler.sampler, std::memory_order_relaxed);
    const bool on = sink != nullptr;
    {
        const std::lock_guard lock(t.sink_mutex);
        t.sink = std::move(sink);
    }
    t.on.store(on, std::memory_order_release);
}

bool tracing_on() noexcept {
    return tracer().on.load(std::memory_order_relaxed);
}

std::uint64_t unix_nanos_now() noexcept {
    const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count());
}

active_span active_span::start(std::string name, span_kind kind, const span_context* parent) {
    active_span span;
    if (!tracing_on()) return span;
    if (parent != nullptr && !parent->valid()) parent = nullptr;
    span.started_ = true;
    span.context_.trace_id = parent != nullptr ? parent->trace_id : new_trace_id();
    span.context_.span_id = new_span_id();
    span.context_.sampled = decide(span.context_.trace_id, parent);
    if (parent != nullptr) span.context_.tracestate = parent->tracestate;
    if (!span.context_.sampled) return span;  // propagated, never exported: nothing to record
    auto record = std::make_unique<span_record>();
    record->context = span.context_;
    if (parent != nullptr) record->parent_span_id = parent->span_id;
    record->name = std::move(name);
    record->kind = kind;
    record->attributes.reserve(8);
    record->start_unix_nanos = unix_nanos_now();
    span.record_ = std::move(record);
    return span;
}

active_span::active_span(active_span&& other) noexcept
    : started_(std::exchange(other.started_, false)),
      context_(std::move(other.context_)),
      record_(std::move(other.record_)) {}

active_span& active_span::operator=(active_span&& other) noexcept {
    if (this != &other) {
        end();
        started_ = std::exchange(other.started_, false);
        context_ = std::move(other.context_);
        record_ = std::move(other.record_);
    }
    return *this;
}

active_span::~active_span() {
    end();
}

bool active_span::recording() const noexcept {
    return record_ != nullptr;
}

const span_context& active_span::context() const noexcept {
    return started_ ? context_ : empty_context();
}

void active_span::set_name(std::string name) {
    if (recording()) record_->name = std::move(name);
}

void active_span::set_attribute(std::string key, attribute_value value) {
    if (!recording()) return;
    for (auto& attribute : record_->attributes) {
        if (attribute.key == key) {  // the latest value of a key wins (as in the OTel SDKs)
            attribute.value = std::move(value);
            return;
        }
    }
    record_->attributes.push_back(span_attribute{std::move(key), std::move(value)});
}

void active_span::set_error(std::string message) {
    if (!recording()) return;
    record_->error = true;
    record_->status_message = std::move(message);
}

void active_span::end() noexcept {
    if (record_ == nullptr) return;
    const std::unique_ptr<span_record> record = std::move(record_);
    record->end_unix_nanos = unix_nanos_now();
    std::shared_ptr<span_sink> sink;
    try {
        auto& t = tracer();
        const std::lock_guard lock(t.sink_mutex);
        sink = t.sink;
    } catch (...) {
        return;  // the mutex failed: the span is lost, never the caller
    }
    if (sink != nullptr) sink->offer(std::move(*record));
}

}  // namespace arcade_mcp::detail::observe
