// The application's side of observability: the /metrics route (the Prometheus text exposition),
// the options of the separate metrics listener (ARCADE_METRICS_PORT), and the life of the trace
// exporter (OTEL_* variables: installed before serving, flushed within the grace period at the
// end).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "app/runtime_config.hpp"
#include "observe/otlp_exporter.hpp"
#include "transport/http/http_server.hpp"

namespace arcade_mcp::detail {

/// GET (or HEAD) /metrics: every metric in the Prometheus text format; other methods get 405.
http_route make_metrics_route(std::string version);

/// The metrics listener: ARCADE_METRICS_HOST:ARCADE_METRICS_PORT with /metrics and /healthz only.
http_options metrics_listener_options(const runtime_config& config, const std::string& version);

/// Exports spans while it lives: installs the OTLP exporter and sampler for the process; finish()
/// (or the destructor, with no grace) uninstalls them and sends what is queued.
class trace_export {
public:
    explicit trace_export(observe::otlp_settings settings);
    ~trace_export();
    trace_export(const trace_export&) = delete;
    trace_export& operator=(const trace_export&) = delete;
    void finish(std::chrono::milliseconds grace);

private:
    std::shared_ptr<observe::otlp_exporter> exporter_;
};

}  // namespace arcade_mcp::detail
