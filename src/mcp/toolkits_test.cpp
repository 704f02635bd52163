// Several toolkits in one server: server::add_toolkit (validation, the same toolkit twice), tool
// names across and within toolkits, removal, and what the catalog and the ToolDefinition make of
// each tool's toolkit (names, worker lookup by toolkit and version, disabled toolkits).
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "arcade/tool_definition.hpp"
#include "arcade_mcp/mcp/server.hpp"
#include "mcp/tool_catalog.hpp"

namespace arcade_mcp::detail {
namespace {

struct kits_text_args {
    std::string text;
    static auto describe() { return fields(field("text", &kits_text_args::text, "Text")); }
};

std::string kits_echo(const kits_text_args& a) { return a.text; }

server_info kits_info(std::string toolkit) {
    server_info info;
    info.name = "kits";
    info.version = "3.1.0";
    info.toolkit = std::move(toolkit);
    info.toolkit_description = "The server's own tools";
    return info;
}

std::vector<std::string> kits_mcp_names(const tool_catalog& catalog) {
    std::vector<std::string> names;
    for (const auto& e : catalog.entries()) names.push_back(e.mcp_name);
    return names;
}

TEST(Toolkits, AddToolkitValidatesAndNormalizes) {
    server srv(kits_info("Base"));
    auto& alpha = srv.add_toolkit({"Alpha", "2", "Alpha tools"});
    EXPECT_EQ(alpha.info().name, "Alpha");
    EXPECT_EQ(alpha.info().version, "2.0.0");
    EXPECT_EQ(alpha.info().description, "Alpha tools");
    EXPECT_THROW(srv.add_toolkit({"", "1.0.0", ""}), std::invalid_argument);
    EXPECT_THROW(srv.add_toolkit({"Bad-Name", "1.0.0", ""}), std::invalid_argument);
    EXPECT_THROW(srv.add_toolkit({"Gamma", "one", ""}), std::invalid_argument);
}

TEST(Toolkits, TheSameToolkitTwiceIsOneToolkitAnotherVersionIsRefused) {
    server srv(kits_info("Base"));
    auto& alpha = srv.add_toolkit({"Alpha", "1.0.0", "Alpha tools"});
    EXPECT_EQ(&srv.add_toolkit({"Alpha", "v1", "Alpha tools"}), &alpha);
    try {
        srv.add_toolkit({"alpha", "1.0.0", "Alpha tools"});
        ADD_FAILURE() << "a name differing only in case was accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("already added as 'Alpha' 1.0.0"), std::string::npos) << e.what();
    }
    EXPECT_THROW(srv.add_toolkit({"Alpha", "1.0.1", "Alpha tools"}), std::invalid_argument);
    EXPECT_THROW(srv.add_toolkit({"Alpha", "1.0.0", "Other"}), std::invalid_argument);
    // The server's own toolkit: same version and description (toolkit_description) is it.
    EXPECT_NO_THROW(srv.add_toolkit({"Base", "3.1.0", "The server's own tools"}).add_tool<kits_text_args>(
        "echo", "Echo", kits_echo));
    EXPECT_THROW(srv.add_tool<kits_text_args>("echo", "Echo again", kits_echo), std::invalid_argument);
    EXPECT_THROW(srv.add_toolkit({"Base", "1.0.0", ""}), std::invalid_argument);
}

TEST(Toolkits, ToolNamesRepeatAcrossToolkitsNotWithinOne) {
    server srv(kits_info("Base"));
    auto& alpha = srv.add_toolkit({"Alpha", "1.0.0", ""});
    auto& beta = srv.add_toolkit({"Beta", "1.0.0", ""});
    srv.add_tool<kits_text_args>("echo", "Base echo", kits_echo);
    alpha.add_tool<kits_text_args>("echo", "Alpha echo", kits_echo);
    beta.add_tool<kits_text_args>("echo", "Beta echo", kits_echo);
    try {
        alpha.add_tool<kits_text_args>("Echo", "Alpha echo again", kits_echo);
        ADD_FAILURE() << "a duplicate within a toolkit was accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_EQ(std::string(e.what()), "duplicate tool name 'Echo' in toolkit 'Alpha' (as 'Alpha.Echo')");
    }
    EXPECT_EQ(srv.tools().size(), 3u);
    EXPECT_EQ(kits_mcp_names(tool_catalog(srv)), (std::vector<std::string>{"Alpha_Echo", "Base_Echo", "Beta_Echo"}));
}

TEST(Toolkits, NamesThatWouldCollideAcrossToolkitsAreRefused) {
    server srv(kits_info("A"));
    auto& ab = srv.add_toolkit({"A_B", "1.0.0", ""});
    ab.add_tool<kits_text_args>("c", "A_B.C", kits_echo);
    srv.add_tool<kits_text_args>("b_c", "A.BC, MCP name A_BC: no clash", kits_echo);
    // "b__c" is PascalCase "B_C": toolkit A's tool would be A_B_C as well.
    EXPECT_THROW(srv.add_tool<kits_text_args>("b__c", "A.B_C", kits_echo), std::invalid_argument);
    // Without Arcade naming the server's own tools keep their names: "A_B_C" is A_B's C.
    server verbatim(kits_info(""));
    verbatim.add_toolkit({"A_B", "1.0.0", ""}).add_tool<kits_text_args>("c", "A_B.C", kits_echo);
    try {
        verbatim.add_tool<kits_text_args>("A_B_C", "Clashes", kits_echo);
        ADD_FAILURE() << "a clashing MCP name was accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("would be called 'A_B_C', as tool 'c' of toolkit 'A_B' is"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_THROW(verbatim.add_tool<kits_text_args>("A_B.C", "Clashes with the FQN", kits_echo), std::invalid_argument);
    verbatim.add_tool<kits_text_args>("c", "a verbatim c", kits_echo);
    EXPECT_EQ(kits_mcp_names(tool_catalog(verbatim)), (std::vector<std::string>{"A_B_C", "c"}));
}

TEST(Toolkits, RemoveToolRemovesOnlyFromItsToolkit) {
    server srv(kits_info("Base"));
    auto& alpha = srv.add_toolkit({"Alpha", "1.0.0", ""});
    srv.add_tool<kits_text_args>("echo", "Base echo", kits_echo);
    alpha.add_tool<kits_text_args>("echo", "Alpha echo", kits_echo);
    EXPECT_TRUE(alpha.remove_tool("echo"));
    EXPECT_FALSE(alpha.remove_tool("echo"));
    EXPECT_EQ(kits_mcp_names(tool_catalog(srv)), std::vector<std::string>{"Base_Echo"});
    alpha.add_tool<kits_text_args>("echo", "Alpha echo", kits_echo);
    EXPECT_TRUE(srv.remove_tool("echo"));
    EXPECT_EQ(kits_mcp_names(tool_catalog(srv)), std::vector<std::string>{"Alpha_Echo"});
}

TEST(Toolkits, CatalogFindsWorkerToolsByTheirToolkitsVersion) {
    server srv(kits_info("Base"));
    srv.add_toolkit({"Alpha", "1.2.0", ""}).add_tool<kits_text_args>("echo", "Alpha echo", kits_echo);
    srv.add_toolkit({"Beta", "0.3.0", ""}).add_tool<kits_text_args>("echo", "Beta echo", kits_echo);
    const tool_catalog catalog(srv);
    const auto* alpha = catalog.find_for_worker("alpha", "ECHO", std::string("1.2.0"));
    ASSERT_NE(alpha, nullptr);
    EXPECT_EQ(alpha->spec->description, "Alpha echo");
    EXPECT_EQ(alpha->toolkit->version, "1.2.0");
    EXPECT_EQ(catalog.find_for_worker("Alpha", "Echo", std::string("0.3.0")), nullptr);
    const auto* beta = catalog.find_for_worker("Beta", "Echo", std::string("0.3.0"));
    ASSERT_NE(beta, nullptr);
    EXPECT_EQ(beta->spec->description, "Beta echo");
    EXPECT_NE(catalog.find_for_worker("Beta", "Echo", std::nullopt), nullptr);
    EXPECT_EQ(catalog.find_for_worker("Base", "Echo", std::nullopt), nullptr);
    EXPECT_EQ(catalog.find("Beta.Echo"), beta);
    EXPECT_EQ(catalog.find("Alpha_Echo"), alpha);
}

TEST(Toolkits, DisablingOneToolkitKeepsTheOthers) {
    server srv(kits_info("Base"));
    srv.add_tool<kits_text_args>("echo", "Base echo", kits_echo);
    srv.add_toolkit({"Alpha", "1.0.0", ""}).add_tool<kits_text_args>("echo", "Alpha echo", kits_echo);
    catalog_options options;
    options.disabled_toolkits = {"alpha"};
    EXPECT_EQ(kits_mcp_names(tool_catalog(srv, options)), std::vector<std::string>{"Base_Echo"});
    options.disabled_toolkits = {};
    options.disabled_tools = {"Base.Echo"};
    EXPECT_EQ(kits_mcp_names(tool_catalog(srv, options)), std::vector<std::string>{"Alpha_Echo"});
}

TEST(Toolkits, EachToolDefinitionCarriesItsOwnToolkit) {
    server srv(kits_info("Base"));
    srv.add_tool<kits_text_args>("echo", "Base echo", kits_echo);
    srv.add_toolkit({"Alpha", "1.2.0", "Alpha tools"}).add_tool<kits_text_args>("echo", "Alpha echo", kits_echo);
    srv.add_toolkit({"Beta", "0.3.0", ""}).add_tool<kits_text_args>("echo", "Beta echo", kits_echo);
    const tool_catalog catalog(srv);
    const auto definition = [&](const char* fqn) { return to_tool_definition(*catalog.find(fqn), srv.info()); };
    const json base = definition("Base.Echo");
    EXPECT_EQ(base["fully_qualified_name"], "Base.Echo");
    EXPECT_EQ(base["toolkit"],
              (json{{"name", "Base"}, {"description", "The server's own tools"}, {"version", "3.1.0"}}));
    const json alpha = definition("Alpha.Echo");
    EXPECT_EQ(alpha["name"], "Echo");
    EXPECT_EQ(alpha["fully_qualified_name"], "Alpha.Echo");
    EXPECT_EQ(alpha["toolkit"], (json{{"name", "Alpha"}, {"description", "Alpha tools"}, {"version", "1.2.0"}}));
    const json beta = definition("Beta.Echo");
    EXPECT_EQ(beta["toolkit"], (json{{"name", "Beta"}, {"description", nullptr}, {"version", "0.3.0"}}));
}

TEST(Toolkits, TheServersToolkitDescriptionFallsBackToTheInstructions) {
    server_info info = kits_info("Base");
    info.toolkit_description.clear();
    info.instructions = "Use these tools wisely";
    server srv(info);
    srv.add_tool<kits_text_args>("echo", "Base echo", kits_echo);
    const tool_catalog catalog(srv);
    EXPECT_EQ(to_tool_definition(catalog.entries().front(), srv.info())["toolkit"]["description"],
              "Use these tools wisely");
}

}  // namespace
}  // namespace arcade_mcp::detail
