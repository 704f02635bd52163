// Mounting the Arcade worker routes (/worker/*) on the HTTP server: the app layer is where the
// transport and the Arcade layer meet, so neither includes the other.
#pragma once

#include <string>

#include "mcp/dispatcher.hpp"
#include "transport/http/http_routes.hpp"

namespace arcade_mcp::detail {

/// The worker routes on `core`'s catalog, checking HS256 tokens signed with `secret` (unless
/// `auth_disabled`); logs that they are enabled (warning when without authentication).
http_route mount_worker_routes(dispatcher& core, const std::string& secret, bool auth_disabled);

}  // namespace arcade_mcp::detail
