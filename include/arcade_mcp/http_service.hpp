/// @file http_service.hpp
/// Serving MCP over Streamable HTTP from your own program: an `event_loop` whose threads you
/// choose, and on it one or more `http_service`s, each serving one `server` on its own address.
/// Start and stop them from code, bind port 0 and read the port back. `run()` (run.hpp) is a
/// convenience over the same parts that also reads the environment and handles signals.
///
/// Example (examples/embedded/main.cpp):
/// @code
/// arcade_mcp::event_loop loop(1);                   // one I/O thread
/// arcade_mcp::http_service api(srv, loop);          // 127.0.0.1, a free port
/// api.start();
/// std::thread io([&] { loop.run(); });
/// std::cout << api.url() << '\n';                   // http://127.0.0.1:41234/mcp
/// // ...
/// api.stop();                                       // graceful: in-flight requests finish
/// loop.stop();
/// io.join();
/// @endcode
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "arcade_mcp/mcp/server.hpp"
#include "arcade_mcp/resource_server.hpp"

namespace arcade_mcp {

/// The I/O event loop HTTP services run on. run() serves on the calling thread until stop();
/// call it from several threads (up to `threads`) to serve on several: each thread runs its own
/// share of the connections (one Asio context per thread, so a connection never changes thread
/// and needs no locking). Thread-safe.
class event_loop {
public:
    /// `threads`: how many threads may call run() at once; 0 = the core count (at least 2).
    explicit event_loop(std::size_t threads = 0);
    ~event_loop();
    event_loop(const event_loop&) = delete;
    event_loop& operator=(const event_loop&) = delete;

    /// Runs I/O on this thread until stop(). An exception thrown by an I/O handler ends only the
    /// connection it belonged to (logged and counted); run() goes on. Throws std::logic_error
    /// when `threads` threads are already inside run().
    void run();
    /// Makes every run() return. Stop the services first for a graceful end.
    void stop();
    /// Connections ended by an exception so far.
    std::uint64_t connection_failures() const noexcept;
    /// True on a thread inside run().
    bool running_in_this_thread() const noexcept;

    class impl;
    impl& internals() noexcept { return *impl_; }  ///< for the library's transports

private:
    std::unique_ptr<impl> impl_;
};

/// How an http_service serves. Defaults are those of `run()` without environment.
struct http_service_options {
    std::string host = "127.0.0.1";  ///< loopback by default; "0.0.0.0" to serve other machines
    std::uint16_t port = 0;          ///< 0: a free port, read it with port() after start()
    bool stateless = false;          ///< no MCP sessions (every 2025 request stands alone)
    std::size_t tool_threads = 4;    ///< threads running blocking tool handlers
    std::chrono::milliseconds tool_timeout{std::chrono::minutes(5)};  ///< 0: no limit
    std::chrono::milliseconds shutdown_grace{std::chrono::seconds(15)};  ///< for in-flight requests on stop()
    std::optional<std::string> user_id;  ///< the user id tools see (else each session's own)
    /// Open MCP sessions; at the cap the longest-idle idle session is evicted, else 503.
    std::size_t max_sessions = 1000;
    std::size_t max_connections = 1024;        ///< open TCP connections; more are answered 503 and closed
    std::size_t max_body_bytes = 1024 * 1024;  ///< larger request bodies get 413 before they are read
    /// Set (non-empty): also serve the Arcade worker routes (/worker/*), checking the HS256
    /// token signed with this secret. Never logged, never shown to tools.
    std::optional<std::string> worker_secret;
    /// HMAC key for 2026-07-28 request state; empty: a random key (one replica only).
    std::string request_state_secret;
    /// Set: `/mcp` requires an OAuth bearer token (front-door authorization; resource_server.hpp).
    /// Invalid settings make start() throw std::invalid_argument.
    std::optional<resource_server_options> resource_server;
    /// Set (non-empty): MCP calls of tools that `requires_oauth2` get the user's token through the
    /// Arcade API (docs/arcade-auth.md); unset, they are answered "Missing Arcade API key". Only
    /// callers that front-door authorization identified reach such tools over HTTP. Never logged,
    /// never shown to tools.
    std::optional<std::string> arcade_api_key;
    /// The Arcade API (https, or http to a loopback address); else start() throws std::invalid_argument.
    std::string arcade_api_url = "https://api.arcade.dev";
};

/// One server served over Streamable HTTP (/mcp, /healthz, and /worker/* when enabled) on an
/// event_loop. Several may share one loop. The destructor stops it (graceful, bounded by
/// shutdown_grace).
class http_service {
public:
    /// Serves `srv` on `loop` (both must outlive this). Nothing is bound until start().
    http_service(server& srv, event_loop& loop, http_service_options options = {});
    ~http_service();
    http_service(const http_service&) = delete;
    http_service& operator=(const http_service&) = delete;

    /// Runs the server's on_start hooks, binds and starts accepting (the loop must be run for
    /// requests to be served). Throws std::runtime_error when a hook fails or it cannot bind.
    void start();
    /// The bound port (after start()).
    std::uint16_t port() const noexcept;
    /// `http://<host>:<port>/mcp` (after start()).
    std::string url() const;
    /// TCP connections open now (0 before start() and after stop()).
    std::size_t open_connections() const noexcept;
    /// Stops accepting, ends open streams, lets in-flight requests finish within the grace
    /// period, closes the sessions and idle connections, then runs the before_stop hooks.
    /// Blocks until done; the loop must be running meanwhile, on other threads (called on a loop
    /// thread it throws std::logic_error). Idempotent. Tool calls that ignore their stop token
    /// past the grace period are left behind, with the memory they use, rather than waited for.
    void stop();

    class impl;

private:
    std::unique_ptr<impl> impl_;
};

}  // namespace arcade_mcp
