// Test-only: the helpers shared by the jwt_*_test.cpp files: a fixed secret, clock and header, an
// independent HMAC-SHA256 signer for hand-made tokens (so only the header/claim under test can make
// one fail), and a table checker for verify_worker_token.
#pragma once

#include "arcade/jwt.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "util/base64url.hpp"

namespace arcade_mcp::detail {

inline constexpr std::string_view kSecret = "test-secret";
inline constexpr std::int64_t kNow = 1800000000;
inline constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";
inline constexpr std::string_view kMinimal = R"({"aud":"worker","ver":"1"})";

// Test-only HMAC-SHA256 (independent of the code under test; also accepts an empty key).
inline std::string raw_mac(std::string_view key, std::string_view data) {
    std::array<unsigned char, 32> out{};
    std::size_t len = 0;
    static const unsigned char no_key = 0;
    const void* key_ptr = key.empty() ? static_cast<const void*>(&no_key) : key.data();
    if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key_ptr, key.size(),
                  reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), out.size(),
                  &len) == nullptr ||
        len != out.size())
        throw std::runtime_error("test HMAC failed");
    return std::string(reinterpret_cast<const char*>(out.data()), out.size());
}

// Signs already-encoded segments (so malformed segments can still carry a valid signature).
inline std::string sign_segments(std::string_view header64, std::string_view payload64,
                                 std::string_view secret = kSecret) {
    std::string input = std::string(header64) + "." + std::string(payload64);
    return input + "." + base64url_encode(raw_mac(secret, input));
}

inline std::string sign(std::string_view header_json, std::string_view payload_json,
                        std::string_view secret = kSecret) {
    return sign_segments(base64url_encode(header_json), base64url_encode(payload_json), secret);
}

// Minimal valid claims plus `extra` members (extra starts with a comma).
inline std::string claims(std::string_view extra) {
    return R"({"aud":"worker","ver":"1")" + std::string(extra) + "}";
}
inline std::string with_claims(std::string_view extra) {
    return sign(kHeader, claims(extra));
}
inline std::string with_header(std::string_view header_json) {
    return sign(header_json, kMinimal);
}
// Valid header + given aud/ver-free payload.
inline std::string with_payload(std::string_view payload_json) {
    return sign(kHeader, payload_json);
}

struct Case {
    std::string name;
    std::string token;
    std::string reason;  // empty: must be accepted
};

inline void check_all(const std::vector<Case>& cases, std::string_view secret = kSecret, std::int64_t now = kNow) {
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        const token_check r = verify_worker_token(c.token, secret, now);
        EXPECT_EQ(r.ok, c.reason.empty());
        EXPECT_EQ(r.reason, c.reason);
        if (!secret.empty()) {
            EXPECT_EQ(r.reason.find(secret), std::string::npos) << "reason leaks the secret";
        }
        if (c.token.size() >= 8) {
            EXPECT_EQ(r.reason.find(c.token), std::string::npos) << "reason leaks the token";
        }
    }
}

inline constexpr std::string_view kVector1 =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJ3b3JrZXIiLCJ2ZXIiOiIxIn0."
    "BxKZRPAKqHc0AOBFL-gCnTr7f4C5cv_lzOmYD6_ht8A";

}  // namespace arcade_mcp::detail
