// Mounting the Arcade worker routes on the HTTP server (see worker_mount.hpp).
#include "app/worker_mount.hpp"

#include <memory>

#include "arcade/worker_api.hpp"
#include "log/logger.hpp"

namespace arcade_mcp::detail {

http_route mount_worker_routes(dispatcher& core, const std::string& secret, bool auth_disabled) {
    const auto tools = std::to_string(core.catalog()->entries().size());
    if (auth_disabled) {
        log(log_level::info, "worker routes enabled WITHOUT authentication (ARCADE_AUTH_DISABLED)", {{"tools", tools}});
        log(log_level::warning, "ARCADE_AUTH_DISABLED=true: /worker/* accepts requests without a token");
    } else {
        log(log_level::info, "worker routes enabled", {{"tools", tools}});
    }
    return worker_route(std::make_shared<worker_api>(core, worker_settings{secret, auth_disabled}));
}

}  // namespace arcade_mcp::detail
