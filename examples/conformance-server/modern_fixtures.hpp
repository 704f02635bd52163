// The conformance suite's MCP 2026-07-28 fixtures (0.2.0 alphas, --requirements 2026-07-28):
// multi-round-trip tools and a prompt (input_required with request state), diagnostic tools for
// capabilities, logging and listen streams, and a tool with an x-mcp-header argument.
#pragma once

#include <arcade_mcp/mcp.hpp>

void add_modern_fixtures(arcade_mcp::server& srv);
