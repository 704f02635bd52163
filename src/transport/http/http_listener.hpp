// One Streamable HTTP listener on an event_loop (Boost-free): binds, accepts connections onto
// the lanes of the loop, expires idle sessions, and stops gracefully: no new connections, open
// streams ended, in-flight requests finished within the grace period, then sessions and idle
// connections closed. Several listeners may share one loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "arcade_mcp/http_service.hpp"
#include "mcp/dispatcher.hpp"
#include "transport/http/http_server.hpp"

namespace arcade_mcp::detail {

class http_listener {
public:
    /// `core` must outlive the listener and, once stop() was called, its on_stopped callback.
    http_listener(event_loop& loop, dispatcher& core, http_options options);
    ~http_listener();
    http_listener(const http_listener&) = delete;
    http_listener& operator=(const http_listener&) = delete;

    /// Binds and starts accepting; returns the bound port. Throws std::runtime_error (the message
    /// says why) when the address is invalid or taken.
    std::uint16_t start();
    /// Starts the graceful stop; `on_stopped` runs on a loop thread once every connection of this
    /// listener has ended (or the grace period and a short close bound are over). Once only.
    void stop(std::function<void()> on_stopped);
    /// TCP connections open now.
    std::size_t open_connections() const noexcept;

    class state;

private:
    std::shared_ptr<state> state_;
};

}  // namespace arcade_mcp::detail
