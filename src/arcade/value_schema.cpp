// JSON Schema -> Arcade ValueSchema (see value_schema.hpp).
#include "arcade/value_schema.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace arcade_mcp::detail {
namespace {

json empty_value_schema(std::string val_type) {
    return json{{"val_type", std::move(val_type)}, {"inner_val_type", nullptr}, {"enum", nullptr},
                {"properties", nullptr},           {"inner_properties", nullptr}, {"description", nullptr},
                {"required_keys", nullptr},        {"inner_required_keys", nullptr}, {"nullable", nullptr}};
}

std::string val_type_of(const json& s) {
    const std::string type = s.value("type", std::string());
    if (type == "string" || type == "integer" || type == "number" || type == "boolean" || type == "array") return type;
    return "json";  // objects, and anything without a primitive type
}

/// Properties of an object schema as ValueSchemas (members not in `required` are nullable), and
/// its sorted required keys; both null for a free-form object.
std::pair<json, json> object_members(const json& s) {
    auto props = s.find("properties");
    if (props == s.end() || !props->is_object()) return {nullptr, nullptr};
    std::vector<std::string> required;
    if (auto r = s.find("required"); r != s.end() && r->is_array())
        for (const auto& k : *r)
            if (k.is_string()) required.push_back(k.get<std::string>());
    json out = json::object();
    for (const auto& [name, member] : props->items()) {
        json v = to_value_schema(member);
        if (std::find(required.begin(), required.end(), name) == required.end()) v["nullable"] = true;
        out[name] = std::move(v);
    }
    std::sort(required.begin(), required.end());
    return {std::move(out), required.empty() ? json(nullptr) : json(required)};
}

}  // namespace

json to_value_schema(const json& s) {
    json v = empty_value_schema(val_type_of(s));
    if (auto e = s.find("enum"); e != s.end() && e->is_array()) v["enum"] = *e;
    if (auto d = s.find("description"); d != s.end() && d->is_string()) v["description"] = *d;
    const std::string& type = v["val_type"].get_ref<const std::string&>();
    if (type == "json") {
        auto [props, required] = object_members(s);
        v["properties"] = std::move(props);
        v["required_keys"] = std::move(required);
    } else if (type == "array") {
        const json items = s.value("items", json::object());
        const std::string inner = val_type_of(items);
        v["inner_val_type"] = inner == "array" ? "json" : inner;
        if (inner == "json") {
            auto [props, required] = object_members(items);
            v["inner_properties"] = std::move(props);
            v["inner_required_keys"] = std::move(required);
        }
        if (auto e = items.find("enum"); e != items.end() && e->is_array() && v["enum"].is_null()) v["enum"] = *e;
    }
    return v;
}

json to_input_parameters(const json& input_schema, const std::vector<std::string>& non_inferrable) {
    json params = json::array();
    const json required = input_schema.value("required", json::array());
    const auto props = input_schema.find("properties");
    if (props == input_schema.end() || !props->is_object()) return params;
    for (const auto& [name, member] : props->items()) {
        json value_schema = to_value_schema(member);
        json description = value_schema["description"];
        value_schema["description"] = nullptr;  // the parameter carries it
        params.push_back(json{
            {"name", name},
            {"required", std::find(required.begin(), required.end(), name) != required.end()},
            {"description", std::move(description)},
            {"value_schema", std::move(value_schema)},
            {"inferrable", std::find(non_inferrable.begin(), non_inferrable.end(), name) == non_inferrable.end()}});
    }
    return params;
}

}  // namespace arcade_mcp::detail
