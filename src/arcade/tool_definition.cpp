// ToolDefinition rendering (see tool_definition.hpp).
#include "arcade/tool_definition.hpp"

#include "arcade/value_schema.hpp"

namespace arcade_mcp::detail {

json to_tool_definition(const catalog_entry& e, const server_info& /*info: the toolkit is the entry's*/) {
    const tool_spec& spec = *e.spec;
    json output{{"description", spec.output_description.value_or("No description provided.")},
                {"available_modes", json::array({"null"})},
                {"value_schema", nullptr}};
    if (spec.output_schema) {
        // Non-object results are wrapped as {"result": ...} for MCP; the worker sees the value.
        const json& schema = *spec.output_schema;
        const json value = spec.wraps_result ? schema["properties"].value("result", json::object()) : schema;
        output["available_modes"] = spec.output_nullable ? json::array({"value", "error", "null"})
                                                         : json::array({"value", "error"});
        output["value_schema"] = to_value_schema(value);
    }
    const toolkit_info& kit = *e.toolkit;
    const json description = kit.description.empty() ? json(nullptr) : json(kit.description);
    return json{
        {"name", e.tool_name},
        {"fully_qualified_name", e.fqn},
        {"description", spec.description},
        {"toolkit", {{"name", kit.name}, {"description", description}, {"version", kit.version}}},
        {"input", {{"parameters", to_input_parameters(spec.input_schema, spec.non_inferrable, spec.parameter_order)}}},
        {"output", std::move(output)},
        {"requirements", arcade_requirements_json(spec.requirements)},
        {"deprecation_message", spec.deprecation_message ? json(*spec.deprecation_message) : json(nullptr)},
        {"metadata", arcade_metadata_json(spec.metadata)}};
}

}  // namespace arcade_mcp::detail
