// Tests for runtime configuration parsing: defaults, environment, flags, precedence, errors.
#include "app/runtime_config.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <unistd.h>
#include <vector>

namespace arcade_mcp::detail {
namespace {

using env_map = std::map<std::string, std::string, std::less<>>;

config_outcome run(std::vector<std::string> args, const env_map& env = {}) {
    args.insert(args.begin(), "server");
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    const env_lookup lookup = [&env](std::string_view name) -> std::optional<std::string> {
        const auto it = env.find(name);
        if (it == env.end()) return std::nullopt;
        return it->second;
    };
    return parse_runtime_config(static_cast<int>(argv.size()), argv.data(), lookup,
                                "Test MCP server", "test-server 1.2.3");
}

runtime_config ok(std::vector<std::string> args, const env_map& env = {}) {
    auto outcome = run(std::move(args), env);
    EXPECT_TRUE(outcome.config.has_value()) << outcome.message;
    return outcome.config.value_or(runtime_config{});
}

void expect_error(std::vector<std::string> args, const env_map& env, std::string_view name,
                  std::string_view bad_value) {
    const auto outcome = run(args, env);
    EXPECT_FALSE(outcome.config.has_value());
    EXPECT_EQ(outcome.exit_code, 2);
    EXPECT_NE(outcome.message.find(name), std::string::npos) << outcome.message;
    EXPECT_NE(outcome.message.find(bad_value), std::string::npos) << outcome.message;
    EXPECT_EQ(outcome.message.find('\n'), std::string::npos) << outcome.message;
}

TEST(RuntimeConfig, Defaults) {
    const auto c = ok({});
    EXPECT_EQ(c.transport, transport_kind::stdio);
    EXPECT_EQ(c.host, "127.0.0.1");
    EXPECT_EQ(c.port, 8000);
    EXPECT_FALSE(c.user_id.has_value());
    EXPECT_EQ(c.log_fmt, log_format::text);
    EXPECT_EQ(c.log_min, log_level::info);
    EXPECT_FALSE(c.stateless);
    EXPECT_EQ(c.session_idle_timeout, std::chrono::seconds(300));
    EXPECT_EQ(c.max_sessions, 1000u);
    EXPECT_TRUE(c.allowed_hosts.empty());
    EXPECT_TRUE(c.allowed_origins.empty());
    EXPECT_EQ(c.max_body_bytes, 1024u * 1024u);
    EXPECT_EQ(c.shutdown_grace, std::chrono::seconds(15));
    EXPECT_EQ(c.worker_threads, 0u);
    EXPECT_GE(effective_worker_threads(c), 4u);
    EXPECT_FALSE(c.env_file.has_value());
}

TEST(RuntimeConfig, EachEnvironmentVariable) {
    const auto c = ok({}, {{"ARCADE_SERVER_TRANSPORT", "HTTP"},
                           {"ARCADE_SERVER_HOST", "0.0.0.0"},
                           {"ARCADE_SERVER_PORT", "9000"},
                           {"ARCADE_USER_ID", "user@example.com"},
                           {"ARCADE_LOG_FORMAT", "json"},
                           {"ARCADE_LOG_LEVEL", "DEBUG"},
                           {"ARCADE_SERVER_STATELESS", "yes"},
                           {"MCP_TRANSPORT_SESSION_TIMEOUT_SECONDS", "60"},
                           {"MCP_TRANSPORT_MAX_SESSIONS", "5"},
                           {"MCP_TRANSPORT_ALLOWED_HOSTS", "example.com, example.com:443,,[::1]:8000"},
                           {"MCP_TRANSPORT_ALLOWED_ORIGINS", "https://app.example.com,http://localhost:3000"},
                           {"ARCADE_SERVER_MAX_BODY_BYTES", "2048"},
                           {"ARCADE_UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN", "0"},
                           {"ARCADE_WORKER_THREADS", "3"},
                           {"ARCADE_SERVER_IO_THREADS", "1"}});
    EXPECT_EQ(c.transport, transport_kind::http);
    EXPECT_EQ(c.host, "0.0.0.0");
    EXPECT_EQ(c.port, 9000);
    EXPECT_EQ(c.user_id, "user@example.com");
    EXPECT_EQ(c.log_fmt, log_format::json);
    EXPECT_EQ(c.log_min, log_level::debug);
    EXPECT_TRUE(c.stateless);
    EXPECT_EQ(c.session_idle_timeout, std::chrono::seconds(60));
    EXPECT_EQ(c.max_sessions, 5u);
    EXPECT_EQ(c.allowed_hosts, (std::vector<std::string>{"example.com", "example.com:443", "[::1]:8000"}));
    EXPECT_EQ(c.allowed_origins,
              (std::vector<std::string>{"https://app.example.com", "http://localhost:3000"}));
    EXPECT_EQ(c.max_body_bytes, 2048u);
    EXPECT_EQ(c.shutdown_grace, std::chrono::seconds(0));
    EXPECT_EQ(c.worker_threads, 3u);
    EXPECT_EQ(effective_worker_threads(c), 3u);
    EXPECT_EQ(c.io_threads, 1u);
}

TEST(RuntimeConfig, TransportSpellings) {
    for (const char* value : {"stdio", "STDIO"}) {
        EXPECT_EQ(ok({}, {{"ARCADE_SERVER_TRANSPORT", value}}).transport, transport_kind::stdio);
    }
    for (const char* value : {"http", "streamable-http", "Streamable", "STREAMABLE-HTTP"}) {
        EXPECT_EQ(ok({}, {{"ARCADE_SERVER_TRANSPORT", value}}).transport, transport_kind::http);
    }
    EXPECT_EQ(ok({"--transport", "streamable-http"}).transport, transport_kind::http);
    EXPECT_EQ(ok({"--transport=http"}).transport, transport_kind::http);
}

TEST(RuntimeConfig, EmptyEnvironmentValuesCountAsUnset) {
    const auto c = ok({"--port", "7000", "--log-level", "error"},
                      {{"ARCADE_SERVER_PORT", ""}, {"ARCADE_SERVER_TRANSPORT", ""},
                       {"ARCADE_LOG_LEVEL", ""}, {"ARCADE_USER_ID", ""}});
    EXPECT_EQ(c.port, 7000);
    EXPECT_EQ(c.transport, transport_kind::stdio);
    EXPECT_EQ(c.log_min, log_level::error);
    EXPECT_FALSE(c.user_id.has_value());
}

TEST(RuntimeConfig, FlagsWithoutEnvironment) {
    const auto c = ok({"--transport", "http", "--host", "::", "--port", "0", "--user-id", "u1",
                       "--log-format", "json", "--log-level", "warn", "--stateless",
                       "--session-timeout", "10", "--max-sessions", "2", "--allowed-host", "a.com",
                       "--allowed-host", "b.com:8080,c.com", "--allowed-origin", "https://x.com/",
                       "--max-body-bytes", "4096", "--shutdown-grace", "3", "--worker-threads", "8"});
    EXPECT_EQ(c.transport, transport_kind::http);
    EXPECT_EQ(c.host, "::");
    EXPECT_EQ(c.port, 0);
    EXPECT_EQ(c.user_id, "u1");
    EXPECT_EQ(c.log_fmt, log_format::json);
    EXPECT_EQ(c.log_min, log_level::warning);
    EXPECT_TRUE(c.stateless);
    EXPECT_EQ(c.session_idle_timeout, std::chrono::seconds(10));
    EXPECT_EQ(c.max_sessions, 2u);
    EXPECT_EQ(c.allowed_hosts, (std::vector<std::string>{"a.com", "b.com:8080", "c.com"}));
    EXPECT_EQ(c.allowed_origins, (std::vector<std::string>{"https://x.com"}));
    EXPECT_EQ(c.max_body_bytes, 4096u);
    EXPECT_EQ(c.shutdown_grace, std::chrono::seconds(3));
    EXPECT_EQ(c.worker_threads, 8u);
}

TEST(RuntimeConfig, EnvironmentWinsForTransportHostPort) {
    const auto c = ok({"--transport", "stdio", "--host", "127.0.0.1", "--port", "1234"},
                      {{"ARCADE_SERVER_TRANSPORT", "http"},
                       {"ARCADE_SERVER_HOST", "0.0.0.0"},
                       {"ARCADE_SERVER_PORT", "8080"}});
    EXPECT_EQ(c.transport, transport_kind::http);
    EXPECT_EQ(c.host, "0.0.0.0");
    EXPECT_EQ(c.port, 8080);
}

TEST(RuntimeConfig, FlagWinsForOtherSettings) {
    const auto c = ok({"--user-id", "flag-user", "--log-format", "text", "--log-level", "error",
                       "--stateless=false", "--session-timeout", "7", "--max-sessions", "9",
                       "--allowed-host", "flag.com", "--allowed-origin", "https://flag.com",
                       "--max-body-bytes", "5000", "--shutdown-grace", "1", "--worker-threads", "2"},
                      {{"ARCADE_USER_ID", "env-user"},
                       {"ARCADE_LOG_FORMAT", "json"},
                       {"ARCADE_LOG_LEVEL", "debug"},
                       {"ARCADE_SERVER_STATELESS", "true"},
                       {"MCP_TRANSPORT_SESSION_TIMEOUT_SECONDS", "100"},
                       {"MCP_TRANSPORT_MAX_SESSIONS", "100"},
                       {"MCP_TRANSPORT_ALLOWED_HOSTS", "env.com"},
                       {"MCP_TRANSPORT_ALLOWED_ORIGINS", "https://env.com"},
                       {"ARCADE_SERVER_MAX_BODY_BYTES", "100000"},
                       {"ARCADE_UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN", "100"},
                       {"ARCADE_WORKER_THREADS", "100"}});
    EXPECT_EQ(c.user_id, "flag-user");
    EXPECT_EQ(c.log_fmt, log_format::text);
    EXPECT_EQ(c.log_min, log_level::error);
    EXPECT_FALSE(c.stateless);
    EXPECT_EQ(c.session_idle_timeout, std::chrono::seconds(7));
    EXPECT_EQ(c.max_sessions, 9u);
    EXPECT_EQ(c.allowed_hosts, std::vector<std::string>{"flag.com"});
    EXPECT_EQ(c.allowed_origins, std::vector<std::string>{"https://flag.com"});
    EXPECT_EQ(c.max_body_bytes, 5000u);
    EXPECT_EQ(c.shutdown_grace, std::chrono::seconds(1));
    EXPECT_EQ(c.worker_threads, 2u);
}

TEST(RuntimeConfig, EnvironmentErrors) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"ARCADE_SERVER_PORT", "abc"},
        {"ARCADE_SERVER_PORT", "65536"},
        {"ARCADE_SERVER_PORT", "-1"},
        {"ARCADE_SERVER_PORT", "80x"},
        {"ARCADE_SERVER_PORT", "99999999999999999999999"},
        {"ARCADE_SERVER_TRANSPORT", "websocket"},
        {"ARCADE_SERVER_HOST", "http://example.com"},
        {"ARCADE_LOG_FORMAT", "xml"},
        {"ARCADE_LOG_LEVEL", "verbose"},
        {"ARCADE_SERVER_STATELESS", "maybe"},
        {"MCP_TRANSPORT_SESSION_TIMEOUT_SECONDS", "0"},
        {"MCP_TRANSPORT_SESSION_TIMEOUT_SECONDS", "1.5"},
        {"MCP_TRANSPORT_MAX_SESSIONS", "0"},
        {"MCP_TRANSPORT_ALLOWED_HOSTS", "https://bad.com,good.com"},
        {"MCP_TRANSPORT_ALLOWED_HOSTS", "bad.com:99999"},
        {"MCP_TRANSPORT_ALLOWED_ORIGINS", "app.example.com"},
        {"MCP_TRANSPORT_ALLOWED_ORIGINS", "https://app.example.com/path"},
        {"ARCADE_SERVER_MAX_BODY_BYTES", "1023"},
        {"ARCADE_UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN", "soon"},
        {"ARCADE_WORKER_THREADS", "many"},
        {"ARCADE_SERVER_IO_THREADS", "300"},
    };
    for (const auto& [name, value] : cases) {
        SCOPED_TRACE(name + "=" + value);
        expect_error({}, {{name, value}}, name, value.substr(0, 12));
    }
    const auto outcome = run({}, {{"ARCADE_SERVER_PORT", "abc"}});
    EXPECT_EQ(outcome.message, "invalid ARCADE_SERVER_PORT 'abc': expected an integer 0-65535");
}

