// Fuzz target: the HTTP server's real connection code, detail::run_connection
// (src/transport/http/http_connection.cpp, mcp_endpoint.cpp), over a real loopback TCP connection.
// Per input: a client socket connects to an acceptor opened once on 127.0.0.1 (port 0), the
// accepted socket is served by run_connection as the accept loop of http_server.cpp would, the
// client writes the input bytes, shuts down its send side and reads everything the server answers
// until end-of-stream; all of it on one io_context run by this thread, bounded to 300 ms of
// running. Then, as a graceful stop does, the server drains (listen streams and sessions ended),
// both sockets are shut down, and the connection must end within 2 s with no work left on the
// io_context, so nothing crosses into the next input.
// The server: a dispatcher with four inline (non_blocking) tools in toolkit "Fuzz" (Echo, whose
// `message` is an x-mcp-header, Add, Notify, which logs and reports progress first so the answer
// is an SSE stream, and Fails), the worker routes enabled (secret kSecret; the seed
// `worker-invoke` carries a token for it that never expires), 1 s read/keep-alive/write timeouts
// and the default header (8 KiB) and body (1 MiB) limits. A fresh http_shared per input (its
// session table and per-client limits start empty).
// Oracles: no crash, sanitizer report or leak; no exception escapes: neither out of
// io_context::run (a Beast completion handler) nor out of the connection coroutine (the real
// server only ends that connection and logs it; here the completion handler rethrows it); the
// answer, when there is one, starts with "HTTP/1.1 " or "HTTP/1.0 "; the connection ends once its
// socket is shut down.
// `ARCADE_HTTP_FUZZ_SHOW=1 http_connection_fuzz <files>` prints each answer.
// Not covered: several connections at once (max_connections, one GET stream per session across
// connections), session ids (random: a fuzzed request cannot name a live session), timeouts.
#include <signal.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "arcade/worker_api.hpp"
#include "log/logger.hpp"
#include "mcp/dispatcher.hpp"
#include "transport/http/detail/asio.hpp"
#include "transport/http/http_connection.hpp"
#include "transport/http/http_server.hpp"

