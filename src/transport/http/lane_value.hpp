// A value made on any thread (a pool thread, a route's handler) and awaited by one connection
// coroutine on its lane: set() posts the value onto the lane and wakes the waiter. Private to
// src/transport/http (includes Asio).
#pragma once

#include <memory>
#include <optional>
#include <utility>

#include "transport/http/detail/asio.hpp"

namespace arcade_mcp::detail {

template <class T>
class lane_value final : public std::enable_shared_from_this<lane_value<T>> {
public:
    explicit lane_value(net::any_io_executor ex) : ex_(ex), wake_(ex, net::steady_timer::time_point::max()) {}
    /// Thread-safe; call once.
    void set(T value) {
        net::post(ex_, [self = this->shared_from_this(), value = std::move(value)]() mutable {
            self->value_ = std::move(value);
            self->wake_.cancel();
        });
    }
    /// On the lane: waits for set(), then hands the value over.
    net::awaitable<T> get() {
        while (!value_) {
            boost::system::error_code ec;
            co_await wake_.async_wait(net::redirect_error(net::use_awaitable, ec));
        }
        co_return std::move(*value_);
    }

private:
    net::any_io_executor ex_;
    net::steady_timer wake_;
    std::optional<T> value_;
};

}  // namespace arcade_mcp::detail
