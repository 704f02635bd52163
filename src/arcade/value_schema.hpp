// Arcade's ValueSchema (worker protocol §5) derived from the JSON Schema that the typed
// declaration produces, so one C++ declaration feeds both protocols: string/integer/number/
// boolean as is; objects with properties -> "json" + properties + sorted required_keys (optional
// members nullable); free-form objects -> "json" without properties; arrays -> inner_val_type
// (and inner_properties / inner_required_keys for arrays of objects); enums -> enum.
#pragma once

#include <string>
#include <vector>

#include "arcade_mcp/json.hpp"

namespace arcade_mcp::detail {

/// The full Python field set, nulls included. `nullable` is set by the caller for optional
/// nested members (it is null at the top level and on parameters).
json to_value_schema(const json& json_schema);

/// The `input.parameters` list of a ToolDefinition from an object schema, in declaration order.
/// Parameters named in `non_inferrable` get `"inferrable": false`.
json to_input_parameters(const json& input_schema, const std::vector<std::string>& non_inferrable = {});

}  // namespace arcade_mcp::detail
