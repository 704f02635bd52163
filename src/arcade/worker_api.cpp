// Worker routes: health, the ToolDefinition list, authentication (see worker_api.hpp). The invoke
// route is in worker_invoke.cpp.
#include "arcade/worker_api.hpp"

#include <chrono>

#include "arcade/jwt.hpp"
#include "arcade/tool_definition.hpp"
#include "log/logger.hpp"
#include "observe/metrics.hpp"

namespace arcade_mcp::detail {
namespace {

std::string_view path_of(std::string_view target) {
    auto path = target.substr(0, target.find('?'));
    if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    return path;
}

http_answer detail_answer(int status, std::string detail) {
    return http_answer{status, json{{"detail", std::move(detail)}}, {}};
}

}  // namespace

worker_api::worker_api(dispatcher& core, worker_settings settings)
    : core_(core), settings_(std::move(settings)) {}

std::shared_ptr<const worker_api::catalog_view> worker_api::view() {
    auto catalog = core_.catalog();
    std::lock_guard l(view_mu_);
    if (view_ && view_->catalog == catalog) return view_;
    auto fresh = std::make_shared<catalog_view>();
    const auto tools = catalog->in_registration_order();
    fresh->health = json{{"status", "ok"}, {"tool_count", std::to_string(tools.size())}};
    fresh->definitions = json::array();
    for (const auto* e : tools) fresh->definitions.push_back(to_tool_definition(*e, core_.srv().info()));
    fresh->catalog = std::move(catalog);
    view_ = fresh;
    return view_;
}

bool worker_api::is_worker_path(std::string_view target) {
    const auto path = path_of(target);
    return path == "/worker/health" || path == "/worker/tools" || path == "/worker/tools/invoke";
}

namespace {

/// The metrics label of a refused worker token, from the verifier's (PyJWT-worded) reason.
std::string_view refusal_label(std::string_view reason) {
    const auto has = [&](std::string_view part) { return reason.find(part) != std::string_view::npos; };
    if (has("Signature verification failed")) return "bad_signature";
    if (has("expired")) return "expired";
    if (has("not yet valid") || has("immature")) return "not_yet_valid";
    if (has("Audience") || has("\"aud\"")) return "wrong_audience";
    if (has("token version")) return "wrong_version";
    return "malformed";
}

}  // namespace

std::optional<http_answer> worker_api::authenticate(std::string_view authorization) const {
    if (settings_.auth_disabled) return std::nullopt;
    const std::vector<std::pair<std::string, std::string>> challenge{{"WWW-Authenticate", "Bearer"}};
    const auto token = bearer_token(authorization);
    if (!token) {
        observe::count_token_refusal(observe::token_kind::worker, "missing");
        return http_answer{401, json{{"detail", "Not authenticated"}}, challenge};
    }
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    const auto check = verify_worker_token(*token, settings_.secret, now);
    if (check.ok) return std::nullopt;
    observe::count_token_refusal(observe::token_kind::worker, refusal_label(check.reason));
    log(log_level::warning, "worker token refused", {{"reason", check.reason}});  // never the token or the secret
    return http_answer{401, json{{"detail", "Invalid token. Error: " + check.reason}}, challenge};
}

void worker_api::handle(std::string_view method, std::string_view target, std::string_view authorization,
                        const std::string& body, std::function<void(http_answer)> respond) {
    const auto path = path_of(target);
    const bool is_get = method == "GET";
    const bool is_post = method == "POST";
    if (path == "/worker/health") {
        if (!is_get) return respond(http_answer{405, json{{"detail", "Method Not Allowed"}}, {{"Allow", "GET"}}});
        return respond(http_answer{200, view()->health, {}});
    }
    if (path == "/worker/tools") {
        if (!is_get) return respond(http_answer{405, json{{"detail", "Method Not Allowed"}}, {{"Allow", "GET"}}});
        if (auto refused = authenticate(authorization)) return respond(std::move(*refused));
        return respond(http_answer{200, view()->definitions, {}});
    }
    if (path == "/worker/tools/invoke") {
        if (!is_post) return respond(http_answer{405, json{{"detail", "Method Not Allowed"}}, {{"Allow", "POST"}}});
        if (auto refused = authenticate(authorization)) return respond(std::move(*refused));
        return invoke(body, std::move(respond));
    }
    respond(detail_answer(404, "Not Found"));
}

http_route worker_route(std::shared_ptr<worker_api> api) {
    http_route route;
    route.matches = [](std::string_view target) { return worker_api::is_worker_path(target); };
    route.handle = [api = std::move(api)](const http_exchange& r, std::function<void(http_answer)> respond) {
        api->handle(r.method, r.target, r.authorization, r.body, std::move(respond));
    };
    return route;
}

}  // namespace arcade_mcp::detail
