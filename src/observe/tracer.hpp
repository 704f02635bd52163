// Spans: started with a parent (or as a root), given attributes and a status, and handed to the
// exporter when they end, when sampled (W3C sampled flag; the sampler of OTEL_TRACES_SAMPLER
// decides for roots and, for the parentbased_* samplers, defers to the parent otherwise).
// Process-wide: `install_tracer` once before serving; without it `tracing_on()` is false and
// callers skip spans altogether (one relaxed load). Boost-free, transport-free.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "observe/trace_context.hpp"

namespace arcade_mcp::detail::observe {

enum class span_kind : std::uint8_t { internal = 1, server = 2, client = 3, producer = 4, consumer = 5 };

using attribute_value = std::variant<std::string, std::int64_t, double, bool>;
struct span_attribute {
    std::string key;
    attribute_value value;
};

/// A finished span, as the exporter receives it.
struct span_record {
    span_context context;        ///< this span's ids (trace id shared with its parent)
    span_id_bytes parent_span_id{};  ///< all zero for a root span
    std::string name;
    span_kind kind = span_kind::internal;
    std::uint64_t start_unix_nanos = 0;
    std::uint64_t end_unix_nanos = 0;
    std::vector<span_attribute> attributes;
    bool error = false;          ///< OTLP status code ERROR (else UNSET)
    std::string status_message;  ///< with error
};

/// Where ended, sampled spans go (the OTLP exporter; tests install their own). offer() must not
/// block: it is called on request threads.
class span_sink {
public:
    virtual ~span_sink() = default;
    virtual void offer(span_record&& span) noexcept = 0;
};

struct sampler_settings {
    enum class kind : std::uint8_t {
        always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio
    };
    kind sampler = kind::parentbased_always_on;  ///< the OpenTelemetry default
    double ratio = 1.0;                          ///< traceidratio: 0..1
};

/// Installs the sink and sampler for the process (nullptr: tracing off again). Not thread-safe
/// against spans in progress: call before serving (and in tests between cases).
void install_tracer(std::shared_ptr<span_sink> sink, sampler_settings sampler);
/// True when a sink is installed.
bool tracing_on() noexcept;

/// A span in progress. Move-only; ending it (end(), or the destructor) hands it to the sink when
/// it is sampled. Its context is valid even when not sampled, so that it can be propagated.
class active_span {
public:
    active_span() = default;  ///< no span (tracing off): every member does nothing
    /// Starts a span under `parent` (nullptr or invalid: a root with a new trace id). The
    /// sampling decision is made here.
    static active_span start(std::string name, span_kind kind, const span_context* parent);
    active_span(active_span&&) noexcept;
    active_span& operator=(active_span&&) noexcept;
    ~active_span();

    /// True when started (tracing on); its context can then be propagated.
    bool started() const noexcept { return started_; }
    /// True when started and sampled: attributes are worth setting.
    bool recording() const noexcept;
    /// Valid when started.
    const span_context& context() const noexcept;
    void set_name(std::string name);
    void set_attribute(std::string key, attribute_value value);
    void set_error(std::string message);
    /// Ends the span now (once; later calls do nothing). Its context stays readable (a pointer to
    /// it, made current on a thread, never dangles while the active_span lives).
    void end() noexcept;

private:
    bool started_ = false;
    span_context context_;                 ///< ids and flags, also when not sampled (no allocation then)
    std::unique_ptr<span_record> record_;  ///< only when sampled: what the sink will get
};

/// Nanoseconds since the Unix epoch (the system clock).
std::uint64_t unix_nanos_now() noexcept;

}  // namespace arcade_mcp::detail::observe
