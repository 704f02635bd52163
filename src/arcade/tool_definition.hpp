// The Arcade ToolDefinition (worker protocol §5) of a catalog entry, derived from the same typed
// declaration as the MCP Tool: names by Arcade's rules, toolkit, input parameters with
// ValueSchemas, output, requirements, deprecation and metadata, every field present (nulls too).
#pragma once

#include "arcade_mcp/json.hpp"
#include "mcp/tool_catalog.hpp"

namespace arcade_mcp::detail {

json to_tool_definition(const catalog_entry& entry, const server_info& info);

}  // namespace arcade_mcp::detail
