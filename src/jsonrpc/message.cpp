// JSON-RPC 2.0 message classification and encoding (see include/arcade_mcp/jsonrpc/message.hpp).
#include "arcade_mcp/jsonrpc/message.hpp"

#include <cstdint>

namespace arcade_mcp::jsonrpc {

std::optional<request_id> request_id::from_json(const json& j) {
    if (j.is_string()) return request_id(j.get<std::string>());
    if (j.is_number_integer()) {
        request_id id;
        id.value_ = j;  // keeps unsigned values above INT64_MAX exactly
        return id;
    }
    return std::nullopt;
}

std::string request_id::key() const {
    if (value_.is_string()) return "s:" + value_.get<std::string>();
    return "i:" + value_.dump();
}

namespace {

invalid_message invalid(std::optional<request_id> id, std::string message) {
    return invalid_message{std::move(id), error{error_code::invalid_request, std::move(message), std::nullopt}};
}

std::optional<error> decode_error_object(const json& e) {
    if (!e.is_object()) return std::nullopt;
    auto code = e.find("code");
    auto msg = e.find("message");
    if (code == e.end() || !code->is_number_integer() || msg == e.end() || !msg->is_string()) return std::nullopt;
    if (code->is_number_unsigned() ? code->get<std::uint64_t>() > static_cast<std::uint64_t>(INT32_MAX)
                                   : (code->get<std::int64_t>() < INT32_MIN || code->get<std::int64_t>() > INT32_MAX))
        return std::nullopt;
    error err{code->get<int>(), msg->get<std::string>(), std::nullopt};
    if (auto d = e.find("data"); d != e.end()) err.data = *d;
    return err;
}

/// Both decode overloads: `Value` is `const json` (copies what it keeps) or `json` (moves it).
template <class Value>
message decode_message(Value& value) {
    if (!value.is_object()) return invalid(std::nullopt, "Invalid Request: expected a JSON-RPC message object");
    std::optional<request_id> id;
    const auto id_it = value.find("id");
    if (id_it != value.end()) id = request_id::from_json(*id_it);

    const auto version = value.find("jsonrpc");
    if (version == value.end() || !version->is_string() || version->template get_ref<const std::string&>() != "2.0")
        return invalid(id, "Invalid Request: jsonrpc must be \"2.0\"");
    const bool has_method = value.contains("method");
    // An error response whose id is null answers a message the peer could not read: it is a
    // response (never answered back), not an invalid request.
    if (!has_method && id_it != value.end() && id_it->is_null() && value.contains("error") &&
        !value.contains("result")) {
        auto e = decode_error_object(value["error"]);
        if (e) return response{std::nullopt, std::move(*e)};
    }
    if (id_it != value.end() && !id) return invalid(std::nullopt, "Invalid Request: id must be a string or an integer");

    const auto method = value.find("method");
    if (method != value.end()) {
        if (!method->is_string()) return invalid(id, "Invalid Request: method must be a string");
        json params = json::object();
        if (auto p = value.find("params"); p != value.end()) {
            if (!p->is_object())
                return invalid_message{
                    id, error{error_code::invalid_params, "Invalid params: params must be an object", std::nullopt}};
            if (auto meta = p->find("_meta"); meta != p->end() && !meta->is_object())
                return invalid_message{
                    id, error{error_code::invalid_params, "Invalid params: _meta must be an object", std::nullopt}};
            params = std::move(*p);  // a copy when Value is const
        }
        if (id) return request{*id, method->template get<std::string>(), std::move(params)};
        return notification{method->template get<std::string>(), std::move(params)};
    }

    if (!id) return invalid(std::nullopt, "Invalid Request: a message needs a method or an id");
    const auto result = value.find("result");
    const auto err = value.find("error");
    if ((result == value.end()) == (err == value.end()))
        return invalid(id, "Invalid Request: a response has exactly one of result and error");
    if (result != value.end()) return response{*id, std::move(*result)};
    auto e = decode_error_object(*err);
    if (!e) return invalid(id, "Invalid Request: malformed error object");
    return response{*id, std::move(*e)};
}

}  // namespace

message decode(const json& value) { return decode_message(value); }
message decode(json&& value) { return decode_message(value); }

// Replies are built member by member: a braced json initializer list copies every element once more.
json make_result(const request_id& id, json result) {
    json out = json::object();
    out["jsonrpc"] = "2.0";
    out["id"] = id.to_json();
    out["result"] = std::move(result);
    return out;
}

json make_error(const std::optional<request_id>& id, const error& err) {
    json e = json::object();
    e["code"] = err.code;
    e["message"] = err.message;
    if (err.data) e["data"] = *err.data;
    json out = json::object();
    out["jsonrpc"] = "2.0";
    if (id) out["id"] = id->to_json();
    out["error"] = std::move(e);
    return out;
}

json make_notification(std::string_view method, json params) {
    json out{{"jsonrpc", "2.0"}, {"method", method}};
    if (!params.is_null()) out["params"] = std::move(params);
    return out;
}

json make_request(const request_id& id, std::string_view method, json params) {
    json out{{"jsonrpc", "2.0"}, {"id", id.to_json()}, {"method", method}};
    if (!params.is_null()) out["params"] = std::move(params);
    return out;
}

std::optional<int> error_code_of(const json& response) {
    if (!response.is_object()) return std::nullopt;
    const auto e = response.find("error");
    if (e == response.end() || !e->is_object()) return std::nullopt;
    const auto c = e->find("code");
    if (c == e->end() || !c->is_number_integer()) return std::nullopt;
    return c->get<int>();
}

}  // namespace arcade_mcp::jsonrpc
