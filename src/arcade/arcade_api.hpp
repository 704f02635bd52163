// The Arcade API as MCP mode uses it for tools that need a user's OAuth2 token (what
// arcade-mcp-server 1.26 does through arcadepy): POST /v1/auth/authorize starts or finds the
// user's authorization for a requirement, GET /v1/auth/status waits for one to complete. The key
// goes in the `Authorization` header as arcadepy sends it (the raw key); it is never logged and
// never part of an error text. Blocking, thread-safe (no state besides the settings).
#pragma once

#include <chrono>
#include <string>

#include "arcade_mcp/json.hpp"
#include "arcade_mcp/mcp/tool_requirements.hpp"
#include "mcp/user_authorizer.hpp"

namespace arcade_mcp::detail {

struct arcade_api_settings {
    std::string api_key;                              ///< ARCADE_API_KEY
    std::string base_url = "https://api.arcade.dev";  ///< ARCADE_API_URL; https, or http to loopback
    std::chrono::milliseconds timeout{15000};         ///< one request, connect included
};

class arcade_api_client final : public user_authorizer {
public:
    /// Throws std::invalid_argument when the key is empty or the base URL is not https (or http
    /// to a loopback address).
    explicit arcade_api_client(arcade_api_settings settings);

    /// POST /v1/auth/authorize for `user_id` with the tool's requirement (provider_id and id
    /// forwarded when set, scopes always).
    authorization_answer authorize(const oauth2_requirement& requirement, const std::string& user_id) const override;
    /// GET /v1/auth/status?id=...&wait=N: answers when the authorization completes or after
    /// `wait` (at most 59 s, the API's limit).
    authorization_answer wait_for(const std::string& authorization_id, std::chrono::seconds wait) const override;

    const std::string& base_url() const noexcept { return settings_.base_url; }

private:
    arcade_api_settings settings_;
};

/// The body of an authorize request, as arcade-mcp-server builds it (exposed for tests).
json authorize_request_body(const oauth2_requirement& requirement, const std::string& user_id);

}  // namespace arcade_mcp::detail
