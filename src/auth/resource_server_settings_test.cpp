// Tests for the front-door authorization settings: the environment shape of arcade-mcp-server,
// flags over environment, and one clear line for each invalid setting.
#include "auth/resource_server_settings.hpp"

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/runtime_config.hpp"

namespace arcade_mcp::detail::auth {
namespace {

using settings_map = std::map<std::string, std::string, std::less<>>;

constexpr const char* python_example = R"([
  {
    "authorization_server_url": "https://your-workos.authkit.app",
    "issuer": "https://your-workos.authkit.app",
    "jwks_uri": "https://your-workos.authkit.app/oauth2/jwks",
    "algorithm": "RS256",
    "verify_options": {"verify_aud": false}
  }
])";

std::optional<resource_server_options> read(const settings_map& values, std::vector<std::string>& warnings) {
    const setting_lookup lookup = [&values](std::string_view name) -> std::optional<std::string> {
        const auto it = values.find(name);
        if (it == values.end()) return std::nullopt;
        return it->second;
    };
    return resource_server_from_settings(lookup, warnings);
}

std::string refusal(const settings_map& values) {
    std::vector<std::string> warnings;
    try {
        read(values, warnings);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "(accepted)";
}

TEST(ResourceServerSettings, OffWhenNothingIsSet) {
    std::vector<std::string> warnings;
    EXPECT_FALSE(read({}, warnings).has_value());
}

TEST(ResourceServerSettings, ReadsThePythonServersEnvironmentUnchanged) {
    std::vector<std::string> warnings;
    const auto o = read({{"MCP_RESOURCE_SERVER_CANONICAL_URL", "http://127.0.0.1:8000/mcp"},
                         {"MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS", python_example},
                         {"MCP_RESOURCE_SERVER_SCOPES_SUPPORTED", "mcp offline_access"},
                         {"MCP_RESOURCE_SERVER_DEFAULT_CHALLENGE_SCOPES", "mcp"}},
                        warnings);
    ASSERT_TRUE(o.has_value());
    EXPECT_EQ(o->canonical_url, "http://127.0.0.1:8000/mcp");
    ASSERT_EQ(o->authorization_servers.size(), 1u);
    const auto& e = o->authorization_servers[0];
    EXPECT_EQ(e.authorization_server_url, "https://your-workos.authkit.app");
    EXPECT_EQ(e.issuer, "https://your-workos.authkit.app");
    EXPECT_EQ(e.jwks_uri, "https://your-workos.authkit.app/oauth2/jwks");
    EXPECT_EQ(e.algorithms, std::vector<std::string>{"RS256"});
    EXPECT_EQ(o->scopes_supported, (std::vector<std::string>{"mcp", "offline_access"}));
    EXPECT_EQ(o->default_challenge_scopes, std::vector<std::string>{"mcp"});
    // "verify_options" is not a key arcade-mcp-server reads either: ignored, with a warning.
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("verify_options"), std::string::npos);
}

TEST(ResourceServerSettings, ReadsAlgorithmsAudiencesAndValidationOptions) {
    std::vector<std::string> warnings;
    const auto o = read({{"MCP_RESOURCE_SERVER_CANONICAL_URL", "https://mcp.example.com/mcp"},
                         {"MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS",
                          R"({"authorization_server_url":"https://as.example.com","algorithms":["ES256","EdDSA"],
                              "expected_audiences":["api://mcp"],
                              "validation_options":{"leeway":5,"verify_iat":false}})"},
                         {"MCP_RESOURCE_SERVER_JWKS_CACHE_SECONDS", "60"},
                         {"MCP_RESOURCE_SERVER_JWKS_REFETCH_COOLDOWN_SECONDS", "1"}},
                        warnings);
    ASSERT_TRUE(o.has_value());
    const auto& e = o->authorization_servers.at(0);
    EXPECT_EQ(e.issuer, "https://as.example.com");  // defaults to the server's URL
    EXPECT_TRUE(e.jwks_uri.empty());                 // discovered
    EXPECT_EQ(e.algorithms, (std::vector<std::string>{"ES256", "EdDSA"}));
    EXPECT_EQ(e.expected_audiences, std::vector<std::string>{"api://mcp"});
    EXPECT_EQ(e.leeway.count(), 5);
    EXPECT_FALSE(e.verify_iat);
    EXPECT_TRUE(e.verify_nbf);
    EXPECT_EQ(o->jwks_cache_lifetime.count(), 60);
    EXPECT_EQ(o->jwks_refetch_cooldown.count(), 1);
    EXPECT_TRUE(warnings.empty());
}

