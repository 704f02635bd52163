// The /metrics route, the metrics listener's options and the trace exporter's life (see
// observability.hpp).
#include "app/observability.hpp"

#include "log/logger.hpp"
#include "observe/metrics.hpp"

namespace arcade_mcp::detail {

http_route make_metrics_route(std::string version) {
    http_route route;
    route.matches = [](std::string_view target) { return target.substr(0, target.find('?')) == "/metrics"; };
    route.handle = [version = std::move(version)](const http_exchange& request,
                                                  std::function<void(http_answer)> respond) {
        if (request.method != "GET" && request.method != "HEAD") {
            http_answer refused;
            refused.status = 405;
            refused.headers = {{"Allow", "GET, HEAD"}};
            refused.content_type = "text/plain; charset=utf-8";
            refused.text = "Method Not Allowed\n";
            return respond(std::move(refused));
        }
        http_answer answer;
        answer.content_type = std::string(observe::prometheus_content_type);
        observe::render_prometheus(answer.text, version);
        respond(std::move(answer));
    };
    return route;
}

http_options metrics_listener_options(const runtime_config& config, const std::string& version) {
    http_options options;
    options.host = config.metrics_host;
    options.port = config.metrics_port.value_or(0);
    options.serve_mcp = false;
    options.stateless = true;  // no sessions to expire here
    options.max_connections = 64;
    options.max_body_bytes = 1024;
    options.read_timeout = config.read_timeout;
    options.keep_alive_timeout = config.keep_alive_timeout;
    options.shutdown_grace = std::chrono::milliseconds(1000);
    options.routes.push_back(make_metrics_route(version));
    return options;
}

namespace {

/// The endpoint for the log: without user info (credentials may sit before an '@').
std::string shown_endpoint(const std::string& url) {
    const auto scheme_end = url.find("://");
    const auto authority = scheme_end == std::string::npos ? 0 : scheme_end + 3;
    const auto path = url.find('/', authority);
    const auto at = url.rfind('@', path == std::string::npos ? url.size() : path);
    if (at == std::string::npos || at < authority) return url;
    return url.substr(0, authority) + url.substr(at + 1);
}

}  // namespace

trace_export::trace_export(observe::otlp_settings settings) {
    const auto sampler = settings.sampler;
    log(log_level::info, "exporting traces",
        {{"endpoint", shown_endpoint(settings.endpoint)}, {"service", settings.service_name}});
    exporter_ = std::make_shared<observe::otlp_exporter>(std::move(settings));
    observe::install_tracer(exporter_, sampler);
}

trace_export::~trace_export() { finish(std::chrono::milliseconds(0)); }

void trace_export::finish(std::chrono::milliseconds grace) {
    if (!exporter_) return;
    observe::install_tracer(nullptr, {});
    exporter_->shutdown(grace);
    exporter_.reset();
}

}  // namespace arcade_mcp::detail
