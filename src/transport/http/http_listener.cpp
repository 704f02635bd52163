// The Streamable HTTP listener: binds, accepts connections onto the event loop's lanes in turn,
// expires idle sessions, and on stop closes the acceptor, lets in-flight requests finish within
// the grace period, then closes sessions and idle connections and reports that it is done.
#include "transport/http/http_listener.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <stdexcept>

#include "observe/metrics.hpp"
#include "log/logger.hpp"
#include "transport/http/event_loop_impl.hpp"
#include "transport/http/http_connection.hpp"

namespace arcade_mcp::detail {

class http_listener::state : public std::enable_shared_from_this<http_listener::state> {
public:
    state(event_loop::impl& loop, dispatcher& core, http_options options)
        : loop(loop), strand(net::make_strand(loop.main_context())), acceptor(strand), expiry(strand),
          shared(std::make_shared<http_shared>(core, std::move(options))) {
        shared->loop_failures = &loop.failures;
    }
    event_loop::impl& loop;
    net::strand<net::io_context::executor_type> strand;  ///< acceptor, expiry timer, stop sequence
    net::ip::tcp::acceptor acceptor;
    net::steady_timer expiry;
    std::shared_ptr<http_shared> shared;
    std::uint16_t port = 0;
    bool stopping = false;  ///< on the strand
};

namespace {

using state_ptr = std::shared_ptr<http_listener::state>;

/// Over max_connections: a short 503 and close, so clients back off instead of hanging.
net::awaitable<void> refuse_connection(net::ip::tcp::socket socket) {
    static constexpr std::string_view answer =
        "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
    beast::tcp_stream stream(std::move(socket));
    stream.expires_after(std::chrono::seconds(2));
    beast::error_code ec;
    co_await net::async_write(stream, net::buffer(answer.data(), answer.size()),
                              net::redirect_error(net::use_awaitable, ec));
    stream.socket().shutdown(net::ip::tcp::socket::shutdown_both, ec);
}

net::awaitable<void> accept_loop(state_ptr s) {
    const auto& shared = s->shared;
    while (s->acceptor.is_open()) {
        beast::error_code ec;
        auto socket = co_await s->acceptor.async_accept(s->loop.next_connection_executor(),
                                                        net::redirect_error(net::use_awaitable, ec));
        if (ec == net::error::operation_aborted || !s->acceptor.is_open()) break;
        if (ec) {
            log(log_level::warning, "accept failed", {{"error", ec.message()}});
            continue;
        }
        socket.set_option(net::ip::tcp::no_delay(true), ec);
        auto ex = socket.get_executor();
        if (shared->connections.fetch_add(1) >= shared->options.max_connections) {
            shared->connections.fetch_sub(1);
            observe::count_limit_hit(observe::limit_kind::connections);
            observe::count_http_response_without_route(503);
            net::co_spawn(ex, refuse_connection(std::move(socket)), net::detached);
            continue;
        }
        net::co_spawn(ex, run_connection(http_stream(beast::tcp_stream(std::move(socket))), shared),
                      [shared](std::exception_ptr e) {
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

net::awaitable<void> expire_sessions(state_ptr s) {
    const auto& shared = s->shared;
    const auto period = std::max<std::chrono::seconds>(
        std::chrono::seconds(1),
        std::min<std::chrono::seconds>(shared->options.session_idle_timeout / 4, std::chrono::seconds(30)));
    while (!s->stopping) {
        s->expiry.expires_after(period);
        beast::error_code ec;
        co_await s->expiry.async_wait(net::redirect_error(net::use_awaitable, ec));
        if (s->stopping) break;
        if (shared->sessions.expire_idle(session_table::clock::now()) > 0) {
            shared->core.forget_ended_sessions();
            release_free_memory();
        }
    }
}

/// Polls `done` every 20 ms until it holds or `deadline` passes; returns whether it holds.
template <class Done>
net::awaitable<bool> wait_until(Done done, std::chrono::steady_clock::time_point deadline) {
    net::steady_timer timer(co_await net::this_coro::executor);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
        timer.expires_after(std::chrono::milliseconds(20));
        beast::error_code ec;
        co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
    }
    co_return done();
}

/// After the stop: in-flight requests and running tasks get the grace period, then calls still
/// running are told to stop (tasks end `failed`), sessions and idle connections are closed, and
/// once the connections are gone (bounded), `on_stopped` runs.
net::awaitable<void> drain(state_ptr s, std::function<void()> on_stopped) {
    const auto shared = s->shared;
    const auto grace_end = std::chrono::steady_clock::now() + shared->options.shutdown_grace;
    const auto idle = [&] { return shared->in_flight.load() == 0 && shared->core.tasks().running() == 0; };
    if (!co_await wait_until(idle, grace_end)) {
        log(log_level::warning, "grace period over; stopping with requests in flight or tasks running",
            {{"in_flight", std::to_string(shared->in_flight.load())},
             {"tasks", std::to_string(shared->core.tasks().running())}});
        shared->core.stop_all_calls();
    }
    shared->sessions.close_all();
    shared->open_connections.cancel_all(shared);
    const auto close_end = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    if (!co_await wait_until([&] { return shared->connections.load() == 0; }, close_end))
        log(log_level::warning, "connections still open after the stop",
            {{"connections", std::to_string(shared->connections.load())}});
    log(log_level::info, "HTTP server stopped", {{"port", std::to_string(s->port)}});
    if (on_stopped) on_stopped();
}

}  // namespace

http_listener::http_listener(event_loop& loop, dispatcher& core, http_options options)
    : state_(std::make_shared<state>(loop.internals(), core, std::move(options))) {}

http_listener::~http_listener() = default;

std::uint16_t http_listener::start() {
    auto& s = *state_;
    const auto& options = s.shared->options;
    beast::error_code ec;
    const auto address = net::ip::make_address(options.host == "localhost" ? "127.0.0.1" : options.host, ec);
    if (ec) throw std::runtime_error("invalid bind address: " + options.host);
    const net::ip::tcp::endpoint endpoint(address, options.port);
    s.acceptor.open(endpoint.protocol(), ec);
    if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) s.acceptor.bind(endpoint, ec);
    if (!ec) s.acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
        beast::error_code ignored;
        s.acceptor.close(ignored);
        throw std::runtime_error("cannot listen on " + options.host + ":" + std::to_string(options.port) + ": " +
                                 ec.message());
    }
    const auto bound = s.acceptor.local_endpoint();
    s.port = bound.port();
    const std::string shown_host =
        bound.address().is_v6() ? "[" + bound.address().to_string() + "]" : bound.address().to_string();
    std::string url = "http://" + shown_host + ":" + std::to_string(s.port);
    if (options.serve_mcp) {
        log(log_level::info, "listening on " + url + "/mcp", {{"stateless", options.stateless ? "true" : "false"}});
    } else {
        log(log_level::info, "listening on " + url + " (no /mcp here)", {});
    }
    if (!s.shared->policy.checks_host())
        log(log_level::warning, "Host header not checked: bound off loopback without MCP_TRANSPORT_ALLOWED_HOSTS");
    net::co_spawn(s.strand, accept_loop(state_), net::detached);
    if (!options.stateless) net::co_spawn(s.strand, expire_sessions(state_), net::detached);
    return s.port;
}

std::size_t http_listener::open_connections() const noexcept { return state_->shared->connections.load(); }

void http_listener::stop(std::function<void()> on_stopped) {
    net::post(state_->strand, [s = state_, on_stopped = std::move(on_stopped)]() mutable {
        if (s->stopping) return;
        s->stopping = true;
        log(log_level::info, "stopping: no new connections; draining in-flight requests",
            {{"port", std::to_string(s->port)}});
        s->shared->draining = true;
        s->shared->core.end_listens();  // 2026-07-28 listen streams end with their final result
        beast::error_code ignored;
        s->acceptor.close(ignored);
        s->expiry.cancel();
        net::co_spawn(s->strand, drain(s, std::move(on_stopped)), net::detached);
    });
}

}  // namespace arcade_mcp::detail
