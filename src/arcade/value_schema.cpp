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

/// The JSON Schema type without "null" ("" when there is none or several).
std::string schema_type_of(const json& s) {
    auto t = s.find("type");
    if (t == s.end()) return "";
    if (t->is_string()) return t->get<std::string>();
    std::string found;
    if (t->is_array())
        for (const auto& x : *t)
            if (x.is_string() && x != "null") {
                if (!found.empty()) return "";
                found = x.get<std::string>();
            }
    return found;
}

bool admits_null(const json& s) {
    auto t = s.find("type");
    return t != s.end() && t->is_array() && std::find(t->begin(), t->end(), json("null")) != t->end();
}

std::string val_type_of(const json& s) {
    const std::string type = schema_type_of(s);
    if (type == "string" || type == "integer" || type == "number" || type == "boolean" || type == "array") return type;
    return "json";  // objects, and anything without a primitive type
}

/// An enum without the null a nullable schema adds.
json enum_values_of(const json& e) {
    json out = json::array();
    for (const auto& v : e)
        if (!v.is_null()) out.push_back(v);
    return out;
}

/// Properties of an object schema as ValueSchemas and its sorted required keys (catalog.py's
/// extract_properties): both null for a free-form object, `{}` and `[]` for a known empty one.
/// A member is nullable when its schema admits null (std::optional), or, having no type at all
/// (free-form JSON, which admits anything), when it is not required.
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
        const bool is_required = std::find(required.begin(), required.end(), name) != required.end();
        if (admits_null(member) || (!member.contains("type") && !is_required)) v["nullable"] = true;
        out[name] = std::move(v);
    }
    std::sort(required.begin(), required.end());
    return {std::move(out), json(required)};
}

}  // namespace

json to_value_schema(const json& s) {
    json v = empty_value_schema(val_type_of(s));
    if (auto e = s.find("enum"); e != s.end() && e->is_array()) v["enum"] = enum_values_of(*e);
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
        if (auto e = items.find("enum"); e != items.end() && e->is_array() && v["enum"].is_null())
            v["enum"] = enum_values_of(*e);
    }
    return v;
}

json to_input_parameters(const json& input_schema, const std::vector<std::string>& non_inferrable,
                         const std::vector<std::string>& order) {
    json params = json::array();
    const json required = input_schema.value("required", json::array());
    const auto props = input_schema.find("properties");
    if (props == input_schema.end() || !props->is_object()) return params;
    std::vector<std::string> names;
    for (const auto& name : order)
        if (props->contains(name) && std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    for (const auto& [name, member] : props->items())
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    for (const auto& name : names) {
        const json& member = (*props)[name];
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
