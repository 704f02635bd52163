/// @file value_codec.hpp
/// How a C++ type maps to JSON Schema and to/from JSON: `value_codec<T>` gives `schema()`,
/// `decode()` (strict: wrong types, out-of-range integers and unknown object members are errors
/// carrying a JSON pointer) and `encode()`. Specialized for strings, integers, floating point,
/// booleans, enums with `enum_names`, `std::optional`, `std::vector`, `json` and described
/// structs (see fields.hpp). Stateless; thread-safe.
#pragma once

#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "arcade_mcp/json.hpp"

namespace arcade_mcp {

/// The first problem found while decoding arguments: where (JSON pointer) and what.
struct decode_error {
    std::string path;     ///< JSON pointer, "" for the whole value, e.g. "/items/2/name"
    std::string message;  ///< e.g. "expected integer, got string"
};

/// Specialize for an enum to make it a tool argument or result (a JSON string, one of the names):
/// @code
/// enum class color { red, green };
/// template <> struct arcade_mcp::enum_names<color> {
///     static constexpr std::pair<color, std::string_view> values[] = {{color::red, "red"}, {color::green, "green"}};
/// };
/// @endcode
template <class E>
struct enum_names;

/// How `T` maps to JSON Schema and JSON. A specialization has three static members:
/// `json schema()`, `bool decode(const json& j, T& out, const std::string& path, decode_error& err)`
/// (on failure records the problem with codec::fail, at `path`, and returns false) and
/// `json encode(const T& v)`. Specialize it to make a type of your own an argument or result type.
///
/// @code
/// struct point { double x = 0, y = 0; };  // as "x,y"
/// template <> struct arcade_mcp::value_codec<point> {
///     static json schema() { return {{"type", "string"}, {"pattern", "^-?[0-9.]+,-?[0-9.]+$"}}; }
///     static bool decode(const json& j, point& out, const std::string& path, decode_error& err) {
///         if (!j.is_string() || std::sscanf(j.get_ref<const std::string&>().c_str(), "%lf,%lf", &out.x, &out.y) != 2)
///             return codec::fail(err, path, "expected \"x,y\"");
///         return true;
///     }
///     static json encode(const point& p) { return std::to_string(p.x) + "," + std::to_string(p.y); }
/// };
/// @endcode
template <class T, class Enable = void>
struct value_codec;  // no definition: an unsupported type is a compile error naming value_codec<T>

/// Helpers for writing a value_codec specialization: error paths, type names and lengths as the
/// built-in codecs report them.
namespace codec {

/// JSON pointer segment escaping (RFC 6901): "~" -> "~0", "/" -> "~1".
std::string json_pointer_escape(std::string_view token);
/// "string", "integer", "number", "boolean", "array", "object" or "null".
std::string_view json_type_name(const json& j) noexcept;
/// Number of UTF-8 code points (continuation bytes are not counted).
std::size_t utf8_length(std::string_view s) noexcept;

/// A number as JSON: integral values within ±2^53 as integers (5, not 5.0).
json number_json(double v);

/// `schema` that also admits null, as arcade-mcp-server writes a nullable value: a string type
/// becomes `[type, "null"]`, an `enum` gains `null`; a schema without a type (any value) is unchanged.
json nullable_schema(json schema);
/// The opposite of nullable_schema: `"null"` removed from the type and from an `enum`.
json non_nullable_schema(json schema);

/// Records the first decoding problem and returns false (a decode() returns its result).
inline bool fail(decode_error& err, std::string path, std::string message) {
    err = decode_error{std::move(path), std::move(message)};
    return false;
}

/// True when enum_names<T> is specialized.
template <class T>
concept has_enum_names = requires { enum_names<T>::values; };

}  // namespace codec

/// Strings: `{"type": "string"}`.
template <>
struct value_codec<std::string> {
    static json schema() { return {{"type", "string"}}; }  ///< `{"type": "string"}`
    /// Accepts a JSON string only.
    static bool decode(const json& j, std::string& out, const std::string& path, decode_error& err) {
        if (!j.is_string())
            return codec::fail(err, path,
                                std::string("expected string, got ") + std::string(codec::json_type_name(j)));
        out = j.get<std::string>();
        return true;
    }
    static json encode(const std::string& v) { return v; }  ///< the string
};

/// Booleans: `{"type": "boolean"}`.
template <>
struct value_codec<bool> {
    static json schema() { return {{"type", "boolean"}}; }  ///< `{"type": "boolean"}`
    /// Accepts true or false only (not 0/1, not "true").
    static bool decode(const json& j, bool& out, const std::string& path, decode_error& err) {
        if (!j.is_boolean())
            return codec::fail(err, path,
                                std::string("expected boolean, got ") + std::string(codec::json_type_name(j)));
        out = j.get<bool>();
        return true;
    }
    static json encode(bool v) { return v; }  ///< true or false
};

/// Every integer type but bool: `{"type": "integer"}`, range-checked against T.
template <std::integral T>
    requires(!std::same_as<T, bool>)
struct value_codec<T> {
    static json schema() { return {{"type", "integer"}}; }  ///< `{"type": "integer"}`
    /// Accepts integers within T's range, and numbers such as 5.0 that are whole and in range.
    static bool decode(const json& j, T& out, const std::string& path, decode_error& err) {
        constexpr auto lo = std::numeric_limits<T>::min();
        constexpr auto hi = std::numeric_limits<T>::max();
        const std::string range = " (" + std::to_string(lo) + " to " + std::to_string(hi) + ")";
        if (j.is_number_unsigned()) {
            const auto v = j.get<std::uint64_t>();
            if (v > static_cast<std::uint64_t>(hi)) return codec::fail(err, path, "integer out of range" + range);
            out = static_cast<T>(v);
            return true;
        }
        if (j.is_number_integer()) {
            const auto v = j.get<std::int64_t>();
            if constexpr (std::is_unsigned_v<T>) {
                if (v < 0 || static_cast<std::uint64_t>(v) > hi)
                    return codec::fail(err, path, "integer out of range" + range);
            } else {
                if (v < static_cast<std::int64_t>(lo) || v > static_cast<std::int64_t>(hi))
                    return codec::fail(err, path, "integer out of range" + range);
            }
            out = static_cast<T>(v);
            return true;
        }
        if (j.is_number_float()) {
            const double d = j.get<double>();
            if (!std::isfinite(d) || std::trunc(d) != d)
                return codec::fail(err, path, "expected integer, got a fractional number");
            // 2^63 and 2^64 are exact doubles; compare against them to stay in range.
            const double upper = std::ldexp(1.0, std::numeric_limits<T>::digits);
            if (d >= upper || d < static_cast<double>(lo))
                return codec::fail(err, path, "integer out of range" + range);
            out = static_cast<T>(d);
            return true;
        }
        return codec::fail(err, path, std::string("expected integer, got ") + std::string(codec::json_type_name(j)));
    }
    static json encode(T v) { return v; }  ///< a JSON integer
};

/// float, double, long double: `{"type": "number"}`.
template <std::floating_point T>
struct value_codec<T> {
    static json schema() { return {{"type", "number"}}; }  ///< `{"type": "number"}`
    /// Accepts any JSON number.
    static bool decode(const json& j, T& out, const std::string& path, decode_error& err) {
        if (!j.is_number())
            return codec::fail(err, path,
                                std::string("expected number, got ") + std::string(codec::json_type_name(j)));
        out = static_cast<T>(j.get<double>());
        return true;
    }
    static json encode(T v) { return v; }  ///< a JSON number
};

/// Enums with enum_names: `{"type": "string", "enum": [names]}`.
template <class E>
    requires(std::is_enum_v<E> && codec::has_enum_names<E>)
struct value_codec<E> {
    /// A string schema listing the names, in enum_names order.
    static json schema() {
        json names = json::array();
        for (const auto& [value, name] : enum_names<E>::values) names.push_back(name);
        return {{"type", "string"}, {"enum", std::move(names)}};
    }
    /// Accepts one of the names.
    static bool decode(const json& j, E& out, const std::string& path, decode_error& err) {
        if (j.is_string()) {
            const auto& s = j.get_ref<const std::string&>();
            for (const auto& [value, name] : enum_names<E>::values) {
                if (name == s) {
                    out = value;
                    return true;
                }
            }
        }
        return codec::fail(err, path, "expected one of " + schema()["enum"].dump());
    }
    /// The value's name; null for a value enum_names does not list.
    static json encode(E v) {
        for (const auto& [value, name] : enum_names<E>::values)
            if (value == v) return std::string(name);
        return nullptr;
    }
};

/// `std::optional<T>`: T's schema admitting null (`"type": [T's type, "null"]`, see
/// codec::nullable_schema); absent or null decode to an empty optional. As a described struct's
/// field it is not required.
template <class T>
struct value_codec<std::optional<T>> {
    static json schema() { return codec::nullable_schema(value_codec<T>::schema()); }  ///< T's schema or null
    /// null: empty; anything else as T.
    static bool decode(const json& j, std::optional<T>& out, const std::string& path, decode_error& err) {
        if (j.is_null()) {
            out.reset();
            return true;
        }
        T v{};
        if (!value_codec<T>::decode(j, v, path, err)) return false;
        out = std::move(v);
        return true;
    }
    /// null when empty (a described struct leaves the member out).
    static json encode(const std::optional<T>& v) { return v ? value_codec<T>::encode(*v) : json(nullptr); }
};

/// `std::vector<T>`: `{"type": "array", "items": T's schema}`.
template <class T>
struct value_codec<std::vector<T>> {
    /// An array schema whose `items` is T's schema.
    static json schema() { return {{"type", "array"}, {"items", value_codec<T>::schema()}}; }
    /// Accepts an array; each item decodes as T, errors at `path/<index>`.
    static bool decode(const json& j, std::vector<T>& out, const std::string& path, decode_error& err) {
        if (!j.is_array())
            return codec::fail(err, path,
                                std::string("expected array, got ") + std::string(codec::json_type_name(j)));
        out.clear();
        out.reserve(j.size());
        for (std::size_t i = 0; i < j.size(); ++i) {
            T v{};
            if (!value_codec<T>::decode(j[i], v, path + "/" + std::to_string(i), err)) return false;
            out.push_back(std::move(v));
        }
        return true;
    }
    /// An array of the encoded items.
    static json encode(const std::vector<T>& v) {
        json out = json::array();
        for (const auto& item : v) out.push_back(value_codec<T>::encode(item));
        return out;
    }
};

/// Free-form JSON: any value is accepted and returned as is.
template <>
struct value_codec<json> {
    static json schema() { return json::object(); }  ///< `{}`: any value
    /// Copies the value; never fails.
    static bool decode(const json& j, json& out, const std::string&, decode_error&) {
        out = j;
        return true;
    }
    static json encode(const json& v) { return v; }  ///< the value itself
};

}  // namespace arcade_mcp
