// A test-only toolkit ("Errors") whose tool FailAs reports any of Arcade's 20 error kinds the way
// a tool would (the tool_error factories, a developer_message and extra on each), plus Throws
// (an uncaught exception). The golden transcripts of both protocols are written against it
// (tests/transcripts/error_kinds_*.txt, tests/golden/worker_error_kinds.json).
#pragma once

#include <arcade_mcp/mcp.hpp>

namespace fixture {

/// Toolkit "Errors", version 1.0.0.
arcade_mcp::server_info error_kinds_server_info();
void add_error_kind_tools(arcade_mcp::server& srv);

}  // namespace fixture
