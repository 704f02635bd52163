// Out-of-line helpers of value_codec.hpp: JSON pointer escaping, type names, UTF-8 length.
#include "arcade_mcp/mcp/value_codec.hpp"

#include <algorithm>
#include <cmath>

namespace arcade_mcp::codec {

std::string json_pointer_escape(std::string_view token) {
    std::string out;
    out.reserve(token.size());
    for (const char c : token) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out += c;
        }
    }
    return out;
}

std::string_view json_type_name(const json& j) noexcept {
    switch (j.type()) {
        case json::value_t::string: return "string";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned: return "integer";
        case json::value_t::number_float: return "number";
        case json::value_t::boolean: return "boolean";
        case json::value_t::array: return "array";
        case json::value_t::object: return "object";
        case json::value_t::null: return "null";
        default: return "unsupported value";
    }
}

json number_json(double v) {
    if (std::isfinite(v) && std::trunc(v) == v && std::fabs(v) <= 9007199254740992.0)
        return static_cast<std::int64_t>(v);
    return v;
}

json nullable_schema(json schema) {
    if (auto t = schema.find("type"); t != schema.end()) {
        if (t->is_string()) {
            *t = json::array({*t, "null"});
        } else if (t->is_array() && std::find(t->begin(), t->end(), json("null")) == t->end()) {
            t->push_back("null");
        }
    }
    if (auto e = schema.find("enum");
        e != schema.end() && e->is_array() && std::find(e->begin(), e->end(), json()) == e->end())
        e->push_back(nullptr);
    return schema;
}

json non_nullable_schema(json schema) {
    if (auto t = schema.find("type"); t != schema.end() && t->is_array()) {
        t->erase(std::remove(t->begin(), t->end(), json("null")), t->end());
        if (t->size() == 1) *t = json((*t)[0]);
    }
    if (auto e = schema.find("enum"); e != schema.end() && e->is_array())
        e->erase(std::remove(e->begin(), e->end(), json()), e->end());
    return schema;
}

std::size_t utf8_length(std::string_view s) noexcept {
    std::size_t n = 0;
    for (const char c : s)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    return n;
}

}  // namespace arcade_mcp::codec
