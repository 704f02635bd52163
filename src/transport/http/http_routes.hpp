// Routes mounted on the HTTP server besides /mcp and /healthz (Boost-free). The server knows
// nothing of what a route serves: the application mounts them (the Arcade worker routes are one
// such mount, src/arcade/worker_api.hpp). A route sees the method, target, Authorization and
// body of a complete request, and answers once through `respond`, from any thread.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "arcade_mcp/json.hpp"

namespace arcade_mcp::detail {

/// One answer of a mounted route: status, JSON body (null: none) and extra headers; or, with
/// `content_type` set, `text` as the body (e.g. the Prometheus exposition).
struct http_answer {
    int status = 200;
    json body;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string text = {};
    std::string content_type = {};
};

/// The parts of a request a mounted route reads. Valid until the route responds.
struct http_exchange {
    std::string_view method;
    std::string_view target;
    std::string_view authorization;
    const std::string& body;
};

struct http_route {
    /// True when this route serves `target` (path and query as sent).
    std::function<bool(std::string_view target)> matches;
    /// Answers one request: `respond` must be called exactly once, from any thread.
    std::function<void(const http_exchange& request, std::function<void(http_answer)> respond)> handle;
};

/// The first route that serves `target`, or nullptr.
inline const http_route* find_route(const std::vector<http_route>& routes, std::string_view target) {
    for (const auto& r : routes)
        if (r.matches(target)) return &r;
    return nullptr;
}

}  // namespace arcade_mcp::detail
