// The routing headers of MCP 2026-07-28 over Streamable HTTP (SEP-2243): a POST repeats parts of
// its body in headers, so gateways can route without parsing JSON: `Mcp-Method` (the method),
// `Mcp-Name` (params.name of tools/call and prompts/get, params.uri of resources/read, params.taskId
// of tasks/get, tasks/update and tasks/cancel) and
// `Mcp-Param-{Name}` (a tool argument whose input-schema property says `"x-mcp-header": "Name"`).
// The server must check they agree with the body and answer 400 + -32020 when they do not.
// Values are trimmed of spaces and tabs; `=?base64?...?=` wraps a value that is not plain
// visible ASCII (strict RFC 4648 base64 of its UTF-8).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "arcade_mcp/json.hpp"
#include "arcade_mcp/jsonrpc/message.hpp"

namespace arcade_mcp::detail {

/// A header's value by case-insensitive name, std::nullopt when absent.
using header_lookup = std::function<std::optional<std::string>(std::string_view name)>;

/// The value a header carries: trimmed, and unwrapped when it is `=?base64?<base64>?=`.
/// std::nullopt when the base64 is invalid, or a plain value has characters outside visible
/// ASCII and space.
std::optional<std::string> decode_header_value(std::string_view raw);

/// Checks Mcp-Method, Mcp-Name and (when `input_schema` is the called tool's schema)
/// Mcp-Param-* against `request` (a JSON-RPC request object). Returns the HeaderMismatch error
/// (-32020) to answer with 400, or std::nullopt when they agree.
std::optional<jsonrpc::error> check_routing_headers(const header_lookup& header, const json& request,
                                                    const json* input_schema);

}  // namespace arcade_mcp::detail
