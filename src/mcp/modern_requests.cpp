// The 2026-07-28 era of the MCP core (spec/mcp-server.md §16): per-request `_meta` instead of a
// session, server/discover, the revision's method set and errors, and multi-round-trip requests
// (the request state that carries a request's answers from one round to the next). The
// era-agnostic handlers (tools, resources, prompts, completion) are shared with the 2025 era;
// modern_reply_sink shapes their answers.
#include <chrono>

#include "mcp/dispatcher.hpp"
#include "mcp/request_hooks.hpp"
#include "mcp/request_observer.hpp"
#include "mcp/modern_reply.hpp"
#include "mcp/protocol_version.hpp"
#include "mcp/request_meta.hpp"
#include "mcp/task_wire.hpp"

namespace arcade_mcp::detail {
namespace {

jsonrpc::error make_err(int code, std::string message) {
    return jsonrpc::error{code, std::move(message), std::nullopt};
}

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// The params that identify a request for its state: everything but `_meta` and the round's own
/// inputResponses / requestState.
json salient_params(const json& params) {
    json out = json::object();
    if (!params.is_object()) return out;
    for (const auto& [key, value] : params.items())
        if (key != "_meta" && key != "inputResponses" && key != "requestState") out[key] = value;
    return out;
}

}  // namespace

bool dispatcher::is_modern_message(const json& payload) {
    if (!payload.is_object()) return false;
    if (carries_request_meta(payload)) return true;
    const auto method = payload.find("method");
    if (method == payload.end() || !method->is_string()) return false;
    const auto& name = method->get_ref<const std::string&>();  // no json temporary per comparison
    return name == "server/discover" || name == "subscriptions/listen";
}

json dispatcher::build_server_info_meta() const {
    const auto& info = server_.info();
    json out{{"name", info.name}, {"version", info.version}};
    if (info.title) out["title"] = *info.title;
    return out;
}

json dispatcher::discover() const {
    json versions = json::array();
    for (auto r : all_revisions_newest_first) versions.push_back(r);
    json capabilities = *offered_capabilities();
    if (offers_tasks()) capabilities["extensions"][std::string(tasks_extension)] = json::object();  // never `tasks`
    json result{{"supportedVersions", std::move(versions)}, {"capabilities", std::move(capabilities)}};
    if (server_.info().instructions) result["instructions"] = *server_.info().instructions;
    add_cache_hint(result, server_.info().discover_cache);
    return result;
}

std::string dispatcher::state_principal(const session_state& session) const {
    if (!session.principal().empty()) return "sub:" + session.principal();  // never equal to a configured user id
    return options_.user_id.value_or(std::string());
}

std::shared_ptr<input_round> dispatcher::open_input_round(const jsonrpc::request& req, const session_state& session,
                                                          std::optional<jsonrpc::error>& err) const {
    json answers = json::object();
    json app_state = nullptr;
    if (auto state = req.params.find("requestState"); state != req.params.end()) {
        if (!state->is_string()) {
            err = make_err(jsonrpc::error_code::invalid_params, "Invalid params: requestState must be a string");
            return nullptr;
        }
        std::string why;
        auto body = state_codec_.open(state->get_ref<const std::string&>(), now_seconds(), why);
        if (body && (body->method != req.method ||
                     body->digest != state_codec_.digest(req.method, salient_params(req.params)) ||
                     body->principal != state_principal(session))) {
            body.reset();
            why = "Invalid params: requestState belongs to another request";
        }
        if (!body) {
            err = make_err(jsonrpc::error_code::invalid_params, why);
            return nullptr;
        }
        answers = std::move(body->answers);
        app_state = std::move(body->app);
    }
    if (auto responses = req.params.find("inputResponses"); responses != req.params.end()) {
        if (!responses->is_object()) {
            err = make_err(jsonrpc::error_code::invalid_params, "Invalid params: inputResponses must be an object");
            return nullptr;
        }
        for (const auto& [key, value] : responses->items()) answers[key] = value;
    }
    return std::make_shared<input_round>(std::move(answers), std::move(app_state));
}

json dispatcher::input_required_result(const jsonrpc::request& req, const session_state& session,
                                       const input_round& round, json requests,
                                       std::optional<jsonrpc::error>& err) const {
    request_state_body body;
    body.method = req.method;
    body.digest = state_codec_.digest(req.method, salient_params(req.params));
    body.principal = state_principal(session);
    body.answers = round.asked_answers();
    body.app = round.app_state();
    auto sealed = state_codec_.seal(body, now_seconds());
    if (!sealed) {
        err = make_err(jsonrpc::error_code::internal_error, "Internal error: the request state outgrew its limit of " +
                                                                std::to_string(state_codec_.max_bytes()) + " bytes");
        return {};
    }
    return json{
        {"resultType", "input_required"}, {"inputRequests", std::move(requests)}, {"requestState", std::move(*sealed)}};
}

void dispatcher::serve_modern(const std::shared_ptr<session_state>& session, json payload,
                              const std::shared_ptr<outbound_sink>& given_sink) {
    std::shared_ptr<outbound_sink> sink = given_sink;
    if (payload.is_array()) {
        sink->finish(jsonrpc::make_error(
            std::nullopt,
            make_err(jsonrpc::error_code::invalid_request, "Invalid Request: batches do not exist in 2026-07-28")));
        return;
    }
    auto msg = jsonrpc::decode(std::move(payload));
    if (auto* bad = std::get_if<jsonrpc::invalid_message>(&msg)) {
        sink->finish(jsonrpc::make_error(bad->id, bad->err));
        return;
    }
    if (!std::holds_alternative<jsonrpc::request>(msg)) {
        // Notifications and responses carry nothing for this era (cancellation on stdio goes
        // through the channel's session); nothing to answer.
        sink->finish(std::nullopt);
        return;
    }
    auto req = std::move(std::get<jsonrpc::request>(msg));
    const observe::span_context* trace = observe::current_span();
    if (auto observed = observe_request(given_sink, *session, req, observe::era::modern, trace))
        sink = std::move(observed);
    const observe::current_span_scope trace_scope(trace);  // the request's span, for logs and the pool
    const auto base = sink;
    auto meta = read_request_meta(req.params);
    if (auto* e = std::get_if<jsonrpc::error>(&meta)) {
        sink->finish(jsonrpc::make_error(req.id, *e));
        return;
    }
    auto& m = std::get<request_meta>(meta);
    if (auto unsupported = check_served_revision(m.revision)) {
        sink->finish(jsonrpc::make_error(req.id, *unsupported));
        return;
    }
    session->set_modern(std::move(m.revision), std::move(m.client_capabilities), std::move(m.client_info), m.log_level);
    const auto caps = offered_capabilities();
    session->set_server_capabilities(caps);
    if (!request_chain_.empty()) {
        sink = open_request_hooks(request_chain_, *session, req, base);
        if (!sink) return;  // a hook refused the request and answered it
    }

    const auto& methods = modern_methods();
    const auto found = methods.find(req.method);
    const method_entry* method = found == methods.end() ? nullptr : &found->second;
    std::optional<cache_hint> hint;
    if (method && method->hint == method_entry::cache::list) hint = server_.info().list_cache;
    else if (method && method->hint == method_entry::cache::read) hint = server_.info().read_cache;
    if (method && method->unshaped) return method->serve(*this, session, std::move(req), sink);
    auto shaped = std::make_shared<modern_reply_sink>(sink, server_info_meta(), hint);
    // A method whose capability this server does not offer does not exist here.
    if (method && !method->capability.empty() && !caps->contains(method->capability)) method = nullptr;
    if (method && method->serve) return method->serve(*this, session, std::move(req), shaped);
    std::optional<jsonrpc::error> err;
    json result;
    if (method) result = method->answer(*this, *session, req, err);
    else err = make_err(jsonrpc::error_code::method_not_found, "Method not found: " + req.method);
    shaped->finish(err ? jsonrpc::make_error(req.id, *err) : jsonrpc::make_result(req.id, std::move(result)));
}

}  // namespace arcade_mcp::detail
