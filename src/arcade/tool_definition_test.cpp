// The reference toolkit's ToolDefinitions against golden JSON (tests/golden), and the Arcade
// shape of requirements, metadata and deprecation declared through tool_spec.
#include "arcade/tool_definition.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "eval_ref_tools.hpp"

namespace arcade_mcp::detail {
namespace {

TEST(ToolDefinition, ReferenceToolkitMatchesGolden) {
    server srv(eval_ref::reference_server_info());
    eval_ref::add_reference_tools(srv);
    tool_catalog catalog(srv);
    json actual = json::array();
    for (const auto* e : catalog.in_registration_order()) actual.push_back(to_tool_definition(*e, srv.info()));
    std::ifstream in(ARCADE_MCP_GOLDEN_DIR "/eval_ref_tool_definitions.json");
    ASSERT_TRUE(in) << "golden file missing";
    const json expected = json::parse(in);
    EXPECT_EQ(actual, expected) << actual.dump(2);
}

TEST(ToolDefinition, RequirementsMetadataAndDeprecation) {
    server_info info;
    info.toolkit = "Mail";
    info.version = "2.1";
    server srv(info);
    srv.add_tool<no_arguments>("send_mail", "Send an e-mail.", [](const no_arguments&) { return true; })
        .requires_secret("SMTP_PASSWORD")
        .requires_secret("smtp_password")
        .requires_metadata("Client_ID")
        .requires_oauth2("google", {"gmail.send"})
        .with_service_domains({service_domain::email})
        .with_behavior({.operations = {operation::create},
                        .read_only = false,
                        .destructive = std::nullopt,
                        .idempotent = false,
                        .open_world = true})
        .deprecated("Use SendMessage");
    tool_catalog catalog(srv);
    const json d = to_tool_definition(catalog.entries().at(0), srv.info());
    EXPECT_EQ(d["name"], "SendMail");
    EXPECT_EQ(d["fully_qualified_name"], "Mail.SendMail");
    EXPECT_EQ(d["toolkit"]["version"], "2.1.0");
    EXPECT_EQ(d["requirements"],
              json::parse(R"({"authorization":{"provider_id":"google","provider_type":"oauth2","id":null,
        "oauth2":{"scopes":["gmail.send"]}},"secrets":[{"key":"SMTP_PASSWORD"}],"metadata":[{"key":"client_id"}]})"));
    EXPECT_EQ(d["metadata"],
              json::parse(R"({"classification":{"service_domains":["email"]},"behavior":{"operations":["create"],
        "read_only":false,"destructive":null,"idempotent":false,"open_world":true},"extras":null})"));
    EXPECT_EQ(d["deprecation_message"], "Use SendMessage");
    EXPECT_EQ(d["description"], "Send an e-mail.");  // the [DEPRECATED] prefix is MCP-only

    const json mcp = catalog.to_mcp_tool(catalog.entries().at(0), "2025-11-25");
    EXPECT_EQ(mcp["description"], "[DEPRECATED: Use SendMessage] Send an e-mail.");
    EXPECT_EQ(mcp["annotations"],
              json::parse(R"({"title":"SendMail","readOnlyHint":false,"idempotentHint":false,"openWorldHint":true})"));
    EXPECT_EQ(mcp["_meta"]["arcade"]["requirements"]["secrets"], json::parse(R"([{"key":"SMTP_PASSWORD"}])"));
    EXPECT_FALSE(mcp["_meta"]["arcade"]["metadata"]["behavior"].contains("destructive"));
}

