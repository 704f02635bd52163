// Front-door authorization on the HTTP server (see auth_mount.hpp).
#include "app/auth_mount.hpp"

#include "log/logger.hpp"

namespace arcade_mcp::detail {
namespace {

std::vector<std::pair<std::string, std::string>> cors_headers() {
    return {{"Access-Control-Allow-Origin", "*"},
            {"Access-Control-Allow-Methods", "GET, OPTIONS"},
            {"Access-Control-Allow-Headers", "Authorization, Content-Type, MCP-Protocol-Version"},
            {"Access-Control-Max-Age", "86400"},
            {"Cache-Control", "public, max-age=3600"}};
}

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

}  // namespace

http_route resource_metadata_route(std::shared_ptr<const auth::bearer_gate> gate) {
    http_route route;
    route.matches = [gate](std::string_view target) {
        const auto path = path_of(target);
        return path == gate->metadata_path() || path == auth::bearer_gate::root_metadata_path;
    };
    auto document = std::make_shared<const json>(json::parse(gate->metadata_document()));
    route.handle = [document](const http_exchange& request, std::function<void(http_answer)> respond) {
        http_answer answer;
        answer.headers = cors_headers();
        if (request.method == "GET") {
            answer.body = *document;
        } else if (request.method == "OPTIONS") {
            answer.status = 204;
        } else {
            answer.status = 405;
            answer.headers.emplace_back("Allow", "GET, OPTIONS");
            answer.body = json{{"error", "method_not_allowed"}};
        }
        respond(std::move(answer));
    };
    return route;
}

void enable_front_door_auth(const resource_server_options& settings, http_options& http) {
    auto gate = std::make_shared<auth::bearer_gate>(settings);
    http.routes.insert(http.routes.begin(), resource_metadata_route(gate));
    std::string issuers;
    for (const auto& e : settings.authorization_servers)
        issuers += (issuers.empty() ? "" : " ") + (e.issuer.empty() ? e.authorization_server_url : e.issuer);
    log(log_level::info, "front-door authorization on: /mcp requires a bearer token",
        {{"resource", settings.canonical_url}, {"issuers", issuers}, {"metadata", gate->resource_metadata_url()}});
    http.bearer = std::move(gate);
}

}  // namespace arcade_mcp::detail
