/// @file json.hpp
/// The one JSON header of arcade-mcp-cpp. Everything that needs JSON includes this file, so a
/// later change of parser for hot paths stays local. Adds `std::optional<T>` support to
/// nlohmann::json (absent/null <-> empty), which nlohmann 3.11.2 lacks.
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

namespace arcade_mcp {
using json = nlohmann::json;
}  // namespace arcade_mcp

namespace nlohmann {
template <class T>
struct adl_serializer<std::optional<T>> {
    static void to_json(json& j, const std::optional<T>& v) {
        if (v) {
            j = *v;
        } else {
            j = nullptr;
        }
    }
    static void from_json(const json& j, std::optional<T>& v) {
        if (j.is_null()) {
            v.reset();
        } else {
            v = j.get<T>();
        }
    }
};
}  // namespace nlohmann
