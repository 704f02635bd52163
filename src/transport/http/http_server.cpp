// The Streamable HTTP listener: binds, accepts connections onto strands of one io_context run by
// a few threads, expires idle sessions, and on stop closes the acceptor, lets in-flight requests
// finish within the grace period, then stops.
#include "transport/http/http_server.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <cstdio>
#include <cstdlib>
#include <thread>

#include "log/logger.hpp"
#include "transport/http/http_connection.hpp"

namespace arcade_mcp::detail {

void stop_trigger::fire() {
    std::function<void()> handler;
    {
        std::lock_guard l(mu_);
        if (fired_) return;
        fired_ = true;
        handler = on_stop_;
    }
    if (handler) handler();
}

void stop_trigger::set_handler(std::function<void()> on_stop) {
    bool run_now = false;
    {
        std::lock_guard l(mu_);
        on_stop_ = on_stop;
        run_now = fired_;
    }
    if (run_now && on_stop) on_stop();
}

bool stop_trigger::fired() const {
    std::lock_guard l(mu_);
    return fired_;
}

namespace {

/// Over max_connections: a short 503 and close, so clients back off instead of hanging.
net::awaitable<void> refuse_connection(net::ip::tcp::socket socket) {
    static constexpr std::string_view answer =
        "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
    beast::tcp_stream stream(std::move(socket));
    stream.expires_after(std::chrono::seconds(2));
    beast::error_code ec;
    co_await net::async_write(stream, net::buffer(answer.data(), answer.size()), net::redirect_error(net::use_awaitable, ec));
    stream.socket().shutdown(net::ip::tcp::socket::shutdown_both, ec);
}

net::awaitable<void> accept_loop(net::ip::tcp::acceptor& acceptor, std::shared_ptr<http_shared> shared) {
    while (acceptor.is_open()) {
        beast::error_code ec;
        auto socket = co_await acceptor.async_accept(net::make_strand(acceptor.get_executor()), net::redirect_error(net::use_awaitable, ec));
        if (ec == net::error::operation_aborted || !acceptor.is_open()) break;
        if (ec) {
            log(log_level::warning, "accept failed", {{"error", ec.message()}});
            continue;
        }
        socket.set_option(net::ip::tcp::no_delay(true), ec);
        auto ex = socket.get_executor();
        if (shared->connections.fetch_add(1) >= shared->options.max_connections) {
            shared->connections.fetch_sub(1);
            net::co_spawn(ex, refuse_connection(std::move(socket)), net::detached);
            continue;
        }
        net::co_spawn(ex, run_connection(beast::tcp_stream(std::move(socket)), shared), [shared](std::exception_ptr e) {
            if (e) count_connection_failure(*shared, "connection", e);
        });
    }
}

/// Hands memory freed by expired sessions back to the OS (glibc keeps it in its arenas
/// otherwise, and RSS would stay at the peak after a burst of abandoned sessions).
void release_free_memory() {
#if defined(__GLIBC__)
    ::malloc_trim(0);
#endif
}

net::awaitable<void> expire_sessions(std::shared_ptr<http_shared> shared) {
    net::steady_timer timer(co_await net::this_coro::executor);
    const auto period = std::max<std::chrono::seconds>(std::chrono::seconds(1), std::min<std::chrono::seconds>(shared->options.session_idle_timeout / 4, std::chrono::seconds(30)));
    while (!shared->draining.load()) {
        timer.expires_after(period);
        beast::error_code ec;
        co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
        if (shared->sessions.expire_idle(session_table::clock::now()) > 0) {
            shared->core.forget_ended_sessions();
            release_free_memory();
        }
    }
}

/// After the stop: wait for in-flight requests (bounded by the grace period), then stop the loop.
net::awaitable<void> drain(std::shared_ptr<http_shared> shared, net::io_context& ioc) {
    net::steady_timer timer(co_await net::this_coro::executor);
    const auto deadline = std::chrono::steady_clock::now() + shared->options.shutdown_grace;
    while (shared->in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline) {
        timer.expires_after(std::chrono::milliseconds(20));
        beast::error_code ec;
        co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
    }
    if (shared->in_flight.load() > 0) {
        log(log_level::warning, "grace period over; stopping with requests in flight", {{"in_flight", std::to_string(shared->in_flight.load())}});
        shared->core.stop_all_calls();
    }
    shared->sessions.close_all();
    ioc.stop();
}

}  // namespace

int serve_http(dispatcher& core, worker_pool& pool, const http_options& options, stop_trigger& stop) {
    net::io_context ioc;
    auto shared = std::make_shared<http_shared>(core, options);
    net::ip::tcp::acceptor acceptor(ioc);
    beast::error_code ec;
    const auto address = net::ip::make_address(options.host == "localhost" ? "127.0.0.1" : options.host, ec);
    if (ec) {
        log(log_level::error, "invalid bind address", {{"host", options.host}});
        return 1;
    }
    const net::ip::tcp::endpoint endpoint(address, options.port);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
        log(log_level::error, "cannot listen", {{"address", options.host + ":" + std::to_string(options.port)}, {"error", ec.message()}});
        return 1;
    }
    const auto bound = acceptor.local_endpoint();
    const std::string shown_host = bound.address().is_v6() ? "[" + bound.address().to_string() + "]" : bound.address().to_string();
    log(log_level::info, "listening on http://" + shown_host + ":" + std::to_string(bound.port()) + "/mcp",
        {{"stateless", options.stateless ? "true" : "false"}});
    if (shared->worker)
        log(log_level::info, options.worker_auth_disabled ? "worker routes enabled WITHOUT authentication (ARCADE_AUTH_DISABLED)"
                                                          : "worker routes enabled",
            {{"tools", std::to_string(core.catalog()->entries().size())}});
    if (options.worker_auth_disabled && shared->worker) log(log_level::warning, "ARCADE_AUTH_DISABLED=true: /worker/* accepts requests without a token");
    if (!shared->policy.checks_host())
        log(log_level::warning, "Host header not checked: bound off loopback without MCP_TRANSPORT_ALLOWED_HOSTS");

