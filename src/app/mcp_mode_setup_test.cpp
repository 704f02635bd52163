// MCP mode's start-up for tool requirements: the Arcade CLI login as the user id
// (arcade_credentials.hpp), the Arcade API client's settings and request body (arcade_api.hpp),
// the start-up warning for tools' missing secrets and the server's secrets taken out of the
// environment (mcp_mode_setup.hpp).
#include "app/arcade_credentials.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "app/mcp_mode_setup.hpp"
#include "arcade/arcade_api.hpp"
#include "log/logger.hpp"
#include "mcp/dispatcher.hpp"

namespace arcade_mcp::detail {
namespace {

using namespace std::chrono;

const system_clock::time_point noon = sys_days(year(2026) / 12 / 7) + hours(12);

std::string credentials(const std::string& expires_at, const std::string& email = "ada@example.com") {
    return "cloud:\n"
           "  auth:\n"
           "    access_token: eyJhbGciOi.token\n"
           "    expires_at: " +
           expires_at +
           "\n"
           "    refresh_token: r1\n"
           "  context:\n"
           "    org_id: o1\n"
           "    project_id: p1\n"
           "  user:\n"
           "    email: " +
           email + "\n";
}

TEST(ArcadeLogin, AValidLoginGivesItsEmail) {
    EXPECT_EQ(login_email_from_yaml(credentials("2026-12-07T13:00:00+00:00"), noon).email, "ada@example.com");
    EXPECT_EQ(login_email_from_yaml(credentials("'2026-12-07 13:00:00.123456'"), noon).email, "ada@example.com");
    EXPECT_EQ(login_email_from_yaml(credentials("2026-12-07T14:00:00+01:00", "\"bob@example.com\""), noon).email,
              "bob@example.com");
}

TEST(ArcadeLogin, AnExpiredOrNearlyExpiredLoginIsNotUsed) {
    // Python counts a token within 5 minutes of expires_at as expired.
    const auto soon = login_email_from_yaml(credentials("2026-12-07T12:04:59Z"), noon);
    EXPECT_FALSE(soon.email);
    EXPECT_NE(soon.why_not.find("expired"), std::string::npos);
    EXPECT_TRUE(login_email_from_yaml(credentials("2026-12-07T12:05:01Z"), noon).email);
    EXPECT_FALSE(login_email_from_yaml(credentials("2026-12-07T13:00:00+02:00"), noon).email);  // 11:00 UTC
}

TEST(ArcadeLogin, NoLoginNoEmailOrUnreadableTimes) {
    EXPECT_FALSE(login_email_from_yaml("cloud:\n  user:\n    email: ada@example.com\n", noon).email);
    EXPECT_FALSE(login_email_from_yaml(credentials("2026-12-07T13:00:00Z", "null"), noon).email);
    EXPECT_FALSE(login_email_from_yaml(credentials("tomorrow"), noon).email);
    EXPECT_FALSE(login_email_from_yaml(credentials("2026-13-07T13:00:00Z"), noon).email);
    EXPECT_FALSE(login_email_from_yaml(credentials("2999-01-01T00:00:00Z"), noon).email);  // past the clock
    EXPECT_FALSE(login_email_from_yaml("", noon).email);
    EXPECT_FALSE(login_email_from_yaml("user:\n  email: top-level@example.com\n", noon).email);
}

TEST(ArcadeLogin, TheFileIsFoundThroughArcadeWorkDirOrHome) {
    const auto dir = std::filesystem::temp_directory_path() / ("arcade-login-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir / ".arcade");
    {
        std::ofstream(dir / ".arcade" / "credentials.yaml") << credentials("2100-01-01T00:00:00Z");
        std::ofstream(dir / "credentials.yaml") << credentials("2100-01-01T00:00:00Z", "work@example.com");
    }
    const auto env_of = [](std::map<std::string, std::string> values) -> env_lookup {
        return [values](std::string_view name) -> std::optional<std::string> {
            auto it = values.find(std::string(name));
            if (it == values.end()) return std::nullopt;
            return it->second;
        };
    };
    const auto now = system_clock::now();
    const auto home = logged_in_user_email(env_of({{"HOME", dir.string()}}), now);
    EXPECT_EQ(home.email, "ada@example.com") << home.why_not;
    EXPECT_EQ(logged_in_user_email(env_of({{"HOME", dir.string()}, {"ARCADE_WORK_DIR", dir.string()}}), now).email,
              "work@example.com");
    const auto none = logged_in_user_email(env_of({{"HOME", (dir / "nowhere").string()}}), now);
    EXPECT_FALSE(none.email);
    EXPECT_TRUE(none.why_not.empty());  // no file: nothing to report
    std::filesystem::remove_all(dir);
}

TEST(ArcadeApi, TheAuthorizeBodyIsArcadeMcpServers) {
    oauth2_requirement known{"github", std::nullopt, {"repo"}};
    EXPECT_EQ(authorize_request_body(known, "u1"),
              json::parse(R"({"auth_requirement":{"provider_type":"oauth2","oauth2":{"scopes":["repo"]},
                              "provider_id":"github"},"user_id":"u1"})"));
    oauth2_requirement custom{std::nullopt, "my-oauth-provider", {}};
    EXPECT_EQ(authorize_request_body(custom, "u2"),
              json::parse(R"({"auth_requirement":{"provider_type":"oauth2","oauth2":{"scopes":[]},
                              "id":"my-oauth-provider"},"user_id":"u2"})"));
}

TEST(ArcadeApi, TheBaseUrlMustBeHttpsOrLoopbackAndTheKeySet) {
    const auto make = [](std::string key, std::string url) {
        arcade_api_settings s;
        s.api_key = std::move(key);
        s.base_url = std::move(url);
        return arcade_api_client(std::move(s));
    };
    EXPECT_EQ(make("arc_1", "https://api.arcade.dev/").base_url(), "https://api.arcade.dev");
    EXPECT_EQ(make("arc_1", "http://127.0.0.1:9099").base_url(), "http://127.0.0.1:9099");
    EXPECT_THROW(make("arc_1", "http://api.arcade.dev"), std::invalid_argument);
    EXPECT_THROW(make("arc_1", "ftp://api.arcade.dev"), std::invalid_argument);
    EXPECT_THROW(make("", "https://api.arcade.dev"), std::invalid_argument);
    try {
        make("arc_secret_key", "http://example.com");
    } catch (const std::invalid_argument& e) {
        EXPECT_EQ(std::string(e.what()).find("arc_secret_key"), std::string::npos);
    }
}

TEST(McpModeSetup, ToolsWithMissingSecretsAreNamedAtStartUp) {
    server_info info;
    info.name = "s";
    info.toolkit = "Kit";
    server srv(info);
    srv.add_tool<no_arguments>("mail", "Sends mail.", [](const no_arguments&) { return 1; })
        .requires_secret("SMTP_USER")
        .requires_secret("SMTP_PASSWORD");
    srv.add_tool<no_arguments>("ready", "Has its secret.", [](const no_arguments&) { return 1; })
        .requires_secret("SET_ONE");
    srv.add_tool<no_arguments>("plain", "Needs nothing.", [](const no_arguments&) { return 1; });
    worker_pool pool(1);
    dispatcher core(srv, pool, dispatcher_options{});
    std::vector<std::string> lines;
    set_log_sink_for_testing([&](std::string_view line) { lines.emplace_back(line); });
    warn_missing_tool_secrets(*core.catalog(), [](std::string_view name) -> std::optional<std::string> {
        if (name == "SET_ONE" || name == "SMTP_USER") return "x";
        return std::nullopt;
    });
    flush_log();
    set_log_sink_for_testing(nullptr);
    pool.shutdown();
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_NE(lines[0].find("Kit.Mail"), std::string::npos) << lines[0];
    EXPECT_NE(lines[0].find("SMTP_PASSWORD"), std::string::npos) << lines[0];
    EXPECT_EQ(lines[0].find("SMTP_USER"), std::string::npos) << lines[0];
}

TEST(McpModeSetup, TheServersSecretsLeaveTheEnvironment) {
    ::setenv("ARCADE_WORKER_SECRET", "w", 1);
    ::setenv("ARCADE_API_KEY", "k", 1);
    hide_server_secrets_from_tools();
    EXPECT_EQ(std::getenv("ARCADE_WORKER_SECRET"), nullptr);
    EXPECT_EQ(std::getenv("ARCADE_API_KEY"), nullptr);
}

TEST(McpModeSetup, TheApiClientComesFromTheEnvironment) {
    const auto env = [](std::map<std::string, std::string> values) -> env_lookup {
        return [values](std::string_view name) -> std::optional<std::string> {
            auto it = values.find(std::string(name));
            if (it == values.end()) return std::nullopt;
            return it->second;
        };
    };
    EXPECT_FALSE(arcade_api_from_env(env({})).authorizer);
    EXPECT_FALSE(arcade_api_from_env(env({{"ARCADE_API_KEY", ""}})).authorizer);
    const auto made = arcade_api_from_env(env({{"ARCADE_API_KEY", "arc_k"}}));
    EXPECT_TRUE(made.authorizer);
    EXPECT_EQ(made.base_url, "https://api.arcade.dev");
    const auto bad = arcade_api_from_env(env({{"ARCADE_API_KEY", "arc_k"}, {"ARCADE_API_URL", "http://10.0.0.1"}}));
    EXPECT_FALSE(bad.authorizer);
    EXPECT_NE(bad.error.find("ARCADE_API_URL"), std::string::npos);
    EXPECT_EQ(bad.error.find("arc_k"), std::string::npos);
}

}  // namespace
}  // namespace arcade_mcp::detail
