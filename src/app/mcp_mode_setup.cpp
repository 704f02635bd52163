// MCP mode's start-up for tool requirements (see mcp_mode_setup.hpp).
#include "app/mcp_mode_setup.hpp"

#include <cstdlib>
#include <stdexcept>

#include "arcade/arcade_api.hpp"
#include "log/logger.hpp"
#include "mcp/secrets.hpp"

namespace arcade_mcp::detail {

arcade_api_setup arcade_api_from_env(const env_lookup& env) {
    arcade_api_setup setup;
    arcade_api_settings settings;
    if (auto url = env("ARCADE_API_URL"); url && !url->empty()) settings.base_url = *url;
    setup.base_url = settings.base_url;
    const auto key = env("ARCADE_API_KEY");
    if (!key || key->empty()) return setup;
    settings.api_key = *key;
    try {
        setup.authorizer = std::make_shared<const arcade_api_client>(std::move(settings));
    } catch (const std::invalid_argument& e) {
        setup.error = std::string("ARCADE_API_URL: ") + e.what();
    }
    return setup;
}

void hide_server_secrets_from_tools() {
    ::unsetenv("ARCADE_WORKER_SECRET");
    ::unsetenv("ARCADE_API_KEY");
}

void warn_missing_tool_secrets(const tool_catalog& catalog, const env_lookup& env) {
    for (const auto& entry : catalog.entries()) {
        std::string missing;
        for (const auto& key : entry.spec->requirements.secrets) {
            if (is_reserved_secret(key) || env(key)) continue;
            missing += (missing.empty() ? "" : ", ") + key;
        }
        if (!missing.empty())
            log(log_level::warning,
                "a tool's declared secrets are not set in the environment: MCP calls of it are refused until they "
                "are (worker calls get them from the engine)",
                {{"tool", entry.fqn}, {"secrets", missing}});
    }
}

}  // namespace arcade_mcp::detail
