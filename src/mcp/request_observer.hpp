// Observing one MCP request: its count by method, era and outcome (Prometheus) and its SERVER span
// "{method} {target}" (OpenTelemetry MCP conventions), whose parent is the request's
// `params._meta.traceparent` or else the transport's context (the HTTP `traceparent` header, made
// the thread's current span by the transport). Used only when requests are observed or traced
// (observe::requests_observed / tracing_on); the sink it returns counts and ends the span when
// the reply goes out.
#pragma once

#include <memory>
#include <optional>

#include "arcade_mcp/jsonrpc/message.hpp"
#include "mcp/outbound_sink.hpp"
#include "mcp/session_state.hpp"
#include "observe/metrics.hpp"
#include "observe/tracer.hpp"

namespace arcade_mcp::detail {

class observed_sink final : public outbound_sink {
public:
    observed_sink(std::shared_ptr<outbound_sink> next, const session_state& session, const jsonrpc::request& req,
                  observe::era era);

    void send(json message) override { next_->send(std::move(message)); }
    void close_stream() override { next_->close_stream(); }
    void finish(std::optional<json> reply) override;

    /// The context the request's work runs under: its span, else the caller's context, else
    /// nullptr. Valid while this sink lives.
    const observe::span_context* context() const noexcept;

private:
    std::shared_ptr<outbound_sink> next_;
    std::string method_;
    observe::era era_;
    std::optional<observe::span_context> parent_;  ///< from `_meta`, when it named one (read when tracing)
    observe::active_span span_;
};

/// When requests are observed or traced: `sink` wrapped in an observed_sink for `req`, with
/// `trace` set to the context the request runs under. Otherwise nullptr (`trace` unchanged).
std::shared_ptr<outbound_sink> observe_request(const std::shared_ptr<outbound_sink>& sink,
                                               const session_state& session, const jsonrpc::request& req,
                                               observe::era era, const observe::span_context*& trace);

}  // namespace arcade_mcp::detail
