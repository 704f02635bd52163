// The golden toolkit: one tool per shape a C++ declaration can take (scalars, enums, optionals at
// the top level and nested, described structs three levels deep, vectors of structs and enums,
// free-form JSON, every output kind, requirements and metadata), rendered as the worker's
// ToolDefinitions and as MCP tools/list entries and compared with what arcade-core 4.11 and
// arcade-mcp-server 1.26 produce for the same declarations in Python (tests/golden/schema_toolkit.py
// holds them; tests/golden/README.md says how the files were made and lists each difference).
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <future>

#include "arcade/tool_definition.hpp"
#include "arcade/worker_api.hpp"
#include "arcade_mcp/testing.hpp"
#include "mcp/dispatcher.hpp"

namespace golden_kit {

using namespace arcade_mcp;

enum class priority { low, normal, high };

}  // namespace golden_kit

template <>
struct arcade_mcp::enum_names<golden_kit::priority> {
    static constexpr std::pair<golden_kit::priority, std::string_view> values[] = {
        {golden_kit::priority::low, "low"},
        {golden_kit::priority::normal, "normal"},
        {golden_kit::priority::high, "high"}};
};

namespace golden_kit {

// Python: class Geo(TypedDict): lat: float """Latitude in degrees"""; lon: float """Longitude in degrees"""
struct geo {
    double lat = 0, lon = 0;
    static auto describe() {
        return fields(field("lat", &geo::lat, "Latitude in degrees"), field("lon", &geo::lon, "Longitude in degrees"));
    }
};

// Python: class _AddressBase(TypedDict): street: str; city: str
//         class Address(_AddressBase, total=False): location: Optional[Geo]; zip: Optional[str]; floor: int
// (catalog.py reads descriptions from the class's own source only: street and city have none).
struct address {
    std::string street, city;
    std::optional<geo> location;
    std::optional<std::string> zip;
    std::int64_t floor = 0;
    static auto describe() {
        return fields(field("street", &address::street, ""), field("city", &address::city, ""),
                      field("location", &address::location, "Where it is on a map"),
                      field("zip", &address::zip, "Postal code"),
                      field("floor", &address::floor, "Floor number").default_value(0));
    }
};

// Python: class LineItem(TypedDict): sku: str; qty: int; price: float (each with a docstring)
struct line_item {
    std::string sku;
    std::int64_t qty = 0;
    double price = 0;
    static auto describe() {
        return fields(field("sku", &line_item::sku, "Stock keeping unit"), field("qty", &line_item::qty, "How many"),
                      field("price", &line_item::price, "Unit price"));
    }
};

// Python: class Filter(TypedDict, total=False): text: Optional[str]; limit: Optional[int]
struct filter {
    std::optional<std::string> text;
    std::optional<std::int64_t> limit;
    static auto describe() {
        return fields(field("text", &filter::text, "Text to match"), field("limit", &filter::limit, "Most results"));
    }
};

// Python: class _ContactBase(TypedDict): name: str; home: Address; tags: list[str]; rank: Priority
//         class Contact(_ContactBase, total=False): work: Optional[Address]; extra: Optional[dict[str, Any]];
//             labels: Optional[list[Priority]]; history: Optional[list[LineItem]]
struct contact {
    std::string name;
    address home;
    std::vector<std::string> tags;
    priority rank = priority::normal;
    std::optional<address> work;
    std::optional<json> extra;
    std::optional<std::vector<priority>> labels;
    std::optional<std::vector<line_item>> history;
    static auto describe() {
        return fields(field("name", &contact::name, ""), field("home", &contact::home, ""),
                      field("tags", &contact::tags, ""), field("rank", &contact::rank, ""),
                      field("work", &contact::work, "Work address"), field("extra", &contact::extra, "Anything else"),
                      field("labels", &contact::labels, "Labels"), field("history", &contact::history, "Past orders"));
    }
};

// Python: def upsert_contact(contact: Annotated[Contact, "The contact"],
//     owner_id: Annotated[str, "The owner's id", Inferrable(False)], priority: Annotated[Priority, "How urgent"],
//     notify: Annotated[bool, "Send a notification"] = False,
//     channels: Annotated[Optional[list[Priority]], "Where to notify"] = None,
//     note: Annotated[Optional[str], "A note"] = None,
//     filter: Annotated[Optional[Filter], "Which contacts to touch"] = None) -> Annotated[Contact, "The stored
//     contact"]
struct upsert_args {
    contact person;
    std::string owner_id;
    priority urgency = priority::normal;
    bool notify = false;
    std::optional<std::vector<priority>> channels;
    std::optional<std::string> note;
    std::optional<filter> which;
    static auto describe() {
        return fields(field("contact", &upsert_args::person, "The contact"),
                      field("owner_id", &upsert_args::owner_id, "The owner's id"),
                      field("priority", &upsert_args::urgency, "How urgent"),
                      field("notify", &upsert_args::notify, "Send a notification").default_value(false),
                      field("channels", &upsert_args::channels, "Where to notify"),
                      field("note", &upsert_args::note, "A note"),
                      field("filter", &upsert_args::which, "Which contacts to touch"));
    }
};

// Python: def place_order(items: Annotated[list[LineItem], "Lines of the order"], count: Annotated[int, "Copies"],
//     ratio: Annotated[float, "Scale factor"], payload: Annotated[dict[str, Any], "Free-form payload"],
//     discounts: Annotated[Optional[list[float]], "Discounts"] = None) -> Annotated[int, "The order number"]
struct order_args {
    std::vector<line_item> items;
    std::int64_t count = 0;
    double ratio = 0;
    json payload;
    std::optional<std::vector<double>> discounts;
    static auto describe() {
        return fields(field("items", &order_args::items, "Lines of the order"),
                      field("count", &order_args::count, "Copies"), field("ratio", &order_args::ratio, "Scale factor"),
                      field("payload", &order_args::payload, "Free-form payload"),
                      field("discounts", &order_args::discounts, "Discounts"));
    }
};

// Python: def custom_auth_ping(echo: Annotated[str, "Text to echo"]) -> str
struct echo_args {
    std::string echo;
    static auto describe() { return fields(field("echo", &echo_args::echo, "Text to echo")); }
};

// Python: def render_card(title: Annotated[str, "Card title"])   (no return annotation)
struct card_args {
    std::string title;
    static auto describe() { return fields(field("title", &card_args::title, "Card title")); }
};

// Python: def find_contact(name: Annotated[str, "Who to look for"])
//     -> Annotated[Optional[Contact], "The contact, if found"]
struct find_args {
    std::string name;
    static auto describe() { return fields(field("name", &find_args::name, "Who to look for")); }
};

server_info golden_info() {
    server_info info;
    info.name = "golden-kit";
    info.toolkit = "GoldenKit";
    info.version = "1.2.3";
    info.toolkit_description = "Every type, for golden files.";
    return info;
}

void add_golden_tools(server& srv) {
    srv.add_tool<upsert_args>("upsert_contact", "Create or update a contact.",
                              [](tool_context&, const upsert_args& a) { return a.person; })
        .with_output_description("The stored contact")
        .not_inferrable("owner_id")
        .with_service_domains({service_domain::crm})
        .with_behavior({.operations = {operation::create, operation::update},
                        .read_only = false,
                        .destructive = false,
                        .idempotent = true,
                        .open_world = true})
        .with_extras({{"idp", "entra"}, {"tier", 2}});
    srv.add_tool<order_args>("place_order", "Place an order.",
                             [](const order_args& a) { return static_cast<std::int64_t>(a.items.size()); })
        .with_output_description("The order number")
        .requires_secret("SHOP_KEY")
        .requires_secret("shop_key")
        .requires_metadata("coordinator_url");
    srv.add_tool<no_arguments>("list_repos", "List the user's repositories.",
                               [](const no_arguments&) { return std::vector<std::string>{}; })
        .with_output_description("Repository names")
        .requires_oauth2("github", {"repo"})
        .requires_metadata("Client_ID")
        .deprecated("Use ListRepositories");
    srv.add_tool<echo_args>("custom_auth_ping", "Ping a service behind a custom OAuth2 provider.",
                            [](const echo_args& a) { return a.echo; })
        .requires_custom_oauth2("acme-sso", {"read", "write"});
    srv.add_tool<card_args>("render_card", "Render a card as content blocks.",
                            [](const card_args& a) { return tool_content{content_block::text(a.title)}; })
        .with_behavior({.operations = {operation::read},
                        .read_only = true,
                        .destructive = std::nullopt,
                        .idempotent = std::nullopt,
                        .open_world = false});
    srv.add_tool<find_args>("find_contact", "Find a contact by name.",
                            [](const find_args&) { return std::optional<contact>{}; })
        .with_output_description("The contact, if found");
}

json read_golden(const char* name) {
    std::ifstream in(std::string(ARCADE_MCP_GOLDEN_DIR) + "/" + name);
    return in ? json::parse(in) : json();
}

/// What arcade-mcp-server shows, changed by each difference tests/golden/README.md lists.
json with_deliberate_differences(json schema) {
    if (!schema.is_object()) return schema;
    // (1) An enum of an array's items stays on `items` (Python puts it on the array itself).
    if (schema.contains("items") && schema.contains("enum")) {
        json values = schema["enum"];
        schema.erase("enum");
        values.erase(std::remove(values.begin(), values.end(), json()), values.end());
        schema["items"]["enum"] = values;
    }
    // (2) Free-form JSON admits any value: `{}` rather than {"type": "object"} (or ["object", "null"]).
    const bool free_form = (schema.value("type", json()) == "object" || schema.value("type", json()) ==
                                                                             json::array({"object", "null"})) &&
                           !schema.contains("properties");
    if (free_form) schema.erase("type");
    for (auto& [key, value] : schema.items())
        if (key == "properties") {
            for (auto& [name, member] : value.items()) member = with_deliberate_differences(member);
        } else if (key == "items") {
            value = with_deliberate_differences(value);
        }
    return schema;
}

/// Removes the `default` of every property and item schema; returns how many there were.
int without_defaults(json& schema) {
    if (!schema.is_object()) return 0;
    int n = static_cast<int>(schema.erase("default"));
    if (auto p = schema.find("properties"); p != schema.end() && p->is_object())
        for (auto& [name, member] : p->items()) n += without_defaults(member);
    if (auto items = schema.find("items"); items != schema.end()) n += without_defaults(*items);
    return n;
}

TEST(SchemaGolden, WorkerToolDefinitionsMatchArcadeCore) {
    const json expected = read_golden("schema_tool_definitions.json");
    ASSERT_TRUE(expected.is_array()) << "golden file missing";
    server srv(golden_info());
    add_golden_tools(srv);
    detail::tool_catalog catalog(srv);
    json actual = json::array();
    for (const auto* e : catalog.in_registration_order()) actual.push_back(detail::to_tool_definition(*e, srv.info()));
    ASSERT_EQ(actual.size(), expected.size());
    for (std::size_t i = 0; i < actual.size(); ++i)
        EXPECT_EQ(actual[i], expected[i]) << "tool " << i << ": " << json::diff(expected[i], actual[i]).dump(1);
}

TEST(SchemaGolden, McpToolsMatchArcadeMcpServer) {
    const json python = read_golden("schema_mcp_tools.json");
    ASSERT_TRUE(python.is_array()) << "golden file missing";
    server srv(golden_info());
    add_golden_tools(srv);
    detail::tool_catalog catalog(srv);
    const auto tools = catalog.in_registration_order();
    ASSERT_EQ(tools.size(), python.size());
    int defaults_found = 0;
    for (std::size_t i = 0; i < tools.size(); ++i) {
        json expected = python[i];
        expected["inputSchema"] = with_deliberate_differences(expected["inputSchema"]);
        if (expected.contains("outputSchema"))
            expected["outputSchema"] = with_deliberate_differences(expected["outputSchema"]);
        json actual = catalog.to_mcp_tool(*tools[i], "2025-11-25");
        // (3) C++ fields with a default_value show it (Python's ToolDefinition has no place for it).
        defaults_found += without_defaults(actual["inputSchema"]);
        if (actual.contains("outputSchema")) defaults_found += without_defaults(actual["outputSchema"]);
        EXPECT_EQ(actual, expected) << tools[i]->mcp_name << ": " << json::diff(expected, actual).dump(1);
    }
    EXPECT_EQ(defaults_found, 7);  // notify, and floor in home and work of the input, output (twice)
}

/// One request to a worker_api over `srv` (token check off): the answer's status and JSON body.
std::pair<int, json> golden_worker_request(server& srv, const std::string& method, const std::string& path,
                                           const json& body) {
    detail::worker_pool pool(2);
    detail::dispatcher core(srv, pool, detail::dispatcher_options::with_user("engine-user"));
    detail::worker_api api(core, detail::worker_settings{"", true});
    std::promise<detail::http_answer> answered;
    auto answer = answered.get_future();
    api.handle(method, path, "", body.is_null() ? "" : body.dump(),
               [&answered](detail::http_answer a) { answered.set_value(std::move(a)); });
    const bool ready = answer.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
    pool.shutdown();
    if (!ready) throw std::runtime_error("no worker answer within 10 s");
    detail::http_answer got = answer.get();
    return {got.status, got.body};
}

TEST(SchemaGolden, WorkerToolsRouteServesTheGoldenDefinitions) {
    const json expected = read_golden("schema_tool_definitions.json");
    ASSERT_TRUE(expected.is_array()) << "golden file missing";
    server srv(golden_info());
    add_golden_tools(srv);
    const auto [status, body] = golden_worker_request(srv, "GET", "/worker/tools", nullptr);
    EXPECT_EQ(status, 200);
    EXPECT_EQ(body, expected);
}

/// A valid upsert_contact argument object; `typo` adds a member under the pointer `where`.
json golden_upsert_arguments(const std::string& where = "", const std::string& typo = "") {
    json args = json::parse(R"({"owner_id":"u1","priority":"high","contact":{"name":"Ada","tags":[],"rank":"low",
        "home":{"street":"1 Main St","city":"Paris","location":{"lat":1.5,"lon":2.5}},
        "history":[{"sku":"A-1","qty":2,"price":9.5}],"extra":{"anything":{"goes":[1,"two"]}}},
        "filter":{"text":"x"}})");
    if (!typo.empty()) args[json::json_pointer(where)][typo] = 1;
    return args;
}

