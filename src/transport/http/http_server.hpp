// The Streamable HTTP transport's entry point (Boost-free): binds, serves /mcp until a stop is
// requested, then drains in-flight requests within the grace period.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "auth/bearer_gate.hpp"
#include "mcp/dispatcher.hpp"
#include "transport/http/http_routes.hpp"

namespace arcade_mcp::detail {

struct http_options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8000;  ///< 0 = ephemeral (the bound port is logged)
    bool stateless = false;
    std::size_t max_sessions = 1000;
    std::size_t max_sessions_per_client = 100;  ///< by remote address (behind a proxy: the proxy's)
    std::size_t max_connections = 1024;         ///< open TCP connections; more are answered 503 and closed
    std::size_t max_requests_per_session = 32;  ///< POSTs and GET streams in progress on one session (429 beyond)
    std::chrono::seconds session_idle_timeout{300};
    std::vector<std::string> allowed_hosts;
    std::vector<std::string> allowed_origins;
    std::size_t max_body_bytes = 1024 * 1024;
    std::size_t max_header_bytes = 8 * 1024;
    std::chrono::seconds read_timeout{30};       ///< whole request (header + body), against slow clients
    std::chrono::seconds keep_alive_timeout{60};  ///< idle connection between requests
    std::chrono::seconds write_timeout{30};
    std::chrono::seconds sse_keep_alive{15};     ///< comment line on idle GET streams
    std::chrono::milliseconds shutdown_grace{15000};
    std::size_t io_threads = 0;                  ///< 0 = hardware concurrency
    /// Served besides /mcp and /healthz, first match wins (the Arcade worker routes, when mounted).
    std::vector<http_route> routes;
    /// Set: /mcp requires a bearer token checked by this gate (front-door authorization), and its
    /// RFC 9728 metadata is served.
    std::shared_ptr<auth::bearer_gate> bearer;
    /// False: /mcp is not served here (404); a listener of mounted routes only, e.g. /metrics.
    bool serve_mcp = true;
};

/// A stop request that may arrive before or after the server is ready to take it.
class stop_trigger {
public:
    void fire();
    /// Runs `on_stop` on fire(), or at once if fire() already happened. Waits for a handler that
    /// fire() is running on another thread, so that after set_handler(nullptr) returns nothing
    /// touches what the old handler used (the event loop it posts to).
    void set_handler(std::function<void()> on_stop);
    bool fired() const;

private:
    std::mutex call_mu_;  ///< held while a handler runs, and by set_handler
    mutable std::mutex mu_;
    bool fired_ = false;
    std::function<void()> on_stop_;
};

/// Serves until `stop` fires, with a second listener on the same threads when `side` is given
/// (the metrics port: its own address and routes, serve_mcp false). Returns 0 after a clean
/// stop, 1 when it could not bind.
int serve_http(dispatcher& core, worker_pool& pool, const http_options& options, stop_trigger& stop,
               const http_options* side = nullptr);

}  // namespace arcade_mcp::detail
