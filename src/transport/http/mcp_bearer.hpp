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

/// Finishes the bearer check of a request the gate could not accept at once: `decided` is what
/// bearer_gate::check_without_fetch said (a refusal, or nullopt when keys must be fetched first,
/// which is done on the worker pool while the lane serves others).
net::awaitable<bearer_check> check_bearer(http_stream& stream, const http_request& req,
                                          std::shared_ptr<http_shared> shared,
                                          std::optional<auth::bearer_outcome> decided);

/// Every scope the tools/call messages of `payload` (one message or a batch) need, in the order
/// the tools declare them, without repeats. Unknown tools need none (they fail as usual).
std::vector<std::string> scopes_needed(const json& payload, const tool_catalog& catalog);

/// Every scope the payload's tool calls need when `caller` lacks any of them; nullopt when it
/// has them all (or no call needs any).
std::optional<std::vector<std::string>> scopes_lacking(const json& payload, const auth::caller_identity& caller,
                                                      const dispatcher& core);

/// Writes the 403 `insufficient_scope` answer naming `needed`; returns whether the connection may go on.
net::awaitable<bool> refuse_insufficient_scope(http_stream& stream, const http_request& req,
                                               std::shared_ptr<http_shared> shared, std::vector<std::string> needed);

}  // namespace arcade_mcp::detail
