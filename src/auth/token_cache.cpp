// Verified bearer tokens by SHA-256 digest (see token_cache.hpp).
#include "auth/token_cache.hpp"

#include <openssl/evp.h>

#include <cstring>

namespace arcade_mcp::detail::auth {

namespace {

/// SHA-256 fetched once (EVP_sha256() makes OpenSSL 3 look the implementation up on every init)
/// and one digest context per thread: hashing a token is on every authenticated request.
struct sha256_context {
    EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~sha256_context() {
        EVP_MD_CTX_free(ctx);
        EVP_MD_free(md);
    }
};

}  // namespace

token_cache::digest token_cache::hash(std::string_view token) {
    thread_local sha256_context sha;
    digest d{};
    unsigned int n = 0;
    const bool ok = sha.md != nullptr && sha.ctx != nullptr && EVP_DigestInit_ex(sha.ctx, sha.md, nullptr) == 1 &&
                    EVP_DigestUpdate(sha.ctx, token.data(), token.size()) == 1 &&
                    EVP_DigestFinal_ex(sha.ctx, d.data(), &n) == 1 && n == d.size();
    if (!ok) d.fill(0);  // never matches a stored entry: put() refuses the all-zero key
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
