// CSPRNG identifiers on OpenSSL (see random.hpp).
#include "util/random.hpp"

#include <stdexcept>
#include <vector>

#include <openssl/rand.h>

namespace arcade_mcp::detail {
namespace {
std::vector<unsigned char> random_bytes(std::size_t n) {
    std::vector<unsigned char> buf(n);
    if (RAND_bytes(buf.data(), static_cast<int>(n)) != 1) throw std::runtime_error("RAND_bytes failed");
    return buf;
}
constexpr char hex_digits[] = "0123456789abcdef";
}  // namespace

std::string random_hex(std::size_t bytes) {
    std::string out;
    out.reserve(bytes * 2);
    for (const unsigned char b : random_bytes(bytes)) {
        out += hex_digits[b >> 4];
        out += hex_digits[b & 15];
    }
    return out;
}

std::string random_uuid_v4() {
    auto b = random_bytes(16);
    b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
    b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
    std::string out;
    for (std::size_t i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
        out += hex_digits[b[i] >> 4];
        out += hex_digits[b[i] & 15];
    }
    return out;
}

}  // namespace arcade_mcp::detail
