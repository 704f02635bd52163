// Test support for the HTTP server's tests (not part of the library): a loopback client on plain
// POSIX sockets, a server with an Echo tool, and an event loop run by two threads.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "arcade_mcp/http_service.hpp"
#include "arcade_mcp/mcp.hpp"

namespace arcade_mcp::http_test {

using namespace std::chrono_literals;

struct text_args {
    std::string text;
    static auto describe() { return fields(field("text", &text_args::text, "Text")); }
};

inline server_info info_for(std::string toolkit) {
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
inline int connect_to(std::uint16_t port) {
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
inline std::string read_all(int fd, std::chrono::milliseconds limit) {
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
inline std::string call_echo(std::uint16_t port, const std::string& tool, const std::string& text) {
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

inline http_service_options stateless_options() {
    http_service_options o;
    o.stateless = true;
    o.shutdown_grace = 2s;
    return o;
}

/// An event loop run by two threads for the test's lifetime.
struct running_loop {
    event_loop loop{2};
    std::vector<std::thread> threads;
    running_loop() {
        for (int i = 0; i < 2; ++i) threads.emplace_back([this] { loop.run(); });
    }
    ~running_loop() {
        loop.stop();
        for (auto& t : threads) t.join();
    }
};

/// Writes all of `data` (blocking); false when the peer is gone.
inline bool send_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const auto n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n <= 0) return false;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

/// Reads exactly `n` bytes, or fewer when the peer closes or `limit` passes.
inline std::string read_exactly(int fd, std::size_t n, std::chrono::milliseconds limit) {
    std::string got;
    const auto end = std::chrono::steady_clock::now() + limit;
    char buf[4096];
    while (got.size() < n && std::chrono::steady_clock::now() < end) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        const auto r = ::read(fd, buf, std::min(sizeof buf, n - got.size()));
        if (r <= 0) break;
        got.append(buf, static_cast<std::size_t>(r));
    }
    return got;
}

/// How a client ends a connection: an orderly close (FIN) or a reset (RST, SO_LINGER 0).
enum class hang_up { fin, rst };

inline void end_connection(int fd, hang_up how) {
    if (how == hang_up::rst) {
        const linger abort_on_close{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
    }
    ::close(fd);
}

/// A 2025-11-25 POST /mcp with `body`, as Content-Length or as one chunk plus the last chunk.
inline std::string mcp_post(const std::string& body, bool chunked = false, bool keep_alive = true) {
    std::string head = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                       "Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2025-11-25\r\n";
    if (!keep_alive) head += "Connection: close\r\n";
    if (!chunked) return head + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    char size[32];
    std::snprintf(size, sizeof size, "%zx", body.size());
    return head + "Transfer-Encoding: chunked\r\n\r\n" + size + "\r\n" + body + "\r\n0\r\n\r\n";
}

}  // namespace arcade_mcp::http_test
