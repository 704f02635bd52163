// serve_http: one listener on its own event loop, run by a few threads until a stop is requested
// (what run() uses), and the stop trigger that may fire before the server is ready.
#include "transport/http/http_server.hpp"

#include <atomic>

#include <algorithm>
#include <exception>
#include <memory>
#include <thread>

#include "arcade_mcp/http_service.hpp"
#include "log/logger.hpp"
#include "transport/http/http_listener.hpp"

namespace arcade_mcp::detail {

void stop_trigger::fire() {
    std::lock_guard running(call_mu_);
    std::function<void()> handler;
    {
        std::lock_guard l(mu_);
        if (fired_) return;
        fired_ = true;
        handler = on_stop_;
    }
    if (handler) handler();
}

void stop_trigger::set_handler(std::function<void()> on_stop) {
    std::lock_guard running(call_mu_);
    bool run_now = false;
    {
        std::lock_guard l(mu_);
        on_stop_ = on_stop;
        run_now = fired_;
    }
    if (run_now && on_stop) on_stop();
}

bool stop_trigger::fired() const {
    std::lock_guard l(mu_);
    return fired_;
}

int serve_http(dispatcher& core, worker_pool& pool, const http_options& options, stop_trigger& stop,
               const http_options* side) {
    // Held on the heap: a tool call that ignores its stop token past the grace period still holds
    // a sink that posts onto this loop, so then loop and listener are left alive, not freed under it.
    const std::size_t threads =
        options.io_threads ? options.io_threads : std::max(1u, std::thread::hardware_concurrency());
    auto loop = std::make_unique<event_loop>(threads);
    auto listener = std::make_unique<http_listener>(*loop, core, options);
    std::unique_ptr<http_listener> side_listener;
    if (side) side_listener = std::make_unique<http_listener>(*loop, core, *side);
    try {
        listener->start();
        if (side_listener) side_listener->start();
    } catch (const std::exception& e) {
        log(log_level::error, e.what());
        return 1;
    }
    // The loop stops once every listener has stopped.
    auto listeners_left = std::make_shared<std::atomic<int>>(side_listener ? 2 : 1);
    stop.set_handler([l = listener.get(), s = side_listener.get(), lp = loop.get(), listeners_left] {
        const auto one_stopped = [lp, listeners_left] {
            if (listeners_left->fetch_sub(1) == 1) lp->stop();
        };
        l->stop(one_stopped);
        if (s) s->stop(one_stopped);
    });
    std::vector<std::thread> runners;
    for (std::size_t i = 1; i < threads; ++i) runners.emplace_back([lp = loop.get()] { lp->run(); });
    loop->run();
    for (auto& t : runners) t.join();
    stop.set_handler(nullptr);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (pool.busy() > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (pool.busy() > 0) {
        log(log_level::warning, "tool calls ignore their stop token after the grace period; leaving them behind");
        (void)loop.release();
        (void)listener.release();
        (void)side_listener.release();
    }
    return 0;
}

}  // namespace arcade_mcp::detail
