// Sealing and opening MCP 2026-07-28 request state (see request_state.hpp).
#include "mcp/request_state.hpp"

#include "util/base64url.hpp"
#include "util/hmac.hpp"

namespace arcade_mcp::detail {
namespace {

constexpr std::string_view prefix = "v1.";

std::string mac_text(const hmac_sha256_mac& mac) {
    return base64url_encode(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
}

}  // namespace

request_state_codec::request_state_codec(std::string key, std::chrono::seconds max_age, std::size_t max_bytes)
    : key_(std::move(key)), max_age_(max_age), max_bytes_(max_bytes) {}

std::string request_state_codec::digest(std::string_view method, const json& salient) const {
    const auto mac = hmac_sha256(key_, "digest\n" + std::string(method) + "\n" + salient.dump());
    return mac ? mac_text(*mac) : std::string();
}

std::optional<std::string> request_state_codec::seal(const request_state_body& body, std::int64_t now_seconds) const {
    json j{{"m", body.method},
           {"d", body.digest},
           {"p", body.principal},
           {"a", body.answers},
           {"exp", now_seconds + max_age_.count()}};
    if (!body.app.is_null()) j["s"] = body.app;
    std::string text = std::string(prefix) + base64url_encode(j.dump());
    const auto mac = hmac_sha256(key_, text);
    if (!mac) return std::nullopt;
    text += '.';
    text += mac_text(*mac);
    if (text.size() > max_bytes_) return std::nullopt;
    return text;
}

std::optional<request_state_body> request_state_codec::open(std::string_view sealed, std::int64_t now_seconds,
                                                            std::string& why) const {
    why = "Invalid params: requestState is invalid or was altered";
    if (sealed.size() > max_bytes_ || sealed.substr(0, prefix.size()) != prefix) return std::nullopt;
    const auto dot = sealed.rfind('.');
    if (dot < prefix.size()) return std::nullopt;
    const auto signed_part = sealed.substr(0, dot);
    const auto expected = hmac_sha256(key_, signed_part);
    if (!expected || !constant_time_equal(mac_text(*expected), sealed.substr(dot + 1))) return std::nullopt;
    const auto decoded = base64url_decode(signed_part.substr(prefix.size()));
    if (!decoded) return std::nullopt;
    const json j = json::parse(*decoded, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    const auto exp = j.find("exp");
    if (exp == j.end() || !exp->is_number_integer()) return std::nullopt;
    if (exp->get<std::int64_t>() < now_seconds) {
        why = "Invalid params: requestState has expired; send the request again without it";
        return std::nullopt;
    }
    request_state_body body;
    const auto text_of = [&](const char* k) {
        auto it = j.find(k);
        return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    body.method = text_of("m");
    body.digest = text_of("d");
    body.principal = text_of("p");
    if (auto a = j.find("a"); a != j.end() && a->is_object()) body.answers = *a;
    if (auto s = j.find("s"); s != j.end()) body.app = *s;
    return body;
}

}  // namespace arcade_mcp::detail
