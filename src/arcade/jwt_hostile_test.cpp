// Tests of verify_worker_token (arcade/jwt.hpp) against hostile tokens: foreign algorithms,
// malformed headers, segments and payloads, time and identity claims, and a table of further
// attacks, each signed with the real HMAC so only the header/claim under test can make it fail.
#include "arcade/jwt.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "arcade/jwt_fixture.hpp"
#include "util/base64url.hpp"

namespace arcade_mcp::detail {
namespace {

TEST(WorkerJwt, RejectsForeignAlgorithms) {
    const std::string none_header = base64url_encode(R"({"alg":"none","typ":"JWT"})");
    check_all({
        {"alg none, empty signature", none_header + "." + base64url_encode(kMinimal) + ".", "Not enough segments"},
        {"alg none, real HMAC", with_header(R"({"alg":"none","typ":"JWT"})"), "The specified alg value is not allowed"},
        {"alg lower-case", with_header(R"({"alg":"hs256","typ":"JWT"})"), "The specified alg value is not allowed"},
        {"alg trailing space", with_header(R"({"alg":"HS256 ","typ":"JWT"})"),
         "The specified alg value is not allowed"},
        {"alg HS384", with_header(R"({"alg":"HS384","typ":"JWT"})"), "The specified alg value is not allowed"},
        {"alg RS256", with_header(R"({"alg":"RS256","typ":"JWT"})"), "The specified alg value is not allowed"},
        {"alg empty", with_header(R"({"alg":""})"), "The specified alg value is not allowed"},
        {"alg number", with_header(R"({"alg":256})"), "The specified alg value is not allowed"},
        {"alg array", with_header(R"({"alg":["HS256"]})"), "The specified alg value is not allowed"},
        {"alg missing", with_header(R"({"typ":"JWT"})"), "Algorithm not specified"},
        {"typ ignored", with_header(R"({"alg":"HS256","typ":"anything"})"), ""},
        {"no typ", with_header(R"({"alg":"HS256"})"), ""},
    });
}

TEST(WorkerJwt, RejectsMalformedHeaders) {
    const std::string p64 = base64url_encode(kMinimal);
    check_all({
        {"header not JSON", with_header("not json"), "Invalid header string"},
        {"header JSON array", with_header(R"(["alg","HS256"])"), "Invalid header string"},
        {"header JSON string", with_header(R"("HS256")"), "Invalid header string"},
        {"header trailing garbage", with_header(R"({"alg":"HS256"}x)"), "Invalid header string"},
        {"header invalid UTF-8", with_header("{\"alg\":\"HS256\",\"x\":\"\xff\"}"), "Invalid header string"},
        {"header after a UTF-8 BOM", with_header("\xEF\xBB\xBF{\"alg\":\"HS256\",\"typ\":\"JWT\"}"),
         "Invalid header string"},
        {"header padded", sign_segments(base64url_encode(R"({"alg":"HS256"})") + "=", p64), "Invalid header padding"},
        {"header with '+'", sign_segments("+" + base64url_encode(kHeader).substr(1), p64), "Invalid header padding"},
        {"header with '/'", sign_segments("/" + base64url_encode(kHeader).substr(1), p64), "Invalid header padding"},
        {"duplicate alg", with_header(R"({"alg":"none","alg":"HS256"})"), "Invalid token: duplicate key"},
        {"duplicate alg, same value", with_header(R"({"alg":"HS256","alg":"HS256"})"), "Invalid token: duplicate key"},
        {"crit empty array", with_header(R"({"alg":"HS256","crit":[]})"), "Unsupported critical extension: crit"},
        {"crit string", with_header(R"({"alg":"HS256","crit":"b64"})"), "Unsupported critical extension: crit"},
        {"crit b64 true", with_header(R"({"alg":"HS256","b64":true,"crit":["b64"]})"),
         "Unsupported critical extension: b64"},
        {"crit null", with_header(R"({"alg":"HS256","crit":null})"), "Unsupported critical extension: crit"},
        {"crit name with newline", with_header(R"({"alg":"HS256","crit":["a\nb"]})"),
         "Unsupported critical extension: a?b"},
        {"crit before alg", with_header(R"({"alg":"none","crit":["x"]})"), "Unsupported critical extension: x"},
        {"kid number", with_header(R"({"alg":"HS256","kid":5})"), "Key ID header parameter must be a string"},
        {"kid null", with_header(R"({"alg":"HS256","kid":null})"), "Key ID header parameter must be a string"},
        {"kid string", with_header(R"({"alg":"HS256","kid":"k1"})"), ""},
    });
}

TEST(WorkerJwt, RejectsBadSegmentsAndSignatures) {
    const std::string h64 = base64url_encode(kHeader);
    const std::string p64 = base64url_encode(kMinimal);
    const std::string input = h64 + "." + p64;
    const std::string good_mac = raw_mac(kSecret, input);
    std::string std_alphabet = std::string(kVector1);  // same bytes, standard base64 alphabet
    for (char& c : std_alphabet) c = c == '-' ? '+' : c == '_' ? '/' : c;
    std::string trailing_bits = std::string(kVector1);  // last char 'A' -> 'B': same 32 bytes, non-zero unused bits
    ASSERT_EQ(trailing_bits.back(), 'A');
    trailing_bits.back() = 'B';
    check_all({
        {"empty", "", "Not enough segments"},
        {"one segment", "abc", "Not enough segments"},
        {"two segments", input, "Not enough segments"},
        {"only dots", "..", "Not enough segments"},
        {"empty header", "." + p64 + ".AAAA", "Not enough segments"},
        {"empty payload", h64 + "..AAAA", "Not enough segments"},
        {"empty signature", input + ".", "Not enough segments"},
        {"extra segment", std::string(kVector1) + ".AAAA", "Invalid token: too many segments"},
        {"extra empty segment", std::string(kVector1) + ".", "Invalid token: too many segments"},
        {"100 KB", std::string(100 * 1024, 'a'), "Token too large"},
        {"100 KB valid-looking", std::string(kVector1) + std::string(100 * 1024, 'A'), "Token too large"},
        {"8 KiB + 1", std::string(max_worker_token_size + 1, '.'), "Token too large"},
        {"exactly 8 KiB", std::string(max_worker_token_size, 'a'), "Not enough segments"},
        {"raw secret as token", std::string(kSecret), "Not enough segments"},
        {"other secret", sign(kHeader, kMinimal, "other-secret"), "Signature verification failed"},
        {"secret with suffix", sign(kHeader, kMinimal, "test-secret\n"), "Signature verification failed"},
        {"signature in standard alphabet", std_alphabet, "Signature verification failed"},
        {"signature non-canonical trailing bits", trailing_bits, "Signature verification failed"},
        {"signature padded", std::string(kVector1) + "=", "Signature verification failed"},
        {"signature 31 bytes", input + "." + base64url_encode(good_mac.substr(0, 31)), "Signature verification failed"},
        {"signature 33 bytes", input + "." + base64url_encode(good_mac + '\0'), "Signature verification failed"},
        {"signature one bit off",
         input + "." + base64url_encode(std::string(good_mac).replace(31, 1, 1, good_mac[31] ^ 1)),
         "Signature verification failed"},
        {"signature of another header",
         input + "." + base64url_encode(raw_mac(kSecret, base64url_encode(R"({"alg":"HS256"})") + "." + p64)),
         "Signature verification failed"},
        {"payload padded, validly signed",
         sign_segments(h64, base64url_encode(R"({"aud":"worker","ver":"1","x":1})") + "="), "Invalid payload string"},
        {"payload with '+', validly signed", sign_segments(h64, "+" + p64.substr(1)), "Invalid payload string"},
    });
}

TEST(WorkerJwt, EmptySecretNeverVerifies) {
    check_all({{"empty-key signature", sign(kHeader, kMinimal, ""), "Signature verification failed"},
               {"valid token", std::string(kVector1), "Signature verification failed"}},
              "");
}

TEST(WorkerJwt, SecretIsRawBytes) {
    const std::string secret("a\0b", 3);  // embedded NUL: must not be treated as a C string
    EXPECT_TRUE(verify_worker_token(sign(kHeader, kMinimal, secret), secret, kNow).ok);
    EXPECT_EQ(verify_worker_token(sign(kHeader, kMinimal, secret), "a", kNow).reason, "Signature verification failed");
    EXPECT_EQ(verify_worker_token(sign(kHeader, kMinimal, " x "), "x", kNow).reason, "Signature verification failed");
}

TEST(WorkerJwt, RejectsMalformedPayloads) {
    check_all({
        {"payload array", with_payload(R"(["aud","worker"])"), "Invalid payload string"},
        {"payload not JSON", with_payload("aud=worker"), "Invalid payload string"},
        {"payload whitespace only", with_payload(" "), "Invalid payload string"},
        {"payload invalid UTF-8", with_payload("{\"aud\":\"worker\",\"ver\":\"1\",\"x\":\"\xc3\"}"),
         "Invalid payload string"},
        {"payload NaN literal", with_claims(R"(,"exp":NaN)"), "Invalid payload string"},
        {"payload exp 1e400", with_claims(R"(,"exp":1e400)"), "Invalid payload string"},
        {"duplicate aud", with_payload(R"({"aud":"x","aud":"worker","ver":"1"})"), "Invalid token: duplicate key"},
        {"duplicate aud reversed", with_payload(R"({"aud":"worker","aud":"x","ver":"1"})"),
         "Invalid token: duplicate key"},
        {"duplicate via escape", with_payload(R"({"aud":"x","a\u0075d":"worker","ver":"1"})"),
         "Invalid token: duplicate key"},
        {"duplicate nested", with_claims(R"(,"x":[{"a":1,"a":2}])"), "Invalid token: duplicate key"},
        {"same key in sibling objects", with_claims(R"(,"x":{"aud":1},"y":[{"aud":2},{"aud":3}])"), ""},
        {"whitespace around JSON", with_payload(" {\"aud\" : \"worker\", \"ver\":\"1\"}\n"), ""},
        {"payload after a UTF-8 BOM", with_payload("\xEF\xBB\xBF{\"aud\":\"worker\",\"ver\":\"1\"}"),
         "Invalid payload string"},
    });
}

TEST(WorkerJwt, TimeClaims) {
    check_all({
        {"exp == now", with_claims(R"(,"exp":1800000000)"), "Signature has expired"},
        {"exp now+1", with_claims(R"(,"exp":1800000001)"), ""},
        {"exp now-1", with_claims(R"(,"exp":1799999999)"), "Signature has expired"},
        {"exp now+0.9 truncates to now", with_claims(R"(,"exp":1800000000.9)"), "Signature has expired"},
        {"exp now+1.5", with_claims(R"(,"exp":1800000001.5)"), ""},
        {"exp 1e300 clamps", with_claims(R"(,"exp":1e300)"), ""},
        {"exp -1e300 clamps", with_claims(R"(,"exp":-1e300)"), "Signature has expired"},
        {"exp uint64 max", with_claims(R"(,"exp":18446744073709551615)"), ""},
        {"exp int64 min", with_claims(R"(,"exp":-9223372036854775808)"), "Signature has expired"},
        {"exp bool", with_claims(R"(,"exp":true)"), "Expiration Time claim (exp) must be an integer"},
        {"exp string", with_claims(R"(,"exp":"4102444800")"), "Expiration Time claim (exp) must be an integer"},
        {"exp null", with_claims(R"(,"exp":null)"), "Expiration Time claim (exp) must be an integer"},
        {"nbf == now", with_claims(R"(,"nbf":1800000000)"), ""},
        {"nbf now+1", with_claims(R"(,"nbf":1800000001)"), "The token is not yet valid (nbf)"},
        {"nbf now+0.5 truncates", with_claims(R"(,"nbf":1800000000.5)"), ""},
        {"nbf array", with_claims(R"(,"nbf":[1])"), "Not Before claim (nbf) must be an integer"},
        {"nbf 1e300", with_claims(R"(,"nbf":1e300)"), "The token is not yet valid (nbf)"},
        {"iat == now", with_claims(R"(,"iat":1800000000)"), ""},
        {"iat now+1", with_claims(R"(,"iat":1800000001)"), "The token is not yet valid (iat)"},
        {"iat string", with_claims(R"(,"iat":"1")"), "Issued At claim (iat) must be an integer"},
        {"iat object", with_claims(R"(,"iat":{})"), "Issued At claim (iat) must be an integer"},
        {"iat negative float", with_claims(R"(,"iat":-0.5)"), ""},
        {"iat checked before exp", with_claims(R"(,"exp":1,"iat":1800000001)"), "The token is not yet valid (iat)"},
        {"nbf checked before exp", with_claims(R"(,"exp":1,"nbf":1800000001)"), "The token is not yet valid (nbf)"},
        {"time checked before aud", with_payload(R"({"exp":1})"), "Signature has expired"},
    });
}

TEST(WorkerJwt, AudienceSubjectJtiVersion) {
    check_all({
        {"aud worker + extra", with_payload(R"({"aud":["worker","engine"],"ver":"1"})"), ""},
        {"aud with non-string", with_payload(R"({"aud":["worker",5],"ver":"1"})"), "Invalid claim format in token"},
        {"aud empty array", with_payload(R"({"aud":[],"ver":"1"})"), "Token is missing the \"aud\" claim"},
        {"aud empty string", with_payload(R"({"aud":"","ver":"1"})"), "Token is missing the \"aud\" claim"},
        {"aud object", with_payload(R"({"aud":{},"ver":"1"})"), "Invalid claim format in token"},
        {"aud number", with_payload(R"({"aud":1,"ver":"1"})"), "Invalid claim format in token"},
        {"aud null", with_payload(R"({"aud":null,"ver":"1"})"), "Invalid claim format in token"},
        {"aud case", with_payload(R"({"aud":"Worker","ver":"1"})"), "Audience doesn't match"},
        {"aud array without worker", with_payload(R"({"aud":["engine"],"ver":"1"})"), "Audience doesn't match"},
        {"aud nested array", with_payload(R"({"aud":[["worker"]],"ver":"1"})"), "Invalid claim format in token"},
        {"sub number", with_claims(R"(,"sub":5)"), "Subject must be a string"},
        {"sub null", with_claims(R"(,"sub":null)"), "Subject must be a string"},
        {"sub string", with_claims(R"(,"sub":"user@example.com")"), ""},
        {"jti number", with_claims(R"(,"jti":5)"), "JWT ID must be a string"},
        {"jti string", with_claims(R"(,"jti":"abc")"), ""},
        {"sub before jti", with_claims(R"(,"jti":5,"sub":5)"), "Subject must be a string"},
        {"aud before ver", with_payload(R"({"aud":"x"})"), "Audience doesn't match"},
        {"ver missing", with_payload(R"({"aud":"worker"})"), "Unsupported token version: None"},
        {"ver numeric 1", with_payload(R"({"aud":"worker","ver":1})"), "Unsupported token version: 1"},
        {"ver 1.0 string", with_payload(R"({"aud":"worker","ver":"1.0"})"), R"(Unsupported token version: "1.0")"},
        {"ver 1.0 number", with_payload(R"({"aud":"worker","ver":1.0})"), "Unsupported token version: 1.0"},
        {"ver null", with_payload(R"({"aud":"worker","ver":null})"), "Unsupported token version: null"},
        {"ver true", with_payload(R"({"aud":"worker","ver":true})"), "Unsupported token version: true"},
        {"ver 2", with_payload(R"({"aud":"worker","ver":"2"})"), R"(Unsupported token version: "2")"},
        {"ver escaped", with_payload(R"({"aud":"worker","ver":"a\nb\u00e9"})"),
         R"(Unsupported token version: "a\nb\u00e9")"},
        {"ver long is truncated", with_payload(R"({"aud":"worker","ver":")" + std::string(100, 'x') + "\"}"),
         "Unsupported token version: \"" + std::string(63, 'x') + "..."},
        {"iss and other claims ignored", with_claims(R"(,"iss":5,"foo":{"bar":[1,2]})"), ""},
    });
}

// Hostile tokens not covered by the tables above (alg spellings and confusion, odd typ, the size
// cap at its exact boundary, characters outside base64url, spliced signatures, duplicate keys,
// embedded keys, ver/aud/crit shapes; the time boundaries are in TimeClaims). Each is signed with the real HMAC unless
// the case is about the signature.
TEST(WorkerJwt, HostileTokenTable) {
    const std::string h64 = base64url_encode(kHeader);
    const std::string p64 = base64url_encode(kMinimal);
    const std::string valid = std::string(kVector1);
    const std::string valid_sig = valid.substr(valid.rfind('.') + 1);
    // A validly signed token with other claims; its signature spliced onto other segments.
    const std::string other = with_claims(R"(,"sub":"someone-else","exp":1800000300)");
    const std::string other_sig = other.substr(other.rfind('.') + 1);
    const std::string other_p64 = other.substr(other.find('.') + 1, other.rfind('.') - other.find('.') - 1);

    // A validly signed token of exactly `size` bytes (filler claim), or "" when none has that size.
    const auto signed_of_size = [](std::size_t size) {
        // The payload segment takes about 4/3 of the filler; start a little below that.
        for (std::size_t fill = size * 3 / 4 - 128; fill < size; ++fill) {
            const std::string t = with_claims(R"(,"x":")" + std::string(fill, 'x') + "\"");
            if (t.size() == size) return t;
            if (t.size() > size) break;
        }
        return std::string();
    };
    const std::string at_cap = signed_of_size(max_worker_token_size);
    const std::string over_cap = signed_of_size(max_worker_token_size + 1);
    ASSERT_EQ(at_cap.size(), max_worker_token_size);
    ASSERT_EQ(over_cap.size(), max_worker_token_size + 1);

