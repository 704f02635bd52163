// Tests for the strict unpadded base64url codec (util/base64url.hpp).
#include "util/base64url.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace arcade_mcp::detail {
namespace {

// RFC 4648 §10 test vectors, without padding (identical in both alphabets for these inputs).
const std::vector<std::pair<std::string, std::string>> rfc_vectors = {
    {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
    {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
};

TEST(Base64Url, EncodesRfc4648Vectors) {
    for (const auto& [plain, encoded] : rfc_vectors) EXPECT_EQ(base64url_encode(plain), encoded) << "input: " << plain;
}

TEST(Base64Url, DecodesRfc4648Vectors) {
    for (const auto& [plain, encoded] : rfc_vectors)
        EXPECT_EQ(base64url_decode(encoded), std::optional<std::string>(plain)) << "input: " << encoded;
}

TEST(Base64Url, UsesUrlAlphabet) {
    // 0xFB 0xFF 0xBF -> 111110 111111 111110 111111: '+' '/' in standard base64, '-' '_' here.
    EXPECT_EQ(base64url_encode("\xFB\xFF\xBF"), "-_-_");
    EXPECT_EQ(base64url_decode("-_-_"), std::optional<std::string>("\xFB\xFF\xBF"));
    EXPECT_EQ(base64url_encode("\xFF\xFF"), "__8");
    EXPECT_EQ(base64url_encode("\xFF"), "_w");
    EXPECT_EQ(base64url_encode(std::string("\0\0\0", 3)), "AAAA");
}

TEST(Base64Url, RoundTripsAllByteValues) {
    std::string all;
    for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
    const std::string enc = base64url_encode(all);
    EXPECT_EQ(enc.size(), (256u * 4 + 2) / 3);
    EXPECT_EQ(enc.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    EXPECT_EQ(base64url_decode(enc), std::optional<std::string>(all));

    // Every length 0..9 and every single byte value.
    for (std::size_t n = 0; n < 10; ++n) {
        const std::string s = all.substr(250 - n, n);
        EXPECT_EQ(base64url_decode(base64url_encode(s)), std::optional<std::string>(s)) << "length " << n;
    }
    for (int i = 0; i < 256; ++i) {
        const std::string one(1, static_cast<char>(i));
        const std::string enc1 = base64url_encode(one);
        EXPECT_EQ(enc1.size(), 2u);
        EXPECT_EQ(base64url_decode(enc1), std::optional<std::string>(one)) << "byte " << i;
    }
}

TEST(Base64Url, RejectsPadding) {
    EXPECT_EQ(base64url_decode("Zg=="), std::nullopt);
    EXPECT_EQ(base64url_decode("Zm8="), std::nullopt);
    EXPECT_EQ(base64url_decode("Zm9v="), std::nullopt);
    EXPECT_EQ(base64url_decode("===="), std::nullopt);
}

TEST(Base64Url, RejectsStandardAlphabetAndOtherCharacters) {
    EXPECT_EQ(base64url_decode("+/+/"), std::nullopt);
    EXPECT_EQ(base64url_decode("ab+c"), std::nullopt);
    EXPECT_EQ(base64url_decode("ab/c"), std::nullopt);
    EXPECT_EQ(base64url_decode("Zm9 v"), std::nullopt);
    EXPECT_EQ(base64url_decode("Zm9v\n"), std::nullopt);
    EXPECT_EQ(base64url_decode(std::string("Zm\0v", 4)), std::nullopt);
    EXPECT_EQ(base64url_decode("Zm\xC3\xA9"), std::nullopt);
}

TEST(Base64Url, RejectsLengthOneModFour) {
    EXPECT_EQ(base64url_decode("A"), std::nullopt);
    EXPECT_EQ(base64url_decode("Zm9vY"), std::nullopt);
    EXPECT_EQ(base64url_decode("Zm9vYmFyZ"), std::nullopt);
}

TEST(Base64Url, RejectsNonZeroTrailingBits) {
    EXPECT_EQ(base64url_encode("A"), "QQ");
    EXPECT_EQ(base64url_decode("QQ"), std::optional<std::string>("A"));
    EXPECT_EQ(base64url_decode("QR"), std::nullopt);   // 4 unused bits set to 0001
    EXPECT_EQ(base64url_decode("QX"), std::nullopt);
    EXPECT_EQ(base64url_decode("Zm8"), std::optional<std::string>("fo"));
    EXPECT_EQ(base64url_decode("Zm9"), std::nullopt);  // 2 unused bits set to 01
    EXPECT_EQ(base64url_decode("Zm_"), std::nullopt);
}

}  // namespace
}  // namespace arcade_mcp::detail
