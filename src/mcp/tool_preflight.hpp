// What MCP mode checks before a tool runs, in arcade-mcp-server 1.26's order and wording
// (server.py: _check_transport_restrictions, _check_tool_requirements): tools that need a user's
// authorization or secrets over HTTP without front-door auth; then the user's OAuth2 token for a
// tool that requires_oauth2, from the user authorizer (the Arcade API); then the declared secrets.
// A refusal is a CallToolResult as Python builds it: the message as the first text block, the
// other fields (llm_instructions, authorization_url) as a JSON text block, isError, no _meta.
// Where Python only shows the authorization link, a client that takes URL-mode elicitations is
// asked to open it, and the call waits for the authorization and runs (docs/arcade-auth.md).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "arcade_mcp/json.hpp"
#include "arcade_mcp/mcp/tool.hpp"
#include "mcp/request_scope.hpp"
#include "mcp/user_authorizer.hpp"

namespace arcade_mcp::detail {

/// A call refused before its tool ran: the error the middleware and metrics see, and the result sent.
struct preflight_refusal {
    tool_error error;
    json result;
};

struct preflight_settings {
    /// HTTP without front-door auth: tools that need authorization or secrets are refused.
    bool refuse_requirements = false;
    /// Where user tokens come from; null: no Arcade API key was configured.
    const user_authorizer* authorizer = nullptr;
    /// How long one status request may wait for the user (the API answers sooner when done).
    std::chrono::seconds poll_wait{10};
    /// The least time between two status requests (an API that answers at once is not hammered).
    std::chrono::milliseconds min_poll_interval{1000};
};

/// Runs the checks for a call of `spec`, requested as `tool_name`, by the caller in `ctx`. On
/// success the token (if any) is set on `ctx`. May ask the client (URL elicitation); its 2026-07-28
/// input-round signal passes through.
std::optional<preflight_refusal> check_before_tool(const tool_spec& spec, std::string_view tool_name,
                                                   request_scope& ctx, const preflight_settings& settings);

/// The same rules for a chained call (tool_context::call_tool), which can neither ask the user nor
/// send a result of its own: the transport rule and the declared secrets, as the tool error the
/// caller gets. (OAuth2 in a chain: the caller's token when it covers the callee, tool_chain.hpp.)
std::optional<tool_error> chained_call_refusal(const tool_spec& callee, bool refuse_requirements);

/// `{"k": "v", ...}` spaced and ordered as Python's json.dumps(dict, ensure_ascii=False) writes it.
std::string python_json_dumps(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace arcade_mcp::detail
