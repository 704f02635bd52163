// The per-request `_meta` of MCP 2026-07-28 (the "modern" era): every request names its protocol
// revision, the client's capabilities for this request, optionally the client's info and a log
// level. Also the era test a transport applies before dispatch, and the revision's new errors.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "arcade_mcp/json.hpp"
#include "arcade_mcp/jsonrpc/message.hpp"
#include "arcade_mcp/mcp/tool_context.hpp"

namespace arcade_mcp::detail {

inline constexpr std::string_view meta_protocol_version = "io.modelcontextprotocol/protocolVersion";
inline constexpr std::string_view meta_client_capabilities = "io.modelcontextprotocol/clientCapabilities";
inline constexpr std::string_view meta_client_info = "io.modelcontextprotocol/clientInfo";
inline constexpr std::string_view meta_log_level = "io.modelcontextprotocol/logLevel";
inline constexpr std::string_view meta_server_info = "io.modelcontextprotocol/serverInfo";
inline constexpr std::string_view meta_subscription_id = "io.modelcontextprotocol/subscriptionId";

/// Resource not found in the 2025 era (2026-07-28 answers -32602 instead).
inline constexpr int resource_not_found_code = -32002;

/// 2026-07-28 error codes (-32020..-32099 are reserved for the specification).
namespace modern_error {
inline constexpr int header_mismatch = -32020;
inline constexpr int missing_client_capability = -32021;
inline constexpr int unsupported_protocol_version = -32022;
}  // namespace modern_error

struct request_meta {
    std::string revision;
    json client_capabilities;  ///< an object
    json client_info;          ///< an object ({} when the request names none)
    std::optional<mcp_log_level> log_level;  ///< none: no notifications/message for this request
};

/// The same checks as read_request_meta, without copying: views into the params checked.
struct checked_request_meta {
    std::string_view revision;
    const json* client_capabilities = nullptr;  ///< an object
    const json* client_info = nullptr;          ///< an object, or none
    std::optional<mcp_log_level> log_level;
};

/// "debug" ... "emergency" -> the level; std::nullopt for anything else.
std::optional<mcp_log_level> parse_mcp_level(const json& j);

/// True when `message` is a request or notification whose `params._meta` names a protocol
/// revision: it is addressed in the per-request (modern) era.
bool carries_request_meta(const json& message);

/// Reads and checks `params._meta`: -32602 when it or a required key is missing or mistyped.
/// The revision is not checked (see check_served_revision): over HTTP a header mismatch is
/// reported first.
std::variant<request_meta, jsonrpc::error> read_request_meta(const json& params);
/// The same checks; the result views `params` (valid while it lives and is not changed).
std::variant<checked_request_meta, jsonrpc::error> check_request_meta(const json& params);

/// -32022 unless `revision` is a modern revision this server serves.
std::optional<jsonrpc::error> check_served_revision(std::string_view revision);

/// UnsupportedProtocolVersionError: data {supported: every revision served, requested}.
jsonrpc::error unsupported_version_error(std::string_view requested);

}  // namespace arcade_mcp::detail
