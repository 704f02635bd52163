// Tests for the MCP 2026-07-28 routing headers (routing_headers.hpp): decode_header_value (trimming,
// the strict `=?base64?...?=` wrapper, plain values limited to visible ASCII) and
// check_routing_headers (Mcp-Method, Mcp-Name per method, Mcp-Param-* from `x-mcp-header`
// properties of the tool's input schema, with string / numeric / boolean comparison).
#include "transport/http/routing_headers.hpp"

#include <gtest/gtest.h>

#include <map>

#include "mcp/request_meta.hpp"
#include "util/ascii.hpp"

namespace arcade_mcp::detail {
namespace {

// ---------------------------------------------------------------------------------------------
// decode_header_value

TEST(DecodeHeaderValue, PlainValuesAreTrimmedOfSpacesAndTabs) {
    EXPECT_EQ(decode_header_value("tools/call"), "tools/call");
    EXPECT_EQ(decode_header_value("  tools/call\t "), "tools/call");
    EXPECT_EQ(decode_header_value("\t"), "");
    EXPECT_EQ(decode_header_value("a b"), "a b") << "inner spaces are kept";
}

TEST(DecodeHeaderValue, Base64WrapperIsDecoded) {
    EXPECT_EQ(decode_header_value("=?base64?SGVsbG8=?="), "Hello");
    EXPECT_EQ(decode_header_value(" =?base64?aMOpbGxv?= "), "h\xC3\xA9llo") << "trimmed, then unwrapped to UTF-8";
    EXPECT_EQ(decode_header_value("=?base64?SGVsbA==?="), "Hell");
    EXPECT_EQ(decode_header_value("=?base64?" "?="), "") << "an empty payload is the empty value";
}

TEST(DecodeHeaderValue, InvalidBase64IsRefused) {
    EXPECT_EQ(decode_header_value("=?base64?SGVsbG8?="), std::nullopt) << "missing padding";
    EXPECT_EQ(decode_header_value("=?base64?SGVsbG8==?="), std::nullopt) << "too much padding";
    EXPECT_EQ(decode_header_value("=?base64?SG=sbG8=?="), std::nullopt) << "padding in the middle";
    EXPECT_EQ(decode_header_value("=?base64?SGVs*G8=?="), std::nullopt) << "character outside the alphabet";
    EXPECT_EQ(decode_header_value("=?base64?SGVs_G8=?="), std::nullopt) << "base64url alphabet is not base64";
    EXPECT_EQ(decode_header_value("=?base64?SGVsbG9=?="), std::nullopt) << "non-canonical trailing bits";
    EXPECT_EQ(decode_header_value("=?base64?SGVs bG8=?="), std::nullopt) << "inner space";
}

TEST(DecodeHeaderValue, WithoutTheClosingMarkerTheValueIsLiteral) {
    EXPECT_EQ(decode_header_value("=?base64?SGVsbG8="), "=?base64?SGVsbG8=");
    EXPECT_EQ(decode_header_value("=?BASE64?SGVsbG8=?="), "=?BASE64?SGVsbG8=?=") << "markers are lower-case";
}

TEST(DecodeHeaderValue, PlainValuesOutsideVisibleAsciiAreRefused) {
    EXPECT_EQ(decode_header_value("h\xC3\xA9llo"), std::nullopt);
    EXPECT_EQ(decode_header_value("a\x01z"), std::nullopt);
    EXPECT_EQ(decode_header_value("a\x7Fz"), std::nullopt);
    EXPECT_EQ(decode_header_value(std::string_view("a\0z", 3)), std::nullopt);
}

// ---------------------------------------------------------------------------------------------
// check_routing_headers

/// A case-insensitive header block.
struct headers {
    std::map<std::string, std::string> values;
    headers& set(std::string name, std::string value) {
        values[ascii_lower(name)] = std::move(value);
        return *this;
    }
    header_lookup lookup() const {
        return [copy = values](std::string_view name) -> std::optional<std::string> {
            const auto it = copy.find(ascii_lower(name));
            if (it == copy.end()) return std::nullopt;
            return it->second;
        };
    }
};

json request(const std::string& method, json params = json::object()) {
    return json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", std::move(params)}};
}

json call(const std::string& tool, json arguments) {
    return request("tools/call", json{{"name", tool}, {"arguments", std::move(arguments)}});
}

/// Expects a HeaderMismatch error whose message contains `fragment`.
void expect_mismatch(const std::optional<jsonrpc::error>& err, const std::string& fragment) {
    ASSERT_TRUE(err.has_value()) << "expected -32020 mentioning " << fragment;
    EXPECT_EQ(err->code, modern_error::header_mismatch);
    EXPECT_EQ(err->code, -32020);
    EXPECT_EQ(err->message.rfind("Header mismatch: ", 0), 0u) << err->message;
    EXPECT_NE(err->message.find(fragment), std::string::npos) << err->message;
}

TEST(RoutingHeaders, MethodHeaderIsRequiredAndMustMatch) {
    const json list = request("tools/list");
    expect_mismatch(check_routing_headers(headers().lookup(), list, nullptr), "Mcp-Method header is required");
    EXPECT_FALSE(check_routing_headers(headers().set("Mcp-Method", "tools/list").lookup(), list, nullptr));
    EXPECT_FALSE(check_routing_headers(headers().set("mcp-method", "tools/list").lookup(), list, nullptr))
        << "names are case-insensitive";
    EXPECT_FALSE(check_routing_headers(headers().set("Mcp-Method", " \ttools/list ").lookup(), list, nullptr))
        << "whitespace is trimmed";
    EXPECT_FALSE(
        check_routing_headers(headers().set("Mcp-Method", "=?base64?dG9vbHMvbGlzdA==?=").lookup(), list, nullptr));
    expect_mismatch(check_routing_headers(headers().set("Mcp-Method", "prompts/list").lookup(), list, nullptr),
                    "Mcp-Method header value 'prompts/list' does not match body value 'tools/list'");
    expect_mismatch(check_routing_headers(headers().set("Mcp-Method", "Tools/List").lookup(), list, nullptr),
                    "does not match");
    expect_mismatch(check_routing_headers(headers().set("Mcp-Method", "=?base64?bad?=").lookup(), list, nullptr),
                    "does not match");
}

TEST(RoutingHeaders, NameHeaderForToolsPromptsAndResources) {
    const json tool = call("echo", json::object());
    const json prompt = request("prompts/get", json{{"name", "review"}});
    const json read = request("resources/read", json{{"uri", "file:///a b.txt"}});
    const auto with = [](const std::string& method, const std::string& name) {
        return headers().set("Mcp-Method", method).set("Mcp-Name", name).lookup();
    };

    EXPECT_FALSE(check_routing_headers(with("tools/call", "echo"), tool, nullptr));
    EXPECT_FALSE(check_routing_headers(with("tools/call", "  echo "), tool, nullptr));
    EXPECT_FALSE(check_routing_headers(with("prompts/get", "review"), prompt, nullptr));
    EXPECT_FALSE(check_routing_headers(with("resources/read", "file:///a b.txt"), read, nullptr))
        << "resources/read names params.uri";
    expect_mismatch(check_routing_headers(with("tools/call", "add"), tool, nullptr),
                    "Mcp-Name header value 'add' does not match body value 'echo'");
    expect_mismatch(check_routing_headers(with("tools/call", "Echo"), tool, nullptr), "does not match");
    expect_mismatch(check_routing_headers(with("prompts/get", "other"), prompt, nullptr), "does not match");
    expect_mismatch(check_routing_headers(with("resources/read", "review"), read, nullptr), "does not match");

    for (const json* r : {&tool, &prompt, &read})
        expect_mismatch(
            check_routing_headers(headers().set("Mcp-Method", (*r)["method"].get<std::string>()).lookup(), *r, nullptr),
            "Mcp-Name header is required for " + (*r)["method"].get<std::string>());

    // A body without a (string) name never matches.
    expect_mismatch(
        check_routing_headers(with("tools/call", "echo"), request("tools/call", json{{"name", 7}}), nullptr),
        "does not match");
    // Methods without a name need no Mcp-Name, and one sent anyway is not compared.
    EXPECT_FALSE(check_routing_headers(with("tools/list", "whatever"), request("tools/list"), nullptr));
}

TEST(RoutingHeaders, NameHeaderMayBeBase64) {
    const json tool = call("h\xC3\xA9llo", json::object());
    EXPECT_FALSE(check_routing_headers(
        headers().set("Mcp-Method", "tools/call").set("Mcp-Name", "=?base64?aMOpbGxv?=").lookup(), tool, nullptr));
    expect_mismatch(
        check_routing_headers(headers().set("Mcp-Method", "tools/call").set("Mcp-Name", "h\xC3\xA9llo").lookup(), tool,
                              nullptr),
        "does not match");
}

const json param_schema = json::parse(R"({"type":"object","properties":{
    "region": {"type":"string", "x-mcp-header":"Region"},
    "count":  {"type":"integer", "x-mcp-header":"Count"},
    "dry":    {"type":"boolean", "x-mcp-header":"Dry-Run"},
    "note":   {"type":"string"}}})");

