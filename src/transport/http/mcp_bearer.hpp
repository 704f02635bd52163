// Front-door authorization on /mcp (private to src/transport/http, includes Asio): the bearer
// check of every request and the scope check of tools/call, answering 400/401/403 with the
// RFC 6750 challenge and a JSON-RPC error body.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "transport/http/mcp_exchange.hpp"

namespace arcade_mcp::detail {

class tool_catalog;

/// The caller when the token was accepted; otherwise the refusal was written and `keep_alive`
/// says whether the connection may go on.
struct bearer_check {
    std::shared_ptr<const auth::caller_identity> caller;
    bool keep_alive = false;
};

/// Checks the request's bearer token (only when the server has a gate).
net::awaitable<bearer_check> check_bearer(http_stream& stream, const http_request& req,
                                          std::shared_ptr<http_shared> shared);

/// Every scope the tools/call messages of `payload` (one message or a batch) need, in the order
/// the tools declare them, without repeats. Unknown tools need none (they fail as usual).
std::vector<std::string> scopes_needed(const json& payload, const tool_catalog& catalog);

/// nullopt when `caller` has every scope the payload's tool calls need; else writes the 403
/// `insufficient_scope` answer and returns whether the connection may go on.
net::awaitable<std::optional<bool>> refuse_missing_scopes(http_stream& stream, const http_request& req,
                                                          std::shared_ptr<http_shared> shared, const json& payload,
                                                          const auth::caller_identity& caller);

}  // namespace arcade_mcp::detail
