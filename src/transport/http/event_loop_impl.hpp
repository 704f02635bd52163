// What an arcade_mcp::event_loop is inside: one Asio io_context per thread that may run the loop
// (a "lane"), each kept running by a work guard until stop(), and the count of I/O handlers that
// threw. A lane is run by one thread only, so a connection on it needs no strand: its handlers
// never run concurrently, its executor is the plain io_context executor (small enough for
// any_io_executor to hold without allocating), and a wake-up posted to it from a pool thread is
// handled on the same thread as the rest of the connection. Only the HTTP transport's Asio
// sources include this.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "arcade_mcp/http_service.hpp"
#include "transport/http/detail/asio.hpp"

namespace arcade_mcp {

class event_loop::impl {
public:
    struct lane {
        detail::net::io_context ioc{1};  // concurrency hint: one thread runs it
        detail::net::executor_work_guard<detail::net::io_context::executor_type> guard{ioc.get_executor()};
        std::atomic<bool> claimed{false};  ///< a thread is inside run() on this lane
    };

    explicit impl(std::size_t lanes);

    /// The lane that runs listeners (acceptors, timers, stop sequences): the first.
    detail::net::io_context& main_context() { return lanes_.front()->ioc; }
    /// The executor for a new connection: the lanes that have a thread, in turn (the first lane
    /// when none has one yet).
    detail::net::io_context::executor_type next_connection_executor();
    /// Claims a lane without a thread; nullptr when every lane has one.
    lane* claim();
    void stop();
    bool running_in_this_thread() const noexcept;

    /// Connections ended by an exception, from every service on this loop.
    std::atomic<std::uint64_t> failures{0};

private:
    std::vector<std::unique_ptr<lane>> lanes_;
    std::atomic<std::size_t> next_{0};
};

}  // namespace arcade_mcp
