/// @file mcp.hpp
/// Umbrella header for tool authors: typed tools, the server and `run`. Includes no Boost.
#pragma once

#include "arcade_mcp/json.hpp"
#include "arcade_mcp/jsonrpc/message.hpp"
#include "arcade_mcp/mcp/fields.hpp"
#include "arcade_mcp/mcp/result.hpp"
#include "arcade_mcp/mcp/server.hpp"
#include "arcade_mcp/mcp/tool.hpp"
#include "arcade_mcp/mcp/tool_context.hpp"
#include "arcade_mcp/mcp/tool_error.hpp"
#include "arcade_mcp/mcp/value_codec.hpp"
#include "arcade_mcp/run.hpp"
