// Where MCP mode gets a user's OAuth2 token for a tool that `requires_oauth2` (the engine does it
// in worker mode): an authorizer the application plugs into the dispatcher. The Arcade API
// client (src/arcade/arcade_api.hpp) is the real one; tool_preflight.cpp drives it.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "arcade_mcp/json.hpp"
#include "arcade_mcp/mcp/tool_requirements.hpp"

namespace arcade_mcp::detail {

/// A user's authorization for one requirement (the Arcade API's AuthorizationResponse).
struct user_authorization {
    std::string id;                   ///< the authorization's id (to wait for it)
    std::string status;               ///< "not_started", "pending", "completed" or "failed"
    std::string url;                  ///< where the user grants access (pending); "" when none
    std::string token;                ///< the OAuth2 token (completed)
    json user_info = json::object();  ///< what the provider says of the user (completed)
    bool completed() const noexcept { return status == "completed"; }
    bool failed() const noexcept { return status == "failed"; }
};

/// An authorization, or why there is none (a short text that names no secret).
struct authorization_answer {
    std::optional<user_authorization> authorization;
    std::string error;
};

class user_authorizer {
public:
    virtual ~user_authorizer() = default;
    /// Starts or finds `user_id`'s authorization for `requirement`.
    virtual authorization_answer authorize(const oauth2_requirement& requirement, const std::string& user_id) const = 0;
    /// The authorization's state once it completed or after `wait`, whichever comes first.
    virtual authorization_answer wait_for(const std::string& authorization_id, std::chrono::seconds wait) const = 0;
};

}  // namespace arcade_mcp::detail
