// Tests for arcade_mcp::server: Arcade naming (snake_to_pascal_case), version normalization, validation.
#include "arcade_mcp/mcp/server.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace arcade_mcp {
namespace {

struct msg_args {
    std::string message;
    static auto describe() { return fields(field("message", &msg_args::message, "Text")); }
};

std::string echo(const msg_args& a) { return a.message; }

server_info make_info(std::string name = "test-server", std::string version = "1.0.0", std::string toolkit = "") {
    server_info info;
    info.name = std::move(name);
    info.version = std::move(version);
    info.toolkit = std::move(toolkit);
    return info;
}

TEST(SnakeToPascalCase, ArcadeTable) {
    const std::vector<std::pair<std::string, std::string>> table = {
        {"whoami", "Whoami"},
        {"echo", "Echo"},
        {"get_user_id", "GetUserId"},
        {"get_HTTP_code", "GetHttpCode"},
        {"myTool", "Mytool"},
        {"MyTool", "MyTool"},
        {"ArcadeEvalRef", "ArcadeEvalRef"},
        {"arcade_eval_ref", "ArcadeEvalRef"},
        {"Arcade_EvalRef", "ArcadeEvalref"},
        {"_x", "_X"},
        {"a__b", "A_B"},
        {"arcade-eval-ref", "Arcade-eval-ref"},
    };
    for (const auto& [in, want] : table) EXPECT_EQ(snake_to_pascal_case(in), want) << "input: " << in;
}

TEST(SnakeToPascalCase, EmptyStaysEmpty) { EXPECT_EQ(snake_to_pascal_case(""), ""); }

TEST(NormalizeVersion, ShortFormsAreCompleted) {
    EXPECT_EQ(normalize_version("v1"), std::optional<std::string>("1.0.0"));
    EXPECT_EQ(normalize_version("V3"), std::optional<std::string>("3.0.0"));
    EXPECT_EQ(normalize_version("1"), std::optional<std::string>("1.0.0"));
    EXPECT_EQ(normalize_version("0"), std::optional<std::string>("0.0.0"));
    EXPECT_EQ(normalize_version("1.2"), std::optional<std::string>("1.2.0"));
    EXPECT_EQ(normalize_version("v1.2"), std::optional<std::string>("1.2.0"));
}

TEST(NormalizeVersion, FullSemverKept) {
    EXPECT_EQ(normalize_version("1.2.3"), std::optional<std::string>("1.2.3"));
    EXPECT_EQ(normalize_version("1.2.3-rc.1+b"), std::optional<std::string>("1.2.3-rc.1+b"));
    EXPECT_EQ(normalize_version("0.0.0-alpha"), std::optional<std::string>("0.0.0-alpha"));
    EXPECT_EQ(normalize_version("10.20.30+build.5"), std::optional<std::string>("10.20.30+build.5"));
    EXPECT_EQ(normalize_version("v2.0.1"), std::optional<std::string>("2.0.1"));
}

TEST(NormalizeVersion, RejectsNonSemver) {
    for (const char* bad : {"abc", "", "v", "1.2.3.4", "01.2.3", "1.02.3", "1.2.03", "1.2.3-", "1.2.3+", "1..2",
                            " 1.2.3", "1.2.3 ", "1.2-rc.1", "-1.0.0"}) {
        EXPECT_EQ(normalize_version(bad), std::nullopt) << "input: '" << bad << "'";
    }
}

TEST(ServerConstruction, ValidInfoIsKeptAndVersionNormalized) {
    server_info info = make_info("Arcade_eval-ref2", "v2", "ArcadeEvalRef");
    info.instructions = "Use the tools.";
    const server srv(info);
    EXPECT_EQ(srv.info().name, "Arcade_eval-ref2");
    EXPECT_EQ(srv.info().version, "2.0.0");
    EXPECT_EQ(srv.info().toolkit, "ArcadeEvalRef");
    EXPECT_EQ(srv.info().instructions, std::optional<std::string>("Use the tools."));
    EXPECT_TRUE(srv.tools().empty());
}

TEST(ServerConstruction, DefaultsAreValid) {
    const server srv(server_info{});
    EXPECT_EQ(srv.info().name, "ArcadeMCP");
    EXPECT_EQ(srv.info().version, "0.1.0");
}

TEST(ServerConstruction, BadNameThrows) {
    for (const char* name : {"", "my server", "-lead", "_lead", "a/b", "a.b", "caf\xC3\xA9"}) {
        EXPECT_THROW(server{make_info(name)}, std::invalid_argument) << "name: '" << name << "'";
    }
}

TEST(ServerConstruction, BadVersionThrows) {
    for (const char* version : {"abc", "", "1.2.3.4", "01.2.3", "latest"}) {
        EXPECT_THROW(server{make_info("srv", version)}, std::invalid_argument) << "version: '" << version << "'";
    }
}

TEST(ServerConstruction, BadToolkitThrows) {
    for (const char* toolkit : {"Arcade-Eval", "my toolkit", "a.b", "x/y"}) {
        EXPECT_THROW(server{make_info("srv", "1.0.0", toolkit)}, std::invalid_argument)
            << "toolkit: '" << toolkit << "'";
    }
    EXPECT_NO_THROW(server{make_info("srv", "1.0.0", "Arcade_Eval_1")});
}

TEST(ServerConstruction, ZeroPageSizeThrows) {
    server_info info = make_info();
    info.page_size = 0;
    EXPECT_THROW(server{info}, std::invalid_argument);
}

TEST(AddTool, RegistersInOrderWithSchemas) {
    server srv(make_info());
    auto& t = srv.add_tool<msg_args>("echo", "Echo it.", echo);
    t.with_title("Echo");
    srv.add_tool<no_arguments>("ping.v2", "Ping.", [](const no_arguments&) { return true; });
    ASSERT_EQ(srv.tools().size(), 2u);
    EXPECT_EQ(srv.tools()[0]->name, "echo");
    EXPECT_EQ(srv.tools()[0]->title, std::optional<std::string>("Echo"));
    EXPECT_EQ(srv.tools()[0]->input_schema["required"], json::array({"message"}));
    EXPECT_EQ(srv.tools()[1]->name, "ping.v2");
    EXPECT_TRUE(srv.tools()[1]->wraps_result);
}

TEST(AddTool, EmptyDescriptionThrows) {
    server srv(make_info());
    EXPECT_THROW(srv.add_tool<msg_args>("echo", "", echo), std::invalid_argument);
    EXPECT_TRUE(srv.tools().empty());
}

TEST(AddTool, BadNameThrows) {
    server srv(make_info());
    for (const std::string& name : {std::string(), std::string("has space"), std::string("a/b"), std::string("é"),
                                    std::string("tool!"), std::string(129, 'a')}) {
        EXPECT_THROW(srv.add_tool<msg_args>(name, "d", echo), std::invalid_argument) << "name: '" << name << "'";
    }
    EXPECT_TRUE(srv.tools().empty());
    EXPECT_NO_THROW(srv.add_tool<msg_args>(std::string(128, 'a'), "d", echo));
    EXPECT_NO_THROW(srv.add_tool<msg_args>("a-b.c_d9", "d", echo));
    EXPECT_EQ(srv.tools().size(), 2u);
}

TEST(AddTool, MissingHandlerOrNonObjectSchemaThrows) {
    server srv(make_info());
    tool_spec no_handler = make_tool<msg_args>("x", "d", echo);
    no_handler.invoke = nullptr;
    EXPECT_THROW(srv.add_tool(std::move(no_handler)), std::invalid_argument);

    tool_spec bad_schema = make_tool<msg_args>("y", "d", echo);
    bad_schema.input_schema = json{{"type", "string"}};
    EXPECT_THROW(srv.add_tool(std::move(bad_schema)), std::invalid_argument);
    EXPECT_TRUE(srv.tools().empty());
}

TEST(AddTool, ExactDuplicateThrows) {
    server srv(make_info());
    srv.add_tool<msg_args>("echo", "d", echo);
    EXPECT_THROW(srv.add_tool<msg_args>("echo", "again", echo), std::invalid_argument);
    EXPECT_EQ(srv.tools().size(), 1u);
}

TEST(AddTool, WithoutToolkitDistinctSpellingsCoexist) {
    server srv(make_info());
    srv.add_tool<msg_args>("get_user", "d", echo);
    EXPECT_NO_THROW(srv.add_tool<msg_args>("GetUser", "d", echo));
    EXPECT_NO_THROW(srv.add_tool<msg_args>("get-user", "d", echo));
    EXPECT_EQ(srv.tools().size(), 3u);
}

TEST(AddTool, WithToolkitPascalCaseDuplicatesThrow) {
    server srv(make_info("srv", "1.0.0", "Kit"));
    srv.add_tool<msg_args>("get_user", "d", echo);
    EXPECT_THROW(srv.add_tool<msg_args>("GetUser", "d", echo), std::invalid_argument);   // GetUser == GetUser
    EXPECT_THROW(srv.add_tool<msg_args>("getUser", "d", echo), std::invalid_argument);   // Getuser ~ GetUser
    EXPECT_THROW(srv.add_tool<msg_args>("GET_USER", "d", echo), std::invalid_argument);  // GetUser
    EXPECT_THROW(srv.add_tool<msg_args>("getuser", "d", echo), std::invalid_argument);   // Getuser ~ GetUser
    EXPECT_NO_THROW(srv.add_tool<msg_args>("get_users", "d", echo));
    EXPECT_NO_THROW(srv.add_tool<msg_args>("get__user", "d", echo));  // Get_User differs
    EXPECT_EQ(srv.tools().size(), 3u);
}

TEST(AddTool, ToolListKeepsAuthorNames) {
    server srv(make_info("srv", "1.0.0", "Kit"));
    srv.add_tool<msg_args>("get_user_id", "d", echo);
    ASSERT_EQ(srv.tools().size(), 1u);
    EXPECT_EQ(srv.tools().front()->name, "get_user_id");
}

TEST(AddTool, WithoutToolkitNamesAreExactAndCaseSensitive) {
    server srv(server_info{});
    auto h = [](const no_arguments&) { return true; };
    srv.add_tool<no_arguments>("echo", "lower", h);
    EXPECT_NO_THROW(srv.add_tool<no_arguments>("Echo", "upper", h));
    EXPECT_THROW(srv.add_tool<no_arguments>("echo", "again", h), std::invalid_argument);
}

}  // namespace
}  // namespace arcade_mcp
