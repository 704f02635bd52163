// Tool chaining (tool_context::call_tool): one tool calling another of the same server, on the
// caller's thread, for the caller's user. The protocol that started the outermost call (MCP
// tools/call, or the worker's /worker/tools/invoke) describes once, in a tool_chain, where the
// tools are and what the chained calls may get (secrets, metadata, requirements); every call of
// the chain runs through invoke_tool (middleware, access log, metrics, span) with a chained_scope
// context made from the caller's.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "arcade_mcp/mcp/tool_context.hpp"
#include "mcp/tool_catalog.hpp"
#include "mcp/tool_invocation.hpp"

namespace arcade_mcp::detail {

/// Most nested chained calls under one protocol call (the outermost tool is not counted).
inline constexpr int max_tool_chain_depth = 8;

/// What the protocol call at the root of a chain offers its chained calls. Lives as long as the
/// root call (on its stack); read-only.
struct tool_chain {
    std::shared_ptr<const tool_catalog> catalog;  ///< the root call's snapshot
    const middleware_chain* hooks = nullptr;      ///< tool hooks run around each chained call
    std::string_view session_id;                  ///< for the hooks ("" when there is none)
    const tool_spec* root = nullptr;              ///< the protocol-called tool (its OAuth2 grant)
    const tool_context* root_context = nullptr;   ///< the protocol call's context (holds that grant's token)
    /// Why the callee cannot run in this protocol, or std::nullopt (MCP: the tools/call checks;
    /// worker: a declared secret the engine did not send). Unset: no check.
    std::function<std::optional<tool_error>(const tool_spec& callee)> refusal;
    /// A secret's value by its declared key (only called for keys the callee declared, never for
    /// reserved ones). MCP: the environment; worker: what the engine sent.
    std::function<std::optional<std::string>(std::string_view key)> secret_value;
    /// A metadata value by key (only for keys the callee declared). Unset: none.
    std::function<std::optional<std::string>(std::string_view key)> metadata_value;
};

/// A secret from the environment (.env included): what MCP mode gives tools.
std::optional<std::string> environment_secret(std::string_view key);

/// Runs the tool called `name` for `caller`, which runs at `depth` (0: the protocol's call).
result<json> call_chained_tool(tool_context& caller, const tool_chain& chain, int depth, std::string_view name,
                               json arguments);

/// The catalog entry `name` designates for call_tool (see tool_context::call_tool), or the
/// error saying why there is none.
result<const catalog_entry*> resolve_chained_tool(const tool_catalog& catalog, std::string_view name);

/// MCP over HTTP with front-door authorization checks a tools/call's `required_scopes` against
/// the bearer token before the call; the chain cannot see the token, so a callee may only need
/// scopes the protocol-called `root` needed too (else a TOOL_RUNTIME_FATAL error).
std::optional<tool_error> front_door_scope_refusal(const tool_spec& callee, const tool_spec* root);

/// True when the OAuth2 grant of `root` serves `callee` too: the same provider (and custom
/// provider id), and no scope the root did not ask for.
bool oauth2_covered(const tool_spec& callee, const tool_spec* root);

}  // namespace arcade_mcp::detail
