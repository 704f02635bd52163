// server: middleware registration and the lifespan hooks (see server.hpp, middleware.hpp).
#include <exception>
#include <stdexcept>

#include "arcade_mcp/mcp/server.hpp"
#include "log/logger.hpp"

namespace arcade_mcp {
namespace {

void require_not_served(bool served, const char* what) {
    if (served) throw std::logic_error(std::string(what) + " must be called before the server is served");
}

}  // namespace

void server::use(std::shared_ptr<middleware> m) {
    require_not_served(served_, "server::use");
    if (!m) throw std::invalid_argument("server::use: middleware is null");
    middleware_.push_back(std::move(m));
}

void server::on_start(std::function<void()> hook) {
    require_not_served(served_, "server::on_start");
    if (!hook) throw std::invalid_argument("server::on_start: hook is empty");
    start_hooks_.push_back(std::move(hook));
}

void server::before_stop(std::function<void()> hook) {
    require_not_served(served_, "server::before_stop");
    if (!hook) throw std::invalid_argument("server::before_stop: hook is empty");
    stop_hooks_.push_back(std::move(hook));
}

void server::run_start_hooks() {
    for (const auto& hook : start_hooks_) hook();
}

void server::run_stop_hooks() noexcept {
    for (auto it = stop_hooks_.rbegin(); it != stop_hooks_.rend(); ++it) {
        try {
            (*it)();
        } catch (const std::exception& e) {
            detail::log(detail::log_level::error, "a before_stop hook raised an exception", {{"error", e.what()}});
        } catch (...) {
            detail::log(detail::log_level::error, "a before_stop hook raised a non-standard exception", {});
        }
    }
}

}  // namespace arcade_mcp