headers call_headers() { return headers().set("Mcp-Method", "tools/call").set("Mcp-Name", "t"); }

TEST(RoutingHeaders, ParamHeadersMatchStringIntegerAndBooleanArguments) {
    const json args{{"region", "eu-west-1"}, {"count", 42}, {"dry", true}, {"note", "not mirrored"}};
    const auto full = call_headers()
                          .set("Mcp-Param-Region", "eu-west-1")
                          .set("Mcp-Param-Count", "42")
                          .set("Mcp-Param-Dry-Run", "true");
    EXPECT_FALSE(check_routing_headers(full.lookup(), call("t", args), &param_schema));
    EXPECT_FALSE(check_routing_headers(headers(full).set("mcp-param-region", " eu-west-1\t").lookup(), call("t", args),
                                       &param_schema));

    // Integers compare numerically, not as text.
    for (const char* same : {"042", "+42", "42.0", "4.2e1"})
        EXPECT_FALSE(
            check_routing_headers(headers(full).set("Mcp-Param-Count", same).lookup(), call("t", args), &param_schema))
            << same;
    for (const char* other : {"43", "41.5", "0x2A", "forty-two", "", "42 apples"})
        expect_mismatch(
            check_routing_headers(headers(full).set("Mcp-Param-Count", other).lookup(), call("t", args), &param_schema),
            "Mcp-Param-Count header value does not match arguments.count");
    // Booleans are the literals true / false.
    for (const char* other : {"false", "True", "1", "yes"})
        expect_mismatch(check_routing_headers(headers(full).set("Mcp-Param-Dry-Run", other).lookup(), call("t", args),
                                              &param_schema),
                        "arguments.dry");
    // Strings compare exactly (case-sensitive).
    expect_mismatch(check_routing_headers(headers(full).set("Mcp-Param-Region", "EU-WEST-1").lookup(), call("t", args),
                                          &param_schema),
                    "arguments.region");
}

