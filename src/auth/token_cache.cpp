// Verified bearer tokens by SHA-256 digest (see token_cache.hpp).
#include "auth/token_cache.hpp"

#include <openssl/evp.h>

#include <cstring>

namespace arcade_mcp::detail::auth {

token_cache::digest token_cache::hash(std::string_view token) {
    digest d{};
    unsigned int n = 0;
    if (EVP_Digest(token.data(), token.size(), d.data(), &n, EVP_sha256(), nullptr) != 1 || n != d.size())
        d.fill(0);  // never matches a stored entry: put() refuses the all-zero key
    return d;
}

std::size_t token_cache::digest_hash::operator()(const digest& d) const noexcept {
    std::size_t h = 0;
    std::memcpy(&h, d.data(), sizeof h);  // already uniformly distributed
    return h;
}

std::shared_ptr<const caller_identity> token_cache::find(const digest& key, std::int64_t now) {
    std::lock_guard l(mu_);
    const auto it = entries_.find(key);
    if (it == entries_.end()) return nullptr;
    if (it->second->expires_at <= now) {
        entries_.erase(it);
        return nullptr;
    }
    return it->second;
}

void token_cache::put(const digest& key, std::shared_ptr<const caller_identity> who, std::int64_t now) {
    if (capacity_ == 0 || key == digest{}) return;
    std::lock_guard l(mu_);
    if (entries_.size() >= capacity_) {
        std::erase_if(entries_, [now](const auto& e) { return e.second->expires_at <= now; });
        // Still full (many live tokens): forget an arbitrary half; they verify again when they return.
        for (auto it = entries_.begin(); entries_.size() >= capacity_ / 2 + 1 && it != entries_.end();)
            it = entries_.erase(it);
    }
    entries_.insert_or_assign(key, std::move(who));
}

std::size_t token_cache::size() const {
    std::lock_guard l(mu_);
    return entries_.size();
}

}  // namespace arcade_mcp::detail::auth
