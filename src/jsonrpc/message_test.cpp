// Tests for JSON-RPC 2.0 message classification and encoding (arcade_mcp/jsonrpc/message.hpp).
#include "arcade_mcp/jsonrpc/message.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <variant>

namespace arcade_mcp::jsonrpc {
namespace {

message decode_text(const char* text) { return decode(json::parse(text)); }

// Returns a copy: callers pass temporaries.
invalid_message as_invalid(const message& m) {
    const auto* p = std::get_if<invalid_message>(&m);
    EXPECT_NE(p, nullptr) << "expected invalid_message, got variant index " << m.index();
    return p ? *p : invalid_message{};
}

TEST(JsonRpcDecode, RequestWithIntegerId) {
    const auto m = decode_text(R"({"jsonrpc":"2.0","id":7,"method":"tools/list","params":{"cursor":"x"}})");
    const auto* req = std::get_if<request>(&m);
    ASSERT_NE(req, nullptr);
    EXPECT_EQ(req->method, "tools/list");
    EXPECT_TRUE(req->id.to_json().is_number_integer());
    EXPECT_EQ(req->id.to_json(), json(7));
    EXPECT_EQ(req->id.key(), "i:7");
    EXPECT_EQ(req->params, json({{"cursor", "x"}}));
}

TEST(JsonRpcDecode, RequestWithStringIdKeepsType) {
    const auto m = decode_text(R"({"jsonrpc":"2.0","id":"1","method":"ping"})");
    const auto* req = std::get_if<request>(&m);
    ASSERT_NE(req, nullptr);
    EXPECT_TRUE(req->id.to_json().is_string());
    EXPECT_EQ(req->id.to_json(), json("1"));
    EXPECT_EQ(req->id.key(), "s:1");
}

TEST(JsonRpcDecode, AbsentParamsBecomeEmptyObject) {
    const auto m = decode_text(R"({"jsonrpc":"2.0","id":1,"method":"ping"})");
    const auto* req = std::get_if<request>(&m);
    ASSERT_NE(req, nullptr);
    EXPECT_TRUE(req->params.is_object());
    EXPECT_TRUE(req->params.empty());

    const auto n = decode_text(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
    const auto* note = std::get_if<notification>(&n);
    ASSERT_NE(note, nullptr);
    EXPECT_EQ(note->method, "notifications/initialized");
    EXPECT_EQ(note->params, json::object());
}

TEST(JsonRpcDecode, NotificationHasNoId) {
    const auto m = decode_text(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3}})");
    const auto* note = std::get_if<notification>(&m);
    ASSERT_NE(note, nullptr);
    EXPECT_EQ(note->params, json({{"requestId", 3}}));
}

TEST(JsonRpcDecode, ParamsNotAnObjectIsInvalidParams) {
    for (const char* text : {R"({"jsonrpc":"2.0","id":4,"method":"m","params":[1,2]})",
                             R"({"jsonrpc":"2.0","id":4,"method":"m","params":"x"})",
                             R"({"jsonrpc":"2.0","id":4,"method":"m","params":null})"}) {
        SCOPED_TRACE(text);
        const auto inv = as_invalid(decode_text(text));
        EXPECT_EQ(inv.err.code, error_code::invalid_params);
        ASSERT_TRUE(inv.id.has_value());
        EXPECT_EQ(inv.id->to_json(), json(4));
    }
}

TEST(JsonRpcDecode, MetaNotAnObjectIsInvalidParams) {
    const auto inv = as_invalid(decode_text(R"({"jsonrpc":"2.0","id":"a","method":"m","params":{"_meta":5}})"));
    EXPECT_EQ(inv.err.code, error_code::invalid_params);
    ASSERT_TRUE(inv.id.has_value());
    EXPECT_EQ(inv.id->key(), "s:a");

    const auto ok = decode_text(R"({"jsonrpc":"2.0","id":"a","method":"m","params":{"_meta":{"progressToken":1}}})");
    const auto* req = std::get_if<request>(&ok);
    ASSERT_NE(req, nullptr);
    EXPECT_EQ(req->params["_meta"]["progressToken"], json(1));
}

TEST(JsonRpcDecode, NonObjectValuesAreInvalidRequests) {
    for (const char* text : {"[]", "1", "\"x\"", "null", "true"}) {
        SCOPED_TRACE(text);
        const auto inv = as_invalid(decode_text(text));
        EXPECT_EQ(inv.err.code, error_code::invalid_request);
        EXPECT_FALSE(inv.id.has_value());
    }
}

TEST(JsonRpcDecode, WrongOrMissingVersionKeepsReadableId) {
    const auto missing = as_invalid(decode_text(R"({"id":9,"method":"m"})"));
    EXPECT_EQ(missing.err.code, error_code::invalid_request);
    ASSERT_TRUE(missing.id.has_value());
    EXPECT_EQ(missing.id->to_json(), json(9));

    const auto wrong = as_invalid(decode_text(R"({"jsonrpc":"1.0","id":"q","method":"m"})"));
    EXPECT_EQ(wrong.err.code, error_code::invalid_request);
    ASSERT_TRUE(wrong.id.has_value());
    EXPECT_EQ(wrong.id->key(), "s:q");

    const auto number = as_invalid(decode_text(R"({"jsonrpc":2.0,"id":1,"method":"m"})"));
    EXPECT_EQ(number.err.code, error_code::invalid_request);
}

TEST(JsonRpcDecode, BadIdTypesAreRejectedWithoutId) {
    for (const char* text :
         {R"({"jsonrpc":"2.0","id":1.5,"method":"m"})", R"({"jsonrpc":"2.0","id":null,"method":"m"})",
          R"({"jsonrpc":"2.0","id":{},"method":"m"})", R"({"jsonrpc":"2.0","id":[1],"method":"m"})",
          R"({"jsonrpc":"2.0","id":true,"method":"m"})"}) {
        SCOPED_TRACE(text);
        const auto inv = as_invalid(decode_text(text));
        EXPECT_EQ(inv.err.code, error_code::invalid_request);
        EXPECT_FALSE(inv.id.has_value());
    }
}

TEST(JsonRpcDecode, MethodMustBeAString) {
    const auto inv = as_invalid(decode_text(R"({"jsonrpc":"2.0","id":2,"method":5})"));
    EXPECT_EQ(inv.err.code, error_code::invalid_request);
    ASSERT_TRUE(inv.id.has_value());
    EXPECT_EQ(inv.id->to_json(), json(2));
}

TEST(JsonRpcDecode, NeitherMethodNorIdIsInvalid) {
    const auto inv = as_invalid(decode_text(R"({"jsonrpc":"2.0","result":1})"));
    EXPECT_EQ(inv.err.code, error_code::invalid_request);
    EXPECT_FALSE(inv.id.has_value());
}

TEST(JsonRpcDecode, ResultResponse) {
    const auto m = decode_text(R"({"jsonrpc":"2.0","id":"r1","result":{"roots":[]}})");
    const auto* resp = std::get_if<response>(&m);
    ASSERT_NE(resp, nullptr);
    ASSERT_TRUE(resp->id.has_value());
    EXPECT_EQ(resp->id->key(), "s:r1");
    const auto* result = std::get_if<json>(&resp->outcome);
    ASSERT_NE(result, nullptr);
    EXPECT_EQ(*result, json({{"roots", json::array()}}));
}

TEST(JsonRpcDecode, NullResultIsStillAResult) {
    const auto m = decode_text(R"({"jsonrpc":"2.0","id":3,"result":null})");
    const auto* resp = std::get_if<response>(&m);
    ASSERT_NE(resp, nullptr);
    const auto* result = std::get_if<json>(&resp->outcome);
    ASSERT_NE(result, nullptr);
    EXPECT_TRUE(result->is_null());
}

TEST(JsonRpcDecode, ErrorResponseDecodesErrorObject) {
    const auto m = decode_text(R"({"jsonrpc":"2.0","id":5,"error":{"code":-32601,"message":"nope","data":{"x":1}}})");
    const auto* resp = std::get_if<response>(&m);
    ASSERT_NE(resp, nullptr);
    const auto* e = std::get_if<error>(&resp->outcome);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->code, error_code::method_not_found);
    EXPECT_EQ(e->message, "nope");
    ASSERT_TRUE(e->data.has_value());
    EXPECT_EQ(*e->data, json({{"x", 1}}));

