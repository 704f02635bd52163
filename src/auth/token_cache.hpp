// Verified bearer tokens remembered until they expire, keyed by a SHA-256 of the token (the token
// itself is never kept), bounded in size: the fast path of front-door authorization.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace arcade_mcp::detail::auth {

/// Who called, as a verified token says.
struct caller_identity {
    std::string subject;              ///< `sub`: the user id tools see
    std::string issuer;
    std::string principal;            ///< issuer and subject: whose sessions and request state these are
    std::vector<std::string> scopes;
    std::int64_t expires_at = 0;      ///< remembered until (seconds since the epoch): `exp`, at most 5 min
};

class token_cache {
public:
    using digest = std::array<unsigned char, 32>;
    explicit token_cache(std::size_t capacity) : capacity_(capacity) {}

    static digest hash(std::string_view token);
    /// The identity remembered for this token, if it has not expired at `now`.
    std::shared_ptr<const caller_identity> find(const digest& key, std::int64_t now);
    /// Remembers a verified token; when full, expired entries go first, then an arbitrary half.
    void put(const digest& key, std::shared_ptr<const caller_identity> who, std::int64_t now);
    std::size_t size() const;

private:
    struct digest_hash {
        std::size_t operator()(const digest& d) const noexcept;
    };
    std::size_t capacity_;
    mutable std::mutex mu_;
    std::unordered_map<digest, std::shared_ptr<const caller_identity>, digest_hash> entries_;
};

}  // namespace arcade_mcp::detail::auth
