// Tests for value_codec<T> and described structs: schemas, strict decoding with JSON pointers, encoding.
#include "arcade_mcp/mcp/fields.hpp"
#include "arcade_mcp/mcp/value_codec.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vc_test {
enum class color { red, green, blue };
}  // namespace vc_test

template <>
struct arcade_mcp::enum_names<vc_test::color> {
    static constexpr std::pair<vc_test::color, std::string_view> values[] = {
        {vc_test::color::red, "red"}, {vc_test::color::green, "green"}, {vc_test::color::blue, "blue"}};
};

namespace vc_test {

struct point {
    std::int32_t x = 0;
    std::int32_t y = 0;
    static auto describe() {
        return arcade_mcp::fields(arcade_mcp::field("x", &point::x, "X"), arcade_mcp::field("y", &point::y, ""));
    }
};

struct shape {
    std::string name;
    std::optional<color> fill;
    std::vector<point> points;
    int sides = 0;
    std::optional<double> scale;
    static auto describe() {
        return arcade_mcp::fields(
            arcade_mcp::field("name", &shape::name, "Shape name").min_length(2).max_length(4),
            arcade_mcp::field("fill", &shape::fill, "Fill colour"),
            arcade_mcp::field("points", &shape::points, "Vertices").min_items(1).max_items(3),
            arcade_mcp::field("sides", &shape::sides, "Side count").minimum(3).maximum(12).default_value(4),
            arcade_mcp::field("scale", &shape::scale, "Scale").minimum(0.5));
    }
};

struct odd_names {
    std::string slash;
    std::string tilde;
    static auto describe() {
        return arcade_mcp::fields(arcade_mcp::field("a/b", &odd_names::slash, ""),
                                  arcade_mcp::field("c~d", &odd_names::tilde, ""));
    }
};

}  // namespace vc_test

