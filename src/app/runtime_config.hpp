// Runtime configuration of the reference server: command-line flags (CLI11) merged with
// environment variables the way Arcade's Python server reads them.
#pragma once

#include "arcade_mcp/resource_server.hpp"
#include "log/logger.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace arcade_mcp::detail {

enum class transport_kind { stdio, http };

struct runtime_config {
    transport_kind transport = transport_kind::stdio;  // ARCADE_SERVER_TRANSPORT (wins) / --transport
    std::string host = "127.0.0.1";                    // ARCADE_SERVER_HOST (wins) / --host
    std::uint16_t port = 8000;                         // ARCADE_SERVER_PORT (wins) / --port; 0 = ephemeral
    std::optional<std::string> user_id;                // ARCADE_USER_ID / --user-id
    log_format log_fmt = log_format::text;             // ARCADE_LOG_FORMAT (text|json) / --log-format
    log_level log_min = log_level::info;               // ARCADE_LOG_LEVEL / --log-level
    bool stateless = false;                            // ARCADE_SERVER_STATELESS / --stateless
    std::chrono::seconds session_idle_timeout{300};    // MCP_TRANSPORT_SESSION_TIMEOUT_SECONDS / --session-timeout
    std::size_t max_sessions = 1000;                   // MCP_TRANSPORT_MAX_SESSIONS / --max-sessions
    std::vector<std::string> allowed_hosts;            // MCP_TRANSPORT_ALLOWED_HOSTS / --allowed-host
    std::vector<std::string> allowed_origins;          // MCP_TRANSPORT_ALLOWED_ORIGINS / --allowed-origin
    std::size_t max_body_bytes = 1024 * 1024;          // ARCADE_SERVER_MAX_BODY_BYTES / --max-body-bytes
    // Limits (docs/security.md):
    std::size_t max_connections = 1024;                // ARCADE_SERVER_MAX_CONNECTIONS / --max-connections
    std::size_t max_sessions_per_client = 100;  // MCP_TRANSPORT_MAX_SESSIONS_PER_CLIENT / --max-sessions-per-client
    std::size_t max_requests_per_session = 32;  // ARCADE_SERVER_MAX_REQUESTS_PER_SESSION / --max-requests-per-session
    std::size_t max_json_depth = 64;                   // ARCADE_SERVER_MAX_JSON_DEPTH / --max-json-depth
    std::size_t max_string_bytes = 1024 * 1024;        // ARCADE_SERVER_MAX_STRING_BYTES / --max-string-bytes
    std::size_t max_batch_members = 128;               // ARCADE_SERVER_MAX_BATCH / --max-batch
    std::size_t max_batch_reply_bytes =
        4 * 1024 * 1024;  // ARCADE_SERVER_MAX_BATCH_REPLY_BYTES / --max-batch-reply-bytes
    std::size_t max_pending_client_requests =
        16;  // ARCADE_SERVER_MAX_PENDING_CLIENT_REQUESTS / --max-pending-client-requests
    std::chrono::seconds tool_timeout{300};            // ARCADE_TOOL_TIMEOUT_SECONDS / --tool-timeout; 0 = none
    std::chrono::seconds read_timeout{30};             // ARCADE_SERVER_READ_TIMEOUT_SECONDS / --read-timeout
    std::chrono::seconds keep_alive_timeout{60};  // ARCADE_SERVER_KEEP_ALIVE_TIMEOUT_SECONDS / --keep-alive-timeout
    std::chrono::seconds shutdown_grace{15};           // ARCADE_UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN / --shutdown-grace
    std::size_t worker_threads = 0;                    // ARCADE_WORKER_THREADS / --worker-threads; 0 = auto
    std::size_t io_threads = 0;                        // ARCADE_SERVER_IO_THREADS / --io-threads; 0 = cores
    std::optional<std::string> env_file;               // --env-file PATH
    // Observability (traces: the OTEL_* variables, read by run()):
    std::optional<std::uint16_t> metrics_port;   // ARCADE_METRICS_PORT / --metrics-port: the /metrics listener
    std::string metrics_host = "127.0.0.1";      // ARCADE_METRICS_HOST / --metrics-host
    bool metrics_on_main_port = false;           // ARCADE_METRICS_ON_MAIN_PORT / --metrics-on-main-port
    // Arcade worker protocol (environment only):
    std::optional<std::string>
        request_state_secret;  // MCP_REQUEST_STATE_SECRET (env only): signs 2026-07-28 request state
    std::chrono::seconds request_state_max_age{600};   // MCP_REQUEST_STATE_MAX_AGE_SECONDS / --request-state-max-age
    std::optional<std::string> worker_secret;          // ARCADE_WORKER_SECRET: enables /worker/*
    bool worker_secret_empty = false;                  // set but empty: treated as unset, warned
    bool auth_disabled = false;                        // ARCADE_AUTH_DISABLED: skip the JWT check
    std::string tool_name_separator = ".";             // ARCADE_TOOL_NAME_SEPARATOR
    std::vector<std::string> disabled_tools;           // ARCADE_DISABLED_TOOLS: "Toolkit.Tool,..."
    std::vector<std::string> disabled_toolkits;        // ARCADE_DISABLED_TOOLKITS: "Toolkit,..."
    // Front-door authorization (HTTP /mcp as an OAuth resource server): MCP_RESOURCE_SERVER_* /
    // --resource-server-canonical-url, --resource-server-authorization-servers (src/auth/resource_server_settings.hpp).
    std::optional<resource_server_options> resource_server;
    std::vector<std::string> resource_server_warnings;  // settings ignored, as arcade-mcp-server ignores them
};

// Returns the value of an environment variable, or nullopt when unset.
using env_lookup = std::function<std::optional<std::string>(std::string_view name)>;

struct config_outcome {
    std::optional<runtime_config> config;  // set when the server should start
    int exit_code = 0;                     // when !config: 0 for --help/--version, 2 for an error
    std::string message;                   // help text, version line, or one error line
};

// Parses flags and environment. Precedence: ARCADE_SERVER_TRANSPORT/HOST/PORT beat
// --transport/--host/--port (Arcade platforms force HTTP this way); for every other
// setting the flag beats the environment; both beat defaults. Empty environment values
// count as unset. Every supplied value is validated, including one that is overridden.
//
// With --env-file PATH the file is read (not exported) and its values are used for
// variables that `env` does not define; the caller should still export it afterwards with
// load_dotenv_file(*config.env_file) so tools see its variables. Error messages never
// contain values of settings whose name contains SECRET, KEY or TOKEN.
config_outcome parse_runtime_config(int argc, const char* const* argv, const env_lookup& env,
                                    std::string_view program_description,
                                    std::string_view version);

// env_lookup backed by ::getenv.
env_lookup process_env_lookup();

// Resolves worker_threads == 0 to max(4, std::thread::hardware_concurrency()).
std::size_t effective_worker_threads(const runtime_config& config);

}  // namespace arcade_mcp::detail
