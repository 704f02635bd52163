/// @file fields.hpp
/// Describing a plain struct once, one line per field, so the library derives its JSON Schema,
/// decodes and validates JSON into it, and encodes it back. A struct is "described" when it has
/// a static `describe()` returning `arcade_mcp::fields(...)`.
///
/// Example:
/// @code
/// struct search_args {
///     std::string query;
///     std::optional<int> limit;
///     static auto describe() {
///         return arcade_mcp::fields(
///             arcade_mcp::field("query", &search_args::query, "What to look for").min_length(1),
///             arcade_mcp::field("limit", &search_args::limit, "Most results").minimum(1).maximum(50));
///     }
/// };
/// @endcode
///
/// Rules: a field is required unless its type is `std::optional<T>` or it has a `default_value`.
/// Unknown members are rejected (`additionalProperties: false`). Constraints are checked after the
/// type and reported with the field's JSON pointer.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "arcade_mcp/mcp/value_codec.hpp"

namespace arcade_mcp {

/// True for `std::optional<T>`: such a field is not required.
template <class T>
struct is_optional : std::false_type {};
/// @copydoc is_optional
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

/// One member of a described struct: its JSON name, description and constraints.
template <class Struct, class Member>
class field_descriptor {
public:
    /// Use field() instead, which deduces the types.
    field_descriptor(std::string_view name, Member Struct::*member, std::string_view description)
        : name_(name), member_(member), description_(description) {}

    /// Smallest allowed number (inclusive; JSON Schema `minimum`).
    field_descriptor& minimum(double v) { minimum_ = v; return *this; }
    /// Largest allowed number (inclusive; `maximum`).
    field_descriptor& maximum(double v) { maximum_ = v; return *this; }
    /// Shortest allowed string, in characters (UTF-8 code points; `minLength`).
    field_descriptor& min_length(std::size_t v) { min_length_ = v; return *this; }
    /// Longest allowed string, in characters (`maxLength`).
    field_descriptor& max_length(std::size_t v) { max_length_ = v; return *this; }
    /// Fewest array items (`minItems`).
    field_descriptor& min_items(std::size_t v) { min_items_ = v; return *this; }
    /// Most array items (`maxItems`).
    field_descriptor& max_items(std::size_t v) { max_items_ = v; return *this; }
    /// Value used when the member is absent; makes the field optional.
    field_descriptor& default_value(Member v) { default_ = std::move(v); return *this; }

    /// The member's JSON name.
    const std::string& name() const noexcept { return name_; }
    /// Listed in the schema's `required`: not a `std::optional` and no default_value.
    bool required() const noexcept { return !is_optional<Member>::value && !default_.has_value(); }

    /// The member's property schema: its type's schema plus description, constraints and default.
    json schema() const {
        json s = value_codec<Member>::schema();
        if (!description_.empty()) s["description"] = description_;
        if (minimum_) s["minimum"] = codec::number_json(*minimum_);
        if (maximum_) s["maximum"] = codec::number_json(*maximum_);
        if (min_length_) s["minLength"] = *min_length_;
        if (max_length_) s["maxLength"] = *max_length_;
        if (min_items_) s["minItems"] = *min_items_;
        if (max_items_) s["maxItems"] = *max_items_;
        if (default_) s["default"] = value_codec<Member>::encode(*default_);
        return s;
    }

    /// Decodes `j` (the member's JSON, or nullptr when absent) into `out.*member_`.
    bool decode(const json* j, Struct& out, const std::string& path, decode_error& err) const {
        Member& target = out.*member_;
        if (j == nullptr) {
            if (default_) {
                target = *default_;
                return true;
            }
            if constexpr (is_optional<Member>::value) {
                target.reset();
                return true;
            }
            return codec::fail(err, path, "required property is missing");
        }
        if (!value_codec<Member>::decode(*j, target, path, err)) return false;
        return check_constraints(*j, path, err);
    }

