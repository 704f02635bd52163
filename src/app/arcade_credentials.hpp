// The user id the Arcade CLI's login gives MCP mode (arcade-mcp-server's third choice, after the
// bearer token's subject and ARCADE_USER_ID): `cloud.user.email` of the CLI's credentials file
// (`$ARCADE_WORK_DIR/credentials.yaml`, else `~/.arcade/credentials.yaml`), and only while the
// login is valid: an access token that expires more than 5 minutes from now. The file is the
// small YAML mapping `arcade login` writes; this reads mappings of scalars only, which is all it
// holds. An expired login is not refreshed (Python refreshes it through the coordinator).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "app/runtime_config.hpp"

namespace arcade_mcp::detail {

struct login_email {
    std::optional<std::string> email;  ///< set when the file holds a valid login with an e-mail
    std::string why_not;               ///< otherwise, for the log ("" when there is no file)
};

/// Reads the credentials file named by `env` (ARCADE_WORK_DIR, HOME) at time `now`.
login_email logged_in_user_email(const env_lookup& env, std::chrono::system_clock::time_point now);

/// The same from the file's text (for tests).
login_email login_email_from_yaml(std::string_view yaml, std::chrono::system_clock::time_point now);

}  // namespace arcade_mcp::detail
