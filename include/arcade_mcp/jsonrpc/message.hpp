/// @file message.hpp
/// JSON-RPC 2.0 messages: requests, notifications, responses and errors, with a decoder that
/// classifies one JSON value and encoders that build the wire form. Request ids keep their JSON
/// type (string or integer) and are echoed exactly. Pure functions; thread-safe.
///
/// Example:
/// @code
/// auto decoded = jsonrpc::decode(json::parse(line));
/// if (auto* req = std::get_if<jsonrpc::request>(&decoded)) reply(jsonrpc::make_result(req->id, {}));
/// @endcode
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "arcade_mcp/json.hpp"

/// JSON-RPC 2.0 messages: decoding and encoding (message.hpp).
namespace arcade_mcp::jsonrpc {

/// The standard JSON-RPC 2.0 error codes.
namespace error_code {
inline constexpr int parse_error = -32700;       ///< the message is not valid JSON
inline constexpr int invalid_request = -32600;   ///< valid JSON, but not a JSON-RPC request
inline constexpr int method_not_found = -32601;  ///< no such method
inline constexpr int invalid_params = -32602;    ///< the params do not fit the method
inline constexpr int internal_error = -32603;    ///< the server failed
}  // namespace error_code

/// A request id: a JSON string or integer, kept exactly as received.
class request_id {
public:
    request_id() = default;
    /// An integer id.
    explicit request_id(std::int64_t v) : value_(v) {}
    /// A string id.
    explicit request_id(std::string v) : value_(std::move(v)) {}

    /// Returns the id when `j` is a string or an integer, else std::nullopt.
    static std::optional<request_id> from_json(const json& j);

    /// The id as JSON (a string or an integer), for the wire.
    const json& to_json() const noexcept { return value_; }
    /// A stable text key for maps: `s:<string>` or `i:<integer>`, so 1 and "1" differ.
    std::string key() const;

    /// Same JSON type and value (1 and "1" differ).
    friend bool operator==(const request_id& a, const request_id& b) { return a.value_ == b.value_; }

private:
    json value_ = 0;
};

/// An error object (`error` member of an error response).
struct error {
    int code = error_code::internal_error;  ///< see error_code; -32000 to -32099 for servers' own
    std::string message;                     ///< one short sentence
    std::optional<json> data;                ///< extra detail; omitted when unset
};

/// A request: has an id and expects a response. `params` is always an object (absent -> {}).
struct request {
    request_id id;                 ///< echoed in the response
    std::string method;            ///< e.g. "tools/call"
    json params = json::object();  ///< always an object
};

/// A notification: no id, never answered.
struct notification {
    std::string method;            ///< e.g. "notifications/cancelled"
    json params = json::object();  ///< always an object
};

/// A response to a request this side sent: either `result` or `error`. The id is empty only for
/// an error response with `"id": null` (the peer could not read our message).
struct response {
    std::optional<request_id> id;       ///< the id of our request; empty only for `"id": null` errors
    std::variant<json, error> outcome;  ///< the `result` member, or the `error`
};

/// A message that could not be classified, with the error to answer and the id when readable.
struct invalid_message {
    std::optional<request_id> id;  ///< the id when it could be read (to answer it), else empty
    error err;                     ///< the error to answer with (-32700, -32600, ...)
};

/// One decoded JSON-RPC message.
using message = std::variant<request, notification, response, invalid_message>;

/// Classifies one JSON value (not an array). Never throws.
message decode(const json& value);
/// The same, moving the params (or the result) out of `value` instead of copying them.
message decode(json&& value);

/// `{"jsonrpc":"2.0","id":id,"result":result}`
json make_result(const request_id& id, json result);
/// `{"jsonrpc":"2.0","id":id,"error":{...}}`; the id member is omitted when unknown.
json make_error(const std::optional<request_id>& id, const error& err);
/// The `error.code` of a response (nullopt: a result, or not a response).
std::optional<int> error_code_of(const json& response);
/// `{"jsonrpc":"2.0","method":method,"params":params}` (params omitted when null).
json make_notification(std::string_view method, json params);
/// `{"jsonrpc":"2.0","id":id,"method":method,"params":params}` (params omitted when null).
json make_request(const request_id& id, std::string_view method, json params);

}  // namespace arcade_mcp::jsonrpc
