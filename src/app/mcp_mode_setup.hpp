// What run() sets up for MCP mode's tool requirements, as arcade-mcp-server does at start-up: the
// Arcade API client for tools that requires_oauth2 (ARCADE_API_KEY, ARCADE_API_URL), the user id
// of an `arcade login` when ARCADE_USER_ID is unset, a warning for each tool whose declared
// secrets are missing from the environment, and the server's own secrets taken out of the
// process environment once read, so that no tool code finds them with getenv.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "app/runtime_config.hpp"
#include "mcp/tool_catalog.hpp"
#include "mcp/user_authorizer.hpp"

namespace arcade_mcp::detail {

struct arcade_api_setup {
    std::shared_ptr<const user_authorizer> authorizer;  ///< null without ARCADE_API_KEY
    std::string base_url;                               ///< the API's base URL (for the log)
    std::string error;                                  ///< a configuration error: the server must not start
};

/// The Arcade API client from ARCADE_API_KEY and ARCADE_API_URL (default https://api.arcade.dev;
/// https, or http to a loopback address). The key's value never appears in an error.
arcade_api_setup arcade_api_from_env(const env_lookup& env);

/// Removes ARCADE_WORKER_SECRET and ARCADE_API_KEY from the process environment (call once they
/// were read, before any tool can run; the threads already running then, signals and the log
/// writer, never read the environment).
void hide_server_secrets_from_tools();

/// Logs one warning per tool (MCP mode) whose declared secrets are not in the environment.
void warn_missing_tool_secrets(const tool_catalog& catalog, const env_lookup& env);

}  // namespace arcade_mcp::detail