// Finding 8 of issue 14: an invalid or unbindable ARCADE_SERVER_HOST used to pass the
// configuration and fail at bind time with exit 1; it is a configuration error (exit 2) now.
TEST(RuntimeConfig, HostMustBeABindableAddress) {
    expect_error({}, {{"ARCADE_SERVER_HOST", "my-host.example"}}, "ARCADE_SERVER_HOST", "my-host.example");
    expect_error({"--host", "999.1.1.1"}, {}, "--host", "999.1.1.1");
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine.
    const auto foreign = run({"--transport", "http"}, {{"ARCADE_SERVER_HOST", "192.0.2.1"}});
    EXPECT_EQ(foreign.exit_code, 2);
    EXPECT_NE(foreign.message.find("ARCADE_SERVER_HOST"), std::string::npos) << foreign.message;
    EXPECT_NE(foreign.message.find("an address of this machine"), std::string::npos) << foreign.message;
    // Over stdio the host is not used, so it is not bound.
    EXPECT_EQ(run({"--transport", "stdio"}, {{"ARCADE_SERVER_HOST", "192.0.2.1"}}).exit_code, 0);
    EXPECT_EQ(ok({"--transport", "http", "--host", "[::1]"}).host, "::1");
    EXPECT_EQ(ok({"--transport", "http", "--host", "LocalHost"}).host, "localhost");
    EXPECT_EQ(ok({"--transport", "http"}, {{"ARCADE_SERVER_HOST", "0.0.0.0"}}).host, "0.0.0.0");
}

