// Tests of the embeddable HTTP server (arcade_mcp::event_loop + http_service): port 0 read back,
// two servers on one loop, a graceful stop that lets an in-flight call finish and closes idle
// connections, lifespan hooks around start and stop, and clear errors for a taken port, a failing
// hook, and a second start. A plain POSIX socket is the client.
#include "arcade_mcp/http_service.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "arcade_mcp/mcp.hpp"

namespace arcade_mcp {
namespace {

using namespace std::chrono_literals;

struct text_args {
    std::string text;
    static auto describe() { return fields(field("text", &text_args::text, "Text")); }
};

server_info info_for(std::string toolkit) {
    server_info info;
    info.name = toolkit;
    info.version = "1.0.0";
    info.toolkit = toolkit;
    return info;
}

/// A server of toolkit `toolkit` with one tool, Echo, answering after `delay`.
struct echo_server {
    server srv;
    explicit echo_server(std::string toolkit, std::chrono::milliseconds delay = 0ms)
        : srv(info_for(std::move(toolkit))) {
        srv.add_tool<text_args>("echo", "Echo the text after a delay.", [delay](const text_args& in) {
            std::this_thread::sleep_for(delay);
            return in.text;
        });
    }
};

/// A connected loopback socket (-1 on failure).
int connect_to(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

/// Reads until the peer closes or `limit` passes; returns what arrived.
std::string read_all(int fd, std::chrono::milliseconds limit) {
    std::string got;
    const auto end = std::chrono::steady_clock::now() + limit;
    char buf[4096];
    while (std::chrono::steady_clock::now() < end) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        const auto n = ::read(fd, buf, sizeof buf);
        if (n <= 0) break;
        got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
}

/// One stateless 2025 tools/call over a fresh connection (Connection: close); the whole response.
std::string call_echo(std::uint16_t port, const std::string& tool, const std::string& text) {
    const int fd = connect_to(port);
    if (fd < 0) return "connect failed";
    const std::string body = R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":")" + tool +
                             R"(","arguments":{"text":")" + text + R"("}}})";
    const std::string req = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            "Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2025-11-25\r\n"
                            "Connection: close\r\nContent-Length: " +
                            std::to_string(body.size()) + "\r\n\r\n" + body;
    if (::write(fd, req.data(), req.size()) != static_cast<ssize_t>(req.size())) {
        ::close(fd);
        return "write failed";
    }
    auto got = read_all(fd, 5s);
    ::close(fd);
    return got;
}

http_service_options stateless_options() {
    http_service_options o;
    o.stateless = true;
    o.shutdown_grace = 2s;
    return o;
}

/// An event loop run by two threads for the test's lifetime.
struct running_loop {
    event_loop loop;
    std::vector<std::thread> threads;
    running_loop() {
        for (int i = 0; i < 2; ++i) threads.emplace_back([this] { loop.run(); });
    }
    ~running_loop() {
        loop.stop();
        for (auto& t : threads) t.join();
    }
};

TEST(HttpService, BindsAFreePortAndServes) {
    echo_server srv_holder("Alpha");
    server& srv = srv_holder.srv;
    running_loop io;
    http_service service(srv, io.loop, stateless_options());
    service.start();
    ASSERT_NE(service.port(), 0);
    EXPECT_EQ(service.url(), "http://127.0.0.1:" + std::to_string(service.port()) + "/mcp");
    const auto reply = call_echo(service.port(), "Alpha_Echo", "hi");
    EXPECT_NE(reply.find("HTTP/1.1 200"), std::string::npos) << reply;
    EXPECT_NE(reply.find(R"("text":"hi")"), std::string::npos) << reply;
    service.stop();
    service.stop();  // idempotent
    EXPECT_EQ(connect_to(service.port()), -1) << "the port is closed after stop";
}

TEST(HttpService, TwoServersShareOneLoop) {
    echo_server alpha_holder("Alpha");
    server& alpha = alpha_holder.srv;
    echo_server beta_holder("Beta");
    server& beta = beta_holder.srv;
    running_loop io;
    http_service a(alpha, io.loop, stateless_options());
    http_service b(beta, io.loop, stateless_options());
    a.start();
    b.start();
    ASSERT_NE(a.port(), b.port());
    EXPECT_NE(call_echo(a.port(), "Alpha_Echo", "one").find(R"("text":"one")"), std::string::npos);
    EXPECT_NE(call_echo(b.port(), "Beta_Echo", "two").find(R"("text":"two")"), std::string::npos);
    // Each serves its own catalog only.
    EXPECT_EQ(call_echo(a.port(), "Beta_Echo", "x").find(R"("text":"x")"), std::string::npos);
    a.stop();
    // The other keeps serving on the shared loop.
    EXPECT_NE(call_echo(b.port(), "Beta_Echo", "three").find(R"("text":"three")"), std::string::npos);
    b.stop();
}

TEST(HttpService, StopLetsAnInFlightCallFinishAndClosesIdleConnections) {
    echo_server srv_holder("Slow", 300ms);
    server& srv = srv_holder.srv;
    running_loop io;
    http_service service(srv, io.loop, stateless_options());
    service.start();
    const int idle = connect_to(service.port());  // keep-alive connection that never sends
    ASSERT_GE(idle, 0);
    auto reply = std::async(std::launch::async, [&] { return call_echo(service.port(), "Slow_Echo", "late"); });
    std::this_thread::sleep_for(100ms);  // the call is running
    const auto t0 = std::chrono::steady_clock::now();
    service.stop();
    const auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_NE(reply.get().find(R"("text":"late")"), std::string::npos) << "the in-flight call was answered";
    EXPECT_LT(took, 2s) << "stop waited for the call, not the whole grace period";
    EXPECT_EQ(read_all(idle, 1s), "") << "the idle connection was closed without an answer";
    pollfd p{idle, POLLIN, 0};
    EXPECT_EQ(::poll(&p, 1, 0), 1) << "the idle connection reads end-of-stream";
    ::close(idle);
}

TEST(HttpService, LifespanHooksRunAroundServing) {
    echo_server srv_holder("Hooks");
    server& srv = srv_holder.srv;
    std::vector<std::string> events;
    srv.on_start([&] { events.push_back("start"); });
    srv.before_stop([&] { events.push_back("stop"); });
    running_loop io;
    http_service service(srv, io.loop, stateless_options());
    service.start();
    EXPECT_EQ(events, std::vector<std::string>{"start"});
    service.stop();
    EXPECT_EQ(events, (std::vector<std::string>{"start", "stop"}));
}

TEST(HttpService, AFailingStartHookIsAClearError) {
    echo_server srv_holder("Broken");
    server& srv = srv_holder.srv;
    srv.on_start([] { throw std::runtime_error("database unreachable"); });
    running_loop io;
    http_service service(srv, io.loop, stateless_options());
    try {
        service.start();
        FAIL() << "start() should throw";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("database unreachable"), std::string::npos) << e.what();
    }
}

TEST(HttpService, ATakenPortIsAClearErrorAndASecondStartIsRefused) {
    echo_server alpha_holder("Alpha");
    server& alpha = alpha_holder.srv;
    echo_server beta_holder("Beta");
    server& beta = beta_holder.srv;
    running_loop io;
    http_service a(alpha, io.loop, stateless_options());
    a.start();
    EXPECT_THROW(a.start(), std::logic_error);
    auto taken = stateless_options();
    taken.port = a.port();
    http_service b(beta, io.loop, taken);
    try {
        b.start();
        FAIL() << "binding a taken port should throw";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("cannot listen on 127.0.0.1:" + std::to_string(a.port())),
                  std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace arcade_mcp
