// Arcade's ValueSchema (worker protocol §5) derived from the JSON Schema that the typed
// declaration produces, so one C++ declaration feeds both protocols: string/integer/number/
// boolean as is; objects with properties -> "json" + properties + sorted required_keys (members
// whose schema admits null nullable); free-form objects -> "json" without properties; arrays -> inner_val_type
// (and inner_properties / inner_required_keys for arrays of objects); enums -> enum.
#pragma once

#include <string>
#include <vector>

#include "arcade_mcp/json.hpp"

namespace arcade_mcp::detail {

/// The full Python field set, nulls included (catalog.py's get_wire_type_info and
/// wire_type_info_to_value_schema). `nullable` is set on object members only (null at the top
/// level and on parameters, as in Python).
json to_value_schema(const json& json_schema);

/// The `input.parameters` list of a ToolDefinition from an object schema, in `order` (the
/// declaration order; properties it does not name follow by name). Parameters named in
/// `non_inferrable` get `"inferrable": false`.
json to_input_parameters(const json& input_schema, const std::vector<std::string>& non_inferrable = {},
                         const std::vector<std::string>& order = {});

}  // namespace arcade_mcp::detail
