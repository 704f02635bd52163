// request_scope implementation (see request_scope.hpp).
#include "mcp/request_scope.hpp"

#include <cstdlib>
#include <mutex>

#include "mcp/secrets.hpp"
#include "mcp/tool_chain.hpp"
#include "util/ascii.hpp"

namespace arcade_mcp::detail {

std::string_view mcp_level_name(mcp_log_level level) {
    static constexpr std::string_view names[] = {"debug", "info",     "notice", "warning",
                                                 "error", "critical", "alert",  "emergency"};
    return names[static_cast<int>(level)];
}

request_scope::request_scope(std::shared_ptr<const tool_spec> spec, std::shared_ptr<session_state> session,
                             std::shared_ptr<outbound_sink> sink, jsonrpc::request_id id, std::string revision,
                             std::string user_id, std::optional<json> progress_token, std::stop_token stop)
    : spec_(std::move(spec)),
      session_(std::move(session)),
      sink_(std::move(sink)),
      id_(std::move(id)),
      revision_(std::move(revision)),
      user_id_(std::move(user_id)),
      progress_token_(std::move(progress_token)),
      stop_(std::move(stop)) {}

/// MCP mode: only secrets the tool declared, from the environment (.env included), never a
/// reserved server secret.
std::optional<std::string> request_scope::secret(std::string_view key) const {
    if (!spec_ || is_reserved_secret(key) || !declares_secret(*spec_, key)) return std::nullopt;
    for (const auto& declared : spec_->requirements.secrets) {
        if (!iequals(declared, key)) continue;
        if (const char* v = std::getenv(declared.c_str())) return std::string(v);
    }
    return std::nullopt;
}

result<json> request_scope::call_tool(std::string_view name, json arguments) {
    if (chain_ == nullptr) return tool_context::call_tool(name, std::move(arguments));
    return call_chained_tool(*this, *chain_, 0, name, std::move(arguments));
}

bool request_scope::start_task() {
    if (!task_) return false;
    if (task_->started()) return true;
    if (auto err = task_->start(call_)) throw request_error_signal{std::move(*err)};
    return true;
}

void request_scope::set_status_message(std::string message) {
    if (in_task()) task_->set_status_message(std::move(message));
}

void request_scope::log(mcp_log_level level, json data, std::optional<std::string> logger) {
    if (in_task()) return;  // the request is answered: nowhere to send it
    if (!session_->logs_enabled() || level < session_->log_level()) return;
    json params{{"level", mcp_level_name(level)}, {"data", std::move(data)}};
    if (logger) params["logger"] = *logger;
    sink_->send(jsonrpc::make_notification("notifications/message", std::move(params)));
}

void request_scope::report_progress(double progress, std::optional<double> total, std::optional<std::string> message) {
    if (!progress_token_ || in_task()) return;
    json params{{"progressToken", *progress_token_}, {"progress", codec::number_json(progress)}};
    if (total) params["total"] = codec::number_json(*total);
    if (message) params["message"] = *message;
    sink_->send(jsonrpc::make_notification("notifications/progress", std::move(params)));
}

bool request_scope::client_supports(std::string_view capability) const {
    if (session_->stateless()) return false;  // the answer could not find its way back
    const json caps = session_->client_capabilities();
    const auto it = caps.find(std::string(capability));
    return it != caps.end() && it->is_object();
}

bool request_scope::client_supports_url_elicitation() const {
    if (!client_supports("elicitation")) return false;
    const json caps = session_->client_capabilities();
    const json& elicitation = caps["elicitation"];
    return elicitation.contains("url") && elicitation["url"].is_object();
}

void request_scope::notify(std::string method, json params) {
    if (in_task()) return;
    sink_->send(jsonrpc::make_notification(std::move(method), std::move(params)));
}

std::optional<json> request_scope::request_state() const {
    if (!round_) return std::nullopt;
    json state = round_->app_state();
    if (state.is_null()) return std::nullopt;
    return state;
}

void request_scope::set_request_state(json state) {
    if (round_) round_->set_app_state(std::move(state));
}

std::map<std::string, json> request_scope::ask_client(const std::vector<input_request>& requests) {
    if (in_task()) {  // the task waits (input_required) until the client answers, in both eras
        for (const auto& r : requests) {
            const auto capability = capability_for(r.method);
            if (capability.empty() || !client_supports(capability))
                throw client_request_error(jsonrpc::error_code::internal_error,
                                           "The client cannot answer " + r.method + " for a task");
        }
        return task_->ask(requests, stop_);
    }
    if (!round_) {
        if (session_->modern())
            throw client_request_error(jsonrpc::error_code::internal_error,
                                       "This request cannot ask the client anything");
        return tool_context::ask_client(requests);  // one request after another
    }
    // 2026-07-28: nothing is sent; the answers come with a retry of this request.
    json missing = json::object();
    for (const auto& r : requests) {
        const auto capability = capability_for(r.method);
        if (capability.empty())
            throw client_request_error(jsonrpc::error_code::internal_error,
                                       "Only elicitation, sampling and roots can be asked of a 2026-07-28 client");
        if (!client_supports(capability)) missing[std::string(capability)] = json::object();
    }
    if (!missing.empty()) {
        std::string names;
        for (const auto& [name, v] : missing.items()) names += (names.empty() ? "" : ", ") + name;
        throw request_error_signal{jsonrpc::error{-32021, "Missing required client capability: " + names,
                                                  json{{"requiredCapabilities", std::move(missing)}}}};
    }
    std::map<std::string, json> answers;
    json unanswered = json::object();
    for (const auto& r : requests) {
        if (auto answer = round_->answer(r.key, r.method)) answers[r.key] = std::move(*answer);
        else unanswered[r.key] = json{{"method", r.method}, {"params", r.params}};
    }
    if (!unanswered.empty()) throw input_required_signal{std::move(unanswered)};
    return answers;
}

json request_scope::request_client(const std::string& method, json params, std::chrono::milliseconds timeout) {
    if (in_task()) {
        auto answers = ask_client({input_request{method.substr(0, method.find('/')), method, std::move(params)}});
        return std::move(answers.begin()->second);
    }
    if (session_->modern()) {  // the answer comes with a retry of the request (ask_client)
        auto answers =
            ask_client({input_request{round_ ? round_->next_key(method) : std::string(), method, std::move(params)}});
        return std::move(answers.begin()->second);
    }
    if (session_->stateless())
        throw client_request_error(jsonrpc::error_code::internal_error,
                                   "Stateless HTTP cannot send requests to the client");
    if (const auto capability = capability_for(method); !capability.empty() && !client_supports(capability))
        throw client_request_error(jsonrpc::error_code::internal_error,
                                   "The client does not support " + std::string(capability));
    // Named members, not a structured binding: clang 14 cannot capture bindings in the lambdas below.
    auto opened = session_->open_client_request(max_pending_);
    const auto id = std::move(opened.first);
    const auto pending = std::move(opened.second);
    if (!pending)
        throw client_request_error(
            jsonrpc::error_code::internal_error,
            session_->closed() ? "The session ended" : "Too many requests to the client are waiting for an answer");
    // Wake the wait on cancellation; registered before taking the lock, since it runs at once
    // when the stop was already requested.
    std::stop_callback wake(stop_, [p = pending] {
        { std::lock_guard g(p->mu); }
        p->cv.notify_all();
    });
    sink_->send(jsonrpc::make_request(id, method, std::move(params)));
    std::unique_lock l(pending->mu);
    pending->cv.wait_for(l, timeout, [&] { return pending->outcome.has_value() || stop_.stop_requested(); });
    if (!pending->outcome) {
        l.unlock();
        session_->forget_client_request(id);
        const bool cancelled = stop_.stop_requested();
        const std::string why =
            cancelled ? "The request was cancelled" : "The client did not answer " + method + " in time";
        sink_->send(
            jsonrpc::make_notification("notifications/cancelled", json{{"requestId", id.to_json()}, {"reason", why}}));
        throw client_request_error(jsonrpc::error_code::internal_error, why);
    }
    auto outcome = std::move(*pending->outcome);
    l.unlock();
    if (auto* err = std::get_if<jsonrpc::error>(&outcome))
        throw client_request_error(err->code, "The client answered " + method + " with an error: " + err->message);
    return std::get<json>(std::move(outcome));
}

}  // namespace arcade_mcp::detail
