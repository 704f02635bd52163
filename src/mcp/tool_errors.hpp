// How a failed tool call is worded for both protocols: Arcade's message prefix
// "[KIND] Class during execution of tool 'name': text" and the bad-argument error.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "arcade_mcp/mcp/tool_error.hpp"
#include "arcade_mcp/mcp/value_codec.hpp"

namespace arcade_mcp::detail {

/// The model-facing text of `e` for the tool the author named `source_tool` (e.g. "add").
std::string arcade_error_message(const tool_error& e, std::string_view source_tool);
/// A TOOL_RUNTIME_BAD_INPUT_VALUE error naming the JSON pointer (never the value).
tool_error bad_input_error(const decode_error& e);
/// A retryable TOOL_RUNTIME_RETRY error: the call ran past its time limit.
tool_error timeout_error(std::chrono::milliseconds limit);

}  // namespace arcade_mcp::detail
