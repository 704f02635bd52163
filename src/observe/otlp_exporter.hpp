// OpenTelemetry trace export over OTLP/HTTP with JSON encoding (POST <endpoint>, content type
// application/json, an ExportTraceServiceRequest as the OTLP specification's JSON mapping: hex
// trace and span ids, nanosecond times as decimal strings). Spans are queued (bounded; a full
// queue drops and counts) and sent in batches by one background thread, so an unreachable or
// slow collector never slows or fails a request; shutdown flushes what it can within a grace
// period. The settings come from the standard OTEL_* environment variables.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "observe/tracer.hpp"

namespace arcade_mcp::detail::observe {

struct otlp_settings {
    /// Full URL the batches are POSTed to: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, else
    /// OTEL_EXPORTER_OTLP_ENDPOINT + "/v1/traces" (default http://localhost:4318/v1/traces).
    std::string endpoint = "http://localhost:4318/v1/traces";
    /// OTEL_EXPORTER_OTLP_HEADERS then OTEL_EXPORTER_OTLP_TRACES_HEADERS (later wins per key):
    /// "k=v,k2=v2", percent-decoded. Values are never logged.
    std::vector<std::pair<std::string, std::string>> headers;
    /// OTEL_SERVICE_NAME, else service.name from OTEL_RESOURCE_ATTRIBUTES, else the program's name.
    std::string service_name;
    /// OTEL_RESOURCE_ATTRIBUTES: "k=v,..." percent-decoded (service.name handled as above).
    std::vector<std::pair<std::string, std::string>> resource_attributes;
    std::string service_version;  ///< service.version (the server's version)
    /// OTEL_EXPORTER_OTLP_TRACES_TIMEOUT / OTEL_EXPORTER_OTLP_TIMEOUT (ms): one POST's limit.
    std::chrono::milliseconds timeout{10000};
    /// OTEL_BSP_MAX_QUEUE_SIZE, OTEL_BSP_MAX_EXPORT_BATCH_SIZE, OTEL_BSP_SCHEDULE_DELAY (ms).
    std::size_t max_queue = 2048;
    std::size_t max_batch = 512;
    std::chrono::milliseconds schedule_delay{1000};
    /// OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG.
    sampler_settings sampler;
};

/// Reads the OTEL_* variables through `env`. Tracing is on when OTEL_EXPORTER_OTLP_ENDPOINT or
/// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set or OTEL_TRACES_EXPORTER=otlp, and neither
/// OTEL_SDK_DISABLED=true nor OTEL_TRACES_EXPORTER=none. Returns nullopt with `error` empty when
/// tracing is off, nullopt with `error` set (one line naming the variable, never a header value)
/// when a value is invalid (bad URL, sampler, ratio, number; OTEL_EXPORTER_OTLP_*PROTOCOL other
/// than http/json), else the settings. `program_name` is the default service name.
std::optional<otlp_settings> otlp_settings_from_env(
    const std::function<std::optional<std::string>(std::string_view)>& env, std::string_view program_name,
    std::string& error);

/// The JSON body of one export request for `spans` (resource, one scope "arcade-mcp-cpp").
std::string encode_otlp_json(const otlp_settings& settings, const std::vector<span_record>& spans);

/// Sends one body; returns true on a 2xx answer. Blocking; bounded by `timeout`.
using otlp_post_function =
    std::function<bool(const std::string& url, const std::vector<std::pair<std::string, std::string>>& headers,
                       const std::string& body, std::chrono::milliseconds timeout)>;
/// The default: libcurl (loaded with dlopen on first use), http and https, no redirects.
otlp_post_function libcurl_post();

class otlp_exporter final : public span_sink {
public:
    explicit otlp_exporter(otlp_settings settings, otlp_post_function post = libcurl_post());
    ~otlp_exporter() override;  ///< shutdown(0) if not done
    otlp_exporter(const otlp_exporter&) = delete;
    otlp_exporter& operator=(const otlp_exporter&) = delete;

    /// Queues the span; a full queue drops it (count_spans_dropped(queue_full)). Never blocks.
    void offer(span_record&& span) noexcept override;
    /// Sends what is queued, waiting at most `grace` in all; what is left is dropped (counted as
    /// shutdown). Stops the thread. Once; later calls return at once.
    void shutdown(std::chrono::milliseconds grace);

private:
    class state;
    std::shared_ptr<state> state_;
};

}  // namespace arcade_mcp::detail::observe
