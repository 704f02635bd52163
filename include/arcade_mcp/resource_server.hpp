/// @file resource_server.hpp
/// Front-door authorization: the configuration that makes `/mcp` an OAuth 2.1 resource server
/// (MCP authorization, RFC 9728 metadata, RFC 6750 challenges, JWT access tokens per RFC 9068).
/// The same settings come from the environment (MCP_RESOURCE_SERVER_*, as in Python's
/// arcade-mcp-server) for `run()`, or are set in code on `http_service_options::resource_server`.
///
/// @code
/// arcade_mcp::resource_server_options auth;
/// auth.canonical_url = "https://mcp.example.com/mcp";
/// auth.authorization_servers.push_back({.authorization_server_url = "https://auth.example.com",
///                                       .issuer = "https://auth.example.com",
///                                       .algorithms = {"RS256", "ES256"}});  // jwks_uri: discovered
/// auth.scopes_supported = {"mcp", "reports:read"};
/// arcade_mcp::http_service api(srv, loop, {.host = "0.0.0.0", .port = 8000, .resource_server = auth});
/// @endcode
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace arcade_mcp {

/// One authorization server whose tokens the resource server accepts.
struct authorization_server_entry {
    std::string authorization_server_url;  ///< advertised in the metadata for client discovery
    std::string issuer;                    ///< `iss` of its tokens; empty: authorization_server_url
    /// Its JWK Set; empty: discovered from the issuer's metadata (RFC 8414, then OpenID).
    std::string jwks_uri;
    /// Accepted signature algorithms: "RS256", "ES256", "PS256", "EdDSA". Never `none` or HS*.
    std::vector<std::string> algorithms{"RS256"};
    /// `aud` must contain one of these; empty: the canonical URL (RFC 8707).
    std::vector<std::string> expected_audiences;
    std::chrono::seconds leeway{30};  ///< clock skew allowed for exp / nbf / iat
    bool verify_iat = true;           ///< refuse an `iat` in the future
    bool verify_nbf = true;           ///< refuse an `nbf` in the future
};

/// Makes `/mcp` (POST, GET, DELETE) require a bearer token. stdio and the worker routes are not
/// affected; `/healthz` and the metadata stay open.
struct resource_server_options {
    /// The canonical URL of the MCP endpoint as clients reach it, such as "https://mcp.example.com/mcp":
    /// https (http only for loopback), no fragment, no query, no trailing slash.
    std::string canonical_url;
    std::vector<authorization_server_entry> authorization_servers;  ///< at least one
    std::vector<std::string> scopes_supported;          ///< listed in the metadata
    std::vector<std::string> default_challenge_scopes;  ///< `scope` of a 401 without token
    std::optional<std::string> resource_name;           ///< human-readable, in the metadata
    std::string ca_file;  ///< extra PEM CA bundle for JWKS / metadata fetches; empty: the system's
    std::chrono::seconds jwks_cache_lifetime{3600};  ///< how long a fetched JWK Set is used
    /// At most one JWKS refetch per this long because a token named an unknown `kid`.
    std::chrono::seconds jwks_refetch_cooldown{30};
    std::size_t token_cache_entries = 10000;  ///< verified tokens remembered until they expire
};

}  // namespace arcade_mcp
