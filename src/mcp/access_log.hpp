// The access log of tool calls: one info line per call (tool, caller's request id, session,
// protocol, outcome, duration), MCP and worker alike. It is the first middleware of the chain,
// registered when the info level is logged.
#pragma once

#include <memory>

#include "arcade_mcp/mcp/middleware.hpp"

namespace arcade_mcp::detail {

std::shared_ptr<middleware> make_access_log();

}  // namespace arcade_mcp::detail
