// Implementation of runtime configuration parsing (CLI11 flags + environment variables); the
// parsing of single values is in config_values.cpp.
#include "app/runtime_config.hpp"

#include "app/config_values.hpp"
#include "app/dotenv.hpp"
#include "auth/resource_server_settings.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <thread>

namespace arcade_mcp::detail {
namespace {

using namespace config_values;

std::map<std::string, std::string> read_env_file(const std::string& path) {
    auto file = read_dotenv_file(path);
    if (file.error) throw config_error{"--env-file: " + *file.error};
    std::map<std::string, std::string> values;
    for (auto& entry : file.entries) values[entry.key] = std::move(entry.value);
    return values;
}

constexpr std::string_view env_help_footer =
    "Environment variables (empty values count as unset):\n"
    "  ARCADE_SERVER_TRANSPORT, ARCADE_SERVER_HOST, ARCADE_SERVER_PORT take precedence over\n"
    "  --transport, --host and --port (Arcade platforms force HTTP this way).\n"
    "  ARCADE_SERVER_TRANSPORT accepts stdio, http, streamable-http or streamable.\n"
    "  For all other settings the flag takes precedence over the environment variable:\n"
    "  ARCADE_USER_ID, ARCADE_LOG_FORMAT, ARCADE_LOG_LEVEL, ARCADE_SERVER_STATELESS,\n"
    "  MCP_TRANSPORT_SESSION_TIMEOUT_SECONDS, MCP_TRANSPORT_MAX_SESSIONS,\n"
    "  MCP_TRANSPORT_ALLOWED_HOSTS (comma list), MCP_TRANSPORT_ALLOWED_ORIGINS (comma list),\n"
    "  ARCADE_SERVER_MAX_BODY_BYTES, ARCADE_UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN,\n"
    "  ARCADE_WORKER_THREADS, ARCADE_SERVER_IO_THREADS, ARCADE_SERVER_MAX_CONNECTIONS,\n"
    "  MCP_TRANSPORT_MAX_SESSIONS_PER_CLIENT,\n"
    "  ARCADE_SERVER_MAX_REQUESTS_PER_SESSION, ARCADE_SERVER_MAX_JSON_DEPTH,\n"
    "  ARCADE_SERVER_MAX_STRING_BYTES, ARCADE_SERVER_MAX_PENDING_CLIENT_REQUESTS,\n"
    "  ARCADE_SERVER_MAX_BATCH, ARCADE_SERVER_MAX_BATCH_REPLY_BYTES,\n"
    "  ARCADE_TOOL_TIMEOUT_SECONDS, ARCADE_SERVER_READ_TIMEOUT_SECONDS,\n"
    "  ARCADE_SERVER_KEEP_ALIVE_TIMEOUT_SECONDS, MCP_REQUEST_STATE_MAX_AGE_SECONDS.\n"
    "MCP 2026-07-28 request state, environment only: MCP_REQUEST_STATE_SECRET (HMAC key shared by\n"
    "  every replica; default: derived from ARCADE_WORKER_SECRET, else random per process).\n"
    "Arcade worker routes (/worker/*, HTTP only), environment only:\n"
    "  ARCADE_WORKER_SECRET (enables them; HS256 key of the engine's tokens),\n"
    "  ARCADE_AUTH_DISABLED (skip the token check), ARCADE_TOOL_NAME_SEPARATOR (default '.'),\n"
    "  ARCADE_DISABLED_TOOLS (Toolkit.Tool,...), ARCADE_DISABLED_TOOLKITS (Toolkit,...).\n"
    "Front-door authorization (/mcp over HTTP as an OAuth resource server), as arcade-mcp-server:\n"
    "  MCP_RESOURCE_SERVER_CANONICAL_URL, MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS (JSON),\n"
    "  MCP_RESOURCE_SERVER_SCOPES_SUPPORTED, MCP_RESOURCE_SERVER_DEFAULT_CHALLENGE_SCOPES, and\n"
    "  MCP_RESOURCE_SERVER_NAME, MCP_RESOURCE_SERVER_CA_FILE, MCP_RESOURCE_SERVER_JWKS_CACHE_SECONDS,\n"
    "  MCP_RESOURCE_SERVER_JWKS_REFETCH_COOLDOWN_SECONDS.\n"
    "Observability: ARCADE_METRICS_PORT, ARCADE_METRICS_HOST, ARCADE_METRICS_ON_MAIN_PORT (Prometheus);\n"
    "  traces over OTLP/HTTP JSON with the OpenTelemetry variables OTEL_EXPORTER_OTLP_ENDPOINT,\n"
    "  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_EXPORTER_OTLP_HEADERS, OTEL_SERVICE_NAME,\n"
    "  OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG, OTEL_SDK_DISABLED, ...\n"
    "Tasks (docs/tasks.md): ARCADE_TASK_STORE (memory, or redis://[[user]:password@]host[:port][/db]),\n"
    "  ARCADE_TASK_DEFAULT_TTL_SECONDS, ARCADE_TASK_MAX_TTL_SECONDS, ARCADE_TASK_MAX_PER_CALLER,\n"
    "  ARCADE_TASK_MAX_TOTAL, ARCADE_TASK_POLL_INTERVAL_MS, ARCADE_TASK_STALE_SECONDS,\n"
    "  ARCADE_TASK_WORKER_THREADS.\n"
    "A .env file may supply these variables; values already in the environment win.";

// Text-valued flags: name, value placeholder, help.
constexpr const char* text_flags[][3] = {
    {"--transport", "{stdio,http,streamable-http}",
     "Transport; ARCADE_SERVER_TRANSPORT overrides this flag (default stdio)"},
    {"--host", "HOST", "HTTP bind address; ARCADE_SERVER_HOST overrides this flag (default 127.0.0.1)"},
    {"--port", "PORT", "HTTP port, 0 = ephemeral; ARCADE_SERVER_PORT overrides this flag (default 8000)"},
    {"--user-id", "ID", "User id for tool execution (env ARCADE_USER_ID)"},
    {"--log-format", "{text,json}", "Log format (env ARCADE_LOG_FORMAT, default text)"},
    {"--log-level", "{debug,info,warning,error,off}", "Minimum log level (env ARCADE_LOG_LEVEL, default info)"},
    {"--session-timeout", "SECONDS",
     "Idle session timeout in seconds (env MCP_TRANSPORT_SESSION_TIMEOUT_SECONDS, default 300)"},
    {"--max-sessions", "N", "Maximum concurrent sessions (env MCP_TRANSPORT_MAX_SESSIONS, default 1000)"},
    {"--max-body-bytes", "BYTES", "Maximum HTTP request body (env ARCADE_SERVER_MAX_BODY_BYTES, default 1048576)"},
    {"--shutdown-grace", "SECONDS",
     "Graceful shutdown timeout in seconds (env ARCADE_UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN, default 15)"},
    {"--worker-threads", "N", "Worker threads, 0 = max(4, CPUs) (env ARCADE_WORKER_THREADS)"},
    {"--io-threads", "N", "HTTP I/O threads, 0 = CPUs (env ARCADE_SERVER_IO_THREADS)"},
    {"--metrics-port", "PORT", "Serve /metrics (Prometheus) on this port, 0 = ephemeral (env ARCADE_METRICS_PORT)"},
    {"--metrics-host", "HOST", "Bind address of the metrics port (env ARCADE_METRICS_HOST, default 127.0.0.1)"},
    {"--max-connections", "N", "Open HTTP connections; more get 503 (env ARCADE_SERVER_MAX_CONNECTIONS, default 1024)"},
    {"--max-sessions-per-client", "N",
     "Sessions per client address (env MCP_TRANSPORT_MAX_SESSIONS_PER_CLIENT, default 100)"},
    {"--max-requests-per-session", "N",
     "Requests and streams in progress per session; more get 429 (env ARCADE_SERVER_MAX_REQUESTS_PER_SESSION, default "
     "32)"},
    {"--max-json-depth", "N", "Nesting depth of JSON input (env ARCADE_SERVER_MAX_JSON_DEPTH, default 64)"},
    {"--max-string-bytes", "BYTES", "Length of one JSON string (env ARCADE_SERVER_MAX_STRING_BYTES, default 1048576)"},
    {"--max-batch", "N",
     "Messages in one 2025-03-26 batch; more get one -32600 (env ARCADE_SERVER_MAX_BATCH, default 128)"},
    {"--max-batch-reply-bytes", "BYTES",
     "Size of a batch's reply; members past it get -32603 (env ARCADE_SERVER_MAX_BATCH_REPLY_BYTES, default 4194304)"},
    {"--max-pending-client-requests", "N",
     "Unanswered sampling/elicitation requests per session (env ARCADE_SERVER_MAX_PENDING_CLIENT_REQUESTS, default "
     "16)"},
    {"--tool-timeout", "SECONDS",
     "Time limit of one tool call, 0 = none (env ARCADE_TOOL_TIMEOUT_SECONDS, default 300)"},
    {"--request-state-max-age", "SECONDS",
     "How long a 2026-07-28 request state stays valid (env MCP_REQUEST_STATE_MAX_AGE_SECONDS, default 600)"},
    {"--read-timeout", "SECONDS",
     "Time to receive one whole HTTP request (env ARCADE_SERVER_READ_TIMEOUT_SECONDS, default 30)"},
    {"--keep-alive-timeout", "SECONDS",
     "Idle time of a kept-alive HTTP connection (env ARCADE_SERVER_KEEP_ALIVE_TIMEOUT_SECONDS, default 60)"},
    {"--resource-server-canonical-url", "URL",
     "Require OAuth bearer tokens on /mcp for this canonical URL (env MCP_RESOURCE_SERVER_CANONICAL_URL)"},
    {"--resource-server-authorization-servers", "JSON",
     "Authorization servers whose tokens are accepted (env MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS)"},
    {"--env-file", "PATH", "Extra .env file; variables already set in the environment win"},
};

std::string unrecognized_message(const std::vector<std::string>& extras) {
    // Only an option name is shown: a stray value could be a secret.
    const std::string& first = extras.front();
    if (!first.empty() && first.front() == '-') {
        return "unrecognized argument '" + first.substr(0, first.find('=')) + "'";
    }
    return "unrecognized argument (positional arguments are not accepted)";
}

}  // namespace

config_outcome parse_runtime_config(int argc, const char* const* argv, const env_lookup& env,
                                    std::string_view program_description,
                                    std::string_view version) {
    CLI::App app{std::string(program_description)};
    app.allow_extras(true);
    app.footer(std::string(env_help_footer));
    app.set_version_flag("--version", std::string(version), "Print the version and exit");

    std::map<std::string, std::string> texts;
    std::map<std::string, CLI::Option*> opts;
    for (const auto& [name, type, help] : text_flags) {
        opts[name] = app.add_option(name, texts[name], help)->type_name(type);
    }
    bool stateless = false;
    std::vector<std::string> hosts, origins;
    opts["--stateless"] =
        app.add_flag("--stateless", stateless, "Stateless HTTP mode (env ARCADE_SERVER_STATELESS)");
    bool metrics_on_main_port = false;
    opts["--metrics-on-main-port"] =
        app.add_flag("--metrics-on-main-port", metrics_on_main_port,
                     "Serve /metrics on the main port too (env ARCADE_METRICS_ON_MAIN_PORT)");
    opts["--allowed-host"] =
        app.add_option("--allowed-host", hosts,
                       "Allowed Host header, repeatable (env MCP_TRANSPORT_ALLOWED_HOSTS)")
            ->type_name("HOST[:PORT]")
            ->allow_extra_args(false);
    opts["--allowed-origin"] =
        app.add_option("--allowed-origin", origins,
                       "Allowed Origin header, repeatable (env MCP_TRANSPORT_ALLOWED_ORIGINS)")
            ->type_name("ORIGIN")
            ->allow_extra_args(false);

    config_outcome outcome;
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        outcome.message = app.help();
        return outcome;
    } catch (const CLI::CallForVersion& e) {
        outcome.message = e.what();
        return outcome;
    } catch (const CLI::ParseError& e) {
        outcome.exit_code = 2;
        outcome.message = e.what();
        std::replace(outcome.message.begin(), outcome.message.end(), '\n', ' ');
        return outcome;
    }