// arcade-mcp-server 1.24.2 forwards a custom provider's `id`: Python's OAuth2(id=..., scopes=...)
// gives no provider_id, GitHub(id=...) both; the worker sees every field, MCP _meta drops nulls.
TEST(ToolDefinition, CustomOAuth2ProvidersKeepTheirId) {
    server_info info;
    info.toolkit = "Auth";
    server srv(info);
    const auto ok = [](const no_arguments&) { return true; };
    srv.add_tool<no_arguments>("custom", "Custom provider.", ok).requires_custom_oauth2("acme-sso", {"read"});
    srv.add_tool<no_arguments>("both", "A given configuration of a known provider.", ok)
        .requires_oauth2(oauth2_requirement{"github", "gh-enterprise", {}});
    EXPECT_THROW(srv.add_tool<no_arguments>("none", "Neither.", ok).requires_oauth2(oauth2_requirement{"", {}, {"x"}}),
                 std::invalid_argument);
    tool_catalog catalog(srv);
    const auto* custom = catalog.find("Auth_Custom");
    const auto* both = catalog.find("Auth_Both");
    ASSERT_TRUE(custom && both);
    EXPECT_EQ(
        to_tool_definition(*custom, srv.info())["requirements"]["authorization"],
        json::parse(R"({"provider_id":null,"provider_type":"oauth2","id":"acme-sso","oauth2":{"scopes":["read"]}})"));
    EXPECT_EQ(
        catalog.to_mcp_tool(*custom, "2025-11-25")["_meta"]["arcade"]["requirements"],
        json::parse(R"({"authorization":{"provider_type":"oauth2","id":"acme-sso","oauth2":{"scopes":["read"]}}})"));
    EXPECT_EQ(to_tool_definition(*both, srv.info())["requirements"]["authorization"],
              json::parse(R"({"provider_id":"github","provider_type":"oauth2","id":"gh-enterprise",
                              "oauth2":{"scopes":null}})"));
    EXPECT_EQ(catalog.to_mcp_tool(*both, "2025-11-25")["_meta"]["arcade"]["requirements"],
              json::parse(R"({"authorization":{"provider_id":"github","provider_type":"oauth2","id":"gh-enterprise",
                              "oauth2":{}}})"));
}

TEST(ToolDefinition, NotInferrableParameters) {
    server srv(eval_ref::reference_server_info());
    eval_ref::add_reference_tools(srv);
    server_info info;
    info.toolkit = "T";
    server other(info);
    struct args {
        std::string account;
        std::string note;
        static auto describe() {
            return fields(field("account", &args::account, "Account"), field("note", &args::note, "Note"));
        }
    };
    other.add_tool<args>("pay", "Pay.", [](const args&) { return true; }).not_inferrable("account");
    tool_catalog catalog(other);
    const json params = to_tool_definition(catalog.entries().at(0), other.info())["input"]["parameters"];
    EXPECT_EQ(params[0]["name"], "account");
    EXPECT_EQ(params[0]["inferrable"], false);
    EXPECT_EQ(params[1]["inferrable"], true);
    EXPECT_THROW(other.add_tool<args>("pay2", "Pay.", [](const args&) { return true; }).not_inferrable("nope"),
                 std::invalid_argument);
}

TEST(ToolDefinition, SeparatorAndDisabledTools) {
    server srv(eval_ref::reference_server_info());
    eval_ref::add_reference_tools(srv);
    catalog_options opts;
    opts.separator = "__";
    opts.disabled_tools = {" arcadeevalref.ECHO"};
    tool_catalog catalog(srv, opts);
    ASSERT_EQ(catalog.entries().size(), 2u);
    EXPECT_EQ(catalog.entries()[0].fqn, "ArcadeEvalRef__Add");
    EXPECT_EQ(catalog.entries()[0].mcp_name, "ArcadeEvalRef_Add");
    EXPECT_NE(catalog.find_for_worker("arcadeevalref", "WHOAMI", std::nullopt), nullptr);
    EXPECT_EQ(catalog.find_for_worker("ArcadeEvalRef", "Echo", std::nullopt), nullptr);
    EXPECT_EQ(catalog.find_for_worker("ArcadeEvalRef", "Add", std::string("2.0.0")), nullptr);
    catalog_options off;
    off.disabled_toolkits = {"ArcadeEvalRef"};
    EXPECT_TRUE(tool_catalog(srv, off).entries().empty());
}

}  // namespace
}  // namespace arcade_mcp::detail
