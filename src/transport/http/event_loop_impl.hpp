// What an arcade_mcp::event_loop is inside: one Asio io_context, kept running by a work guard
// until stop(), and the count of I/O handlers that threw. Only the HTTP transport's Asio sources
// include this.
#pragma once

#include <atomic>
#include <cstdint>

#include "arcade_mcp/http_service.hpp"
#include "transport/http/detail/asio.hpp"

namespace arcade_mcp {

class event_loop::impl {
public:
    detail::net::io_context ioc;
    detail::net::executor_work_guard<detail::net::io_context::executor_type> guard{ioc.get_executor()};
    /// Connections ended by an exception, from every service on this loop.
    std::atomic<std::uint64_t> failures{0};
};

}  // namespace arcade_mcp