// arcade-core 1.23+ (_StrictTypedDictBaseModel): unknown keys are refused inside nested objects
// of the input too, at any depth and in lists of objects; the error names where.
TEST(SchemaGolden, UnknownNestedInputKeysAreRefusedWithTheirPath) {
    server srv(golden_info());
    add_golden_tools(srv);
    arcade_mcp::testing::client mcp(srv, arcade_mcp::testing::era::sessions);
    EXPECT_FALSE(mcp.call_tool("GoldenKit_UpsertContact", golden_upsert_arguments()).is_error());
    for (const auto& [where, pointer] : std::vector<std::pair<std::string, std::string>>{
             {"", "/txt"},
             {"/contact", "/contact/txt"},
             {"/contact/home", "/contact/home/txt"},
             {"/contact/home/location", "/contact/home/location/txt"},
             {"/contact/history/0", "/contact/history/0/txt"},
             {"/filter", "/filter/txt"}}) {
        const auto r = mcp.call_tool("GoldenKit_UpsertContact", golden_upsert_arguments(where, "txt"));
        ASSERT_TRUE(r.is_error()) << pointer;
        EXPECT_EQ(r.text(), "[TOOL_RUNTIME_BAD_INPUT_VALUE] ToolInputError during execution of tool "
                            "'upsert_contact': Invalid input: " +
                                pointer + ": unknown property");
        const auto [status, body] = golden_worker_request(
            srv, "POST", "/worker/tools/invoke",
            json{{"execution_id", "e1"},
                 {"tool", {{"name", "UpsertContact"}, {"toolkit", "GoldenKit"}, {"version", nullptr}}},
                 {"inputs", golden_upsert_arguments(where, "txt")}});
        EXPECT_EQ(status, 200);
        EXPECT_EQ(body["success"], false) << pointer;
        EXPECT_EQ(body["output"]["error"]["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE") << pointer;
        EXPECT_NE(body["output"]["error"]["message"].get<std::string>().find(pointer + ": unknown property"),
                  std::string::npos)
            << body.dump();
    }
}

// The output side stays lenient, as Python's output models are: what a free-form member holds
// goes out as it is, and empty optionals are left out rather than sent as null.
TEST(SchemaGolden, OutputsKeepFreeFormMembersAndLeaveEmptyOptionalsOut) {
    server srv(golden_info());
    add_golden_tools(srv);
    arcade_mcp::testing::client mcp(srv, arcade_mcp::testing::era::sessions);
    const auto r = mcp.call_tool("GoldenKit_UpsertContact", golden_upsert_arguments());
    ASSERT_FALSE(r.is_error()) << r.text();
    const json out = r.structured();
    EXPECT_EQ(out["extra"], json::parse(R"({"anything":{"goes":[1,"two"]}})"));
    EXPECT_FALSE(out.contains("work"));
    EXPECT_FALSE(out["home"].contains("zip"));
    EXPECT_EQ(out["home"]["floor"], 0);
}

}  // namespace golden_kit
