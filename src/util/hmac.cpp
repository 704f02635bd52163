// HMAC-SHA256 and constant-time comparison (see hmac.hpp).
#include "util/hmac.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace arcade_mcp::detail {

std::optional<hmac_sha256_mac> hmac_sha256(std::string_view key, std::string_view data) {
    if (key.empty()) return std::nullopt;
    hmac_sha256_mac out{};
    std::size_t len = 0;
    if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                  reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), out.size(),
                  &len) == nullptr ||
        len != out.size())
        return std::nullopt;
    return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace arcade_mcp::detail
