// W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` and `tracestate`
// a request arrives with (HTTP headers or MCP `params._meta`), new trace and span ids, and the
// span the current thread is working for (the logger writes its trace id on every line; the
// tracer makes it the parent of spans started on this thread). Boost-free, transport-free.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace arcade_mcp::detail::observe {

using trace_id_bytes = std::array<std::uint8_t, 16>;
using span_id_bytes = std::array<std::uint8_t, 8>;

/// One span's identity as it propagates: trace id, span id, the sampled flag and the vendors'
/// tracestate (kept as received, at most max_tracestate_chars; longer is dropped).
struct span_context {
    trace_id_bytes trace_id{};
    span_id_bytes span_id{};
    bool sampled = false;
    std::string tracestate;

    /// Neither id is all zeros.
    bool valid() const noexcept;
};

inline constexpr std::size_t max_tracestate_chars = 512;

/// Parses a `traceparent` value: version 00 exactly ("00-<32 hex>-<16 hex>-<2 hex>", lower-case),
/// or a higher version whose first four fields have that form (extra fields ignored); version ff,
/// upper-case hex and all-zero ids are refused (std::nullopt). Leading/trailing spaces and tabs
/// are ignored.
std::optional<span_context> parse_traceparent(std::string_view value);
/// "00-<trace id>-<span id>-01|00".
std::string format_traceparent(const span_context& context);
/// The trace id / span id as lower-case hex (32 / 16 characters).
std::string hex(const trace_id_bytes& id);
std::string hex(const span_id_bytes& id);
/// Appends the hex form without allocating more than the appended characters.
void append_hex(std::string& out, const std::uint8_t* bytes, std::size_t n);

/// Random non-zero ids from a per-thread generator seeded from the OS CSPRNG (not for secrets).
trace_id_bytes new_trace_id() noexcept;
span_id_bytes new_span_id() noexcept;

/// The span this thread is working for, or nullptr.
const span_context* current_span() noexcept;

/// Makes `context` the current span of this thread until destroyed (restores the previous one).
/// `context` must outlive the scope; nullptr clears the current span for the scope.
class current_span_scope {
public:
    explicit current_span_scope(const span_context* context) noexcept;
    ~current_span_scope();
    current_span_scope(const current_span_scope&) = delete;
    current_span_scope& operator=(const current_span_scope&) = delete;

private:
    const span_context* previous_;
};

}  // namespace arcade_mcp::detail::observe