namespace {

using namespace arcade_mcp;
using namespace std::chrono_literals;
namespace net = detail::net;
namespace beast = detail::beast;
using tcp = net::ip::tcp;

constexpr std::string_view kSecret =
    "fuzz-worker-secret-7f3a";        // the jwt target's; see corpus/http_connection/worker-invoke
constexpr auto kRunBudget = 300ms;    // running time per input before the server is stopped
constexpr auto kDrainBudget = 2s;     // the connection must end within this after the stop
constexpr std::size_t kAnswerCap = 1 << 20;  // answer bytes kept for the oracle (the rest is read and dropped)

[[noreturn]] void die(const char* what, std::string_view answer = {}) {
    std::fprintf(stderr, "http_connection_fuzz: %s\nanswer (first 200 bytes): %.*s\n", what,
                 static_cast<int>(std::min<std::size_t>(answer.size(), 200)), answer.data());
    std::abort();
}

struct echo_args {
    std::string message;
    static auto describe() { return fields(field("message", &echo_args::message, "The message to echo back")); }
};

struct add_args {
    std::int64_t a = 0;
    std::int64_t b = 0;
    static auto describe() {
        return fields(field("a", &add_args::a, "First addend"), field("b", &add_args::b, "Second addend"));
    }
};

/// Every tool is inline (non_blocking): nothing runs on the pool, whose thread could outlive an input.
server& build_server(server& srv) {
    // Echo's argument is also a routing header (Mcp-Param-Message) in 2026-07-28.
    tool_spec echo =
        make_tool<echo_args>("echo", "Echo the message back.", [](const echo_args& in) { return in.message; });
    echo.input_schema["properties"]["message"]["x-mcp-header"] = "Message";
    srv.add_tool(std::move(echo.non_blocking()));
    srv.add_tool(
        std::move(make_tool<add_args>("add", "Add two integers.", [](const add_args& in) -> result<std::int64_t> {
                      std::int64_t sum = 0;
                      if (__builtin_add_overflow(in.a, in.b, &sum)) return tool_error::fatal("integer overflow");
                      return sum;
                  }).non_blocking()));
    srv.add_tool(std::move(make_tool<no_arguments>("notify", "Logs and reports progress, then answers (an SSE answer).",
                                                   [](tool_context& ctx, const no_arguments&) {
                                                       ctx.log(mcp_log_level::info, json{{"step", "start"}});
                                                       ctx.report_progress(1, 2, "half");
                                                       return std::string(ctx.user_id());
                                                   })
                               .non_blocking()));
    srv.add_tool(std::move(
        make_tool<no_arguments>("fails", "Returns a tool error.", [](const no_arguments&) -> result<std::string> {
            return tool_error::execution("failing on purpose");
        }).non_blocking()));
    return srv;
}

struct harness {
    harness() : srv(info()), pool(1), core(build_server(srv), pool, core_options()), acceptor(ioc) {
        options.host = "127.0.0.1";
        options.port = 0;
        options.read_timeout = 1s;
        options.keep_alive_timeout = 1s;
        options.write_timeout = 1s;
        options.sse_keep_alive = 1s;
        options.shutdown_grace = 100ms;
        options.io_threads = 1;
        options.routes.push_back(detail::worker_route(
            std::make_shared<detail::worker_api>(core, detail::worker_settings{std::string(kSecret), false})));
        const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), 0);
        acceptor.open(endpoint.protocol());
        acceptor.set_option(net::socket_base::reuse_address(true));
        acceptor.bind(endpoint);
        acceptor.listen(net::socket_base::max_listen_connections);
    }
    ~harness() { pool.shutdown(); }
    const bool show = std::getenv("ARCADE_HTTP_FUZZ_SHOW") != nullptr;  // print every answer (debugging seeds)
    static server_info info() {
        server_info i;
        i.name = "fuzz-http";
        i.version = "1.0.0";
        i.toolkit = "Fuzz";
        return i;
    }
    static detail::dispatcher_options core_options() {
        detail::dispatcher_options o;
        o.refuse_tools_with_requirements = true;  // as run.cpp sets it for HTTP
        o.request_state_secret = "fuzz-request-state-key";  // fixed: no random per-process key
        return o;
    }
    server srv;
    detail::worker_pool pool;
    detail::dispatcher core;
    detail::http_options options;
    net::io_context ioc;
    tcp::acceptor acceptor;
};

harness* the_harness = nullptr;

/// The client: writes the input, shuts down its send side. Reading runs alongside (read_all), so
/// neither side can block the other on full socket buffers.
net::awaitable<void> write_all(tcp::socket& s, std::string_view in) {
    beast::error_code ec;
    co_await net::async_write(s, net::buffer(in.data(), in.size()), net::redirect_error(net::use_awaitable, ec));
    s.shutdown(tcp::socket::shutdown_send, ec);
}

net::awaitable<void> read_all(tcp::socket& s, std::string& answer) {
    static char buf[16 * 1024];
    while (true) {
        beast::error_code ec;
        const std::size_t n = co_await s.async_read_some(net::buffer(buf), net::redirect_error(net::use_awaitable, ec));
        answer.append(buf, std::min(n, kAnswerCap - std::min(kAnswerCap, answer.size())));
        if (ec) co_return;  // end of stream, reset, or closed by the harness
    }
}

void check_answer(std::string_view answer) {
    if (answer.empty()) return;  // closed without answering (e.g. a request cut off by the end of input)
    if (answer.rfind("HTTP/1.1 ", 0) != 0 && answer.rfind("HTTP/1.0 ", 0) != 0)
        die("the answer does not start with an HTTP/1.x status line", answer);
}

