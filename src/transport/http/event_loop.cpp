// arcade_mcp::event_loop: one io_context per thread that runs the loop; connections are spread
// over the lanes that have a thread. An exception thrown by an I/O handler (inside Beast or Asio,
// outside any coroutine's own try) ends that handler's connection, is logged and counted, and the
// lane runs on.
#include "transport/http/event_loop_impl.hpp"

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <string>
#include <thread>

#include "log/logger.hpp"

namespace arcade_mcp {

event_loop::impl::impl(std::size_t lanes) {
    lanes_.reserve(lanes);
    for (std::size_t i = 0; i < lanes; ++i) lanes_.push_back(std::make_unique<lane>());
}

detail::net::io_context::executor_type event_loop::impl::next_connection_executor() {
    const std::size_t n = lanes_.size();
    const std::size_t start = next_.fetch_add(1, std::memory_order_relaxed);
    for (std::size_t i = 0; i < n; ++i) {
        auto& l = *lanes_[(start + i) % n];
        if (l.claimed.load(std::memory_order_acquire)) return l.ioc.get_executor();
    }
    return lanes_.front()->ioc.get_executor();
}

event_loop::impl::lane* event_loop::impl::claim() {
    for (auto& l : lanes_) {
        bool expected = false;
        if (l->claimed.compare_exchange_strong(expected, true)) return l.get();
    }
    return nullptr;
}

void event_loop::impl::stop() {
    for (auto& l : lanes_) {
        l->guard.reset();
        l->ioc.stop();
    }
}

bool event_loop::impl::running_in_this_thread() const noexcept {
    return std::any_of(lanes_.begin(), lanes_.end(),
                       [](const auto& l) { return l->ioc.get_executor().running_in_this_thread(); });
}

namespace {
std::size_t lanes_for(std::size_t threads) {
    return threads ? threads : std::max<std::size_t>(2, std::thread::hardware_concurrency());
}
}  // namespace

event_loop::event_loop(std::size_t threads) : impl_(std::make_unique<impl>(lanes_for(threads))) {}
event_loop::~event_loop() = default;

void event_loop::run() {
    impl::lane* lane = impl_->claim();
    if (!lane) throw std::logic_error("event_loop::run: more threads than the loop was made for");
    struct release {
        impl::lane* l;
        ~release() { l->claimed.store(false, std::memory_order_release); }
    } released{lane};
    while (true) {
        try {
            lane->ioc.run();
            return;
        } catch (...) {
            const auto n = impl_->failures.fetch_add(1) + 1;
            std::string what = "unknown exception";
            try {
                throw;
            } catch (const std::exception& e) {
                what = e.what();
            } catch (...) {
            }
            detail::log(detail::log_level::error, "connection ended by an exception",
                        {{"where", "I/O handler"}, {"error", what}, {"count", std::to_string(n)}});
        }
    }
}

void event_loop::stop() { impl_->stop(); }

std::uint64_t event_loop::connection_failures() const noexcept { return impl_->failures.load(); }

bool event_loop::running_in_this_thread() const noexcept { return impl_->running_in_this_thread(); }

}  // namespace arcade_mcp
