// Front-door authorization on /mcp: the bearer token of each request, checked by the gate
// (src/auth/bearer_gate.hpp) on the connection's lane when the answer is at hand (a remembered
// token, keys already fetched), else on the worker pool while the lane serves others (a JWK Set
// fetch blocks); and the 403 for a tools/call whose tool needs scopes the token lacks.
#include "transport/http/mcp_bearer.hpp"

#include "mcp/tool_catalog.hpp"
#include "observe/metrics.hpp"
#include "transport/http/lane_value.hpp"

namespace arcade_mcp::detail {
namespace {

net::awaitable<bool> refuse(http_stream& stream, const http_request& req, http_shared& shared, int status,
                            std::string challenge, std::string message) {
    const bool keep = req.keep_alive() && !shared.draining.load();
    header_list headers;
    if (!challenge.empty()) headers.emplace_back("WWW-Authenticate", std::move(challenge));
    const bool sent = co_await write_response(stream, req, static_cast<bhttp::status>(status),
                                              transport_error(-32000, std::move(message)), keep, std::move(headers));
    co_return sent && keep;
}

void add_tool_scopes(const json& message, const tool_catalog& catalog, std::vector<std::string>& needed) {
    if (!message.is_object()) return;
    const auto method = message.find("method");
    if (method == message.end() || !method->is_string() || method->get_ref<const std::string&>() != "tools/call")
        return;
    const auto params = message.find("params");
    if (params == message.end() || !params->is_object()) return;
    const auto name = params->find("name");
    if (name == params->end() || !name->is_string()) return;
    const catalog_entry* entry = catalog.find(name->get_ref<const std::string&>());
    if (!entry) return;
    for (const auto& s : entry->spec->required_scopes)
        if (std::find(needed.begin(), needed.end(), s) == needed.end()) needed.push_back(s);
}

}  // namespace

net::awaitable<bearer_check> check_bearer(http_stream& stream, const http_request& req,
                                          std::shared_ptr<http_shared> shared,
                                          std::optional<auth::bearer_outcome> decided) {
    std::optional<auth::bearer_outcome> outcome = std::move(decided);
    if (!outcome) {
        const std::string_view authorization = header(req, "Authorization");
        const std::string_view target = to_std(req.target());
        // Keys must be fetched first: on the pool, so this lane goes on serving other connections.
        auto pending = std::make_shared<lane_value<auth::bearer_outcome>>(co_await net::this_coro::executor);
        shared->core.runner().pool().post(
            [pending, gate_ref = shared->options.bearer, authorization = std::string(authorization),
             target = std::string(target)] {
                try {
                    pending->set(gate_ref->check(authorization, target));
                } catch (...) {  // never leave the connection waiting: answer 503
                    auth::bearer_outcome failed;
                    failed.refusal.status = 503;
                    failed.refusal.message = "Service Unavailable: the token could not be checked";
                    pending->set(std::move(failed));
                }
            });
        outcome = co_await pending->get();
    }
    bearer_check result;
    if (outcome->caller) {
        result.caller = std::move(outcome->caller);
        co_return result;
    }
    // Named, not temporaries inside the co_await (GCC 12, design/cpp-stack.md).
    std::string challenge = std::move(outcome->refusal.www_authenticate);
    std::string message = std::move(outcome->refusal.message);
    result.keep_alive =
        co_await refuse(stream, req, *shared, outcome->refusal.status, std::move(challenge), std::move(message));
    co_return result;
}

std::vector<std::string> scopes_needed(const json& payload, const tool_catalog& catalog) {
    std::vector<std::string> needed;
    if (payload.is_array()) {
        for (const auto& m : payload) add_tool_scopes(m, catalog, needed);
    } else {
        add_tool_scopes(payload, catalog, needed);
    }
    return needed;
}

std::optional<std::vector<std::string>> scopes_lacking(const json& payload, const auth::caller_identity& caller,
                                                      const dispatcher& core) {
    const auto catalog = core.catalog();
    auto needed = scopes_needed(payload, *catalog);
    if (needed.empty() || auth::bearer_gate::missing_scopes(caller, needed).empty()) return std::nullopt;
    return needed;
}

net::awaitable<bool> refuse_insufficient_scope(http_stream& stream, const http_request& req,
                                               std::shared_ptr<http_shared> shared, std::vector<std::string> needed) {
    observe::count_token_refusal(observe::token_kind::bearer, "insufficient_scope");
    std::string message = "Forbidden: insufficient scope: this call needs";
    for (const auto& s : needed) message += " " + s;
    std::string challenge = shared->options.bearer->insufficient_scope_challenge(needed);
    co_return co_await refuse(stream, req, *shared, 403, std::move(challenge), std::move(message));
}

}  // namespace arcade_mcp::detail
