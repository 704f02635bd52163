/// @file completion.hpp
/// Argument completion (`completion/complete`): a completer suggests values for one prompt
/// argument or resource-template variable from what the user typed so far.
///
/// Example:
/// @code
/// srv.add_prompt<review_args>("code_review", "Review code", review)
///     .complete("language", [](tool_context&, const completion_request& r) {
///         return completion_result::matching({"c", "cpp", "python"}, r.value);
///     });
/// @endcode
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "arcade_mcp/mcp/tool_context.hpp"

namespace arcade_mcp {

/// What the client asks completions for.
struct completion_request {
    std::string argument;                            ///< the argument or variable being completed
    std::string value;                               ///< what was typed so far
    std::map<std::string, std::string> context_args;  ///< already-resolved arguments (2025-06-18+)
};

/// The suggestions a completer returns.
struct completion_result {
    std::vector<std::string> values;   ///< at most 100 are sent; the rest set hasMore
    std::optional<std::size_t> total;  ///< total matches, when known
    bool has_more = false;             ///< more matches exist than were sent

    /// The candidates that start with `prefix`, in order.
    static completion_result matching(const std::vector<std::string>& candidates, const std::string& prefix);
};

/// Suggests values for one argument or variable (prompt_spec::complete,
/// resource_template_spec::complete). Runs on the worker pool and may block.
using completer = std::function<completion_result(tool_context&, const completion_request&)>;

}  // namespace arcade_mcp
