// Fuzz target: the worker-token verifier, detail::verify_worker_token (src/arcade/jwt.hpp), with
// a fixed secret and a fixed clock, plus bearer_token and constant_time_equal.
// Each input is used twice:
//  1. as a raw token (and as an Authorization header value) — the seed corpus holds a token
//     minted by the library for the fixed secret and clock, so mutations start from a valid one;
//  2. as the JSON text of a token that the target signs itself with the right secret, so the
//     fuzzer reaches the header and claim checks behind the signature: "<header>\n<payload>", or
//     just "<payload>" under the header {"alg":"HS256","typ":"JWT"}.
// Oracles: no crash; a token is never accepted with a different secret; a reason never contains
// the secret; a rejection always has a reason.
// `ARCADE_JWT_FUZZ_MINT=1 jwt_fuzz` prints the token the seed corpus holds and exits.
#include <openssl/evp.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "arcade/jwt.hpp"
#include "util/base64url.hpp"

namespace {

using namespace arcade_mcp::detail;

constexpr std::string_view kSecret = "fuzz-worker-secret-7f3a";
constexpr std::string_view kOtherSecret = "fuzz-worker-secret-7f3b";
constexpr std::int64_t kNow = 1800000000;  // 2027-01-15; the seed token is valid at this time
constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";

[[noreturn]] void die(const char* what, std::string_view token) {
    std::fprintf(stderr, "jwt_fuzz: %s\ntoken: %.*s\n", what, static_cast<int>(token.size()), token.data());
    std::abort();
}

std::string mac(std::string_view key, std::string_view text) {
    std::array<unsigned char, 32> out{};
    std::size_t len = 0;
    if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                  reinterpret_cast<const unsigned char*>(text.data()), text.size(), out.data(), out.size(),
                  &len) == nullptr ||
        len != out.size())
        die("HMAC failed", text);
    return std::string(reinterpret_cast<const char*>(out.data()), out.size());
}

void verify(std::string_view token) {
    const token_check r = verify_worker_token(token, kSecret, kNow);
    if (!r.ok && r.reason.empty()) die("rejected without a reason", token);
    if (r.ok && !r.reason.empty()) die("accepted with a reason", token);
    if (r.reason.find(kSecret) != std::string::npos) die("the reason contains the secret", token);
    if (r.ok && verify_worker_token(token, kOtherSecret, kNow).ok) die("accepted with a different secret", token);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    const std::string token = mint_worker_token(kSecret, kNow - 60, 3600);
    if (!verify_worker_token(token, kSecret, kNow).ok) die("a freshly minted token does not verify", token);
    if (std::getenv("ARCADE_JWT_FUZZ_MINT")) {
        std::printf("%s", token.c_str());
        std::exit(0);
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);

    // 1. The input as a token, and as an Authorization header.
    verify(in);
    if (const auto bearer = bearer_token(in)) {
        if (bearer->empty()) die("bearer_token returned an empty token", in);
        verify(*bearer);
    }
    (void)constant_time_equal(in.substr(0, size / 2), in.substr(size / 2));

    // 2. The input as JSON, signed with the right secret.
    std::string_view header = kHeader;
    std::string_view payload = in;
    if (const auto nl = in.find('\n'); nl != std::string_view::npos) {
        header = in.substr(0, nl);
        payload = in.substr(nl + 1);
    }
    std::string token = base64url_encode(header) + "." + base64url_encode(payload);
    token += "." + base64url_encode(mac(kSecret, token));
    verify(token);
    return 0;
}
