// Example: Prometheus metrics and OpenTelemetry traces. Neither needs code: run() turns them on
// from the environment or flags, and every tool call is counted by tool and outcome, timed in a
// latency histogram, and (with an OTLP endpoint) traced. What a handler does is pass the trace
// context on to the services it calls, as `lookup` does with ctx.trace().
// Run: ARCADE_SERVER_TRANSPORT=http ARCADE_METRICS_PORT=9464 build/release/bin/metrics_example
//      curl -s http://127.0.0.1:9464/metrics | grep '^arcade_mcp_tool_call'
//      (traces: OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318; docs/observability.md)
// Check: examples/metrics/check.sh <binary>
#include <arcade_mcp/mcp.hpp>

#include <chrono>
#include <string>
#include <thread>

namespace {

struct lookup_args {
    std::string sku;
    static auto describe() {
        return arcade_mcp::fields(arcade_mcp::field("sku", &lookup_args::sku, "Stock keeping unit").min_length(1));
    }
};

struct stock {
    std::string sku;
    int quantity = 0;
    std::string traceparent;  // what the upstream call would carry (shown here to see it)
    static auto describe() {
        return arcade_mcp::fields(arcade_mcp::field("sku", &stock::sku, "The SKU"),
                                  arcade_mcp::field("quantity", &stock::quantity, "Units in stock"),
                                  arcade_mcp::field("traceparent", &stock::traceparent, "Trace context passed on"));
    }
};

arcade_mcp::result<stock> lookup(arcade_mcp::tool_context& ctx, const lookup_args& in) {
    // The trace context to send upstream as the `traceparent` (and `tracestate`) header: the
    // tool's own span when traces are exported, else the caller's context; empty when neither.
    // Read it here, on the handler's thread.
    const arcade_mcp::trace_context trace = ctx.trace();
    // Stand-in for the upstream call (an inventory service): 20 ms, seen in the latency histogram.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (in.sku.rfind("A-", 0) != 0)
        return arcade_mcp::tool_error::execution("Unknown SKU " + in.sku);  // counted as outcome="tool_error"
    return stock{in.sku, 7, trace.traceparent};
}

}  // namespace

int main(int argc, char** argv) {
    arcade_mcp::server_info info;
    info.name = "inventory";
    info.version = "1.0.0";
    info.toolkit = "Inventory";
    arcade_mcp::server srv(info);
    // Metrics label it with the qualified name, tool="Inventory.Lookup".
    srv.add_tool<lookup_args>("lookup", "Look up the stock of a SKU.", lookup);
    return arcade_mcp::run(srv, argc, argv);
}
