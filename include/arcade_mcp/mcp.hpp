/// @file mcp.hpp
/// Umbrella header for server authors: typed tools, resources, prompts, completion, content,
/// the server and `run`. Includes no Boost.
#pragma once

#include "arcade_mcp/json.hpp"
#include "arcade_mcp/jsonrpc/message.hpp"
#include "arcade_mcp/mcp/client_requests.hpp"
#include "arcade_mcp/mcp/completion.hpp"
#include "arcade_mcp/mcp/content.hpp"
#include "arcade_mcp/mcp/fields.hpp"
#include "arcade_mcp/mcp/prompts.hpp"
#include "arcade_mcp/mcp/resources.hpp"
#include "arcade_mcp/mcp/result.hpp"
#include "arcade_mcp/mcp/server.hpp"
#include "arcade_mcp/mcp/tool.hpp"
#include "arcade_mcp/mcp/tool_context.hpp"
#include "arcade_mcp/mcp/tool_error.hpp"
#include "arcade_mcp/mcp/value_codec.hpp"
#include "arcade_mcp/run.hpp"
