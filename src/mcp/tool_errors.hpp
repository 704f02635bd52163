// How a failed tool call is worded for both protocols: Arcade's message prefix
// "[KIND] Class during execution of tool 'name': text", the bad-argument, timeout and
// uncaught-exception errors.
#pragma once

#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include "arcade_mcp/mcp/tool_error.hpp"
#include "arcade_mcp/mcp/value_codec.hpp"

namespace arcade_mcp::detail {

/// The model-facing text of `e` for the tool the author named `source_tool` (e.g. "add").
std::string arcade_error_message(const tool_error& e, std::string_view source_tool);
/// "[KIND] Class during execution of tool 'name': ", the start of both texts.
std::string error_prefix(const tool_error& e, std::string_view source_tool);
/// developer_message with the same prefix (for the engine and the logs); empty when unset.
std::optional<std::string> arcade_developer_message(const tool_error& e, std::string_view source_tool);
/// A TOOL_RUNTIME_BAD_INPUT_VALUE error naming the JSON pointer (never the value).
tool_error bad_input_error(const decode_error& e);
/// A retryable TOOL_RUNTIME_RETRY error: the call ran past its time limit.
tool_error timeout_error(std::chrono::milliseconds limit);
/// What a handler's uncaught exception becomes, as Arcade words it: "An unhandled
/// std::runtime_error was raised by the tool." (developer_message: "std::runtime_error: what()").
tool_error unhandled_exception_error(const std::exception& e);
/// The same for an exception not derived from std::exception.
tool_error unhandled_exception_error();

}  // namespace arcade_mcp::detail
