// arcade_api_client (see arcade_api.hpp) on util/http_client.
#include "arcade/arcade_api.hpp"

#include <algorithm>
#include <stdexcept>

#include "auth/jwks_source.hpp"
#include "log/logger.hpp"
#include "util/http_client.hpp"

namespace arcade_mcp::detail {
namespace {

constexpr std::size_t max_answer_bytes = 256 * 1024;
constexpr std::size_t max_error_detail_chars = 300;

std::string string_member(const json& object, const char* name) {
    const auto it = object.find(name);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// What an error answer says: its `message` (or `error`) member, else the start of its body.
std::string error_detail(const std::string& body) {
    const json parsed = json::parse(body, nullptr, false);
    if (parsed.is_object()) {
        for (const char* key : {"message", "error", "detail"})
            if (auto text = string_member(parsed, key); !text.empty()) return text.substr(0, max_error_detail_chars);
    }
    return body.substr(0, max_error_detail_chars);
}

authorization_answer read_answer(const http_response& response) {
    authorization_answer answer;
    if (!response.transported) {
        // The tool result keeps arcadepy's words; the operator gets libcurl's reason (no headers
        // in it, so never the key).
        log(log_level::warning, "Arcade API request failed", {{"reason", response.error}});
        answer.error = response.timed_out ? "Request timed out." : "Connection error.";
        return answer;
    }
    if (response.status < 200 || response.status > 299) {
        answer.error = "Error code: " + std::to_string(response.status) + " - " + error_detail(response.body);
        return answer;
    }
    const json parsed = json::parse(response.body, nullptr, false);
    if (!parsed.is_object()) {
        answer.error = "The Arcade API answered with something that is not a JSON object.";
        return answer;
    }
    user_authorization a;
    a.id = string_member(parsed, "id");
    a.status = string_member(parsed, "status");
    a.url = string_member(parsed, "url");
    if (const auto context = parsed.find("context"); context != parsed.end() && context->is_object()) {
        a.token = string_member(*context, "token");
        if (const auto info = context->find("user_info"); info != context->end() && info->is_object())
            a.user_info = *info;
    }
    if (a.status.empty()) {
        answer.error = "The Arcade API answered without an authorization status.";
        return answer;
    }
    answer.authorization = std::move(a);
    return answer;
}

std::string url_encoded(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || c == '-' || c == '_' ||
            c == '.' || c == '~') {
            out += c;
        } else {
            out += '%';
            out += hex[u >> 4];
            out += hex[u & 0xF];
        }
    }
    return out;
}

}  // namespace

json authorize_request_body(const oauth2_requirement& requirement, const std::string& user_id) {
    json auth_requirement = json::object();
    auth_requirement["provider_type"] = "oauth2";
    auth_requirement["oauth2"] = json{{"scopes", requirement.scopes}};
    if (requirement.provider_id && !requirement.provider_id->empty())
        auth_requirement["provider_id"] = *requirement.provider_id;
    if (requirement.id && !requirement.id->empty()) auth_requirement["id"] = *requirement.id;
    return json{{"auth_requirement", std::move(auth_requirement)}, {"user_id", user_id}};
}

arcade_api_client::arcade_api_client(arcade_api_settings settings) : settings_(std::move(settings)) {
    if (settings_.api_key.empty()) throw std::invalid_argument("the Arcade API key is empty");
    while (settings_.base_url.ends_with('/')) settings_.base_url.pop_back();
    if (!auth::fetchable_url(settings_.base_url))
        throw std::invalid_argument("the Arcade API URL must be https (or http to a loopback address): " +
                                    settings_.base_url);
}

authorization_answer arcade_api_client::authorize(const oauth2_requirement& requirement,
                                                  const std::string& user_id) const {
    http_request request;
    request.method = "POST";
    request.url = settings_.base_url + "/v1/auth/authorize";
    request.headers = {{"Authorization", settings_.api_key}, {"Content-Type", "application/json"}};
    request.body = authorize_request_body(requirement, user_id).dump();
    request.timeout = settings_.timeout;
    request.max_response_bytes = max_answer_bytes;
    return read_answer(send_http_request(request));
}

authorization_answer arcade_api_client::wait_for(const std::string& authorization_id, std::chrono::seconds wait) const {
    const auto seconds = std::clamp<std::chrono::seconds::rep>(wait.count(), 0, 59);
    http_request request;
    request.url =
        settings_.base_url + "/v1/auth/status?id=" + url_encoded(authorization_id) + "&wait=" + std::to_string(seconds);
    request.headers = {{"Authorization", settings_.api_key}};
    request.timeout = settings_.timeout + std::chrono::seconds(seconds);
    request.max_response_bytes = max_answer_bytes;
    return read_answer(send_http_request(request));
}

}  // namespace arcade_mcp::detail