void run_input(harness& h, std::string_view in) {
    auto shared = std::make_shared<detail::http_shared>(h.core, h.options);
    tcp::socket client(h.ioc);
    beast::error_code ec;
    // libFuzzer's SIGALRM (-timeout) can interrupt these blocking calls (EINTR); a connect goes on
    // in the kernel meanwhile: wait until it is writable and take its outcome.
    client.connect(h.acceptor.local_endpoint(), ec);
    while (ec == net::error::interrupted) {
        client.wait(tcp::socket::wait_write, ec);
        int err = 0;
        socklen_t len = sizeof err;
        if (!ec)
            ec = beast::error_code(
                ::getsockopt(client.native_handle(), SOL_SOCKET, SO_ERROR, &err, &len) == 0 ? err : errno,
                beast::system_category());
    }
    if (ec) die(("connect failed: " + ec.message()).c_str());
    tcp::socket accepted(net::make_strand(h.ioc));  // the accept loop puts each connection on a strand
    do h.acceptor.accept(accepted, ec);
    while (ec == net::error::interrupted);
    if (ec) die(("accept failed: " + ec.message()).c_str());
    accepted.set_option(tcp::no_delay(true), ec);
    const int server_fd = accepted.native_handle();
    const auto server_ex = accepted.get_executor();
    shared->connections.fetch_add(1);  // as the accept loop counts it; run_connection releases it

    bool server_done = false;
    int client_parts = 0;  // write_all and read_all
    std::string answer;
    // Exceptions are not caught anywhere here: one thrown by the coroutine is rethrown from its
    // completion handler, out of io_context::run, and libFuzzer reports it as a crash.
    net::co_spawn(server_ex,
                  detail::run_connection(detail::http_stream(beast::tcp_stream(std::move(accepted))), shared),
                  [&](std::exception_ptr e) {
                      server_done = true;
                      if (e) std::rethrow_exception(e);
                  });
    const auto client_end = [&](std::exception_ptr e) {
        ++client_parts;
        if (e) std::rethrow_exception(e);
    };
    net::co_spawn(h.ioc, write_all(client, in), client_end);
    net::co_spawn(h.ioc, read_all(client, answer), client_end);

    h.ioc.restart();
    h.ioc.run_for(kRunBudget);  // returns early once both sides are done and nothing is pending

    // Stop as the server's graceful stop does, then cut the connection from both ends.
    shared->draining = true;
    h.core.end_listens();
    shared->sessions.close_all();
    if (!server_done) ::shutdown(server_fd, SHUT_RDWR);  // the fd is still the connection's (closed only when it ends)
    client.close(ec);
    const auto deadline = std::chrono::steady_clock::now() + kDrainBudget;
    while (!(server_done && client_parts == 2) && std::chrono::steady_clock::now() < deadline) {
        h.ioc.restart();
        h.ioc.run_for(10ms);
    }
    if (!server_done) die("the connection did not end within 2 s after its socket was shut down", answer);
    if (client_parts != 2) die("the client did not finish after its socket was closed", answer);
    h.ioc.restart();
    h.ioc.run_for(100ms);  // returns at once unless work is left (which would leak into the next input)
    if (!h.ioc.stopped()) die("work left on the io_context after the connection ended", answer);
    if (h.show) std::fprintf(stderr, "---- answer (%zu bytes):\n%s\n----\n", answer.size(), answer.c_str());
    check_answer(answer);

    // Work handed to the pool (none: every tool is inline) must be done before the next input.
    while (h.pool.busy() > 0) {
        if (std::chrono::steady_clock::now() > deadline) die("the worker pool did not go idle");
        std::this_thread::yield();
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    ::signal(SIGPIPE, SIG_IGN);  // as run.cpp: a write to a closed peer is an error code, not a signal
    detail::configure_logging(detail::log_format::text, detail::log_level::off);
    the_harness = new harness();  // lives for the process (the pool's thread keeps running)
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    harness& h = *the_harness;
    run_input(h, std::string_view(reinterpret_cast<const char*>(data), size));
    // The dispatcher keeps a weak_ptr per initialized session and prunes them on a broadcast or
    // here: forget the ended ones after every input, so nothing outlives it (see jsonrpc_dispatch).
    h.core.forget_ended_sessions();
    return 0;
}
