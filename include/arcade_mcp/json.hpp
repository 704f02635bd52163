/// @file json.hpp
/// The one JSON header of arcade-mcp-cpp: `arcade_mcp::json` is the type of every free-form JSON
/// value in the API (arguments, results, schemas). Everything that needs JSON includes this file,
/// so a later change of parser for hot paths stays local. Typed values go through value_codec
/// (value_codec.hpp), which also handles `std::optional` (absent or null <-> empty).
#pragma once

#include <nlohmann/json.hpp>

namespace arcade_mcp {
/// Every free-form JSON value of the API (arguments, results, schemas): nlohmann::json.
using json = nlohmann::json;
}  // namespace arcade_mcp
