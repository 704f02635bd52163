// The byte stream one HTTP connection runs over: a TCP socket in production, or an in-memory
// stream (Beast's test::stream, with its fail_count) in the unit tests and the HTTP fuzz target,
// so the real connection code can be driven without sockets and made to fail at every read and
// write in turn. Meets Asio's AsyncReadStream and AsyncWriteStream: Beast's HTTP reads and writes
// take it as they take a tcp_stream. Each operation picks the alternative once (no allocation,
// no virtual call); both alternatives complete with the same signature and token result.
// Private to src/transport/http.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <variant>

#include <boost/beast/_experimental/test/stream.hpp>

#include "transport/http/detail/asio.hpp"

namespace arcade_mcp::detail {

class http_stream {
public:
    using executor_type = net::any_io_executor;
    /// The in-memory alternative: connect() two of them, or append() what the client sent.
    using memory_stream = beast::test::stream;

    explicit http_stream(beast::tcp_stream tcp) : s_(std::in_place_type<beast::tcp_stream>, std::move(tcp)) {}
    explicit http_stream(memory_stream memory) : s_(std::in_place_type<memory_stream>, std::move(memory)) {}

    executor_type get_executor() noexcept {
        return std::visit([](auto& s) -> executor_type { return s.get_executor(); }, s_);
    }

    template <class MutableBuffers, class Token>
    auto async_read_some(const MutableBuffers& buffers, Token&& token) {
        if (auto* tcp = std::get_if<beast::tcp_stream>(&s_))
            return tcp->async_read_some(buffers, std::forward<Token>(token));
        return std::get<memory_stream>(s_).async_read_some(buffers, std::forward<Token>(token));
    }
    template <class ConstBuffers, class Token>
    auto async_write_some(const ConstBuffers& buffers, Token&& token) {
        if (auto* tcp = std::get_if<beast::tcp_stream>(&s_))
            return tcp->async_write_some(buffers, std::forward<Token>(token));
        return std::get<memory_stream>(s_).async_write_some(buffers, std::forward<Token>(token));
    }

    /// The deadline of the operations that follow (TCP: they end with beast::error::timeout past
    /// it). An in-memory stream has none: a test ends a stalled exchange by closing its end.
    void expires_after(std::chrono::steady_clock::duration d) {
        if (auto* tcp = std::get_if<beast::tcp_stream>(&s_)) tcp->expires_after(d);
    }
    /// Ends our direction: the peer reads end-of-stream after what was sent.
    void shutdown_send() {
        if (auto* tcp = std::get_if<beast::tcp_stream>(&s_)) {
            beast::error_code ignored;
            tcp->socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
        } else {
            std::get<memory_stream>(s_).close();
        }
    }
    /// Closes the stream; pending operations end with an error.
    void close() {
        if (auto* tcp = std::get_if<beast::tcp_stream>(&s_)) tcp->close();
        else std::get<memory_stream>(s_).close();
    }
    /// Cancels pending operations; they complete with operation_aborted (in-memory: the stream
    /// is closed instead, which ends a pending read with end-of-stream).
    void cancel() {
        if (auto* tcp = std::get_if<beast::tcp_stream>(&s_)) tcp->cancel();
        else std::get<memory_stream>(s_).close();
    }
    /// The client's address, for the per-client session limit; "" when unknown (in-memory).
    std::string peer_address() const {
        if (const auto* tcp = std::get_if<beast::tcp_stream>(&s_)) {
            beast::error_code ec;
            const auto peer = tcp->socket().remote_endpoint(ec);
            if (!ec) return peer.address().to_string();
        }
        return {};
    }
    /// The TCP stream, for what only a socket can do (noticing a hang-up while no read is
    /// pending); nullptr for an in-memory stream.
    beast::tcp_stream* tcp() noexcept { return std::get_if<beast::tcp_stream>(&s_); }

private:
    std::variant<beast::tcp_stream, memory_stream> s_;
};

}  // namespace arcade_mcp::detail