    const auto plain = decode_text(R"({"jsonrpc":"2.0","id":5,"error":{"code":1,"message":""}})");
    const auto* resp2 = std::get_if<response>(&plain);
    ASSERT_NE(resp2, nullptr);
    const auto* e2 = std::get_if<error>(&resp2->outcome);
    ASSERT_NE(e2, nullptr);
    EXPECT_EQ(e2->code, 1);
    EXPECT_FALSE(e2->data.has_value());
}

TEST(JsonRpcDecode, MalformedErrorObjectsAreInvalid) {
    for (const char* text : {R"({"jsonrpc":"2.0","id":5,"error":"boom"})",
                             R"({"jsonrpc":"2.0","id":5,"error":{"message":"m"}})",
                             R"({"jsonrpc":"2.0","id":5,"error":{"code":"1","message":"m"}})",
                             R"({"jsonrpc":"2.0","id":5,"error":{"code":1.5,"message":"m"}})",
                             R"({"jsonrpc":"2.0","id":5,"error":{"code":1}})",
                             R"({"jsonrpc":"2.0","id":5,"error":{"code":1,"message":7}})"}) {
        SCOPED_TRACE(text);
        const auto inv = as_invalid(decode_text(text));
        EXPECT_EQ(inv.err.code, error_code::invalid_request);
        ASSERT_TRUE(inv.id.has_value());
        EXPECT_EQ(inv.id->to_json(), json(5));
    }
}

