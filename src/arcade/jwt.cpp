// Worker-token (HS256 JWT) verification and minting; see jwt.hpp, spec/arcade-worker-protocol.md §3
// and design/cpp-stack.md §5. Checks run in PyJWT's order so the failure texts match Python's.
#include "arcade/jwt.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include "arcade_mcp/json.hpp"
#include "util/base64url.hpp"
#include "util/hmac.hpp"
#include "util/strict_json.hpp"

namespace arcade_mcp::detail {
namespace {

using namespace std::string_view_literals;

constexpr std::string_view duplicate_key = "Invalid token: duplicate key";
constexpr std::size_t max_echo = 64;  // longest claim value echoed into a reason


/// Makes an attacker-chosen value safe to echo into a reason (and so into a log line):
/// printable ASCII only, at most max_echo characters.
std::string printable(std::string_view s) {
    std::string out;
    for (const char c : s.substr(0, max_echo)) out += (c >= 0x20 && c <= 0x7E) ? c : '?';
    if (s.size() > max_echo) out += "...";
    return out;
}

token_check fail(std::string_view reason) { return {false, std::string(reason)}; }

struct time_rule {
    std::string_view key;
    std::string_view type_error;
    std::string_view rejected;
};
constexpr std::array<time_rule, 3> time_rules{{
    {"iat", "Issued At claim (iat) must be an integer", "The token is not yet valid (iat)"},
    {"nbf", "Not Before claim (nbf) must be an integer", "The token is not yet valid (nbf)"},
    {"exp", "Expiration Time claim (exp) must be an integer", "Signature has expired"},
}};

}  // namespace

token_check verify_worker_token(std::string_view token, std::string_view secret, std::int64_t now_seconds) {
    // Segments.
    if (token.size() > max_worker_token_size) return fail("Token too large");
    const auto dot1 = token.find('.');
    const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos) return fail("Not enough segments");
    if (token.find('.', dot2 + 1) != std::string_view::npos) return fail("Invalid token: too many segments");
    const auto header64 = token.substr(0, dot1);
    const auto payload64 = token.substr(dot1 + 1, dot2 - dot1 - 1);
    const auto signature64 = token.substr(dot2 + 1);
    if (header64.empty() || payload64.empty() || signature64.empty()) return fail("Not enough segments");

    // Header.
    const auto header_text = base64url_decode(header64);
    if (!header_text) return fail("Invalid header padding");
    const auto [header_status, header] = parse_strict_object(*header_text);
    if (header_status == strict_parse_status::duplicate) return fail(duplicate_key);
    if (header_status != strict_parse_status::ok) return fail("Invalid header string");
    if (const auto kid = header.find("kid"); kid != header.end() && !kid->is_string())
        return fail("Key ID header parameter must be a string");
    if (const auto crit = header.find("crit"); crit != header.end()) {
        const bool named = crit->is_array() && !crit->empty() && crit->front().is_string();
        return fail("Unsupported critical extension: " +
                    (named ? printable(crit->front().get_ref<const std::string&>()) : std::string("crit")));
    }
    const auto alg = header.find("alg");
    if (alg == header.end()) return fail("Algorithm not specified");
    if (!alg->is_string() || alg->get_ref<const std::string&>() != "HS256")
        return fail("The specified alg value is not allowed");

    // Signature over the ASCII "<header64>.<payload64>".
    const auto signature = base64url_decode(signature64);
    const auto expected = hmac_sha256(secret, token.substr(0, dot2));
    if (!signature || !expected || signature->size() != expected->size() ||
        CRYPTO_memcmp(signature->data(), expected->data(), expected->size()) != 0)
        return fail("Signature verification failed");

    // Payload.
    const auto payload_text = base64url_decode(payload64);
    if (!payload_text) return fail("Invalid payload string");
    const auto [payload_status, payload] = parse_strict_object(*payload_text);
    if (payload_status == strict_parse_status::duplicate) return fail(duplicate_key);
    if (payload_status != strict_parse_status::ok) return fail("Invalid payload string");

    // iat, nbf, exp: zero leeway.
    for (const auto& rule : time_rules) {
        const auto it = payload.find(rule.key);
        if (it == payload.end()) continue;
        const auto value = json_whole_seconds(*it);
        if (!value) return fail(rule.type_error);
        if (rule.key == "exp"sv ? *value <= now_seconds : *value > now_seconds) return fail(rule.rejected);
    }

    // aud: "worker" or an array of strings containing it.
    const auto aud = payload.find("aud");
    if (aud == payload.end() || (aud->is_string() && aud->get_ref<const std::string&>().empty()) ||
        (aud->is_array() && aud->empty()))
        return fail("Token is missing the \"aud\" claim");
    if (aud->is_string()) {
        if (aud->get_ref<const std::string&>() != "worker") return fail("Audience doesn't match");
    } else if (aud->is_array()) {
        bool found = false;
        for (const auto& entry : *aud) {
            if (!entry.is_string()) return fail("Invalid claim format in token");
            found = found || entry.get_ref<const std::string&>() == "worker";
        }
        if (!found) return fail("Audience doesn't match");
    } else {
        return fail("Invalid claim format in token");
    }

    if (const auto sub = payload.find("sub"); sub != payload.end() && !sub->is_string())
        return fail("Subject must be a string");
    if (const auto jti = payload.find("jti"); jti != payload.end() && !jti->is_string())
        return fail("JWT ID must be a string");

    const auto ver = payload.find("ver");
    if (ver == payload.end()) return fail("Unsupported token version: None");
    if (!ver->is_string() || ver->get_ref<const std::string&>() != "1")
        return fail("Unsupported token version: " + printable(ver->dump(-1, ' ', /*ensure_ascii=*/true)));
    return {true, {}};
}

std::optional<std::string_view> bearer_token(std::string_view authorization_header) {
    constexpr std::string_view scheme = "bearer";
    const auto h = authorization_header;
    if (h.size() <= scheme.size() || h[scheme.size()] != ' ') return std::nullopt;
    for (std::size_t i = 0; i < scheme.size(); ++i) {
        const char c = (h[i] >= 'A' && h[i] <= 'Z') ? static_cast<char>(h[i] - 'A' + 'a') : h[i];
        if (c != scheme[i]) return std::nullopt;
    }
    auto rest = h.substr(scheme.size());
    rest.remove_prefix(std::min(rest.find_first_not_of(' '), rest.size()));
    while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
    if (rest.empty()) return std::nullopt;
    return rest;
}

std::string mint_worker_token(std::string_view secret, std::int64_t now_seconds,
                              std::optional<std::int64_t> ttl_seconds) {
    if (secret.empty()) throw std::invalid_argument("mint_worker_token: empty secret");
    nlohmann::ordered_json payload = {{"aud", "worker"}, {"ver", "1"}, {"iat", now_seconds}};
    if (ttl_seconds) {
        std::int64_t exp = 0;
        if (__builtin_add_overflow(now_seconds, *ttl_seconds, &exp))
            exp =
                *ttl_seconds > 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
        payload["exp"] = exp;
    }
    std::string token = base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + '.' + base64url_encode(payload.dump());
    const auto signature = hmac_sha256(secret, token);
    if (!signature) throw std::runtime_error("mint_worker_token: HMAC-SHA256 failed");
    token += '.';
    token += base64url_encode(std::string_view(reinterpret_cast<const char*>(signature->data()), signature->size()));
    return token;
}

}  // namespace arcade_mcp::detail
