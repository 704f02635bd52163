/// @file completion.hpp
/// Argument completion (`completion/complete`): a completer suggests values for one prompt
/// argument or resource-template variable from what the user typed so far.
///
/// Example:
///   prompt.complete("language", [](tool_context&, const completion_request& r) {
///       return completion_result::matching({"c", "cpp", "python"}, r.value);
///   });
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "arcade_mcp/mcp/tool_context.hpp"

namespace arcade_mcp {

struct completion_request {
    std::string argument;                            ///< the argument or variable being completed
    std::string value;                               ///< what was typed so far
    std::map<std::string, std::string> context_args;  ///< already-resolved arguments (2025-06-18+)
};

struct completion_result {
    std::vector<std::string> values;   ///< at most 100 are sent; the rest set hasMore
    std::optional<std::size_t> total;  ///< total matches, when known
    bool has_more = false;

    /// The candidates that start with `prefix`, in order.
    static completion_result matching(const std::vector<std::string>& candidates, const std::string& prefix);
};

using completer = std::function<completion_result(tool_context&, const completion_request&)>;

}  // namespace arcade_mcp
