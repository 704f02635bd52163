// {{name}}: serves the {{Toolkit}} toolkit over MCP (stdio by default; Streamable HTTP on
// 127.0.0.1:8000 with ARCADE_SERVER_TRANSPORT=http) and, when ARCADE_WORKER_SECRET is set, to the
// Arcade engine's worker routes. `{{name}} --help` lists every setting.
#include <arcade_mcp/mcp.hpp>

#include "tools.hpp"

int main(int argc, char** argv) {
    arcade_mcp::server srv({{name_snake}}::server_description());
    {{name_snake}}::add_tools(srv);
    return arcade_mcp::run(srv, argc, argv);
}
