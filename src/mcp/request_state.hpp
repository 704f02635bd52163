// The opaque `requestState` of MCP 2026-07-28 multi-round-trip requests (SEP-2322): the server's
// memory of a request between rounds, carried by the client. Sealed as
// "v1.<base64url(JSON)>.<base64url(HMAC-SHA256)>" with a server secret, so any replica that has
// the secret can continue a request another replica began (no shared memory), and a client
// cannot forge or alter it. The JSON names the method and a digest of the request's salient
// params (a state is only valid for the request that produced it), the caller it belongs to, an
// expiry, and what the client already answered in earlier rounds.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "arcade_mcp/json.hpp"

namespace arcade_mcp::detail {

/// What a sealed state remembers.
struct request_state_body {
    std::string method;     ///< tools/call, prompts/get or resources/read
    std::string digest;     ///< request_state_codec::digest of the request's salient params
    std::string principal;  ///< the caller (user id) the state was issued to
    json answers = json::object();  ///< input key -> the client's answer, from earlier rounds
    json app = nullptr;     ///< the handler's own state (tool_context::set_request_state), or null
};

class request_state_codec {
public:
    /// `key`: the server secret (empty: states can be neither made nor accepted). `max_age`: how
    /// long a state stays valid. `max_bytes`: the longest sealed text made or accepted.
    request_state_codec(std::string key, std::chrono::seconds max_age, std::size_t max_bytes);

    /// Seals `body` as of `now_seconds`; std::nullopt when it would exceed max_bytes.
    std::optional<std::string> seal(const request_state_body& body, std::int64_t now_seconds) const;
    /// Verifies and decodes; std::nullopt with `why` (safe to show the client) when the text is
    /// malformed, too long, forged or altered, or expired.
    std::optional<request_state_body> open(std::string_view sealed, std::int64_t now_seconds, std::string& why) const;

    /// Keyed digest of a request's salient params (canonical JSON: sorted keys), so a state made
    /// for `Add {a:1}` is refused on `Add {a:2}`.
    std::string digest(std::string_view method, const json& salient) const;

    std::chrono::seconds max_age() const noexcept { return max_age_; }
    std::size_t max_bytes() const noexcept { return max_bytes_; }

private:
    std::string key_;
    std::chrono::seconds max_age_;
    std::size_t max_bytes_;
};

}  // namespace arcade_mcp::detail
