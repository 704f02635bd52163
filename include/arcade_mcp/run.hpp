/// @file run.hpp
/// The entry point of a server binary: reads `.env`, the environment (`ARCADE_SERVER_TRANSPORT`,
/// `ARCADE_SERVER_HOST`, `ARCADE_SERVER_PORT`, `ARCADE_USER_ID`, ...) and command-line flags
/// (`--help` lists them), then serves stdio or Streamable HTTP until EOF or SIGTERM/SIGINT.
/// Returns the process exit code: 0 after a clean stop, 2 for invalid configuration (one line on
/// stderr), 1 when serving failed (e.g. the port is taken).
#pragma once

#include "arcade_mcp/mcp/server.hpp"

namespace arcade_mcp {

int run(server& srv, int argc, char** argv);

}  // namespace arcade_mcp
