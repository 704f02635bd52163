// Counting and tracing one MCP request (see request_observer.hpp).
#include "mcp/request_observer.hpp"

#include <string>

namespace arcade_mcp::detail {
namespace {

/// `params._meta.<key>` when it is a string.
const std::string* meta_string(const json& params, const char* key) {
    const auto meta = params.find("_meta");
    if (meta == params.end() || !meta->is_object()) return nullptr;
    const auto value = meta->find(key);
    return value != meta->end() && value->is_string() ? value->get_ptr<const std::string*>() : nullptr;
}

/// `params.<key>` when it is a string.
const std::string* param_string(const json& params, const char* key) {
    const auto value = params.find(key);
    return value != params.end() && value->is_string() ? value->get_ptr<const std::string*>() : nullptr;
}

/// The request's own trace context, from `_meta` (SEP-414).
std::optional<observe::span_context> meta_parent(const json& params) {
    const auto* traceparent = meta_string(params, "traceparent");
    if (traceparent == nullptr) return std::nullopt;
    auto parent = observe::parse_traceparent(*traceparent);
    if (!parent) return std::nullopt;
    if (const auto* state = meta_string(params, "tracestate"); state && state->size() <= observe::max_tracestate_chars)
        parent->tracestate = *state;
    return parent;
}

/// The JSON-RPC id as the conventions want it: a string id as is, a number as digits.
std::string id_text(const jsonrpc::request_id& id) {
    const json& value = id.to_json();
    return value.is_string() ? value.get<std::string>() : value.dump();
}

void describe(observe::active_span& span, const session_state& session, const jsonrpc::request& req) {
    std::string name = req.method;
    span.set_attribute("mcp.method.name", req.method);
    span.set_attribute("jsonrpc.request.id", id_text(req.id));
    span.set_attribute("jsonrpc.protocol.version", std::string("2.0"));
    if (!session.revision().empty()) span.set_attribute("mcp.protocol.version", session.revision());
    if (!session.id().empty()) span.set_attribute("mcp.session.id", session.id());
    if (req.method == "tools/call") {
        if (const auto* tool = param_string(req.params, "name")) {
            name.append(1, ' ').append(*tool);
            span.set_attribute("gen_ai.tool.name", *tool);
        }
        span.set_attribute("gen_ai.operation.name", std::string("execute_tool"));
    } else if (req.method == "prompts/get") {
        if (const auto* prompt = param_string(req.params, "name")) {
            name.append(1, ' ').append(*prompt);
            span.set_attribute("gen_ai.prompt.name", *prompt);
        }
    } else if (req.method == "resources/read") {
        if (const auto* uri = param_string(req.params, "uri")) span.set_attribute("mcp.resource.uri", *uri);
    }
    span.set_name(std::move(name));
}

/// A 2026-07-28 result asking the client for input.
bool asks_for_input(const json& reply) {
    const auto result = reply.find("result");
    if (result == reply.end() || !result->is_object()) return false;
    const auto type = result->find("resultType");
    return type != result->end() && type->is_string() && type->get_ref<const std::string&>() == "input_required";
}

}  // namespace

observed_sink::observed_sink(std::shared_ptr<outbound_sink> next, const session_state& session,
                             const jsonrpc::request& req, observe::era era)
    : next_(std::move(next)), method_(req.method), era_(era) {
    if (!observe::tracing_on()) return;  // metrics only: the request's count is all there is to do
    parent_ = meta_parent(req.params);
    const observe::span_context* parent = parent_ ? &*parent_ : observe::current_span();
    span_ = observe::active_span::start(req.method, observe::span_kind::server, parent);
    if (span_.recording()) describe(span_, session, req);
}

const observe::span_context* observed_sink::context() const noexcept {
    if (span_.started()) return &span_.context();
    return parent_ ? &*parent_ : observe::current_span();
}

void observed_sink::finish(std::optional<json> reply) {
    auto outcome = observe::request_outcome::ok;
    std::optional<int> code;
    if (!reply) outcome = observe::request_outcome::cancelled;
    else if ((code = jsonrpc::error_code_of(*reply))) outcome = observe::request_outcome::error;
    else if (era_ == observe::era::modern && asks_for_input(*reply)) outcome = observe::request_outcome::input_required;
    if (observe::requests_observed()) observe::count_mcp_request(method_, era_, outcome);
    if (span_.recording() && code) {
        const std::string text = std::to_string(*code);
        span_.set_attribute("error.type", text);
        span_.set_attribute("rpc.response.status_code", text);
        std::string message = text;
        if (const auto error = reply->find("error"); error != reply->end() && error->is_object())
            if (const auto m = error->find("message"); m != error->end() && m->is_string())
                message = m->get<std::string>();
        span_.set_error(std::move(message));
    }
    span_.end();
    next_->finish(std::move(reply));
}

std::shared_ptr<outbound_sink> observe_request(const std::shared_ptr<outbound_sink>& sink,
                                               const session_state& session, const jsonrpc::request& req,
                                               observe::era era, const observe::span_context*& trace) {
    if (!observe::requests_observed() && !observe::tracing_on()) return nullptr;
    auto observed = std::make_shared<observed_sink>(sink, session, req, era);
    trace = observed->context();
    return observed;
}

}  // namespace arcade_mcp::detail
