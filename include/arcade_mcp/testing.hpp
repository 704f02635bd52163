/// @file testing.hpp
/// The test kit (CMake target `arcade_mcp::testing`, pkg-config `arcade_mcp_testing`): an
/// in-memory MCP client bound to a `server` — no sockets, no threads to manage — that speaks
/// either protocol era, answers the server's elicitation, sampling and roots requests with
/// scripted replies, and collects progress and log notifications; and `test_context`, a
/// tool_context for calling one handler directly with a chosen user id, secrets and stop token.
///
/// @code
/// arcade_mcp::server srv(info);
/// add_my_tools(srv);
/// arcade_mcp::testing::client mcp(srv);
/// auto sum = mcp.call_tool("MyToolkit_Add", {{"a", 2}, {"b", 3}});
/// EXPECT_FALSE(sum.is_error());
/// EXPECT_EQ(sum.structured()["result"], 5);
///
/// arcade_mcp::testing::test_context ctx;
/// ctx.with_user("alice").with_secret("API_KEY", "k");
/// EXPECT_EQ(whoami(ctx, {}), "alice");
/// @endcode
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "arcade_mcp/json.hpp"
#include "arcade_mcp/mcp/server.hpp"
#include "arcade_mcp/mcp/tool_context.hpp"
#include "arcade_mcp/mcp/tool_error.hpp"

namespace arcade_mcp::testing {

/// The protocol era a test client speaks.
enum class era {
    sessions,  ///< 2025-11-25 (or an earlier revision): initialize, then requests in one session
    stateless  ///< 2026-07-28: no initialize; revision and capabilities travel with each request
};

/// How a test client talks to its server.
struct client_options {
    era protocol = era::sessions;  ///< which era
    /// The revision asked for; empty: "2025-11-25" (sessions) or "2026-07-28" (stateless).
    std::string protocol_version;
    /// The caller's user id the server sees (what tool_context::user_id() returns).
    std::string user_id = "test-user";
    /// The log level asked for (logging/setLevel or the request's `_meta`); empty: none asked,
    /// so no log notifications arrive.
    std::string log_level = "debug";
    /// How long one request may take before the client gives up (std::runtime_error).
    std::chrono::milliseconds timeout = std::chrono::seconds(10);
};

/// The answer to a scripted server request: given the request's params, the result to send
/// back (e.g. an ElicitResult `{"action":"accept","content":{...}}`). Throw
/// client_request_error to answer with a JSON-RPC error instead (2026-07-28 has no error answers
/// to input requests: the call then fails with request_failed carrying that error).
using reply_script = std::function<json(const json& params)>;

/// A JSON-RPC error answer to a request the test client sent.
class request_failed : public std::runtime_error {
public:
    /// The error object's code, message and data.
    request_failed(int code, const std::string& message, json data)
        : std::runtime_error(message), code(code), data(std::move(data)) {}
    int code;   ///< e.g. -32602 (invalid params)
    json data;  ///< the error's `data`, null when absent
};

/// The result of `tools/call`.
struct tool_result {
    json raw;  ///< the CallToolResult as the server sent it
    /// True when the tool reported an error (`isError`).
    bool is_error() const { return raw.value("isError", false); }
    /// `structuredContent`, null when absent.
    json structured() const { return raw.value("structuredContent", json()); }
    /// The text of every text content block, joined with "\n".
    std::string text() const;
};

/// An MCP client in memory, bound to `srv` for its lifetime: it runs the server's request path
/// (the same dispatcher, middleware and worker pool as the stdio transport) on threads of its
/// own, and each call returns when the answer is there (or throws std::runtime_error after
/// client_options::timeout; handlers still running are told to stop when the client goes, and
/// one that ignores its stop token for 5 s is left running rather than hanging the test). A tool
/// marked `non_blocking()` runs inline on the calling thread, outside the timeout. Not for
/// concurrent use from several threads; make one client per thread instead.
class client {
public:
    /// Binds to `srv`, which must outlive the client. Nothing is sent until the first request.
    explicit client(server& srv, client_options options = {});
    /// Binds to `srv` with the default options in era `protocol`.
    client(server& srv, era protocol) : client(srv, options_for(protocol)) {}
    ~client();
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    /// Declares the elicitation capability and answers `elicitation/create` with `answer`.
    /// Set scripts before the first request (the capabilities travel with initialize).
    void on_elicitation(reply_script answer);
    /// Declares the sampling capability and answers `sampling/createMessage` with `answer`.
    void on_sampling(reply_script answer);
    /// Declares the roots capability and answers `roots/list` with these roots (file:// URIs).
    void on_roots(std::vector<std::string> uris);