TEST(ResourceServerSettings, RefusesEachInvalidSettingWithOneLineNamingIt) {
    const std::string servers = R"([{"authorization_server_url":"https://as.example.com"}])";
    const std::string url = "https://mcp.example.com/mcp";
    struct row {
        settings_map values;
        std::string expected_part;
    };
    const std::vector<row> rows = {
        {{{"MCP_RESOURCE_SERVER_CANONICAL_URL", url}}, "MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS is not"},
        {{{"MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS", servers}}, "MCP_RESOURCE_SERVER_CANONICAL_URL is not"},
        {{{"MCP_RESOURCE_SERVER_CANONICAL_URL", "http://mcp.example.com/mcp"},
          {"MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS", servers}},
         "https://"},
        {{{"MCP_RESOURCE_SERVER_CANONICAL_URL", "https://mcp.example.com/mcp/"},
          {"MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS", servers}},
         "trailing slash"},
        {{{"MCP_RESOURCE_SERVER_CANONICAL_URL", "https://mcp.example.com/mcp#x"},
          {"MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS", servers}},
         "fragment"},
        {{{"MCP_RESOURCE_SERVER_CANONICAL_URL", url}, {"MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS", "[{"}},
         "not valid JSON"},
        {{{"MCP_RESOURCE_SERVER_CANONICAL_URL", url}, {"MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS", "[]"}},
         "non-empty JSON array"},
        {{{"MCP_RESOURCE_SERVER_CANONICAL_URL", url},
          {"MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS", R"([{"issuer":"https://as.example.com"}])"}},
         "authorization_server_url"},
        {{{"MCP_RESOURCE_SERVER_CANONICAL_URL", url},
          {"MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS",
           R"([{"authorization_server_url":"https://as.example.com","algorithm":"HS256"}])"}},
         "HS256"},
        {{{"MCP_RESOURCE_SERVER_CANONICAL_URL", url},
          {"MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS",
           R"([{"authorization_server_url":"https://as.example.com","algorithm":"none"}])"}},
         "none"},
        {{{"MCP_RESOURCE_SERVER_CANONICAL_URL", url},
          {"MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS",
           R"([{"authorization_server_url":"https://as.example.com","jwks_uri":"http://as.example.com/jwks"}])"}},
         "jwks_uri"},
        {{{"MCP_RESOURCE_SERVER_CANONICAL_URL", url},
          {"MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS",
           R"([{"authorization_server_url":"https://as.example.com","validation_options":{"verify_exp":false}}])"}},
         "verify_exp=false"},
        {{{"MCP_RESOURCE_SERVER_CANONICAL_URL", url},
          {"MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS",
           R"([{"authorization_server_url":"https://as.example.com","validation_options":{"leeway":9999}}])"}},
         "leeway"},
        {{{"MCP_RESOURCE_SERVER_CANONICAL_URL", url}, {"MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS", servers},
          {"MCP_RESOURCE_SERVER_DEFAULT_CHALLENGE_SCOPES", "mcp \"x"}},
         "scope"},
        {{{"MCP_RESOURCE_SERVER_CANONICAL_URL", url}, {"MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS", servers},
          {"MCP_RESOURCE_SERVER_CA_FILE", "/nonexistent/ca.pem"}},
         "MCP_RESOURCE_SERVER_CA_FILE"},
        {{{"MCP_RESOURCE_SERVER_CANONICAL_URL", url}, {"MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS", servers},
          {"MCP_RESOURCE_SERVER_JWKS_CACHE_SECONDS", "soon"}},
         "MCP_RESOURCE_SERVER_JWKS_CACHE_SECONDS"},
    };
    for (const auto& r : rows) {
        const std::string message = refusal(r.values);
        EXPECT_NE(message.find(r.expected_part), std::string::npos) << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
}

TEST(ResourceServerSettings, RuntimeConfigTakesFlagsOverEnvironmentAndStopsOnABadValue) {
    const std::map<std::string, std::string, std::less<>> env = {
        {"MCP_RESOURCE_SERVER_CANONICAL_URL", "https://env.example.com/mcp"},
        {"MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS", R"([{"authorization_server_url":"https://as.example.com"}])"}};
    const env_lookup lookup = [&env](std::string_view name) -> std::optional<std::string> {
        const auto it = env.find(name);
        if (it == env.end()) return std::nullopt;
        return it->second;
    };
    const char* argv[] = {"server", "--resource-server-canonical-url", "https://flag.example.com/mcp"};
    auto outcome = parse_runtime_config(3, argv, lookup, "test", "1");
    ASSERT_TRUE(outcome.config.has_value()) << outcome.message;
    ASSERT_TRUE(outcome.config->resource_server.has_value());
    EXPECT_EQ(outcome.config->resource_server->canonical_url, "https://flag.example.com/mcp");

    const char* bad[] = {"server", "--resource-server-canonical-url", "ftp://flag.example.com/mcp"};
    outcome = parse_runtime_config(3, bad, lookup, "test", "1");
    EXPECT_FALSE(outcome.config.has_value());
    EXPECT_EQ(outcome.exit_code, 2);
    EXPECT_NE(outcome.message.find("MCP_RESOURCE_SERVER_CANONICAL_URL"), std::string::npos) << outcome.message;
}

}  // namespace
}  // namespace arcade_mcp::detail::auth