    const auto given = [&](const std::string& flag) { return opts.at(flag)->count() > 0; };
    try {
        if (const auto extras = app.remaining(); !extras.empty()) {
            throw config_error{unrecognized_message(extras)};
        }
        std::map<std::string, std::string> file_values;
        if (given("--env-file")) {
            if (trim(texts["--env-file"]).empty()) fail("--env-file", texts["--env-file"], "a file path");
            file_values = read_env_file(texts["--env-file"]);
        }
        const auto env_value = [&](std::string_view name) -> std::optional<raw_value> {
            if (env) {
                if (auto v = env(name); v && !v->empty()) return raw_value{std::string(name), *v};
            }
            const auto it = file_values.find(std::string(name));
            if (it == file_values.end() || it->second.empty()) return std::nullopt;
            return raw_value{std::string(name), it->second};
        };
        // Validates both sources, then returns the parsed value with precedence.
        const auto resolve = [&](const std::string& flag, std::string_view env_name, bool env_wins,
                                 auto parse) {
            using result_t = decltype(parse(std::declval<const raw_value&>()));
            std::optional<result_t> from_flag, from_env;
            if (given(flag)) from_flag = parse(raw_value{flag, texts[flag]});
            if (auto e = env_value(env_name)) from_env = parse(*e);
            if (env_wins) return from_env ? from_env : from_flag;
            return from_flag ? from_flag : from_env;
        };
        const auto uint_in = [](std::uint64_t min, std::uint64_t max, std::string_view unit = {}) {
            return [=](const raw_value& r) { return parse_uint(r, min, max, unit); };
        };

        runtime_config c;
        if (auto v = resolve("--transport", "ARCADE_SERVER_TRANSPORT", true, parse_transport)) c.transport = *v;
        if (auto v = resolve("--host", "ARCADE_SERVER_HOST", true, parse_host)) c.host = *v;
        if (auto v = resolve("--port", "ARCADE_SERVER_PORT", true, uint_in(0, 65535))) {
            c.port = static_cast<std::uint16_t>(*v);
        }
        c.user_id = resolve("--user-id", "ARCADE_USER_ID", false, [](const raw_value& r) {
            const std::string_view id = trim(r.text);
            if (id.empty()) fail(r.name, r.text, "a non-empty user id");
            return std::string(id);
        });
        if (auto v = resolve("--log-format", "ARCADE_LOG_FORMAT", false, parse_format)) c.log_fmt = *v;
        if (auto v = resolve("--log-level", "ARCADE_LOG_LEVEL", false, parse_level)) c.log_min = *v;
        if (auto e = env_value("ARCADE_SERVER_STATELESS")) c.stateless = parse_bool(*e);
        if (given("--stateless")) c.stateless = stateless;
        if (auto v = resolve("--session-timeout", "MCP_TRANSPORT_SESSION_TIMEOUT_SECONDS", false,
                             uint_in(1, 31536000, "seconds"))) {
            c.session_idle_timeout = std::chrono::seconds(static_cast<std::int64_t>(*v));
        }
        if (auto v = resolve("--max-sessions", "MCP_TRANSPORT_MAX_SESSIONS", false, uint_in(1, 1000000))) {
            c.max_sessions = static_cast<std::size_t>(*v);
        }
        if (auto v = resolve("--max-body-bytes", "ARCADE_SERVER_MAX_BODY_BYTES", false,
                             uint_in(1024, std::uint64_t{1} << 30, "bytes"))) {
            c.max_body_bytes = static_cast<std::size_t>(*v);
        }
        if (auto v = resolve("--shutdown-grace", "ARCADE_UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN", false,
                             uint_in(0, 3600, "seconds"))) {
            c.shutdown_grace = std::chrono::seconds(static_cast<std::int64_t>(*v));
        }
        if (auto v = resolve("--worker-threads", "ARCADE_WORKER_THREADS", false, uint_in(0, 1024))) {
            c.worker_threads = static_cast<std::size_t>(*v);
        }
        if (auto v = resolve("--io-threads", "ARCADE_SERVER_IO_THREADS", false, uint_in(0, 256))) {
            c.io_threads = static_cast<std::size_t>(*v);
        }
        if (auto v = resolve("--metrics-port", "ARCADE_METRICS_PORT", false, uint_in(0, 65535)))
            c.metrics_port = static_cast<std::uint16_t>(*v);
        if (auto v = resolve("--metrics-host", "ARCADE_METRICS_HOST", false, parse_host)) c.metrics_host = *v;
        if (auto e = env_value("ARCADE_METRICS_ON_MAIN_PORT")) c.metrics_on_main_port = parse_bool(*e);
        if (given("--metrics-on-main-port")) c.metrics_on_main_port = metrics_on_main_port;
        const auto set_size = [&](const char* flag, const char* env_name, std::uint64_t min, std::uint64_t max,
                                  std::size_t& target, std::string_view unit = {}) {
            if (auto v = resolve(flag, env_name, false, uint_in(min, max, unit))) target = static_cast<std::size_t>(*v);
        };
        const auto set_seconds = [&](const char* flag, const char* env_name, std::uint64_t min,
                                     std::chrono::seconds& target) {
            if (auto v = resolve(flag, env_name, false, uint_in(min, 31536000, "seconds")))
                target = std::chrono::seconds(static_cast<std::int64_t>(*v));
        };
        set_size("--max-connections", "ARCADE_SERVER_MAX_CONNECTIONS", 1, 1000000, c.max_connections);
        set_size("--max-sessions-per-client", "MCP_TRANSPORT_MAX_SESSIONS_PER_CLIENT", 1, 1000000,
                 c.max_sessions_per_client);
        set_size("--max-requests-per-session", "ARCADE_SERVER_MAX_REQUESTS_PER_SESSION", 1, 100000,
                 c.max_requests_per_session);
        set_size("--max-json-depth", "ARCADE_SERVER_MAX_JSON_DEPTH", 2, 10000, c.max_json_depth);
        set_size("--max-string-bytes", "ARCADE_SERVER_MAX_STRING_BYTES", 16, std::uint64_t{1} << 30, c.max_string_bytes,
                 "bytes");
        set_size("--max-batch", "ARCADE_SERVER_MAX_BATCH", 1, 100000, c.max_batch_members);
        set_size("--max-batch-reply-bytes", "ARCADE_SERVER_MAX_BATCH_REPLY_BYTES", 1024, std::uint64_t{1} << 30,
                 c.max_batch_reply_bytes, "bytes");
        set_size("--max-pending-client-requests", "ARCADE_SERVER_MAX_PENDING_CLIENT_REQUESTS", 1, 100000,
                 c.max_pending_client_requests);
        set_seconds("--tool-timeout", "ARCADE_TOOL_TIMEOUT_SECONDS", 0, c.tool_timeout);
        set_seconds("--read-timeout", "ARCADE_SERVER_READ_TIMEOUT_SECONDS", 1, c.read_timeout);
        set_seconds("--keep-alive-timeout", "ARCADE_SERVER_KEEP_ALIVE_TIMEOUT_SECONDS", 1, c.keep_alive_timeout);
        set_seconds("--request-state-max-age", "MCP_REQUEST_STATE_MAX_AGE_SECONDS", 1, c.request_state_max_age);
        const auto resolve_list = [&](const std::string& flag, const std::vector<std::string>& values,
                                      std::string_view env_name, auto parse_entry) {
            std::vector<raw_value> flag_raw;
            for (const auto& value : values) flag_raw.push_back({flag, value});
            std::vector<std::string> from_env;
            if (auto e = env_value(env_name)) from_env = parse_list(std::vector{*e}, parse_entry);
            auto from_flag = parse_list(flag_raw, parse_entry);
            return given(flag) ? from_flag : from_env;
        };
        c.allowed_hosts = resolve_list("--allowed-host", hosts, "MCP_TRANSPORT_ALLOWED_HOSTS",
                                       parse_allowed_host);
        c.allowed_origins = resolve_list("--allowed-origin", origins,
                                         "MCP_TRANSPORT_ALLOWED_ORIGINS", parse_allowed_origin);
        if (given("--env-file")) c.env_file = texts["--env-file"];
        // Worker protocol settings: environment only (a secret on the command line would show in
        // `ps` and shell history). The secret's value never appears in a message.
        if (env) {
            if (auto secret = env("ARCADE_WORKER_SECRET")) {
                if (secret->empty()) c.worker_secret_empty = true;
                else c.worker_secret = *secret;
            }
            if (auto secret = env("MCP_REQUEST_STATE_SECRET"); secret && !secret->empty())
                c.request_state_secret = *secret;
        }
        if (auto e = env_value("ARCADE_AUTH_DISABLED")) c.auth_disabled = parse_bool(*e);
        if (auto e = env_value("ARCADE_TOOL_NAME_SEPARATOR")) {
            const bool bad = std::any_of(e->text.begin(), e->text.end(), [](char ch) {
                return static_cast<unsigned char>(ch) <= 0x20 || ch == 0x7F;
            });
            if (bad) fail(e->name, e->text, "a separator without spaces, such as '.'");
            c.tool_name_separator = e->text;
        }
        const auto split_names = [](const std::string& text) {
            std::vector<std::string> out;
            std::size_t start = 0;
            while (start <= text.size()) {
                const auto comma = text.find(',', start);
                const auto item = trim(std::string_view(text).substr(
                    start, comma == std::string::npos ? std::string::npos : comma - start));
                if (!item.empty()) out.emplace_back(item);
                if (comma == std::string::npos) break;
                start = comma + 1;
            }
            return out;
        };
        if (auto e = env_value("ARCADE_DISABLED_TOOLS")) c.disabled_tools = split_names(e->text);
        if (auto e = env_value("ARCADE_DISABLED_TOOLKITS")) c.disabled_toolkits = split_names(e->text);
        {
            const auto setting = [&](std::string_view name) -> std::optional<std::string> {
                static constexpr std::pair<std::string_view, const char*> flags[] = {
                    {"MCP_RESOURCE_SERVER_CANONICAL_URL", "--resource-server-canonical-url"},
                    {"MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS", "--resource-server-authorization-servers"}};
                for (const auto& [env_name, flag] : flags)
                    if (env_name == name && given(flag)) return texts[flag];
                if (auto e = env_value(name)) return e->text;
                return std::nullopt;
            };
            try {
                c.resource_server = auth::resource_server_from_settings(setting, c.resource_server_warnings);
            } catch (const std::invalid_argument& e) {
                throw config_error{e.what()};
            }
        }
        if (c.transport == transport_kind::http) {
            if (const auto problem = bind_problem(c.host); !problem.empty()) {
                const bool from_env = env_value("ARCADE_SERVER_HOST").has_value();
                fail(from_env ? "ARCADE_SERVER_HOST" : "--host", c.host,
                     "an address of this machine (" + problem + ")");
            }
        }
        if (c.metrics_port) {
            if (const auto problem = bind_problem(c.metrics_host); !problem.empty()) {
                const bool from_flag = given("--metrics-host");
                fail(from_flag ? "--metrics-host" : "ARCADE_METRICS_HOST", c.metrics_host,
                     "an address of this machine (" + problem + ")");
            }
        }
        outcome.config = std::move(c);
    } catch (const config_error& e) {
        outcome.exit_code = 2;
        outcome.message = e.message;
    }
    return outcome;
}

env_lookup process_env_lookup() {
    return [](std::string_view name) -> std::optional<std::string> {
        const char* value = std::getenv(std::string(name).c_str());
        if (value == nullptr) return std::nullopt;
        return std::string(value);
    };
}

std::size_t effective_worker_threads(const runtime_config& config) {
    if (config.worker_threads != 0) return config.worker_threads;
    return std::max<std::size_t>(4, std::thread::hardware_concurrency());
}

}  // namespace arcade_mcp::detail
