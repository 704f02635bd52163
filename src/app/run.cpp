// arcade_mcp::run: configuration (.env, environment, flags), logging, signals, and the chosen
// transport. Signals are blocked in every thread and taken by one sigwait thread, which turns
// SIGTERM/SIGINT into a graceful stop.
#include "arcade_mcp/run.hpp"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include "app/arcade_credentials.hpp"
#include "app/auth_mount.hpp"
#include "app/mcp_mode_setup.hpp"
#include "app/observability.hpp"
#include "app/dotenv.hpp"
#include "app/runtime_config.hpp"
#include "app/task_settings.hpp"
#include "app/worker_mount.hpp"
#include "util/hmac.hpp"
#include "log/logger.hpp"
#include "observe/metrics.hpp"
#include "mcp/dispatcher.hpp"
#include "transport/http/http_server.hpp"
#include "transport/stdio/stdio_transport.hpp"

namespace arcade_mcp {
namespace {

/// Blocks SIGTERM/SIGINT in this thread (and every thread started after) and starts a detached
/// thread that waits for them and calls `on_signal` once.
void install_signal_thread(std::function<void()> on_signal) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    ::signal(SIGPIPE, SIG_IGN);
    std::thread([set, on_signal = std::move(on_signal)] {
        int sig = 0;
        if (sigwait(&set, &sig) == 0) {
            detail::log(detail::log_level::info,
                        std::string("received ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") + "; shutting down");
            on_signal();
        }
    }).detach();
}

/// Waits for running tool calls after the transport stopped, then runs the before_stop hooks. A
/// handler that ignores its stop token cannot keep the process alive past the grace period: its
/// pool and dispatcher are then left behind (not freed under the stuck thread) and run() returns.
void finish(server& srv, std::unique_ptr<detail::worker_pool>& pool, std::unique_ptr<detail::dispatcher>& core,
            std::chrono::milliseconds grace) {
    const auto deadline = std::chrono::steady_clock::now() + grace;
    const auto busy = [&] { return pool->busy() > 0 || core->task_jobs() > 0; };  // tasks have their own pool
    while (busy() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const bool stuck = busy();
    detail::server_access::run_stop_hooks(srv);
    if (stuck) {
        detail::log(detail::log_level::warning,
                    "tool calls still running after the grace period; exiting without them");
        (void)core.release();
        (void)pool.release();
        return;
    }
    pool->shutdown();
}

}  // namespace

/// The HMAC key of 2026-07-28 request state: MCP_REQUEST_STATE_SECRET; else one derived from the
/// worker secret (replicas of a worker deployment share it; the derivation does not reveal it);
/// else empty (the dispatcher picks a random key: one replica only).
static std::string request_state_key(const detail::runtime_config& config) {
    if (config.request_state_secret) return *config.request_state_secret;
    if (config.worker_secret) {
        if (auto mac = detail::hmac_sha256(*config.worker_secret, "arcade-mcp-cpp request state key v1"))
            return std::string(reinterpret_cast<const char*>(mac->data()), mac->size());
    }
    if (config.transport == detail::transport_kind::http)
        detail::log(detail::log_level::info,
                    "MCP_REQUEST_STATE_SECRET not set: 2026-07-28 request state is signed with a per-process key "
                    "(set it on every replica to continue multi-round requests across replicas)");
    return {};
}

int run(server& srv, int argc, char** argv) {
    using namespace detail;
    // Before any thread starts, so every thread inherits the blocked signal mask.
    static std::atomic<bool> stop_requested{false};
    static stop_trigger http_stop;
    install_signal_thread([] {
        stop_requested = true;
        http_stop.fire();
    });
    // The first .env between the working directory and the project root; the real environment wins.
    std::error_code cwd_error;
    const auto cwd = std::filesystem::current_path(cwd_error);
    if (!cwd_error) {
        if (auto dotenv = find_dotenv(cwd)) {
            if (auto problem = load_dotenv_file(*dotenv)) {
                std::cerr << srv.info().name << ": " << *problem << '\n';
                return 2;
            }
        }
    }
    const std::string description =
        srv.info().name + " " + srv.info().version + ": an MCP server built on arcade-mcp-cpp";
    auto outcome = parse_runtime_config(argc, argv, process_env_lookup(), description, srv.info().version);
    if (!outcome.config) {
        (outcome.exit_code == 0 ? std::cout : std::cerr)
            << outcome.message << (outcome.message.ends_with('\n') ? "" : "\n");
        return outcome.exit_code;
    }
    runtime_config config = std::move(*outcome.config);
    if (config.env_file) {
        if (auto problem = load_dotenv_file(*config.env_file)) {
            std::cerr << srv.info().name << ": " << *problem << '\n';
            return 2;
        }
    }
    configure_logging(config.log_fmt, config.log_min);
    // MCP mode's tool requirements: the Arcade API for OAuth2 tokens, the login's user id.
    const auto arcade_api = arcade_api_from_env(process_env_lookup());
    if (!arcade_api.error.empty()) {
        std::cerr << srv.info().name << ": " << arcade_api.error << '\n';
        return 2;
    }
    hide_server_secrets_from_tools();  // read: from here on no tool finds them
    if (!config.user_id) {
        auto login = logged_in_user_email(process_env_lookup(), std::chrono::system_clock::now());
        if (login.email) log(log_level::info, "user id from the Arcade CLI login", {{"user_id", *login.email}});
        else if (!login.why_not.empty()) log(log_level::info, "Arcade CLI login not used: " + login.why_not);
        config.user_id = std::move(login.email);
    }
    std::string otel_problem;
    auto tracing = observe::otlp_settings_from_env(process_env_lookup(), srv.info().name, otel_problem);
    if (!otel_problem.empty()) {
        std::cerr << srv.info().name << ": " << otel_problem << '\n';
        return 2;
    }
    std::optional<trace_export> traces;
    if (tracing) {
        tracing->service_version = srv.info().version;
        traces.emplace(std::move(*tracing));
    }
    const bool metrics_served =
        config.transport == transport_kind::http && (config.metrics_port || config.metrics_on_main_port);
    observe::set_requests_observed(metrics_served);

    std::string task_problem;
    const auto tasks = task_settings_from_env(process_env_lookup(), task_problem);
    if (!tasks) {
        std::cerr << srv.info().name << ": " << task_problem << '\n';
        return 2;
    }

    auto pool = std::make_unique<worker_pool>(effective_worker_threads(config));
    dispatcher_options core_options;
    core_options.user_id = config.user_id;
    core_options.catalog.separator = config.tool_name_separator;
    core_options.catalog.disabled_tools = config.disabled_tools;
    core_options.catalog.disabled_toolkits = config.disabled_toolkits;
    core_options.refuse_tools_with_requirements = config.transport == transport_kind::http;
    core_options.authorizer = arcade_api.authorizer;
    core_options.json_input.max_depth = config.max_json_depth;
    core_options.json_input.max_string_bytes = config.max_string_bytes;
    core_options.tool_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(config.tool_timeout);
    core_options.max_pending_client_requests = config.max_pending_client_requests;
    core_options.max_batch_members = config.max_batch_members;
    core_options.max_batch_reply_bytes = config.max_batch_reply_bytes;
    core_options.request_state_secret = request_state_key(config);
    core_options.request_state_max_age = config.request_state_max_age;
    core_options.task_store = make_task_store(*tasks);
    core_options.task_worker_threads = tasks->worker_threads;
    auto core = std::make_unique<dispatcher>(srv, *pool, core_options);
    warn_missing_tool_secrets(*core->catalog(), process_env_lookup());
    if (arcade_api.authorizer)
        log(log_level::info, "tool authorization through the Arcade API", {{"url", arcade_api.base_url}});
    const auto grace = std::chrono::duration_cast<std::chrono::milliseconds>(config.shutdown_grace);
    log(log_level::info, "starting", {{"server", srv.info().name}, {"version", srv.info().version},
                                      {"tools", std::to_string(core->catalog()->entries().size())},
                                      {"transport", config.transport == transport_kind::http ? "http" : "stdio"},
                                      {"task_store", describe_task_store(*tasks)}});

    try {
        detail::server_access::run_start_hooks(srv);
    } catch (const std::exception& e) {
        log(log_level::error, "an on_start hook failed; not serving", {{"error", e.what()}});
        return 1;
    } catch (...) {
        log(log_level::error, "an on_start hook failed; not serving", {});
        return 1;
    }
    int code = 0;
    if (config.transport == transport_kind::stdio) {
        if (config.resource_server)
            log(log_level::info, "MCP_RESOURCE_SERVER_* apply to HTTP only: stdio takes no bearer tokens");
        if (config.metrics_port || config.metrics_on_main_port)
            log(log_level::info, "ARCADE_METRICS_* apply to HTTP only: a stdio server serves no /metrics");
        stdio_options options;
        options.shutdown_grace = grace;
        code = serve_stdio(*core, *pool, options, stop_requested);
    } else {
        http_options options;
        options.host = config.host;
        options.port = config.port;
        options.stateless = config.stateless;
        options.max_sessions = config.max_sessions;
        options.session_idle_timeout = config.session_idle_timeout;
        options.allowed_hosts = config.allowed_hosts;
        options.allowed_origins = config.allowed_origins;
        options.max_body_bytes = config.max_body_bytes;
        options.max_connections = config.max_connections;
        options.max_sessions_per_client = config.max_sessions_per_client;
        options.max_requests_per_session = config.max_requests_per_session;
        options.read_timeout = config.read_timeout;
        options.keep_alive_timeout = config.keep_alive_timeout;
        options.shutdown_grace = grace;
        options.io_threads = config.io_threads;
        if (config.worker_secret)
            options.routes.push_back(mount_worker_routes(*core, *config.worker_secret, config.auth_disabled));
        if (config.worker_secret_empty)
            log(log_level::warning, "ARCADE_WORKER_SECRET is empty: the worker routes stay disabled");
        if (config.auth_disabled && !config.worker_secret)
            log(log_level::warning, "ARCADE_AUTH_DISABLED has no effect without ARCADE_WORKER_SECRET");
        if (config.resource_server) {
            for (const auto& w : config.resource_server_warnings) log(log_level::warning, w);
            try {
                enable_front_door_auth(*config.resource_server, options);  // validated with the config
            } catch (const std::invalid_argument& e) {
                log(log_level::error, std::string("front-door authorization: ") + e.what());
                code = 2;
            }
        }
        if (config.metrics_on_main_port) options.routes.push_back(make_metrics_route(srv.info().version));
        std::optional<http_options> metrics;
        if (config.metrics_port) metrics = metrics_listener_options(config, srv.info().version);
        if (code == 0) code = serve_http(*core, *pool, options, http_stop, metrics ? &*metrics : nullptr);
    }
    finish(srv, pool, core, std::chrono::milliseconds(2000));
    // What is queued goes out once the requests drained: for up to 5 s (the grace period if shorter),
    // so that a pod's termination period (the grace period and this) is not outlived.
    if (traces) traces->finish(std::min(grace, std::chrono::milliseconds(5000)));
    flush_log();
    return code;
}

}  // namespace arcade_mcp
