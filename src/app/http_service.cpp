// arcade_mcp::http_service: one server over Streamable HTTP on a caller's event_loop. It owns the
// worker pool and dispatcher of that server, mounts the worker routes when asked, and stops
// gracefully; run() serves through the same listener.
#include "arcade_mcp/http_service.hpp"

#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "app/auth_mount.hpp"
#include "app/worker_mount.hpp"
#include "arcade/arcade_api.hpp"
#include "log/logger.hpp"
#include "mcp/dispatcher.hpp"
#include "mcp/worker_pool.hpp"
#include "transport/http/http_listener.hpp"

namespace arcade_mcp {

class http_service::impl {
public:
    impl(server& s, event_loop& l, http_service_options o) : srv(s), loop(l), options(std::move(o)) {}

    void start();
    void stop();
    std::size_t open_connections() const noexcept {
        std::lock_guard l(mu);
        return listener ? listener->open_connections() : 0;
    }

private:
    detail::dispatcher_options core_options() const;
    detail::http_options listener_options() const;
    /// Called when calls or connections outlive the stop: their memory stays, never freed under them.
    void leave_behind();

    server& srv;
    event_loop& loop;
    std::unique_ptr<detail::worker_pool> pool;
    std::unique_ptr<detail::dispatcher> core;
    std::unique_ptr<detail::http_listener> listener;
    enum class phase { idle, serving, stopped } now = phase::idle;

public:
    mutable std::mutex mu;
    const http_service_options options;
    std::uint16_t port = 0;
};

detail::dispatcher_options http_service::impl::core_options() const {
    detail::dispatcher_options o;
    o.user_id = options.user_id;
    o.refuse_tools_with_requirements = true;  // anyone reaching the port could use them
    o.tool_timeout = options.tool_timeout;
    o.request_state_secret = options.request_state_secret;
    if (options.arcade_api_key && !options.arcade_api_key->empty()) {
        detail::arcade_api_settings api;
        api.api_key = *options.arcade_api_key;
        api.base_url = options.arcade_api_url;
        o.authorizer = std::make_shared<const detail::arcade_api_client>(std::move(api));  // throws on a bad URL
    }
    return o;
}

detail::http_options http_service::impl::listener_options() const {
    detail::http_options o;
    o.host = options.host;
    o.port = options.port;
    o.stateless = options.stateless;
    o.max_sessions = options.max_sessions;
    o.max_connections = options.max_connections;
    o.max_body_bytes = options.max_body_bytes;
    o.shutdown_grace = options.shutdown_grace;
    return o;
}

void http_service::impl::start() {
    std::lock_guard l(mu);
    if (now != phase::idle) throw std::logic_error("http_service::start: already started");
    auto settings = core_options();  // may throw (a bad Arcade API URL) before anything is made
    pool = std::make_unique<detail::worker_pool>(std::max<std::size_t>(1, options.tool_threads));
    core = std::make_unique<detail::dispatcher>(srv, *pool, std::move(settings));
    try {
        detail::server_access::run_start_hooks(srv);
    } catch (const std::exception& e) {
        throw std::runtime_error(std::string("an on_start hook failed: ") + e.what());
    } catch (...) {
        throw std::runtime_error("an on_start hook failed");
    }
    auto http = listener_options();
    if (options.worker_secret && !options.worker_secret->empty())
        http.routes.push_back(detail::mount_worker_routes(*core, *options.worker_secret, false));
    if (options.resource_server) {
        try {
            detail::enable_front_door_auth(*options.resource_server, http);
        } catch (...) {
            detail::server_access::run_stop_hooks(srv);
            throw;  // std::invalid_argument naming the setting
        }
    }
    listener = std::make_unique<detail::http_listener>(loop, *core, std::move(http));
    try {
        port = listener->start();
    } catch (...) {
        detail::server_access::run_stop_hooks(srv);
        throw;
    }
    now = phase::serving;
}

void http_service::impl::leave_behind() {
    (void)listener.release();
    (void)core.release();
    (void)pool.release();
}

void http_service::impl::stop() {
    std::lock_guard l(mu);
    if (now != phase::serving) {
        now = phase::stopped;
        return;
    }
    if (loop.running_in_this_thread())
        throw std::logic_error("http_service::stop: called on an event_loop thread (it waits for that loop)");
    now = phase::stopped;
    auto stopped = std::make_shared<std::promise<void>>();
    auto done = stopped->get_future();
    listener->stop([stopped] { stopped->set_value(); });
    if (done.wait_for(options.shutdown_grace + std::chrono::seconds(5)) != std::future_status::ready) {
        detail::log(detail::log_level::warning,
                    "http_service::stop: the event loop did not finish the stop (is it running?)");
        detail::server_access::run_stop_hooks(srv);
        leave_behind();
        return;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    const auto busy = [&] { return pool->busy() > 0 || core->task_jobs() > 0; };  // tasks have their own pool
    while (busy() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    detail::server_access::run_stop_hooks(srv);
    if (busy()) {
        detail::log(detail::log_level::warning,
                    "tool calls ignore their stop token after the grace period; leaving them behind");
        leave_behind();
        return;
    }
    pool->shutdown();
}

http_service::http_service(server& srv, event_loop& loop, http_service_options options)
    : impl_(std::make_unique<impl>(srv, loop, std::move(options))) {}

http_service::~http_service() {
    try {
        impl_->stop();
    } catch (const std::exception& e) {
        detail::log(detail::log_level::error, "http_service destroyed without a stop", {{"error", e.what()}});
        (void)impl_.release();  // its connections may still use it
    }
}

void http_service::start() { impl_->start(); }
std::uint16_t http_service::port() const noexcept { return impl_->port; }

std::string http_service::url() const {
    const auto& host = impl_->options.host;
    return "http://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
           std::to_string(impl_->port) + "/mcp";
}

void http_service::stop() { impl_->stop(); }

std::size_t http_service::open_connections() const noexcept { return impl_->open_connections(); }

}  // namespace arcade_mcp
