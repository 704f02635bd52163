// The resource server at the front door of /mcp: checks the bearer token of a request against
// the configured authorization servers (JWT access tokens, keys from their JWK Sets), remembers
// verified tokens until they expire, and words the RFC 6750 challenges and the RFC 9728 metadata.
// Boost-free and transport-free: the HTTP transport calls it (spec/authorization.md).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "arcade_mcp/json.hpp"
#include "arcade_mcp/resource_server.hpp"
#include "auth/jwks_source.hpp"
#include "auth/jwt_access_token.hpp"
#include "auth/token_cache.hpp"

namespace arcade_mcp::detail::auth {

/// A refused request: its HTTP status (400 or 401), the WWW-Authenticate value, and a message
/// for the JSON-RPC error body (and the log).
struct bearer_refusal {
    int status = 401;
    std::string www_authenticate;
    std::string message;
};

/// What a check decided: the caller, or the refusal.
struct bearer_outcome {
    std::shared_ptr<const caller_identity> caller;
    bearer_refusal refusal;
};

class bearer_gate {
public:
    /// Validates `options` (throws std::invalid_argument with one line naming the problem).
    /// `fetch` defaults to http_get with the options' CA file.
    explicit bearer_gate(resource_server_options options, fetch_function fetch = {});
    ~bearer_gate();
    bearer_gate(const bearer_gate&) = delete;
    bearer_gate& operator=(const bearer_gate&) = delete;

    /// Checks a request to the endpoint: `authorization` is the Authorization header ("" when
    /// absent), `target` the request target (a token in its query is refused). Without
    /// blocking: nullopt when deciding needs a JWK Set fetch; then call check() off the I/O thread.
    std::optional<bearer_outcome> check_without_fetch(std::string_view authorization, std::string_view target);
    /// The same, fetching keys when needed (blocking, bounded by the fetch timeout).
    bearer_outcome check(std::string_view authorization, std::string_view target);

    /// The scopes of `needed` that `caller` lacks.
    static std::vector<std::string> missing_scopes(const caller_identity& caller,
                                                   const std::vector<std::string>& needed);
    /// 403 challenge: `scope` = every scope the operation needs, in the order given.
    std::string insufficient_scope_challenge(const std::vector<std::string>& needed) const;

    /// The RFC 9728 document, serialized.
    const std::string& metadata_document() const noexcept { return metadata_; }
    /// Paths that serve it: the path-inserted one (also the challenges' resource_metadata) and the root.
    const std::string& metadata_path() const noexcept { return metadata_path_; }
    static constexpr std::string_view root_metadata_path = "/.well-known/oauth-protected-resource";
    const std::string& resource_metadata_url() const noexcept { return metadata_url_; }
    const resource_server_options& options() const noexcept { return options_; }
    /// JWK Set fetches so far, all authorization servers (tests).
    std::size_t jwks_fetches() const;

private:
    struct issuer_state;
    enum class mode { no_fetch, may_fetch };
    std::optional<bearer_outcome> decide(std::string_view authorization, std::string_view target, mode m);
    /// A refusal with an RFC 6750 error code (400 invalid_request, 401 invalid_token).
    bearer_outcome refuse(int status, std::string_view error, const std::string& description) const;
    /// 401 invalid_token, counted in the token-refusal metrics under `reason`.
    bearer_outcome refuse_invalid(std::string description, std::string_view reason) const;

    resource_server_options options_;
    std::vector<std::unique_ptr<issuer_state>> issuers_;
    token_cache cache_;
    std::string metadata_;
    std::string metadata_path_;
    std::string metadata_url_;
    std::string no_token_challenge_;
};

/// Checks resource server settings; the first problem as one line, or nullopt.
std::optional<std::string> validate(const resource_server_options& options);

}  // namespace arcade_mcp::detail::auth