    /// Writes the member of `in` into the object `out` under name(); an empty optional is left out.
    void encode(const Struct& in, json& out) const {
        json v = value_codec<Member>::encode(in.*member_);
        if (!v.is_null()) out[name_] = std::move(v);
    }

private:
    bool check_constraints(const json& j, const std::string& path, decode_error& err) const {
        if (j.is_number()) {
            const double v = j.get<double>();
            if (minimum_ && v < *minimum_)
                return codec::fail(err, path, "must be >= " + codec::number_json(*minimum_).dump());
            if (maximum_ && v > *maximum_)
                return codec::fail(err, path, "must be <= " + codec::number_json(*maximum_).dump());
        } else if (j.is_string()) {
            const std::size_t n = codec::utf8_length(j.get_ref<const std::string&>());
            if (min_length_ && n < *min_length_)
                return codec::fail(err, path, "must be at least " + std::to_string(*min_length_) + " characters long");
            if (max_length_ && n > *max_length_)
                return codec::fail(err, path, "must be at most " + std::to_string(*max_length_) + " characters long");
        } else if (j.is_array()) {
            if (min_items_ && j.size() < *min_items_)
                return codec::fail(err, path, "must have at least " + std::to_string(*min_items_) + " items");
            if (max_items_ && j.size() > *max_items_)
                return codec::fail(err, path, "must have at most " + std::to_string(*max_items_) + " items");
        }
        return true;
    }

    std::string name_;
    Member Struct::*member_;
    std::string description_;
    std::optional<double> minimum_, maximum_;
    std::optional<std::size_t> min_length_, max_length_, min_items_, max_items_;
    std::optional<Member> default_;
};

/// Declares one field: `field("name", &my_struct::name, "What it is")`.
template <class Struct, class Member>
field_descriptor<Struct, Member> field(std::string_view name, Member Struct::*member, std::string_view description) {
    return field_descriptor<Struct, Member>(name, member, description);
}

/// Bundles the field descriptors a `describe()` returns.
template <class... Fields>
std::tuple<Fields...> fields(Fields... f) {
    return std::tuple<Fields...>(std::move(f)...);
}

/// A struct with a static `describe()`.
template <class T>
concept described = requires { T::describe(); } && std::is_default_constructible_v<T>;

/// The argument type of a tool that takes no arguments.
struct no_arguments {
    /// No fields: an object schema without properties; any member is refused.
    static std::tuple<> describe() { return {}; }
};

/// Described structs (with a static `describe()`): an object schema with one property per field,
/// `required` and `additionalProperties: false`.
template <described T>
struct value_codec<T> {
    /// `T::describe()`, evaluated once.
    static const auto& descriptors() {
        static const auto d = T::describe();
        return d;
    }

    /// The JSON names of the fields, in declaration order.
    static std::vector<std::string> field_names() {
        std::vector<std::string> names;
        std::apply([&](const auto&... f) { (names.push_back(f.name()), ...); }, descriptors());
        return names;
    }

    /// The object schema (`required` sorted by name).
    static json schema() {
        json properties = json::object();
        json required = json::array();
        std::apply([&](const auto&... f) {
            ((properties[f.name()] = f.schema(), f.required() ? required.push_back(f.name()) : void()), ...);
        }, descriptors());
        json s{{"type", "object"}, {"properties", std::move(properties)}, {"additionalProperties", false}};
        // Sorted, as arcade-mcp-server lists a nested object's required keys (make_tool puts a
        // tool's own parameters back in declaration order).
        std::sort(required.begin(), required.end());
        if (!required.empty()) s["required"] = std::move(required);
        return s;
    }

    /// Decodes each field (defaults for absent ones), then refuses unknown members.
    static bool decode(const json& j, T& out, const std::string& path, decode_error& err) {
        if (!j.is_object())
            return codec::fail(err, path,
                                std::string("expected object, got ") + std::string(codec::json_type_name(j)));
        bool ok = true;
        std::size_t known = 0;
        std::apply([&](const auto&... f) {
            ((ok = ok && [&] {
                  auto it = j.find(f.name());
                  if (it != j.end()) ++known;
                  return f.decode(it == j.end() ? nullptr : &*it, out,
                                  path + "/" + codec::json_pointer_escape(f.name()), err);
              }()), ...);
        }, descriptors());
        if (!ok) return false;
        if (known != j.size()) {
            for (const auto& [key, value] : j.items()) {
                if (!is_known(key))
                    return codec::fail(err, path + "/" + codec::json_pointer_escape(key), "unknown property");
            }
        }
        return true;
    }

    /// An object with every field (empty optionals left out).
    static json encode(const T& v) {
        json out = json::object();
        std::apply([&](const auto&... f) { (f.encode(v, out), ...); }, descriptors());
        return out;
    }

private:
    static bool is_known(const std::string& key) {
        return std::apply([&](const auto&... f) { return ((f.name() == key) || ...); }, descriptors());
    }
};

}  // namespace arcade_mcp
