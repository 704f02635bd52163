// Front-door authorization settings from the environment (or flags), with the variable names and
// JSON shape of Python's arcade-mcp-server, so a deployment moves over unchanged:
//   MCP_RESOURCE_SERVER_CANONICAL_URL, MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS (JSON array of
//   {authorization_server_url, issuer, jwks_uri, algorithm | algorithms, expected_audiences,
//   validation_options: {verify_exp, verify_iat, verify_nbf, verify_iss, leeway}}),
//   MCP_RESOURCE_SERVER_SCOPES_SUPPORTED, MCP_RESOURCE_SERVER_DEFAULT_CHALLENGE_SCOPES,
// and ours: MCP_RESOURCE_SERVER_CA_FILE, MCP_RESOURCE_SERVER_JWKS_CACHE_SECONDS,
// MCP_RESOURCE_SERVER_JWKS_REFETCH_COOLDOWN_SECONDS, MCP_RESOURCE_SERVER_NAME.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "arcade_mcp/resource_server.hpp"

namespace arcade_mcp::detail::auth {

/// A setting's value by its variable name (flags already merged in), nullopt when unset or empty.
using setting_lookup = std::function<std::optional<std::string>(std::string_view name)>;

/// The settings, or nullopt when neither the canonical URL nor the servers are set (off).
/// Throws std::invalid_argument with one line naming the variable and the problem; warnings
/// (keys arcade-mcp-server ignores too) are appended to `warnings`.
std::optional<resource_server_options> resource_server_from_settings(const setting_lookup& lookup,
                                                                     std::vector<std::string>& warnings);

/// Parses the JSON array of MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS (throws as above).
std::vector<authorization_server_entry> parse_authorization_servers(std::string_view json_text,
                                                                    std::vector<std::string>& warnings);

}  // namespace arcade_mcp::detail::auth