namespace arcade_mcp {
namespace {

using vc_test::color;
using vc_test::shape;

template <class T>
decode_error decode_fail(const json& j) {
    T out{};
    decode_error err;
    EXPECT_FALSE(value_codec<T>::decode(j, out, "", err)) << "decoded " << j.dump();
    return err;
}

template <class T>
T decode_ok(const json& j) {
    T out{};
    decode_error err;
    EXPECT_TRUE(value_codec<T>::decode(j, out, "", err)) << j.dump() << ": " << err.path << " " << err.message;
    return out;
}

TEST(ValueCodecSchema, Scalars) {
    EXPECT_EQ(value_codec<std::string>::schema(), json({{"type", "string"}}));
    EXPECT_EQ(value_codec<bool>::schema(), json({{"type", "boolean"}}));
    EXPECT_EQ(value_codec<int>::schema(), json({{"type", "integer"}}));
    EXPECT_EQ(value_codec<std::uint64_t>::schema(), json({{"type", "integer"}}));
    EXPECT_EQ(value_codec<double>::schema(), json({{"type", "number"}}));
    EXPECT_EQ(value_codec<float>::schema(), json({{"type", "number"}}));
    EXPECT_EQ(value_codec<json>::schema(), json::object());
}

TEST(ValueCodecSchema, EnumOptionalVector) {
    EXPECT_EQ(value_codec<color>::schema(), json::parse(R"({"type":"string","enum":["red","green","blue"]})"));
    // Nullable as arcade-mcp-server writes it (make_tool drops the null of a tool's own parameters).
    EXPECT_EQ(value_codec<std::optional<int>>::schema(), json::parse(R"({"type":["integer","null"]})"));
    EXPECT_EQ(value_codec<std::optional<color>>::schema(),
              json::parse(R"({"type":["string","null"],"enum":["red","green","blue",null]})"));
    EXPECT_EQ(value_codec<std::optional<json>>::schema(), json::object());
    EXPECT_EQ(codec::non_nullable_schema(value_codec<std::optional<color>>::schema()), value_codec<color>::schema());
    EXPECT_EQ(value_codec<std::vector<std::string>>::schema(),
              json::parse(R"({"type":"array","items":{"type":"string"}})"));
}

TEST(ValueCodecSchema, DescribedStruct) {
    const json s = value_codec<shape>::schema();
    EXPECT_EQ(s["type"], "object");
    EXPECT_EQ(s["additionalProperties"], false);
    EXPECT_EQ(s["required"], json::parse(R"(["name","points"])"));
    const json& p = s["properties"];
    EXPECT_EQ(p["name"], json::parse(R"({"type":"string","description":"Shape name","minLength":2,"maxLength":4})"));
    EXPECT_EQ(p["fill"], json::parse(R"({"type":["string","null"],"enum":["red","green","blue",null],
                                         "description":"Fill colour"})"));
    EXPECT_EQ(p["points"]["minItems"], 1);
    EXPECT_EQ(p["points"]["maxItems"], 3);
    EXPECT_EQ(p["points"]["items"], value_codec<vc_test::point>::schema());
    EXPECT_EQ(p["points"]["items"]["required"], json::parse(R"(["x","y"])"));
    EXPECT_FALSE(p["points"]["items"]["properties"]["y"].contains("description"));
    EXPECT_EQ(p["sides"],
              json::parse(R"({"type":"integer","description":"Side count","minimum":3,"maximum":12,"default":4})"));
    EXPECT_TRUE(p["sides"]["minimum"].is_number_integer());
    EXPECT_EQ(p["scale"]["minimum"], 0.5);
    EXPECT_EQ(p.size(), 5u);
}

TEST(ValueCodecSchema, NoArgumentsHasNoRequiredList) {
    const json s = value_codec<no_arguments>::schema();
    EXPECT_EQ(s, json::parse(R"({"type":"object","properties":{},"additionalProperties":false})"));
    decode_ok<no_arguments>(json::object());
    const auto err = decode_fail<no_arguments>(json::parse(R"({"x":1})"));
    EXPECT_EQ(err.path, "/x");
}

TEST(ValueCodecDecode, TypeMismatchMessages) {
    auto e = decode_fail<std::string>(json(5));
    EXPECT_EQ(e.path, "");
    EXPECT_EQ(e.message, "expected string, got integer");
    EXPECT_EQ(decode_fail<bool>(json("true")).message, "expected boolean, got string");
    EXPECT_EQ(decode_fail<int>(json(nullptr)).message, "expected integer, got null");
    EXPECT_EQ(decode_fail<int>(json(true)).message, "expected integer, got boolean");
    EXPECT_EQ(decode_fail<double>(json("1")).message, "expected number, got string");
    EXPECT_EQ(decode_fail<std::vector<int>>(json::object()).message, "expected array, got object");
    EXPECT_EQ(decode_fail<shape>(json::array()).message, "expected object, got array");
}

TEST(ValueCodecDecode, Scalars) {
    EXPECT_EQ(decode_ok<std::string>(json("héllo")), "héllo");
    EXPECT_TRUE(decode_ok<bool>(json(true)));
    EXPECT_DOUBLE_EQ(decode_ok<double>(json(3)), 3.0);
    EXPECT_DOUBLE_EQ(decode_ok<double>(json(-2.5)), -2.5);
    EXPECT_EQ(decode_ok<json>(json::parse(R"({"any":[1,null]})")), json::parse(R"({"any":[1,null]})"));
}

TEST(ValueCodecDecode, Int8Range) {
    EXPECT_EQ(decode_ok<std::int8_t>(json(127)), 127);
    EXPECT_EQ(decode_ok<std::int8_t>(json(-128)), -128);
    const auto e = decode_fail<std::int8_t>(json(128));
    EXPECT_EQ(e.message, "integer out of range (-128 to 127)");
    decode_fail<std::int8_t>(json(-129));
    decode_fail<std::int8_t>(json(128.0));
    EXPECT_EQ(decode_ok<std::int8_t>(json(-128.0)), -128);
}

TEST(ValueCodecDecode, Int32Range) {
    EXPECT_EQ(decode_ok<std::int32_t>(json(2147483647)), 2147483647);
    EXPECT_EQ(decode_ok<std::int32_t>(json(-2147483648LL)), INT32_MIN);
    decode_fail<std::int32_t>(json(2147483648LL));
    decode_fail<std::int32_t>(json(-2147483649LL));
    decode_fail<std::int32_t>(json(std::uint64_t{1} << 40));
}

TEST(ValueCodecDecode, Uint32Range) {
    EXPECT_EQ(decode_ok<std::uint32_t>(json(4294967295ULL)), 4294967295U);
    EXPECT_EQ(decode_ok<std::uint32_t>(json(std::int64_t{0})), 0U);
    const auto neg = decode_fail<std::uint32_t>(json(-1));
    EXPECT_EQ(neg.message, "integer out of range (0 to 4294967295)");
    decode_fail<std::uint32_t>(json(4294967296ULL));
    decode_fail<std::uint32_t>(json(std::int64_t{4294967296LL}));
    decode_fail<std::uint32_t>(json(-1.0));
}

TEST(ValueCodecDecode, Int64Range) {
    EXPECT_EQ(decode_ok<std::int64_t>(json::parse("9223372036854775807")), INT64_MAX);
    EXPECT_EQ(decode_ok<std::int64_t>(json::parse("-9223372036854775808")), INT64_MIN);
    decode_fail<std::int64_t>(json::parse("9223372036854775808"));  // 2^63 as unsigned
    decode_fail<std::int64_t>(json(9223372036854775808.0));          // 2^63 as double
    EXPECT_EQ(decode_ok<std::int64_t>(json(-9223372036854775808.0)), INT64_MIN);
    decode_fail<std::int64_t>(json(-1e19));
}

TEST(ValueCodecDecode, Uint64Range) {
    EXPECT_EQ(decode_ok<std::uint64_t>(json::parse("18446744073709551615")), UINT64_MAX);
    EXPECT_EQ(decode_ok<std::uint64_t>(json::parse("9223372036854775808")), std::uint64_t{1} << 63);
    EXPECT_EQ(decode_ok<std::uint64_t>(json(9223372036854775808.0)), std::uint64_t{1} << 63);
    decode_fail<std::uint64_t>(json(18446744073709551616.0));  // 2^64
    decode_fail<std::uint64_t>(json::parse("-1"));
    decode_fail<std::uint64_t>(json::parse("-9223372036854775808"));
}

TEST(ValueCodecDecode, FloatsAsIntegers) {
    EXPECT_EQ(decode_ok<int>(json(4.0)), 4);
    EXPECT_EQ(decode_ok<int>(json::parse("4.0")), 4);
    EXPECT_EQ(decode_ok<int>(json::parse("1e3")), 1000);
    const auto frac = decode_fail<int>(json(4.5));
    EXPECT_EQ(frac.message, "expected integer, got a fractional number");
    decode_fail<std::uint64_t>(json(0.1));
    decode_fail<std::int64_t>(json(-2.25));
}

TEST(ValueCodecDecode, Enum) {
    EXPECT_EQ(decode_ok<color>(json("green")), color::green);
    const auto e = decode_fail<color>(json("Green"));
    EXPECT_EQ(e.message, R"(expected one of ["red","green","blue"])");
    decode_fail<color>(json(1));
    EXPECT_EQ(value_codec<color>::encode(color::blue), json("blue"));
    EXPECT_TRUE(value_codec<color>::encode(static_cast<color>(99)).is_null());
}

TEST(ValueCodecDecode, OptionalNullResets) {
    std::optional<int> v = 5;
    decode_error err;
    ASSERT_TRUE(value_codec<std::optional<int>>::decode(json(nullptr), v, "", err));
    EXPECT_FALSE(v.has_value());
    ASSERT_TRUE(value_codec<std::optional<int>>::decode(json(9), v, "", err));
    EXPECT_EQ(v, 9);
    EXPECT_FALSE(value_codec<std::optional<int>>::decode(json("9"), v, "/p", err));
    EXPECT_EQ(err.path, "/p");
}

TEST(ValueCodecDecode, VectorElementPath) {
    std::vector<int> v;
    decode_error err;
    EXPECT_FALSE(value_codec<std::vector<int>>::decode(json::parse(R"([1,2,"x"])"), v, "/items", err));
    EXPECT_EQ(err.path, "/items/2");
    EXPECT_EQ(err.message, "expected integer, got string");
    EXPECT_EQ(decode_ok<std::vector<int>>(json::parse("[3,4]")), (std::vector<int>{3, 4}));
}

TEST(DescribedDecode, FullObjectAndDefaults) {
    const auto s = decode_ok<shape>(json::parse(R"({"name":"tri","fill":"red","points":[{"x":1,"y":2}],"scale":1.5})"));
    EXPECT_EQ(s.name, "tri");
    EXPECT_EQ(s.fill, color::red);
    ASSERT_EQ(s.points.size(), 1u);
    EXPECT_EQ(s.points[0].y, 2);
    EXPECT_EQ(s.sides, 4);  // default
    EXPECT_EQ(s.scale, 1.5);

    const auto n = decode_ok<shape>(json::parse(R"({"name":"sq","fill":null,"points":[{"x":0,"y":0}],"sides":6})"));
    EXPECT_FALSE(n.fill.has_value());
    EXPECT_FALSE(n.scale.has_value());
    EXPECT_EQ(n.sides, 6);
}

TEST(DescribedDecode, MissingRequiredAndWrongNestedType) {
    const auto missing = decode_fail<shape>(json::parse(R"({"points":[{"x":1,"y":1}]})"));
    EXPECT_EQ(missing.path, "/name");
    EXPECT_EQ(missing.message, "required property is missing");

    const auto nested = decode_fail<shape>(json::parse(R"({"name":"ab","points":[{"x":1,"y":1},{"x":1,"y":"2"}]})"));
    EXPECT_EQ(nested.path, "/points/1/y");
    EXPECT_EQ(nested.message, "expected integer, got string");

    const auto nested_missing = decode_fail<shape>(json::parse(R"({"name":"ab","points":[{"x":1}]})"));
    EXPECT_EQ(nested_missing.path, "/points/0/y");

    const auto null_required = decode_fail<shape>(json::parse(R"({"name":null,"points":[{"x":1,"y":1}]})"));
    EXPECT_EQ(null_required.path, "/name");
    EXPECT_EQ(null_required.message, "expected string, got null");
}

TEST(DescribedDecode, UnknownPropertyRejected) {
    const auto e = decode_fail<shape>(json::parse(R"({"name":"ab","points":[{"x":1,"y":1}],"colour":"red"})"));
    EXPECT_EQ(e.path, "/colour");
    EXPECT_EQ(e.message, "unknown property");
    const auto nested = decode_fail<shape>(json::parse(R"({"name":"ab","points":[{"x":1,"y":1,"z":0}]})"));
    EXPECT_EQ(nested.path, "/points/0/z");
}

TEST(DescribedDecode, Constraints) {
    const json pts = json::parse(R"([{"x":1,"y":1}])");
    auto e = decode_fail<shape>(json{{"name", "a"}, {"points", pts}});
    EXPECT_EQ(e.path, "/name");
    EXPECT_EQ(e.message, "must be at least 2 characters long");
    e = decode_fail<shape>(json{{"name", "abcde"}, {"points", pts}});
    EXPECT_EQ(e.message, "must be at most 4 characters long");
    // Four code points, eight bytes: within max_length 4.
    EXPECT_EQ(decode_ok<shape>(json{{"name", "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"}, {"points", pts}}).name.size(), 8u);

    e = decode_fail<shape>(json{{"name", "ab"}, {"points", json::array()}});
    EXPECT_EQ(e.path, "/points");
    EXPECT_EQ(e.message, "must have at least 1 items");
    e = decode_fail<shape>(
        json{{"name", "ab"}, {"points", json::parse(R"([{"x":1,"y":1},{"x":1,"y":1},{"x":1,"y":1},{"x":1,"y":1}])")}});
    EXPECT_EQ(e.message, "must have at most 3 items");

    e = decode_fail<shape>(json{{"name", "ab"}, {"points", pts}, {"sides", 2}});
    EXPECT_EQ(e.path, "/sides");
    EXPECT_EQ(e.message, "must be >= 3");
    e = decode_fail<shape>(json{{"name", "ab"}, {"points", pts}, {"sides", 13}});
    EXPECT_EQ(e.message, "must be <= 12");
    EXPECT_EQ(decode_ok<shape>(json{{"name", "ab"}, {"points", pts}, {"sides", 12}}).sides, 12);

    e = decode_fail<shape>(json{{"name", "ab"}, {"points", pts}, {"scale", 0.25}});
    EXPECT_EQ(e.path, "/scale");
    EXPECT_EQ(e.message, "must be >= 0.5");
}

TEST(DescribedDecode, PointerEscapingOfNames) {
    EXPECT_EQ(codec::json_pointer_escape("a/b"), "a~1b");
    EXPECT_EQ(codec::json_pointer_escape("c~d"), "c~0d");
    EXPECT_EQ(codec::json_pointer_escape("~/"), "~0~1");
    EXPECT_EQ(codec::json_pointer_escape("~1"), "~01");
    EXPECT_EQ(codec::json_pointer_escape(""), "");

    auto e = decode_fail<vc_test::odd_names>(json::parse(R"({"c~d":"x"})"));
    EXPECT_EQ(e.path, "/a~1b");
    e = decode_fail<vc_test::odd_names>(json::parse(R"({"a/b":"x","c~d":1})"));
    EXPECT_EQ(e.path, "/c~0d");
    e = decode_fail<vc_test::odd_names>(json::parse(R"({"a/b":"x","c~d":"y","e/~f":0})"));
    EXPECT_EQ(e.path, "/e~1~0f");
    EXPECT_EQ(e.message, "unknown property");
}

TEST(ValueCodecHelpers, Utf8LengthAndTypeNames) {
    EXPECT_EQ(codec::utf8_length(""), 0u);
    EXPECT_EQ(codec::utf8_length("abc"), 3u);
    EXPECT_EQ(codec::utf8_length("\xC3\xA9"), 1u);              // é
    EXPECT_EQ(codec::utf8_length("\xE2\x82\xAC" "1"), 2u);      // €1
    EXPECT_EQ(codec::utf8_length("\xF0\x9F\x98\x80" "ab"), 3u);  // 😀ab
    EXPECT_EQ(codec::json_type_name(json(1.5)), "number");
    EXPECT_EQ(codec::json_type_name(json(std::uint64_t{1})), "integer");
    EXPECT_EQ(codec::json_type_name(json(-1)), "integer");
    EXPECT_EQ(codec::json_type_name(json::array()), "array");
}

TEST(ValueCodecHelpers, NumberJson) {
    EXPECT_TRUE(codec::number_json(5.0).is_number_integer());
    EXPECT_EQ(codec::number_json(5.0).dump(), "5");
    EXPECT_EQ(codec::number_json(-3.0).dump(), "-3");
    EXPECT_TRUE(codec::number_json(0.5).is_number_float());
    EXPECT_TRUE(codec::number_json(1e300).is_number_float());
}

TEST(ValueCodecEncode, RoundTrips) {
    shape s;
    s.name = "hex";
    s.fill = color::blue;
    s.points = {{1, -2}, {3, 4}};
    s.sides = 6;
    const json j = value_codec<shape>::encode(s);
    EXPECT_EQ(j, json::parse(R"({"name":"hex","fill":"blue","points":[{"x":1,"y":-2},{"x":3,"y":4}],"sides":6})"));
    EXPECT_FALSE(j.contains("scale"));  // empty optional omitted
    const auto back = decode_ok<shape>(j);
    EXPECT_EQ(back.name, s.name);
    EXPECT_EQ(back.fill, s.fill);
    ASSERT_EQ(back.points.size(), 2u);
    EXPECT_EQ(back.points[1].x, 3);
    EXPECT_EQ(back.sides, 6);
    EXPECT_FALSE(back.scale.has_value());

    EXPECT_EQ(value_codec<std::uint64_t>::encode(UINT64_MAX).dump(), "18446744073709551615");
    EXPECT_EQ(value_codec<std::int64_t>::encode(INT64_MIN).dump(), "-9223372036854775808");
    EXPECT_EQ(value_codec<std::optional<std::string>>::encode(std::nullopt), json(nullptr));
    EXPECT_EQ(value_codec<std::vector<bool>>::encode({true, false}), json::parse("[true,false]"));
    EXPECT_EQ(decode_ok<std::uint64_t>(value_codec<std::uint64_t>::encode(UINT64_MAX)), UINT64_MAX);
}

}  // namespace
}  // namespace arcade_mcp
