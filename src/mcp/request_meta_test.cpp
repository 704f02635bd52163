// Tests for the per-request `_meta` of MCP 2026-07-28 (request_meta.hpp): read_request_meta's
// required and optional keys and their -32602 errors, check_served_revision's -32022 with
// data {supported, requested}, parse_mcp_level, and carries_request_meta (the era test).
#include "mcp/request_meta.hpp"

#include <gtest/gtest.h>

namespace arcade_mcp::detail {
namespace {

json meta(json extra = json::object()) {
    json m{{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
           {"io.modelcontextprotocol/clientCapabilities", json::object()}};
    for (auto& [k, v] : extra.items()) m[k] = v;
    return m;
}

json params_with(json m) { return json{{"name", "x"}, {"_meta", std::move(m)}}; }

/// The -32602 message read_request_meta gives `params`, or "" when it accepts them.
std::string refusal(const json& params) {
    auto r = read_request_meta(params);
    if (auto* e = std::get_if<jsonrpc::error>(&r)) {
        EXPECT_EQ(e->code, jsonrpc::error_code::invalid_params);
        EXPECT_FALSE(e->data.has_value());
        return e->message;
    }
    return {};
}

TEST(RequestMeta, ReadsEveryKey) {
    const json caps{{"elicitation", json::object()}, {"sampling", {{"tools", json::object()}}}};
    const json info{{"name", "client"}, {"version", "2.0.0"}};
    auto r = read_request_meta(params_with(meta(json{{"io.modelcontextprotocol/clientCapabilities", caps},
                                                     {"io.modelcontextprotocol/clientInfo", info},
                                                     {"io.modelcontextprotocol/logLevel", "warning"},
                                                     {"progressToken", 5}})));
    ASSERT_TRUE(std::holds_alternative<request_meta>(r)) << std::get<jsonrpc::error>(r).message;
    const auto& m = std::get<request_meta>(r);
    EXPECT_EQ(m.revision, "2026-07-28");
    EXPECT_EQ(m.client_capabilities, caps);
    EXPECT_EQ(m.client_info, info);
    EXPECT_EQ(m.log_level, mcp_log_level::warning);
}

TEST(RequestMeta, ClientInfoAndLogLevelAreOptional) {
    auto r = read_request_meta(params_with(meta()));
    ASSERT_TRUE(std::holds_alternative<request_meta>(r));
    const auto& m = std::get<request_meta>(r);
    EXPECT_EQ(m.client_capabilities, json::object());
    EXPECT_EQ(m.client_info, json::object());
    EXPECT_FALSE(m.log_level.has_value()) << "no log level: no notifications/message";
}

TEST(RequestMeta, RevisionIsReadNotChecked) {
    // read_request_meta leaves the revision to check_served_revision (HTTP reports a header
    // mismatch first).
    auto r = read_request_meta(params_with(meta(json{{"io.modelcontextprotocol/protocolVersion", "1999-01-01"}})));
    ASSERT_TRUE(std::holds_alternative<request_meta>(r));
    EXPECT_EQ(std::get<request_meta>(r).revision, "1999-01-01");
}

TEST(RequestMeta, MissingOrMistypedRequiredKeysAreInvalidParams) {
    EXPECT_NE(refusal(json{{"name", "x"}}).find("_meta is required"), std::string::npos);
    EXPECT_NE(refusal(json::object()).find("_meta is required"), std::string::npos);
    EXPECT_NE(refusal(json{{"_meta", "text"}}).find("_meta is required"), std::string::npos);
    EXPECT_NE(refusal(json::array()).find("_meta is required"), std::string::npos) << "params not an object";
    EXPECT_NE(refusal(json(nullptr)).find("_meta is required"), std::string::npos);

    json no_version = meta();
    no_version.erase("io.modelcontextprotocol/protocolVersion");
    EXPECT_NE(refusal(params_with(no_version)).find("protocolVersion"), std::string::npos);
    EXPECT_NE(
        refusal(params_with(meta(json{{"io.modelcontextprotocol/protocolVersion", 20260728}}))).find("protocolVersion"),
        std::string::npos);

    json no_caps = meta();
    no_caps.erase("io.modelcontextprotocol/clientCapabilities");
    EXPECT_NE(refusal(params_with(no_caps)).find("clientCapabilities"), std::string::npos);
    EXPECT_NE(refusal(params_with(meta(json{{"io.modelcontextprotocol/clientCapabilities", nullptr}})))
                  .find("clientCapabilities"),
              std::string::npos);
    EXPECT_NE(refusal(params_with(meta(json{{"io.modelcontextprotocol/clientCapabilities", json::array()}})))
                  .find("clientCapabilities"),
              std::string::npos);

    EXPECT_NE(refusal(params_with(meta(json{{"io.modelcontextprotocol/clientInfo", "client 1.0"}}))).find("clientInfo"),
              std::string::npos);
}

TEST(RequestMeta, BadLogLevelIsInvalidParams) {
    for (const json& level : {json("verbose"), json("INFO"), json(3), json(nullptr)})
        EXPECT_NE(refusal(params_with(meta(json{{"io.modelcontextprotocol/logLevel", level}}))).find("logLevel"),
                  std::string::npos)
            << level.dump();
}

TEST(RequestMeta, ParsesEveryLogLevel) {
    const std::pair<const char*, mcp_log_level> levels[] = {
        {"debug", mcp_log_level::debug},     {"info", mcp_log_level::info},   {"notice", mcp_log_level::notice},
        {"warning", mcp_log_level::warning}, {"error", mcp_log_level::error}, {"critical", mcp_log_level::critical},
        {"alert", mcp_log_level::alert},     {"emergency", mcp_log_level::emergency}};
    for (const auto& [name, level] : levels) EXPECT_EQ(parse_mcp_level(json(name)), level) << name;
    EXPECT_EQ(parse_mcp_level(json("warn")), std::nullopt);
    EXPECT_EQ(parse_mcp_level(json(1)), std::nullopt);
}

TEST(RequestMeta, ServedRevisionIsOnlyTheModernOne) {
    EXPECT_FALSE(check_served_revision("2026-07-28"));
    for (const char* other : {"2025-11-25", "2025-03-26", "2099-01-01", ""}) {
        const auto err = check_served_revision(other);
        ASSERT_TRUE(err) << other;
        EXPECT_EQ(err->code, -32022);
        EXPECT_EQ(err->code, modern_error::unsupported_protocol_version);
        EXPECT_NE(err->message.find(std::string("Unsupported protocol version: ") + other), std::string::npos)
            << err->message;
        ASSERT_TRUE(err->data);
        EXPECT_EQ(*err->data, (json{{"supported", {"2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"}},
                                    {"requested", other}}));
    }
}

TEST(RequestMeta, CarriesRequestMetaOnlyWithAProtocolVersion) {
    const json m = meta();
    EXPECT_TRUE(carries_request_meta(
        json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "tools/list"}, {"params", {{"_meta", m}}}}));
    EXPECT_TRUE(carries_request_meta(
        json{{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"_meta", m}}}}));
    // The version alone decides (the rest is checked later, as -32602).
    EXPECT_TRUE(carries_request_meta(
        json{{"method", "x"}, {"params", {{"_meta", {{"io.modelcontextprotocol/protocolVersion", 1}}}}}}));

    EXPECT_FALSE(carries_request_meta(json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "tools/list"}}));
    EXPECT_FALSE(carries_request_meta(json{{"method", "tools/list"}, {"params", json::object()}}));
    EXPECT_FALSE(carries_request_meta(json{{"method", "tools/call"}, {"params", {{"_meta", {{"progressToken", 1}}}}}}));
    EXPECT_FALSE(carries_request_meta(json{{"method", "tools/call"}, {"params", {{"_meta", "2026-07-28"}}}}));
    EXPECT_FALSE(carries_request_meta(json{{"method", "tools/call"}, {"params", json::array({m})}}));
    EXPECT_FALSE(carries_request_meta(json::array({json{{"method", "x"}, {"params", {{"_meta", m}}}}})));
    EXPECT_FALSE(carries_request_meta(json("text")));
}

}  // namespace
}  // namespace arcade_mcp::detail
