// arcade_mcp::event_loop: runs the io_context on the caller's threads; an exception thrown by an
// I/O handler (inside Beast or Asio, outside any coroutine's own try) ends that handler's
// connection, is logged and counted, and the loop runs on.
#include "transport/http/event_loop_impl.hpp"

#include <exception>
#include <string>

#include "log/logger.hpp"

namespace arcade_mcp {

event_loop::event_loop() : impl_(std::make_unique<impl>()) {}
event_loop::~event_loop() = default;

void event_loop::run() {
    while (true) {
        try {
            impl_->ioc.run();
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

void event_loop::stop() {
    impl_->guard.reset();
    impl_->ioc.stop();
}

std::uint64_t event_loop::connection_failures() const noexcept { return impl_->failures.load(); }

bool event_loop::running_in_this_thread() const noexcept { return impl_->ioc.get_executor().running_in_this_thread(); }

}  // namespace arcade_mcp