TEST(RuntimeConfig, BatchLimits) {
    const auto d = ok({});
    EXPECT_EQ(d.max_batch_members, 128u);
    EXPECT_EQ(d.max_batch_reply_bytes, 4u * 1024u * 1024u);
    const auto c = ok({"--max-batch", "5"}, {{"ARCADE_SERVER_MAX_BATCH_REPLY_BYTES", "65536"}});
    EXPECT_EQ(c.max_batch_members, 5u);
    EXPECT_EQ(c.max_batch_reply_bytes, 65536u);
    expect_error({}, {{"ARCADE_SERVER_MAX_BATCH", "0"}}, "ARCADE_SERVER_MAX_BATCH", "0");
    expect_error({"--max-batch-reply-bytes", "10"}, {}, "--max-batch-reply-bytes", "10");
}

TEST(RuntimeConfig, FlagErrors) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"--port", "abc"},           {"--port", "70000"},          {"--transport", "sse"},
        {"--host", "a b"},           {"--user-id", " "},           {"--log-format", "yaml"},
        {"--log-level", "trace"},    {"--session-timeout", "0"},   {"--max-sessions", "0"},
        {"--allowed-host", "a/b"},   {"--allowed-origin", "nope"}, {"--max-body-bytes", "10"},
        {"--shutdown-grace", "-1"},  {"--worker-threads", "x"},
    };
    for (const auto& [flag, value] : cases) {
        SCOPED_TRACE(flag + " " + value);
        expect_error({flag, value}, {}, flag, value);
    }
}

