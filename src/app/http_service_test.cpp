// Tests of the embeddable HTTP server (arcade_mcp::event_loop + http_service): port 0 read back,
// connections spread over the loop's threads, two servers on one loop, a graceful stop that lets
// an in-flight call finish and closes idle connections, lifespan hooks around start and stop, and
// clear errors for a taken port, a failing hook, and a second start. A plain POSIX socket is the client.
#include "arcade_mcp/http_service.hpp"

#include <poll.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "app/http_test_support.hpp"
#include "arcade_mcp/mcp.hpp"

namespace arcade_mcp {
namespace {

using namespace std::chrono_literals;
using namespace http_test;

TEST(HttpService, BindsAFreePortAndServes) {
    echo_server app("Alpha");
    running_loop io;
    http_service service(app.srv, io.loop, stateless_options());
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
    echo_server alpha("Alpha");
    echo_server beta("Beta");
    running_loop io;
    http_service a(alpha.srv, io.loop, stateless_options());
    http_service b(beta.srv, io.loop, stateless_options());
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

TEST(HttpService, ConnectionsAreSpreadOverTheLoopThreadsAndRunIsBoundedByThem) {
    // A non-blocking tool runs on the I/O thread of its connection: it answers with that thread.
    server srv(info_for("Where"));
    srv.add_tool<text_args>("thread", "The I/O thread serving this call.", [](const text_args&) {
           return std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()));
       }).non_blocking();
    running_loop io;  // two threads
    http_service service(srv, io.loop, stateless_options());
    service.start();
    std::set<std::string> threads;
    for (int i = 0; i < 20 && threads.size() < 2; ++i) {  // the second thread may not be in run() yet
        const auto reply = call_echo(service.port(), "Where_Thread", "x");
        const auto at = reply.find(R"("text":")");
        ASSERT_NE(at, std::string::npos) << reply;
        threads.insert(reply.substr(at + 8, reply.find('"', at + 8) - at - 8));
    }
    EXPECT_EQ(threads.size(), 2u) << "successive connections go to both threads in turn";
    EXPECT_THROW(io.loop.run(), std::logic_error) << "a third thread on a loop made for two";
    service.stop();
}

TEST(HttpService, StopLetsAnInFlightCallFinishAndClosesIdleConnections) {
    echo_server app("Slow", 300ms);
    running_loop io;
    auto options = stateless_options();
    options.shutdown_grace = 30s;  // far longer than the call: a stop that waits it out is obvious
    http_service service(app.srv, io.loop, options);
    service.start();
    const int idle = connect_to(service.port());  // keep-alive connection that never sends
    ASSERT_GE(idle, 0);
    auto reply = std::async(std::launch::async, [&] { return call_echo(service.port(), "Slow_Echo", "late"); });
    std::this_thread::sleep_for(100ms);  // the call is running
    const auto t0 = std::chrono::steady_clock::now();
    service.stop();
    const auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_NE(reply.get().find(R"("text":"late")"), std::string::npos) << "the in-flight call was answered";
    EXPECT_LT(took, 10s) << "stop waited for the call, not the whole grace period";
    EXPECT_EQ(read_all(idle, 1s), "") << "the idle connection was closed without an answer";
    pollfd p{idle, POLLIN, 0};
    EXPECT_EQ(::poll(&p, 1, 0), 1) << "the idle connection reads end-of-stream";
    ::close(idle);
}

TEST(HttpService, LifespanHooksRunAroundServing) {
    echo_server app("Hooks");
    std::vector<std::string> events;
    app.srv.on_start([&] { events.push_back("start"); });
    app.srv.before_stop([&] { events.push_back("stop"); });
    running_loop io;
    http_service service(app.srv, io.loop, stateless_options());
    service.start();
    EXPECT_EQ(events, std::vector<std::string>{"start"});
    service.stop();
    EXPECT_EQ(events, (std::vector<std::string>{"start", "stop"}));
}

TEST(HttpService, AFailingStartHookIsAClearError) {
    echo_server app("Broken");
    app.srv.on_start([] { throw std::runtime_error("database unreachable"); });
    running_loop io;
    http_service service(app.srv, io.loop, stateless_options());
    try {
        service.start();
        FAIL() << "start() should throw";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("database unreachable"), std::string::npos) << e.what();
    }
}