    // Replaces the character at `pos` of a segment with `c` (the result keeps its length).
    const auto poke = [](std::string seg, std::size_t pos, char c) { return seg.replace(pos, 1, 1, c); };

    check_all({
        // alg: "none" in every spelling, with and without a signature.
        {"alg None, real HMAC", with_header(R"({"alg":"None","typ":"JWT"})"), "The specified alg value is not allowed"},
        {"alg NONE, real HMAC", with_header(R"({"alg":"NONE","typ":"JWT"})"), "The specified alg value is not allowed"},
        {"alg nOnE, real HMAC", with_header(R"({"alg":"nOnE"})"), "The specified alg value is not allowed"},
        {"alg None, no signature", base64url_encode(R"({"alg":"None"})") + "." + p64 + ".", "Not enough segments"},
        {"alg NONE, no signature", base64url_encode(R"({"alg":"NONE"})") + "." + p64 + ".", "Not enough segments"},
        {"alg none, signature 'none'", base64url_encode(R"({"alg":"none"})") + "." + p64 + ".bm9uZQ",
         "The specified alg value is not allowed"},
        // Algorithm confusion: another alg named, the HMAC-SHA256 of the real secret attached.
        {"alg HS512 over an HS256 MAC", with_header(R"({"alg":"HS512","typ":"JWT"})"),
         "The specified alg value is not allowed"},
        {"alg ES256 over an HS256 MAC", with_header(R"({"alg":"ES256"})"), "The specified alg value is not allowed"},
        {"alg PS256 over an HS256 MAC", with_header(R"({"alg":"PS256"})"), "The specified alg value is not allowed"},
        {"alg with NUL suffix", with_header(R"({"alg":"HS256\u0000"})"), "The specified alg value is not allowed"},
        {"alg null", with_header(R"({"alg":null})"), "The specified alg value is not allowed"},
        {"alg object", with_header(R"({"alg":{"HS256":true}})"), "The specified alg value is not allowed"},
        {"alg missing, empty header object", with_header("{}"), "Algorithm not specified"},
        // Embedded keys are ignored: a token MACed with the key it carries does not verify.
        {"jwk header, attacker key",
         sign(R"({"alg":"HS256","jwk":{"kty":"oct","k":"YXR0YWNrZXI"}})", kMinimal, "attacker"),
         "Signature verification failed"},
        {"jku header, attacker key",
         sign(R"({"alg":"HS256","jku":"https://evil.example.com/k"})", kMinimal, "attacker"),
         "Signature verification failed"},
        {"jwk header, real secret", with_header(R"({"alg":"HS256","jwk":{"kty":"oct","k":"YXR0YWNrZXI"}})"), ""},
        // typ is not checked (spec §3: do not reject on it).
        {"typ JWE", with_header(R"({"alg":"HS256","typ":"JWE"})"), ""},
        {"typ number", with_header(R"({"alg":"HS256","typ":1})"), ""},
        {"typ null", with_header(R"({"alg":"HS256","typ":null})"), ""},
        {"typ object", with_header(R"({"alg":"HS256","typ":{"a":1}})"), ""},
        {"typ empty", with_header(R"({"alg":"HS256","typ":""})"), ""},
        // The size cap at its boundary, on validly signed tokens.
        {"validly signed, exactly the cap", at_cap, ""},
        {"validly signed, cap + 1", over_cap, "Token too large"},
        // Characters outside base64url, and '=' anywhere.
        {"header with '=' inside", sign_segments(poke(h64, 4, '='), p64), "Invalid header padding"},
        {"header with '!'", sign_segments(poke(h64, 0, '!'), p64), "Invalid header padding"},
        {"header with '*'", sign_segments(poke(h64, 1, '*'), p64), "Invalid header padding"},
        {"header with a space", sign_segments(poke(h64, 2, ' '), p64), "Invalid header padding"},
        {"header with '%'", sign_segments(poke(h64, 3, '%'), p64), "Invalid header padding"},
        {"header with a non-ASCII byte", sign_segments(poke(h64, 5, '\xc3'), p64), "Invalid header padding"},
        {"header with a NUL byte", sign_segments(poke(h64, 6, '\0'), p64), "Invalid header padding"},
        {"header with a newline", sign_segments(h64 + "\n", p64), "Invalid header padding"},
        {"header of length 1 mod 4", sign_segments(h64 + "A", p64), "Invalid header padding"},
        {"header double padded", sign_segments(base64url_encode(R"({"alg":"HS256"})") + "==", p64),
         "Invalid header padding"},
        {"payload with '=' inside, validly signed", sign_segments(h64, poke(p64, 4, '=')), "Invalid payload string"},
        {"payload with '!', validly signed", sign_segments(h64, poke(p64, 0, '!')), "Invalid payload string"},
        {"payload with a space, validly signed", sign_segments(h64, poke(p64, 2, ' ')), "Invalid payload string"},
        {"payload with '/', validly signed", sign_segments(h64, poke(p64, 1, '/')), "Invalid payload string"},
        {"payload with trailing '==', validly signed",
         sign_segments(h64, base64url_encode(R"({"aud":"worker","ver":"1","z":1})") + "=="), "Invalid payload string"},
        {"signature with '!'", h64 + "." + p64 + "." + poke(valid_sig, 0, '!'), "Signature verification failed"},
        {"signature with '='", h64 + "." + p64 + "." + poke(valid_sig, 10, '='), "Signature verification failed"},
        {"signature with a space", h64 + "." + p64 + "." + poke(valid_sig, 5, ' '), "Signature verification failed"},
        {"signature with a trailing newline", valid + "\n", "Signature verification failed"},
        {"signature with a leading space", h64 + "." + p64 + ". " + valid_sig, "Signature verification failed"},
        // Segment count.
        {"four segments", valid + ".e30", "Invalid token: too many segments"},
        {"five segments (JWE shape)", h64 + "." + p64 + ".AAAA.AAAA." + valid_sig, "Invalid token: too many segments"},
        {"signature segment empty, then more", h64 + "." + p64 + ".." + valid_sig, "Invalid token: too many segments"},
        // Spliced signatures: a valid signature is bound to its own header and payload.
        {"other token's signature on the minimal claims", h64 + "." + p64 + "." + other_sig,
         "Signature verification failed"},
        {"minimal token's signature on other claims", h64 + "." + other_p64 + "." + valid_sig,
         "Signature verification failed"},
        {"signature of the payload alone", h64 + "." + p64 + "." + base64url_encode(raw_mac(kSecret, p64)),
         "Signature verification failed"},
        {"signature over the decoded JSON",
         h64 + "." + p64 + "." + base64url_encode(raw_mac(kSecret, std::string(kHeader) + "." + std::string(kMinimal))),
         "Signature verification failed"},
        {"signature over header.payload with a trailing dot",
         h64 + "." + p64 + "." + base64url_encode(raw_mac(kSecret, h64 + "." + p64 + ".")),
         "Signature verification failed"},
        {"segments swapped", p64 + "." + h64 + "." + valid_sig, "Algorithm not specified"},
        {"signed with another secret, otherwise valid", sign(kHeader, claims(R"(,"exp":1800000300)"), "another-secret"),
         "Signature verification failed"},
        {"signed with the secret's prefix", sign(kHeader, kMinimal, kSecret.substr(0, kSecret.size() - 1)),
         "Signature verification failed"},
        // Duplicate keys anywhere, including ones an attacker would use to disagree with a proxy.
        {"duplicate typ", with_header(R"({"alg":"HS256","typ":"JWT","typ":"JWT"})"), "Invalid token: duplicate key"},
        {"duplicate crit", with_header(R"({"alg":"HS256","crit":["x"],"crit":[]})"), "Invalid token: duplicate key"},
        {"duplicate alg via escape", with_header(R"({"alg":"none","\u0061lg":"HS256"})"),
         "Invalid token: duplicate key"},
        {"duplicate ver", with_payload(R"({"aud":"worker","ver":"2","ver":"1"})"), "Invalid token: duplicate key"},
        {"duplicate exp", with_payload(R"({"aud":"worker","ver":"1","exp":1,"exp":4102444800})"),
         "Invalid token: duplicate key"},
        {"duplicate sub", with_payload(R"({"aud":"worker","ver":"1","sub":"a","sub":"b"})"),
         "Invalid token: duplicate key"},
        // ver: only the string "1".
        {"ver array [\"1\"]", with_payload(R"({"aud":"worker","ver":["1"]})"), R"(Unsupported token version: ["1"])"},
        {"ver object", with_payload(R"({"aud":"worker","ver":{"v":"1"}})"), R"(Unsupported token version: {"v":"1"})"},
        {"ver \" 1\"", with_payload(R"({"aud":"worker","ver":" 1"})"), R"(Unsupported token version: " 1")"},
        {"ver empty string", with_payload(R"({"aud":"worker","ver":""})"), R"(Unsupported token version: "")"},
        // aud: "worker", or an array of strings containing it (spec §3).
        {"aud [\"worker\"]", with_payload(R"({"aud":["worker"],"ver":"1"})"), ""},
        {"aud worker twice", with_payload(R"({"aud":["worker","worker"],"ver":"1"})"), ""},
        {"aud array, worker last", with_payload(R"({"aud":["a","b","worker"],"ver":"1"})"), ""},
        {"aud array without worker", with_payload(R"({"aud":["engine","actor"],"ver":"1"})"), "Audience doesn't match"},
        {"aud array with \"Worker\"", with_payload(R"({"aud":["Worker"],"ver":"1"})"), "Audience doesn't match"},
        {"aud array with \"worker \"", with_payload(R"({"aud":["worker "],"ver":"1"})"), "Audience doesn't match"},
        {"aud array of an empty string", with_payload(R"({"aud":[""],"ver":"1"})"), "Audience doesn't match"},
        {"aud \"worker\\u0000\"", with_payload(R"({"aud":"worker\u0000","ver":"1"})"), "Audience doesn't match"},
        {"aud true", with_payload(R"({"aud":true,"ver":"1"})"), "Invalid claim format in token"},
        // crit in any form.
        {"crit with a registered name", with_header(R"({"alg":"HS256","crit":["exp"]})"),
         "Unsupported critical extension: exp"},
        {"crit naming alg", with_header(R"({"alg":"HS256","crit":["alg"]})"), "Unsupported critical extension: alg"},
        {"crit number", with_header(R"({"alg":"HS256","crit":1})"), "Unsupported critical extension: crit"},
        {"crit array of a number", with_header(R"({"alg":"HS256","crit":[1]})"),
         "Unsupported critical extension: crit"},
        {"crit long name truncated", with_header(R"({"alg":"HS256","crit":[")" + std::string(100, 'c') + "\"]}"),
         "Unsupported critical extension: " + std::string(64, 'c') + "..."},
    });
}

}  // namespace
}  // namespace arcade_mcp::detail