TEST(RoutingHeaders, ParamHeaderValuesMayBeBase64AndPlainOnesMustBeVisibleAscii) {
    const json args{{"region", "Z\xC3\xBCrich"}};
    const auto with = [&](std::string value) {
        return call_headers().set("Mcp-Param-Region", std::move(value)).lookup();
    };
    EXPECT_FALSE(check_routing_headers(with("=?base64?WsO8cmljaA==?="), call("t", args), &param_schema));
    expect_mismatch(check_routing_headers(with("Z\xC3\xBCrich"), call("t", args), &param_schema),
                    "Mcp-Param-Region header value is not valid");
    expect_mismatch(check_routing_headers(with("=?base64?WsO8cmljaA?="), call("t", args), &param_schema),
                    "is not valid");
}

TEST(RoutingHeaders, ParamHeaderIsRequiredOnlyWhenTheValueIsPresent) {
    // Present in the body, header missing: the client is non-conforming.
    expect_mismatch(check_routing_headers(call_headers().lookup(), call("t", json{{"count", 0}}), &param_schema),
                    "the Mcp-Param-Count header is required when arguments.count is present");
    expect_mismatch(check_routing_headers(call_headers().lookup(), call("t", json{{"dry", false}}), &param_schema),
                    "Mcp-Param-Dry-Run header is required");
    // Null or absent: no header needed, and one sent anyway is ignored.
    EXPECT_FALSE(check_routing_headers(call_headers().lookup(), call("t", json{{"region", nullptr}}), &param_schema));
    EXPECT_FALSE(check_routing_headers(call_headers().lookup(), call("t", json::object()), &param_schema));
    EXPECT_FALSE(
        check_routing_headers(call_headers().lookup(), request("tools/call", json{{"name", "t"}}), &param_schema))
        << "no arguments member";
    EXPECT_FALSE(check_routing_headers(call_headers().set("Mcp-Param-Region", "x").lookup(), call("t", json::object()),
                                       &param_schema));
    // Properties without x-mcp-header need nothing.
    EXPECT_FALSE(check_routing_headers(call_headers().lookup(), call("t", json{{"note", "n"}}), &param_schema));
    // Without the tool's schema (unknown tool) only Mcp-Method and Mcp-Name are checked.
    EXPECT_FALSE(check_routing_headers(call_headers().lookup(), call("t", json{{"count", 1}}), nullptr));
}

TEST(RoutingHeaders, ParamHeadersAreOnlyCheckedForToolsCall) {
    const json prompt = request("prompts/get", json{{"name", "t"}, {"arguments", {{"count", 1}}}});
    EXPECT_FALSE(check_routing_headers(headers().set("Mcp-Method", "prompts/get").set("Mcp-Name", "t").lookup(), prompt,
                                       &param_schema));
}

}  // namespace
}  // namespace arcade_mcp::detail
