// The transport-free MCP core: takes one inbound JSON payload of a session (a message, or a
// batch on 2025-03-26), applies the lifecycle rules, routes methods, and reports replies and
// request-related notifications to an outbound_sink. Tool handlers run on the worker pool; all
// other methods answer inline. Thread-safe: one dispatcher serves every session and connection.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>

#include "arcade_mcp/json.hpp"
#include "arcade_mcp/jsonrpc/message.hpp"
#include "arcade_mcp/mcp/server.hpp"
#include "mcp/outbound_sink.hpp"
#include "mcp/session_state.hpp"
#include "mcp/tool_catalog.hpp"
#include "mcp/worker_pool.hpp"

namespace arcade_mcp::detail {

struct dispatcher_options {
    std::optional<std::string> user_id;  ///< ARCADE_USER_ID; else each session's fallback id
    catalog_options catalog;             ///< separator and disabled tools
    /// MCP over HTTP without front-door auth: tools that need an OAuth2 token or secrets are
    /// refused (anyone reaching the port could use them), as arcade-mcp-server does.
    bool refuse_tools_with_requirements = false;

    static dispatcher_options with_user(std::optional<std::string> user) {
        dispatcher_options o;
        o.user_id = std::move(user);
        return o;
    }
};

class dispatcher {
public:
    dispatcher(const server& srv, worker_pool& pool, dispatcher_options options);

    /// Handles one payload. `sink->finish` is called exactly once (maybe from a worker thread).
    void handle(const std::shared_ptr<session_state>& session, const json& payload, const std::shared_ptr<outbound_sink>& sink);

    /// True when `payload` is a single `initialize` request.
    static bool is_initialize_request(const json& payload);

    /// Signals every running tool call's stop token (shutdown after the grace period).
    void stop_all_calls();
    /// Registers a running call (MCP or worker) so stop_all_calls reaches it; untrack when done.
    void track_call(const std::shared_ptr<in_flight_call>& call);
    void untrack_call(const std::shared_ptr<in_flight_call>& call);
    const tool_catalog& catalog() const noexcept { return catalog_; }
    const server& srv() const noexcept { return server_; }

private:
    void handle_one(const std::shared_ptr<session_state>& session, const json& value, const std::shared_ptr<outbound_sink>& sink);
    void handle_request(const std::shared_ptr<session_state>& session, jsonrpc::request req, const std::shared_ptr<outbound_sink>& sink);
    void handle_notification(session_state& session, const jsonrpc::notification& n);
    void handle_batch(const std::shared_ptr<session_state>& session, const json& batch, const std::shared_ptr<outbound_sink>& sink);

    json initialize(session_state& session, const jsonrpc::request& req, std::optional<jsonrpc::error>& err) const;
    json list_tools(const session_state& session, const jsonrpc::request& req, std::optional<jsonrpc::error>& err) const;
    json set_log_level(session_state& session, const jsonrpc::request& req, std::optional<jsonrpc::error>& err) const;
    void call_tool(const std::shared_ptr<session_state>& session, jsonrpc::request req, const std::shared_ptr<outbound_sink>& sink);

    const server& server_;
    worker_pool& pool_;
    dispatcher_options options_;
    tool_catalog catalog_;
    std::mutex calls_mu_;
    std::unordered_set<std::shared_ptr<in_flight_call>> calls_;  ///< every running tool call
};

}  // namespace arcade_mcp::detail