    net::co_spawn(ioc, accept_loop(acceptor, shared), net::detached);
    if (!options.stateless) net::co_spawn(ioc, expire_sessions(shared), net::detached);
    stop.set_handler([&ioc, &acceptor, shared] {
        net::post(ioc, [&ioc, &acceptor, shared] {
            log(log_level::info, "stopping: no new connections; draining in-flight requests");
            shared->draining = true;
            shared->core.end_listens();  // 2026-07-28 listen streams end with their final result
            beast::error_code ignored;
            acceptor.close(ignored);
            net::co_spawn(ioc, drain(shared, ioc), net::detached);
        });
    });

    // An exception thrown by an I/O handler (inside Beast or Asio, outside any coroutine's own
    // try) leaves run(): the handler that threw is gone with its connection; count it and run on.
    const auto run_loop = [&ioc, shared] {
        while (true) {
            try {
                ioc.run();
                return;
            } catch (...) {
                count_connection_failure(*shared, "I/O handler", std::current_exception());
            }
        }
    };
    std::size_t threads = options.io_threads ? options.io_threads : std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::thread> runners;
    for (std::size_t i = 1; i < threads; ++i) runners.emplace_back(run_loop);
    run_loop();
    for (auto& t : runners) t.join();
    stop.set_handler(nullptr);
    // Tool calls still running hold sinks that post onto this io_context: it must outlive them.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (pool.busy() > 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (pool.busy() > 0) {
        log(log_level::warning, "tool calls ignore their stop token after the grace period; exiting without them");
        flush_log();
        std::fflush(nullptr);
        std::_Exit(0);
    }
    log(log_level::info, "HTTP server stopped");
    return 0;
}

}  // namespace arcade_mcp::detail
