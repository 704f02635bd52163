// The Arcade worker routes: GET /worker/health, GET /worker/tools and POST /worker/tools/invoke,
// with the HS256 token check, on the same catalog as MCP. Mounted on the HTTP server as one
// http_route (worker_route); the server passes method, path, Authorization and body, and writes
// the http_answer it gets back. Thread-safe; `respond` may be called on a worker-pool thread.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "arcade_mcp/json.hpp"
#include "mcp/dispatcher.hpp"
#include "transport/http/http_routes.hpp"

namespace arcade_mcp::detail {

struct worker_settings {
    std::string secret;          ///< HS256 key (never logged, never shown to tools)
    bool auth_disabled = false;  ///< ARCADE_AUTH_DISABLED: skip the token check (warned at start)
};

class worker_api {
public:
    worker_api(dispatcher& core, worker_settings settings);

    /// True for the three worker paths (a trailing slash is accepted too).
    static bool is_worker_path(std::string_view target);

    /// Answers one request; `respond` is called exactly once.
    void handle(std::string_view method, std::string_view target, std::string_view authorization,
                const std::string& body, std::function<void(http_answer)> respond);

private:
    std::optional<http_answer> authenticate(std::string_view authorization) const;
    void invoke(const std::string& body, std::function<void(http_answer)> respond);

    dispatcher& core_;
    worker_settings settings_;
    /// Health and ToolDefinitions of the current catalog, rebuilt when the catalog changed.
    struct catalog_view {
        std::shared_ptr<const tool_catalog> catalog;
        json health;
        json definitions;
    };
    std::shared_ptr<const catalog_view> view();

    std::mutex view_mu_;
    std::shared_ptr<const catalog_view> view_;
};

/// The worker routes as one mount for the HTTP server (shares ownership of `api`).
http_route worker_route(std::shared_ptr<worker_api> api);

}  // namespace arcade_mcp::detail