TEST(RuntimeConfig, OverriddenInvalidValuesAreStillErrors) {
    expect_error({"--port", "abc"}, {{"ARCADE_SERVER_PORT", "8080"}}, "--port", "abc");
    expect_error({"--log-level", "info"}, {{"ARCADE_LOG_LEVEL", "loud"}}, "ARCADE_LOG_LEVEL", "loud");
}

TEST(RuntimeConfig, CommandLineErrors) {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"--port"}, {"--stateless=maybe"}, {"--bogus"}, {"positional"}}) {
        const auto outcome = run(args);
        EXPECT_FALSE(outcome.config.has_value());
        EXPECT_EQ(outcome.exit_code, 2);
        EXPECT_FALSE(outcome.message.empty());
        EXPECT_EQ(outcome.message.find('\n'), std::string::npos) << outcome.message;
    }
    // An unknown option's value is never echoed: it could be a secret.
    const auto outcome = run({"--api-key=sk-live-123", "sk-live-456"});
    EXPECT_EQ(outcome.exit_code, 2);
    EXPECT_NE(outcome.message.find("--api-key"), std::string::npos) << outcome.message;
    EXPECT_EQ(outcome.message.find("sk-live"), std::string::npos) << outcome.message;
}

TEST(RuntimeConfig, HelpAndVersion) {
    const auto help = run({"--help"});
    EXPECT_FALSE(help.config.has_value());
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.message.find("ARCADE_SERVER_TRANSPORT"), std::string::npos);
    EXPECT_NE(help.message.find("Test MCP server"), std::string::npos);
    EXPECT_NE(help.message.find("--allowed-origin"), std::string::npos);
    EXPECT_NE(help.message.find("precedence"), std::string::npos);

    const auto version = run({"--version"});
    EXPECT_FALSE(version.config.has_value());
    EXPECT_EQ(version.exit_code, 0);
    EXPECT_EQ(version.message, "test-server 1.2.3");
}