TEST(JsonRpcDecode, ResponseNeedsExactlyOneOfResultAndError) {
    for (const char* text : {R"({"jsonrpc":"2.0","id":6})",
                             R"({"jsonrpc":"2.0","id":6,"result":1,"error":{"code":1,"message":"m"}})"}) {
        SCOPED_TRACE(text);
        const auto inv = as_invalid(decode_text(text));
        EXPECT_EQ(inv.err.code, error_code::invalid_request);
        ASSERT_TRUE(inv.id.has_value());
        EXPECT_EQ(inv.id->to_json(), json(6));
    }
}

TEST(RequestId, IntegerAndStringKeysDiffer) {
    const auto i = request_id::from_json(json(1));
    const auto s = request_id::from_json(json("1"));
    ASSERT_TRUE(i && s);
    EXPECT_NE(i->key(), s->key());
    EXPECT_FALSE(*i == *s);
    EXPECT_EQ(i->key(), request_id(std::int64_t{1}).key());
    EXPECT_EQ(s->key(), request_id(std::string("1")).key());
    EXPECT_TRUE(*s == request_id(std::string("1")));
}

TEST(RequestId, FromJsonRejectsNonIds) {
    EXPECT_FALSE(request_id::from_json(json(1.5)).has_value());
    EXPECT_FALSE(request_id::from_json(json(nullptr)).has_value());
    EXPECT_FALSE(request_id::from_json(json(true)).has_value());
    EXPECT_FALSE(request_id::from_json(json::object()).has_value());
    EXPECT_FALSE(request_id::from_json(json::array()).has_value());
}

TEST(RequestId, NegativeAndLargeIdsAreKeptExactly) {
    const auto neg = decode_text(R"({"jsonrpc":"2.0","id":-42,"method":"m"})");
    const auto* r1 = std::get_if<request>(&neg);
    ASSERT_NE(r1, nullptr);
    EXPECT_EQ(r1->id.key(), "i:-42");
    EXPECT_EQ(make_result(r1->id, json::object()).dump(), R"({"id":-42,"jsonrpc":"2.0","result":{}})");

    const auto big = decode_text(R"({"jsonrpc":"2.0","id":18446744073709551615,"method":"m"})");
    const auto* r2 = std::get_if<request>(&big);
    ASSERT_NE(r2, nullptr);
    EXPECT_EQ(r2->id.key(), "i:18446744073709551615");
    EXPECT_EQ(r2->id.to_json().get<std::uint64_t>(), std::numeric_limits<std::uint64_t>::max());
    EXPECT_EQ(make_result(r2->id, 1).dump(), R"({"id":18446744073709551615,"jsonrpc":"2.0","result":1})");

    const auto edge = decode_text(R"({"jsonrpc":"2.0","id":9223372036854775808,"method":"m"})");
    const auto* r3 = std::get_if<request>(&edge);
    ASSERT_NE(r3, nullptr);
    EXPECT_EQ(r3->id.key(), "i:9223372036854775808");
}

