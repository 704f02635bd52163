// The middleware's request hooks around one MCP request: before_request in registration order
// (a refusal or a throwing hook answers the request with an error), then, when the request's
// reply goes out, after_request in reverse order with the outcome and duration. Only used when
// some middleware is registered; otherwise requests never come here.
#pragma once

#include <memory>

#include "arcade_mcp/jsonrpc/message.hpp"
#include "mcp/outbound_sink.hpp"
#include "mcp/session_state.hpp"
#include "mcp/tool_invocation.hpp"

namespace arcade_mcp::detail {

/// Runs the before hooks for `req`. Returns the sink to route the request with (it runs the after
/// hooks when it finishes), or nullptr when a hook refused: the refusal was sent on `sink`.
std::shared_ptr<outbound_sink> open_request_hooks(const middleware_chain& chain, const session_state& session,
                                                  const jsonrpc::request& req,
                                                  const std::shared_ptr<outbound_sink>& sink);

}  // namespace arcade_mcp::detail