struct temp_file {
    std::filesystem::path path;
    explicit temp_file(const std::string& content) {
        static std::atomic<int> counter{0};
        path = std::filesystem::temp_directory_path() /
               ("arcade_runtime_config_test_" + std::to_string(::getpid()) + "_" +
                std::to_string(counter++) + ".env");
        std::ofstream(path, std::ios::binary) << content;
    }
    ~temp_file() {
        std::error_code ec;
        std::filesystem::remove(path, ec);
    }
};

TEST(RuntimeConfig, EnvFileSuppliesUnsetVariables) {
    const temp_file file("ARCADE_SERVER_PORT=9100\nARCADE_LOG_LEVEL=debug\nARCADE_USER_ID=file-user\n");
    const auto c = ok({"--env-file", file.path.string()}, {{"ARCADE_USER_ID", "env-user"}});
    EXPECT_EQ(c.port, 9100);
    EXPECT_EQ(c.log_min, log_level::debug);
    EXPECT_EQ(c.user_id, "env-user");  // the real environment wins over the file
    EXPECT_EQ(c.env_file, file.path.string());
}

TEST(RuntimeConfig, EnvFileErrors) {
    const temp_file bad("GOOD=1\nSECRET_TOKEN \"hunter2\"\n");
    const auto invalid = run({"--env-file", bad.path.string()});
    EXPECT_EQ(invalid.exit_code, 2);
    EXPECT_NE(invalid.message.find("line 2"), std::string::npos) << invalid.message;
    EXPECT_EQ(invalid.message.find("hunter2"), std::string::npos) << invalid.message;

    const auto missing = run({"--env-file", "/nonexistent/dir/.env"});
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.message.find("/nonexistent/dir/.env"), std::string::npos);
}

}  // namespace
}  // namespace arcade_mcp::detail
