// Strict tool metadata (arcade-core 4.11 ToolMetadata.validate_for_tool): each contradiction is
// refused with Python's text when it is declared, through the setters and through add_tool, and
// allowed when the tool opts out; service domains are Arcade's ServiceDomain values.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "arcade_mcp/mcp/server.hpp"
#include "mcp/tool_catalog.hpp"

namespace arcade_mcp {
namespace {

server_info metadata_test_info() {
    server_info info;
    info.name = "meta";
    info.toolkit = "Meta";
    return info;
}

tool_spec metadata_test_tool() {
    return make_tool<no_arguments>("probe", "Probe.", [](const no_arguments&) { return true; });
}

tool_behavior behaviour(std::vector<operation> ops, std::optional<bool> read_only, std::optional<bool> destructive,
                        std::optional<bool> open_world) {
    return tool_behavior{std::move(ops), read_only, destructive, std::nullopt, open_world};
}

/// The message of the std::invalid_argument `f` throws, or "" when it throws none.
template <class F>
std::string refusal_of(F&& f) {
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

const std::string bypass = "Fix the contradiction, or set strict=False to bypass.";

TEST(ToolMetadataStrict, MutatingOperationsCannotBeReadOnly) {
    tool_spec t = metadata_test_tool();
    EXPECT_EQ(refusal_of([&] { t.with_behavior(behaviour({operation::update, operation::create}, true, {}, {})); }),
              "tool 'probe': Tool has the mutating operation(s): 'CREATE, UPDATE' in its behavior metadata, but is "
              "marked read_only=True. " +
                  bypass);
    EXPECT_EQ(refusal_of([&] { t.with_behavior(behaviour({operation::del}, true, true, {})); }),
              "tool 'probe': Tool has the mutating operation(s): 'DELETE' in its behavior metadata, but is marked "
              "read_only=True. " +
                  bypass);
    EXPECT_EQ(refusal_of([&] { t.with_behavior(behaviour({operation::read}, true, {}, {})); }), "");
    EXPECT_EQ(refusal_of([&] { t.with_behavior(behaviour({operation::create}, false, {}, {})); }), "");
}

TEST(ToolMetadataStrict, OpaqueCannotBeReadOnly) {
    tool_spec t = metadata_test_tool();
    EXPECT_EQ(refusal_of([&] { t.with_behavior(behaviour({operation::opaque}, true, {}, {})); }),
              "tool 'probe': Tool has OPAQUE operation but is marked read_only=True. Cannot guarantee read-only when "
              "the operation is indeterminate. " +
                  bypass);
    EXPECT_EQ(refusal_of([&] { t.with_behavior(behaviour({operation::opaque}, std::nullopt, {}, {})); }), "");
}

TEST(ToolMetadataStrict, DeleteMustBeDestructive) {
    tool_spec t = metadata_test_tool();
    EXPECT_EQ(refusal_of([&] { t.with_behavior(behaviour({operation::del}, false, false, {})); }),
              "tool 'probe': Tool has the 'DELETE' operation but is not marked destructive=True. " + bypass);
    // Unset is not false, as in Python (`destructive is False`).
    EXPECT_EQ(refusal_of([&] { t.with_behavior(behaviour({operation::del}, false, std::nullopt, {})); }), "");
}

TEST(ToolMetadataStrict, ServiceDomainMeansOpenWorldInEitherOrder) {
    const std::string refused = "tool 'probe': Tool has a ServiceDomain (implying an external service) but is "
                                "marked open_world=False. " +
                                bypass;
    tool_spec a = metadata_test_tool();
    a.with_service_domains({service_domain::email});
    EXPECT_EQ(refusal_of([&] { a.with_behavior(behaviour({operation::read}, true, {}, false)); }), refused);
    tool_spec b = metadata_test_tool();
    b.with_behavior(behaviour({operation::read}, true, {}, false));
    EXPECT_EQ(refusal_of([&] { b.with_service_domains({service_domain::email}); }), refused);
    tool_spec c = metadata_test_tool();
    c.with_service_domains({service_domain::email});
    EXPECT_EQ(refusal_of([&] { c.with_behavior(behaviour({operation::read}, true, {}, true)); }), "");
    // A domain without behaviour is fine (Python checks rule 4 only when both are present).
    EXPECT_EQ(refusal_of([] { metadata_test_tool().with_service_domains({service_domain::crm}); }), "");
}

TEST(ToolMetadataStrict, LenientToolsKeepEveryContradiction) {
    tool_spec t = metadata_test_tool();
    t.lenient_metadata()
        .with_service_domains({service_domain::source_code})
        .with_behavior(behaviour({operation::del, operation::opaque}, true, false, false));
    EXPECT_EQ(t.metadata.behavior->read_only, true);
    tool_metadata m;
    m.strict = false;
    m.behavior = behaviour({operation::create}, true, {}, {});
    EXPECT_EQ(refusal_of([&] { metadata_test_tool().with_metadata(m); }), "");
    m.strict = true;
    EXPECT_NE(refusal_of([&] { metadata_test_tool().with_metadata(m); }), "");
    // strict is a registration switch, never on the wire.
    server srv(metadata_test_info());
    srv.add_tool(std::move(t));
    const json meta = detail::arcade_metadata_json(srv.tools().front()->metadata);
    EXPECT_FALSE(meta.contains("strict"));
    EXPECT_EQ(meta["classification"]["service_domains"], json::array({"source_code"}));
}

TEST(ToolMetadataStrict, AddToolRefusesASpecBuiltByHand) {
    server srv(metadata_test_info());
    tool_spec t = metadata_test_tool();
    t.metadata.behavior = behaviour({operation::del}, false, false, true);
    EXPECT_EQ(refusal_of([&] { srv.add_tool(t); }),
              "tool 'probe': Tool has the 'DELETE' operation but is not marked destructive=True. " + bypass);
    EXPECT_TRUE(srv.tools().empty());
    t.metadata.strict = false;
    EXPECT_NO_THROW(srv.add_tool(t));
    EXPECT_EQ(srv.tools().size(), 1u);
}

TEST(ToolMetadataStrict, ExtrasMustBeAJsonObjectOfFiniteNumbers) {
    EXPECT_EQ(refusal_of([] { metadata_test_tool().with_extras(json::array({1})); }),
              "tool 'probe': ToolMetadata.extras must be a JSON object.");
    const json bad{{"limits", {{"max", std::numeric_limits<double>::infinity()}}},
                   {"xs", json::array({1, std::nan("")})}};
    EXPECT_EQ(refusal_of([&] { metadata_test_tool().with_extras(bad); }),
              "tool 'probe': ToolMetadata.extras must contain only JSON-safe types (str, int, float, bool, None, "
              "dict, list). Found violations: extras['limits']['max'] has a non-JSON-safe float value inf \u2014 NaN "
              "and Infinity are not valid JSON numbers; extras['xs'][1] has a non-JSON-safe float value nan \u2014 "
              "NaN and Infinity are not valid JSON numbers. All dict keys must be strings, and all values must be "
              "JSON-native types.");
    // Checked even when lenient, as in Python.
    EXPECT_NE(refusal_of([&] { metadata_test_tool().lenient_metadata().with_extras(bad); }), "");
    EXPECT_EQ(refusal_of([] { metadata_test_tool().with_extras({{"idp", "entra"}, {"n", 1.5}}); }), "");
}

TEST(ToolMetadataStrict, ServiceDomainsAreArcadesThirty) {
    const char* names[] = {"project_management", "crm", "contacts", "email", "calendar", "messaging", "documents",
                           "cloud_storage", "spreadsheets", "presentations", "design", "source_code", "payments",
                           "social_media", "video_hosting", "music_streaming", "customer_support", "ecommerce",
                           "incident_management", "web_scraping", "code_sandbox", "video_conferencing",
                           "geospatial", "financial_data", "travel", "product_analytics", "observability",
                           "sales_intelligence", "survey", "business_intelligence"};
    int i = 0;
    for (const char* name : names) {
        const auto d = service_domain_from_string(name);
        ASSERT_TRUE(d) << name;
        EXPECT_EQ(static_cast<int>(*d), i++) << name;
        EXPECT_EQ(to_string(*d), name);
    }
    EXPECT_FALSE(service_domain_from_string("Email"));
    EXPECT_FALSE(service_domain_from_string("crm "));
    EXPECT_FALSE(service_domain_from_string("social"));
}

}  // namespace
}  // namespace arcade_mcp
