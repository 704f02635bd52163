/// @file tool_requirements.hpp
/// What a tool needs and how it behaves, declared by its author once and shown on both
/// protocols: the Arcade ToolDefinition (`requirements`, `metadata`, `deprecation_message`) and
/// MCP (`annotations`, `_meta.arcade`, a `[DEPRECATED: ...]` description prefix).
///
/// Example:
/// @code
/// srv.add_tool<args>("send_mail", "Send an e-mail.", send)
///     .requires_secret("SMTP_PASSWORD")
///     .requires_oauth2("google", {"https://www.googleapis.com/auth/gmail.send"})
///     .with_behavior({.operations = {operation::create}, .read_only = false, .destructive = false,
///                     .idempotent = false, .open_world = true});
/// @endcode
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "arcade_mcp/json.hpp"

namespace arcade_mcp {

/// An OAuth2 authorization the engine must obtain for the user before the tool runs.
struct oauth2_requirement {
    std::optional<std::string> provider_id;  ///< a known provider, e.g. "github"
    std::optional<std::string> id;           ///< or a custom provider's id
    std::vector<std::string> scopes;         ///< the OAuth2 scopes the token must carry
};

/// Kinds of operation a tool performs (Arcade ToolMetadata.behavior.operations).
enum class operation {
    read,    ///< "read"
    create,  ///< "create"
    update,  ///< "update"
    del,     ///< "delete"
    opaque   ///< "opaque": unknown or mixed
};

/// Behaviour hints: MCP annotations (readOnlyHint, ...) and Arcade `metadata.behavior`.
struct tool_behavior {
    std::vector<operation> operations;  ///< what it does
    std::optional<bool> read_only;      ///< changes nothing (readOnlyHint)
    std::optional<bool> destructive;    ///< may delete or overwrite (destructiveHint)
    std::optional<bool> idempotent;     ///< repeating a call has no further effect (idempotentHint)
    std::optional<bool> open_world;     ///< reaches outside systems (openWorldHint)
};

/// Everything optional about a tool beyond its schemas.
struct tool_requirements {
    std::vector<std::string> secrets;        ///< secret keys the tool reads (case kept)
    std::vector<std::string> metadata_keys;  ///< metadata keys the tool reads (lower-cased on the wire)
    std::optional<oauth2_requirement> oauth2;  ///< an OAuth2 token the engine obtains for the user
};

/// Arcade's ToolMetadata: behaviour and classification of a tool.
struct tool_metadata {
    std::optional<tool_behavior> behavior;     ///< behaviour hints (tool_spec::with_behavior)
    std::vector<std::string> service_domains;  ///< e.g. "email", "crm", "source_code"
    std::optional<json> extras;                ///< JSON object of author extras
};

}  // namespace arcade_mcp