TEST(HttpService, ATakenPortIsAClearErrorAndASecondStartIsRefused) {
    echo_server alpha("Alpha");
    echo_server beta("Beta");
    running_loop io;
    http_service a(alpha.srv, io.loop, stateless_options());
    a.start();
    EXPECT_THROW(a.start(), std::logic_error);
    auto taken = stateless_options();
    taken.port = a.port();
    http_service b(beta.srv, io.loop, taken);
    try {
        b.start();
        FAIL() << "binding a taken port should throw";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("cannot listen on 127.0.0.1:" + std::to_string(a.port())),
                  std::string::npos)
            << e.what();
    }
}

/// GET `path` over a fresh connection (Connection: close); the whole response.
std::string http_get(std::uint16_t port, const std::string& path, const std::string& method = "GET") {
    const int fd = connect_to(port);
    if (fd < 0) return "connect failed";
    const std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (!send_all(fd, req)) {
        ::close(fd);
        return "write failed";
    }
    auto got = read_all(fd, 5s);
    ::close(fd);
    return got;
}

resource_server_options loopback_resource_server() {
    resource_server_options rs;
    rs.canonical_url = "http://127.0.0.1:1/mcp";  // nothing listens on port 1: no token is ever valid
    authorization_server_entry as;
    as.authorization_server_url = "http://127.0.0.1:1";
    as.jwks_uri = "http://127.0.0.1:1/jwks.json";
    rs.authorization_servers = {as};
    rs.default_challenge_scopes = {"mcp"};
    return rs;
}

TEST(HttpService, FrontDoorAuthGuardsMcpAndServesTheMetadata) {
    echo_server app("Alpha");
    running_loop io;
    auto options = stateless_options();
    options.resource_server = loopback_resource_server();
    http_service service(app.srv, io.loop, options);
    service.start();
    const auto refused = call_echo(service.port(), "Alpha_Echo", "hi");
    EXPECT_NE(refused.find("HTTP/1.1 401"), std::string::npos) << refused;
    EXPECT_NE(refused.find("WWW-Authenticate: Bearer resource_metadata=\"http://127.0.0.1:1/.well-known/"
                           "oauth-protected-resource/mcp\", scope=\"mcp\""),
              std::string::npos)
        << refused;
    EXPECT_EQ(refused.find(R"("text":"hi")"), std::string::npos);
    for (const char* path : {"/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"}) {
        const auto metadata = http_get(service.port(), path);
        EXPECT_NE(metadata.find("HTTP/1.1 200"), std::string::npos) << metadata;
        EXPECT_NE(metadata.find("Access-Control-Allow-Origin: *"), std::string::npos) << metadata;
        EXPECT_NE(metadata.find(R"("resource":"http://127.0.0.1:1/mcp")"), std::string::npos) << metadata;
    }
    const auto preflight = http_get(service.port(), "/.well-known/oauth-protected-resource/mcp", "OPTIONS");
    EXPECT_NE(preflight.find("HTTP/1.1 204"), std::string::npos) << preflight;
    EXPECT_NE(http_get(service.port(), "/healthz").find("HTTP/1.1 200"), std::string::npos);
    service.stop();
}

TEST(HttpService, InvalidFrontDoorSettingsAreAClearErrorAtStart) {
    echo_server app("Alpha");
    running_loop io;
    auto options = stateless_options();
    options.resource_server = loopback_resource_server();
    options.resource_server->authorization_servers[0].algorithms = {"HS256"};
    http_service service(app.srv, io.loop, options);
    try {
        service.start();
        FAIL() << "start() accepted an HS256 authorization server";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("HS256"), std::string::npos) << e.what();
    }
}

TEST(HttpService, AnArcadeApiUrlOffLoopbackWithoutTlsIsAClearErrorAtStart) {
    echo_server app("Alpha");
    running_loop io;
    auto options = stateless_options();
    options.arcade_api_key = "arc_embedded_key";
    options.arcade_api_url = "http://api.example.com";
    http_service service(app.srv, io.loop, options);
    try {
        service.start();
        FAIL() << "start() accepted a plain-http Arcade API off loopback";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("Arcade API URL"), std::string::npos) << e.what();
        EXPECT_EQ(std::string(e.what()).find("arc_embedded_key"), std::string::npos);
    }
    options.arcade_api_url = "http://127.0.0.1:9";  // accepted (a stand-in on this machine)
    http_service fine(app.srv, io.loop, options);
    fine.start();
    fine.stop();
}

}  // namespace
}  // namespace arcade_mcp
