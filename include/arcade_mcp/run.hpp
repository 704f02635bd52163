/// @file run.hpp
/// The entry point of a server binary: reads `.env`, the environment (`ARCADE_SERVER_TRANSPORT`,
/// `ARCADE_SERVER_HOST`, `ARCADE_SERVER_PORT`, `ARCADE_USER_ID`, ...) and command-line flags
/// (`--help` lists them), then serves stdio or Streamable HTTP until EOF or SIGTERM/SIGINT.
/// Returns the process exit code: 0 after a clean stop, 2 for invalid configuration (one line on
/// stderr), 1 when serving failed (e.g. the port is taken).
///
/// @code
/// int main(int argc, char** argv) {
///     arcade_mcp::server srv({.name = "hello", .version = "1.0.0", .toolkit = "Greeter"});
///     srv.add_tool<greet_args>("greet", "Greet someone by name.", greet);
///     return arcade_mcp::run(srv, argc, argv);  // stdio; ARCADE_SERVER_TRANSPORT=http for HTTP
/// }
/// @endcode
#pragma once

#include "arcade_mcp/mcp/server.hpp"

namespace arcade_mcp {

/// Serves `srv` as the environment and `argv` say (stdio by default) until end of input or
/// SIGTERM/SIGINT, then stops gracefully. Runs the server's on_start hooks before serving and its
/// before_stop hooks after. Returns the exit code: 0 clean stop, 1 serving failed, 2 invalid
/// configuration.
int run(server& srv, int argc, char** argv);

}  // namespace arcade_mcp
