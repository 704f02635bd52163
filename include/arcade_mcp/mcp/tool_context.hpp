/// @file tool_context.hpp
/// What a running tool handler may use: who called, the protocol revision, a stop token that is
/// signalled on cancellation or shutdown, and notifications to the client (log messages and
/// progress) that travel with the request. One context per call; valid only during the call.
/// Safe to use from the handler's thread. Secrets of the server (the worker secret, API keys)
/// are never reachable from here.
#pragma once

#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include "arcade_mcp/json.hpp"

namespace arcade_mcp {

/// MCP log levels (RFC 5424 order).
enum class mcp_log_level { debug, info, notice, warning, error, critical, alert, emergency };

class tool_context {
public:
    virtual ~tool_context() = default;

    /// The caller's user id (MCP: ARCADE_USER_ID or a per-session id; worker: the engine's
    /// `context.user_id`, empty when the engine sent none).
    virtual std::string_view user_id() const = 0;
    /// A secret the tool declared (`requires_secret`), by key, case-insensitive; std::nullopt when
    /// it is not available. Reserved server secrets are never returned.
    virtual std::optional<std::string> secret(std::string_view /*key*/) const { return std::nullopt; }
    /// A metadata value the engine sent (worker mode), by key, case-insensitive.
    virtual std::optional<std::string> metadata(std::string_view /*key*/) const { return std::nullopt; }
    /// The user's OAuth2 token obtained by the engine for `requires_oauth2` (worker mode).
    virtual std::optional<std::string> authorization_token() const { return std::nullopt; }
    /// The engine's `authorization.user_info` object (worker mode); `{}` otherwise.
    virtual json user_info() const { return json::object(); }
    /// Protocol revision of this request, e.g. "2025-11-25".
    virtual std::string_view protocol_version() const = 0;
    /// Signalled when the client cancels the request or the server shuts down.
    virtual std::stop_token stop_token() const = 0;
    /// The request id as text (for logs), e.g. "7" or "\"abc\"".
    virtual std::string request_id() const = 0;

    /// Sends `notifications/message` to the client when `level` passes the session's log level.
    virtual void log(mcp_log_level level, json data, std::optional<std::string> logger = {}) = 0;
    /// Sends `notifications/progress` when the request carried a progress token; no-op otherwise.
    /// `progress` must increase with every call.
    virtual void report_progress(double progress, std::optional<double> total = {},
                                 std::optional<std::string> message = {}) = 0;
};

}  // namespace arcade_mcp
