// The conformance suite's MCP task fixtures (`tasks-*` scenarios of 0.2.0-alpha.12): greet,
// slow_compute, failing_job, protocol_error_job, confirm_delete, multi_input and
// test_tool_with_task.
#pragma once

#include <arcade_mcp/mcp.hpp>

void add_task_fixtures(arcade_mcp::server& srv);
