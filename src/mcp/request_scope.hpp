// The per-request context handed to handlers (tools, resource readers, prompts, completers):
// who called, the revision, the stop token, log/progress notifications and requests to the
// client, all travelling on the sink of the request. Nothing of the server's secrets is
// reachable: a tool sees only the secrets it declared.
#pragma once

#include <memory>
#include <optional>
#include <stop_token>
#include <string>

#include "arcade_mcp/jsonrpc/message.hpp"
#include "arcade_mcp/mcp/tool.hpp"
#include "mcp/input_round.hpp"
#include "mcp/outbound_sink.hpp"
#include "mcp/session_state.hpp"
#include "mcp/task_runtime.hpp"

namespace arcade_mcp::detail {

struct tool_chain;

class request_scope final : public tool_context {
public:
    /// `spec` is the tool being called (for its declared secrets), or nullptr for other handlers.
    request_scope(std::shared_ptr<const tool_spec> spec, std::shared_ptr<session_state> session,
                  std::shared_ptr<outbound_sink> sink, jsonrpc::request_id id, std::string revision,
                  std::string user_id, std::optional<json> progress_token, std::stop_token stop);

    std::string_view user_id() const override { return user_id_; }
    std::optional<std::string> secret(std::string_view key) const override;
    std::string_view protocol_version() const override { return revision_; }
    std::stop_token stop_token() const override { return stop_; }
    std::string request_id() const override { return id_.to_json().dump(); }
    void log(mcp_log_level level, json data, std::optional<std::string> logger) override;
    void report_progress(double progress, std::optional<double> total, std::optional<std::string> message) override;
    json request_client(const std::string& method, json params, std::chrono::milliseconds timeout) override;
    std::map<std::string, json> ask_client(const std::vector<input_request>& requests) override;
    bool client_supports(std::string_view capability) const override;
    std::optional<std::string> authorization_token() const override { return token_; }
    json user_info() const override { return user_info_; }
    /// MCP mode: the user's OAuth2 token for a tool that requires_oauth2 (tool_preflight.cpp).
    void set_authorization(std::string token, json user_info) {
        token_ = std::move(token);
        user_info_ = std::move(user_info);
    }
    /// The transport authenticated the caller (front-door authorization's bearer token).
    bool authenticated() const { return !session_->subject().empty(); }
    /// The client takes URL-mode elicitations (2025-11-25: `elicitation.url` among its capabilities).
    bool client_supports_url_elicitation() const;
    /// Sends a notification on this request's stream (dropped once the request became a task).
    void notify(std::string method, json params);
    void close_stream() override {
        if (!in_task()) sink_->close_stream();
    }
    /// The call's registration (its stop source and whether its time limit passed).
    void set_call(std::shared_ptr<in_flight_call> call) { call_ = std::move(call); }
    const in_flight_call* call() const noexcept { return call_.get(); }
    /// Requests to the client this session may have waiting at once (default 16).
    void limit_pending_client_requests(std::size_t max) { max_pending_ = max; }
    /// 2026-07-28: questions to the client are answered from `round` or end the request with an
    /// InputRequiredResult (input_round.hpp); the handler's own state lives there too.
    void use_input_round(std::shared_ptr<input_round> round) { round_ = std::move(round); }
    std::optional<json> request_state() const override;
    void set_request_state(json state) override;
    /// MCP tasks: this call may become a task through `link` (tools/call of a task-capable tool
    /// whose client can use tasks). Once started, the request is answered and the sink is not
    /// used again: questions go through the task, notifications are dropped.
    void use_task(std::shared_ptr<task_link> link) { task_ = std::move(link); }
    bool in_task() const override { return task_ && task_->started(); }
    bool start_task() override;
    void set_status_message(std::string message) override;
    /// tools/call: call_tool runs other tools through `chain` (it outlives the call); unset:
    /// call_tool answers an error.
    void use_tool_chain(const tool_chain* chain) noexcept { chain_ = chain; }
    result<json> call_tool(std::string_view name, json arguments) override;

private:
    std::shared_ptr<const tool_spec> spec_;
    std::shared_ptr<session_state> session_;
    std::shared_ptr<in_flight_call> call_;
    std::shared_ptr<outbound_sink> sink_;
    jsonrpc::request_id id_;
    std::string revision_;
    std::string user_id_;
    std::optional<json> progress_token_;
    std::stop_token stop_;
    std::size_t max_pending_ = 16;
    std::shared_ptr<input_round> round_;
    std::shared_ptr<task_link> task_;
    std::optional<std::string> token_;
    json user_info_ = json::object();
    const tool_chain* chain_ = nullptr;
};

/// "debug", "info", ... for a level.
std::string_view mcp_level_name(mcp_log_level level);

}  // namespace arcade_mcp::detail