TEST(JsonRpcEncode, MakeResultEchoesIdType) {
    const json a = make_result(request_id(std::string("abc")), json({{"ok", true}}));
    EXPECT_EQ(a, json::parse(R"({"jsonrpc":"2.0","id":"abc","result":{"ok":true}})"));
    const json b = make_result(request_id(std::int64_t{12}), json::array());
    EXPECT_TRUE(b["id"].is_number_integer());
    EXPECT_EQ(b, json::parse(R"({"jsonrpc":"2.0","id":12,"result":[]})"));
}

TEST(JsonRpcEncode, MakeErrorOmitsUnknownId) {
    const json e = make_error(std::nullopt, error{error_code::parse_error, "Parse error", std::nullopt});
    EXPECT_FALSE(e.contains("id"));
    EXPECT_EQ(e, json::parse(R"({"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"}})"));
}

TEST(JsonRpcEncode, MakeErrorWithIdAndData) {
    const json e =
        make_error(request_id(std::string("7")), error{error_code::invalid_params, "bad", json({{"path", "/x"}})});
    EXPECT_EQ(
        e, json::parse(R"({"jsonrpc":"2.0","id":"7","error":{"code":-32602,"message":"bad","data":{"path":"/x"}}})"));
}

TEST(JsonRpcEncode, NotificationAndRequestOmitNullParams) {
    EXPECT_EQ(make_notification("notifications/x", nullptr),
              json::parse(R"({"jsonrpc":"2.0","method":"notifications/x"})"));
    EXPECT_EQ(make_notification("n", json({{"a", 1}})),
              json::parse(R"({"jsonrpc":"2.0","method":"n","params":{"a":1}})"));
    EXPECT_EQ(make_request(request_id(std::int64_t{3}), "roots/list", nullptr),
              json::parse(R"({"jsonrpc":"2.0","id":3,"method":"roots/list"})"));
    EXPECT_EQ(make_request(request_id(std::string("x")), "m", json::object()),
              json::parse(R"({"jsonrpc":"2.0","id":"x","method":"m","params":{}})"));
}

TEST(JsonRpcEncode, EncodedMessagesDecodeBack) {
    const auto req = decode(make_request(request_id(std::string("k")), "tools/call", json({{"name", "echo"}})));
    const auto* r = std::get_if<request>(&req);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->id, request_id(std::string("k")));
    EXPECT_EQ(r->method, "tools/call");

    const auto note = decode(make_notification("n", nullptr));
    EXPECT_TRUE(std::holds_alternative<notification>(note));

    const auto err = decode(make_error(request_id(std::int64_t{1}), error{-1, "x", std::nullopt}));
    const auto* resp = std::get_if<response>(&err);
    ASSERT_NE(resp, nullptr);
    ASSERT_TRUE(std::holds_alternative<error>(resp->outcome));
    EXPECT_EQ(std::get<error>(resp->outcome).code, -1);
}

TEST(JsonRpcDecode, ErrorResponseWithNullIdIsAResponseNotAnInvalidRequest) {
    // The peer could not read one of our messages; answering it back would start a loop.
    const auto m = decode_text(R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}})");
    const auto* resp = std::get_if<response>(&m);
    ASSERT_NE(resp, nullptr);
    EXPECT_FALSE(resp->id.has_value());
}

TEST(JsonRpcDecode, ErrorCodeOutsideIntRangeIsMalformed) {
    for (const char* text : {R"({"jsonrpc":"2.0","id":1,"error":{"code":4294967301,"message":"x"}})",
                             R"({"jsonrpc":"2.0","id":1,"error":{"code":-4294967301,"message":"x"}})"}) {
        const auto m = decode_text(text);
        EXPECT_NE(std::get_if<invalid_message>(&m), nullptr) << text;
    }
}

TEST(JsonRpcErrorCode, ReadsTheCodeOfAnErrorResponseOnly) {
    EXPECT_EQ(error_code_of(json::parse(R"({"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"m"}})")), -32602);
    EXPECT_EQ(error_code_of(json::parse(R"({"jsonrpc":"2.0","id":1,"result":{}})")), std::nullopt);
    EXPECT_EQ(error_code_of(json::parse(R"({"jsonrpc":"2.0","id":1,"error":{"code":"x"}})")), std::nullopt);
    EXPECT_EQ(error_code_of(json::parse(R"({"error":"text"})")), std::nullopt);
    EXPECT_EQ(error_code_of(json::array()), std::nullopt);
}

}  // namespace
}  // namespace arcade_mcp::jsonrpc
