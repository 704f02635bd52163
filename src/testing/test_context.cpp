// test_context (arcade_mcp/testing.hpp): a tool_context for calling one handler directly.
#include <algorithm>
#include <cctype>

#include "arcade_mcp/testing.hpp"

namespace arcade_mcp::testing {
namespace {

std::string upper(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

std::optional<std::string> lookup(const std::map<std::string, std::string>& values, std::string_view key) {
    const auto it = values.find(upper(key));
    if (it == values.end()) return std::nullopt;
    return it->second;
}

}  // namespace

test_context& test_context::with_user(std::string id) {
    user_ = std::move(id);
    return *this;
}

test_context& test_context::with_secret(std::string key, std::string value) {
    secrets_[upper(key)] = std::move(value);
    return *this;
}

test_context& test_context::with_metadata(std::string key, std::string value) {
    metadata_[upper(key)] = std::move(value);
    return *this;
}

test_context& test_context::with_authorization_token(std::string token) {
    token_ = std::move(token);
    return *this;
}

test_context& test_context::with_protocol_version(std::string revision) {
    revision_ = std::move(revision);
    return *this;
}

test_context& test_context::on_elicitation(reply_script answer) {
    scripts_["elicitation/create"] = std::move(answer);
    return *this;
}

test_context& test_context::on_sampling(reply_script answer) {
    scripts_["sampling/createMessage"] = std::move(answer);
    return *this;
}

std::optional<std::string> test_context::secret(std::string_view key) const { return lookup(secrets_, key); }

std::optional<std::string> test_context::metadata(std::string_view key) const { return lookup(metadata_, key); }

void test_context::log(mcp_log_level level, json data, std::optional<std::string> logger) {
    static constexpr const char* names[] = {"debug", "info",     "notice", "warning",
                                            "error", "critical", "alert",  "emergency"};
    json entry{{"level", names[static_cast<int>(level)]}, {"data", std::move(data)}};
    if (logger) entry["logger"] = *logger;
    logs_.push_back(std::move(entry));
}

void test_context::report_progress(double progress, std::optional<double> total, std::optional<std::string> message) {
    json entry{{"progress", progress}};
    if (total) entry["total"] = *total;
    if (message) entry["message"] = *message;
    progress_.push_back(std::move(entry));
}

json test_context::request_client(const std::string& method, json params, std::chrono::milliseconds /*timeout*/) {
    const auto it = scripts_.find(method);
    if (it == scripts_.end())
        throw client_request_error(-32601, "The test context has no scripted answer to " + method);
    if (stop_.stop_requested()) throw client_request_error(-32800, "Request cancelled");
    return it->second(params);
}

bool test_context::client_supports(std::string_view capability) const {
    if (capability == "elicitation") return scripts_.contains("elicitation/create");
    if (capability == "sampling") return scripts_.contains("sampling/createMessage");
    return false;
}

}  // namespace arcade_mcp::testing
