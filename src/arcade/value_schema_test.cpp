// ValueSchema derivation against the worker spec's examples (§5.3, §5.4): primitives, enums, a
// nested struct with an optional member, an array of structs, free-form JSON.
#include "arcade/value_schema.hpp"

#include <gtest/gtest.h>

#include "arcade_mcp/mcp/fields.hpp"

namespace arcade_mcp::detail {
namespace {

struct contact {
    std::string email;
    std::optional<std::string> name;
    static auto describe() {
        return fields(field("email", &contact::email, "E-mail address"), field("name", &contact::name, "Display name"));
    }
};
struct line_item {
    std::string sku;
    std::int64_t qty = 0;
    static auto describe() { return fields(field("sku", &line_item::sku, ""), field("qty", &line_item::qty, "")); }
};
struct notify_args {
    contact who;
    std::optional<std::vector<line_item>> items;
    std::vector<std::string> tags;
    json extra;
    static auto describe() {
        return fields(field("contact", &notify_args::who, "Who to notify"),
                      field("items", &notify_args::items, "Line items"), field("tags", &notify_args::tags, "Tags"),
                      field("extra", &notify_args::extra, "Anything"));
    }
};

json vs(const char* val_type) {
    return json{{"val_type", val_type}, {"inner_val_type", nullptr}, {"enum", nullptr}, {"properties", nullptr},
                {"inner_properties", nullptr}, {"description", nullptr}, {"required_keys", nullptr},
                {"inner_required_keys", nullptr}, {"nullable", nullptr}};
}

TEST(ValueSchema, SpecNestedExamples) {
    const json params = to_input_parameters(value_codec<notify_args>::schema());
    ASSERT_EQ(params.size(), 4u);
    json by_name = json::object();
    for (const auto& p : params) by_name[p["name"].get<std::string>()] = p;

    json email = vs("string");
    email["description"] = "E-mail address";
    json name = vs("string");
    name["description"] = "Display name";
    name["nullable"] = true;
    json contact_schema = vs("json");
    contact_schema["properties"] = {{"email", email}, {"name", name}};
    contact_schema["required_keys"] = {"email"};
    EXPECT_EQ(by_name["contact"], (json{{"name", "contact"}, {"required", true}, {"description", "Who to notify"},
                                        {"value_schema", contact_schema}, {"inferrable", true}}));

    json items_schema = vs("array");
    items_schema["inner_val_type"] = "json";
    items_schema["inner_properties"] = {{"qty", vs("integer")}, {"sku", vs("string")}};
    items_schema["inner_required_keys"] = {"qty", "sku"};
    EXPECT_EQ(by_name["items"], (json{{"name", "items"}, {"required", false}, {"description", "Line items"},
                                      {"value_schema", items_schema}, {"inferrable", true}}));

    json tags = vs("array");
    tags["inner_val_type"] = "string";
    EXPECT_EQ(by_name["tags"]["value_schema"], tags);
    EXPECT_EQ(by_name["extra"]["value_schema"], vs("json"));  // free-form: no properties
}

TEST(ValueSchema, EnumsAndPrimitives) {
    EXPECT_EQ(to_value_schema(json{{"type", "number"}}), vs("number"));
    EXPECT_EQ(to_value_schema(json{{"type", "boolean"}}), vs("boolean"));
    json e = vs("string");
    e["enum"] = {"fast", "slow"};
    EXPECT_EQ(to_value_schema(json{{"type", "string"}, {"enum", {"fast", "slow"}}}), e);
    json arr = vs("array");
    arr["inner_val_type"] = "string";
    arr["enum"] = {"a", "b"};
    EXPECT_EQ(to_value_schema(json{{"type", "array"}, {"items", {{"type", "string"}, {"enum", {"a", "b"}}}}}), arr);
}

struct mixed_members {
    std::string id;
    std::optional<std::int64_t> rank;
    std::vector<std::vector<std::int64_t>> grid;
    std::vector<std::optional<std::string>> holes;
    static auto describe() {
        return fields(field("id", &mixed_members::id, "Identifier"), field("rank", &mixed_members::rank, "Rank"),
                      field("grid", &mixed_members::grid, "Rows of cells"),
                      field("holes", &mixed_members::holes, "Names or nulls"));
    }
};

// Shapes Python cannot declare (docs/tool-definitions.md): our choices, pinned.
TEST(ValueSchema, ShapesPythonCannotDeclare) {
    const json v = to_value_schema(value_codec<mixed_members>::schema());
    // A required member of a struct with optional ones keeps its description.
    EXPECT_EQ(v["properties"]["id"]["description"], "Identifier");
    EXPECT_EQ(v["properties"]["rank"]["nullable"], true);
    EXPECT_EQ(v["required_keys"], json::parse(R"(["grid","holes","id"])"));
    // A vector of vectors: an array of "json" (ValueSchema has no array-of-array).
    json grid = vs("array");
    grid["inner_val_type"] = "json";
    grid["description"] = "Rows of cells";
    EXPECT_EQ(v["properties"]["grid"], grid);
    // A vector of optionals: items of T; the MCP schema admits null items.
    EXPECT_EQ(v["properties"]["holes"]["inner_val_type"], "string");
    EXPECT_EQ(value_codec<mixed_members>::schema()["properties"]["holes"]["items"]["type"],
              json::parse(R"(["string","null"])"));
    // A known object without required members has required_keys [] (null only for free-form).
    EXPECT_EQ(to_value_schema(value_codec<no_arguments>::schema())["required_keys"], json::array());
    EXPECT_EQ(to_value_schema(value_codec<no_arguments>::schema())["properties"], json::object());
    EXPECT_TRUE(to_value_schema(json::object())["required_keys"].is_null());
}

}  // namespace
}  // namespace arcade_mcp::detail