    /// The server's InitializeResult (sessions: initializes first if needed) or its
    /// `server/discover` result (stateless).
    json server_description();
    /// Every tool the server lists (all pages), as Tool objects.
    std::vector<json> list_tools();
    /// Calls a tool by its served name (e.g. "Greeter_Greet"). A tool error is a tool_result
    /// with is_error(); a protocol error (unknown tool, bad arguments) throws request_failed.
    tool_result call_tool(const std::string& name, json arguments = json::object());
    /// Sends any request (e.g. "resources/read") and returns its result; the era's envelope
    /// (session, `_meta`, rounds of input requests) is handled. Throws request_failed.
    json request(const std::string& method, json params = json::object());

    /// Every notification received so far, in order, whole messages; with `method`, only those.
    std::vector<json> notifications(std::string_view method = {}) const;
    /// The params of every `notifications/progress` received (the client asks for progress on
    /// every call).
    std::vector<json> progress() const;
    /// The params of every `notifications/message` (log) received.
    std::vector<json> logs() const;
    /// Every request the server sent to this client (method and params), in order.
    std::vector<json> server_requests() const;
    /// Forgets the notifications and server requests received so far.
    void clear();

    /// Implementation; not part of the API.
    struct state;

private:
    static client_options options_for(era protocol) {
        client_options o;
        o.protocol = protocol;
        return o;
    }
    std::unique_ptr<state> s_;
};

/// A tool_context for calling a handler directly, on the test's thread: set the caller, secrets,
/// metadata and scripted client answers; read back what the handler logged and reported.
class test_context : public tool_context {
public:
    test_context() = default;

    /// The caller's user id (default "test-user").
    test_context& with_user(std::string id);
    /// A secret the handler may read with secret(key) (keys compare case-insensitively).
    test_context& with_secret(std::string key, std::string value);
    /// A metadata value (worker mode), read with metadata(key).
    test_context& with_metadata(std::string key, std::string value);
    /// The user's OAuth2 token (authorization_token()).
    test_context& with_authorization_token(std::string token);
    /// The protocol revision the handler sees (default "2025-11-25").
    test_context& with_protocol_version(std::string revision);
    /// Declares elicitation and answers `elicitation/create` with `answer`.
    test_context& on_elicitation(reply_script answer);
    /// Declares sampling and answers `sampling/createMessage` with `answer`.
    test_context& on_sampling(reply_script answer);
    /// Signals the stop token, as a cancellation or shutdown would.
    void request_stop() { stop_.request_stop(); }

    /// What the handler logged: `{"level", "data", "logger"?}` per call of log().
    const std::vector<json>& logs() const { return logs_; }
    /// What the handler reported: `{"progress", "total"?, "message"?}` per report_progress().
    const std::vector<json>& progress() const { return progress_; }

    /// @cond
    std::string_view user_id() const override { return user_; }
    std::optional<std::string> secret(std::string_view key) const override;
    std::optional<std::string> metadata(std::string_view key) const override;
    std::optional<std::string> authorization_token() const override { return token_; }
    std::string_view protocol_version() const override { return revision_; }
    std::stop_token stop_token() const override { return stop_.get_token(); }
    std::string request_id() const override { return "1"; }
    void log(mcp_log_level level, json data, std::optional<std::string> logger = {}) override;
    void report_progress(double progress, std::optional<double> total = {},
                         std::optional<std::string> message = {}) override;
    json request_client(const std::string& method, json params, std::chrono::milliseconds timeout) override;
    bool client_supports(std::string_view capability) const override;
    /// @endcond

private:
    std::string user_ = "test-user";
    std::string revision_ = "2025-11-25";
    std::map<std::string, std::string> secrets_;   // keys upper-cased
    std::map<std::string, std::string> metadata_;  // keys upper-cased
    std::optional<std::string> token_;
    std::map<std::string, reply_script, std::less<>> scripts_;  // by method
    std::stop_source stop_;
    std::vector<json> logs_;
    std::vector<json> progress_;
};

/// What invoke() produced: the handler's value as JSON, or the tool error it reported (arguments
/// that do not decode give kind tool_runtime_bad_input_value, naming the JSON pointer).
struct invocation {
    json value;                       ///< the value (null on error)
    std::optional<tool_error> error;  ///< set when the call failed
    /// True when the call produced a value.
    bool ok() const { return !error; }
};

/// Runs the tool declared as `name` (its declared name, e.g. "add", or its served name, e.g.
/// "MyToolkit_Add") directly on this thread with `ctx`: argument decoding and validation, then
/// the handler. No middleware, pool or time limit. Throws std::invalid_argument when there is no
/// such tool; exceptions other than tool_exception and client_request_error propagate, so that a
/// test sees them.
invocation invoke(const server& srv, std::string_view name, const json& arguments, tool_context& ctx);

}  // namespace arcade_mcp::testing
