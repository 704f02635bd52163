// Front-door authorization on the HTTP server: the bearer gate of /mcp and the routes serving
// its RFC 9728 protected resource metadata (path-inserted and root well-known URLs, with CORS so
// that browser clients can read them). The app layer joins the auth layer and the transport.
#pragma once

#include <memory>

#include "arcade_mcp/resource_server.hpp"
#include "transport/http/http_server.hpp"

namespace arcade_mcp::detail {

/// Builds the gate from `settings` (throws std::invalid_argument naming the problem), puts it on
/// `http` and mounts the metadata routes; logs that /mcp requires bearer tokens.
void enable_front_door_auth(const resource_server_options& settings, http_options& http);

/// The metadata route of `gate` (GET: the document; OPTIONS: the CORS preflight; else 405).
http_route resource_metadata_route(std::shared_ptr<const auth::bearer_gate> gate);

}  // namespace arcade_mcp::detail
