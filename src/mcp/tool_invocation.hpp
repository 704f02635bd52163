// Calling one tool, the same for both protocols (MCP tools/call, /worker/tools/invoke): the
// middleware's before_tool_call hooks (a refusal answers instead of the tool), the handler with
// everything it throws turned into a typed outcome, then the after_tool_call hooks with the
// outcome and the handler's run time. The 2026-07-28 input-round signals pass through to the MCP
// caller (after the hooks were told).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "arcade_mcp/mcp/middleware.hpp"
#include "arcade_mcp/mcp/tool.hpp"
#include "mcp/call_runner.hpp"
#include "mcp/tool_catalog.hpp"

namespace arcade_mcp::detail {

/// What one call of a tool's `invoke` produced: arguments that did not decode, a tool error, or
/// a value. With `is_content`, the value is an array of content blocks to send verbatim.
struct tool_outcome {
    std::variant<json, tool_error, decode_error> value;
    bool is_content = false;
};

/// Runs `spec.invoke` and returns what it wrote to its tool_output (exceptions propagate). A
/// handler that wrote nothing, or more than once, is a library bug or a hand-built tool's: the
/// outcome is then a fatal tool error, or the first thing written.
tool_outcome invoke_outcome(const tool_spec& spec, tool_context& ctx, const json& arguments);

/// What a tool call produced, typed: the value or error to send, and how it ended.
struct tool_run {
    tool_outcome outcome;
    tool_call_status status = tool_call_status::ok;
};

using middleware_chain = std::vector<std::shared_ptr<middleware>>;

/// Checks made after the before_tool_call hooks and before the handler (MCP mode's requirements:
/// tool_preflight.hpp); an error ends the call instead of the handler.
using tool_gate = std::function<std::optional<tool_error>()>;

/// Runs `tool` with `arguments` for the caller in `ctx`. `gate` (may be empty) runs first; when it
/// returns an error the tool does not run and the call ends with it (e.g. a declared secret is missing). `session_id`
/// is for the hooks ("" when there is none). `call` (may be null) tells a timeout from a cancellation. The run is
/// counted in the tool-call metrics and, when traces are exported, is a "RunTool" span under the thread's current span,
/// current itself while the handler runs.
tool_run invoke_tool(const catalog_entry& tool, tool_context& ctx, const json& arguments, const middleware_chain& chain,
                     std::string_view session_id, const in_flight_call* call,
                     const tool_gate& gate = {});

/// How a call of `spec` runs: inline or on the pool, its time limit (its own, else
/// `default_limit`; none inline), and its concurrency limit.
call_plan plan_for(const tool_spec& spec, std::chrono::milliseconds default_limit);
/// The retryable error of a call refused because its tool is at its concurrency limit.
tool_error busy_error(const tool_spec& spec);

}  // namespace arcade_mcp::detail
