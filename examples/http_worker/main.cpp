// Example: an Arcade worker over Streamable HTTP. The same typed tools are served to MCP clients on
// /mcp and, because ARCADE_WORKER_SECRET is set, to the Arcade engine on the worker routes:
// GET /worker/health (open), GET /worker/tools and POST /worker/tools/invoke (HS256 JWT keyed with
// the secret, aud "worker", ver "1"). Tools see the engine's user through tool_context::user_id().
// Run:   ARCADE_WORKER_SECRET=dev-secret build/release/bin/http_worker_example    (port 8000)
// Try:   curl http://127.0.0.1:8000/worker/health
//        export ARCADE_WORKER_SECRET=dev-secret; T=$(build/release/bin/arcade-worker-check mint-token)
//        curl -H "Authorization: Bearer $T" http://127.0.0.1:8000/worker/tools
// Check: examples/http_worker/check.sh <binary>  (MCP and worker calls with curl, a forged token)
#include <arcade_mcp/mcp.hpp>

#include <cstdlib>
#include <iostream>
#include <map>
#include <string>

namespace {

struct stock_args {
    std::string sku;
    static auto describe() {
        return arcade_mcp::fields(
            arcade_mcp::field("sku", &stock_args::sku, "Stock keeping unit, e.g. A-100").min_length(1).max_length(32));
    }
};

// An object result: structuredContent on MCP, `output.value` on the worker protocol, and its
// fields become the ToolDefinition's output schema.
struct stock_level {
    std::string sku;
    int quantity = 0;
    std::string warehouse;
    static auto describe() {
        return arcade_mcp::fields(arcade_mcp::field("sku", &stock_level::sku, "The SKU asked for"),
                                  arcade_mcp::field("quantity", &stock_level::quantity, "Units on hand"),
                                  arcade_mcp::field("warehouse", &stock_level::warehouse, "Where they are"));
    }
};

struct no_args {
    static auto describe() { return arcade_mcp::fields(); }
};

arcade_mcp::result<stock_level> check_stock(const stock_args& in) {
    static const std::map<std::string, stock_level> stock{{"A-100", {"A-100", 42, "Lyon"}},
                                                          {"B-200", {"B-200", 0, "Turin"}}};
    auto it = stock.find(in.sku);
    // A tool error, not an exception: MCP gets isError with _meta.arcade.errorKind, the worker
    // protocol HTTP 200 with success=false and output.error.kind.
    if (it == stock.end())
        return arcade_mcp::tool_error::context_required("Unknown SKU: " + in.sku, "Ask the user for a SKU like A-100.");
    return it->second;
}

}  // namespace

int main(int argc, char** argv) {
    // Serve HTTP unless the environment says otherwise (ARCADE_SERVER_TRANSPORT=stdio still wins).
    ::setenv("ARCADE_SERVER_TRANSPORT", "http", /*overwrite=*/0);
    if (const char* s = std::getenv("ARCADE_WORKER_SECRET"); s == nullptr || *s == '\0')
        std::cerr << "ARCADE_WORKER_SECRET is not set: only /mcp is served, /worker/* answer 404\n";

    arcade_mcp::server_info info;
    info.name = "inventory";
    info.version = "1.0.0";
    info.toolkit = "Inventory";  // worker names: Inventory.CheckStock; MCP names: Inventory_CheckStock
    info.toolkit_description = "Stock levels of the warehouses";
    arcade_mcp::server srv(info);
    srv.add_tool<stock_args>("check_stock", "Units of a SKU on hand.", check_stock)
        .with_behavior({.operations = {arcade_mcp::operation::read},
                        .read_only = true,
                        .destructive = false,
                        .idempotent = true,
                        .open_world = false})
        .non_blocking();  // a map lookup: runs on the I/O thread, no hop to the worker pool
    // The caller: the engine's context.user_id over /worker/tools/invoke, ARCADE_USER_ID (or a
    // per-session id) over /mcp. The worker secret itself never reaches tool code.
    srv.add_tool<no_args>("whoami", "Who is calling.",
                          [](arcade_mcp::tool_context& ctx, const no_args&) { return std::string(ctx.user_id()); })
        .non_blocking();
    return arcade_mcp::run(srv, argc, argv);
}
