// Two toolkits in one process through both protocols, over real HTTP (an http_service with the
// worker routes on a loopback port): Alpha 1.2.0 and Beta 0.3.0 each have an Echo; MCP lists and
// calls them by their own names, the worker lists a ToolDefinition per tool with its toolkit and
// routes invocations by toolkit, name and version (with a signed token); and tools chain across
// the toolkits in both (ctx.call_tool), with each protocol's rules for the callee's secrets.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <ctime>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/http_test_support.hpp"
#include "arcade/jwt.hpp"
#include "arcade/worker_api.hpp"
#include "mcp/dispatcher.hpp"

namespace arcade_mcp {
namespace {

using namespace http_test;

constexpr const char* two_kits_secret = "two-toolkits-worker-secret";

struct two_kits_echo_args {
    std::string text;
    static auto describe() { return fields(field("text", &two_kits_echo_args::text, "Text")); }
};

struct two_kits_relay_args {
    std::string target;
    std::string text;
    static auto describe() {
        return fields(field("target", &two_kits_relay_args::target, "Tool to call"),
                      field("text", &two_kits_relay_args::text, "Text for it"));
    }
};

/// What an Echo saw: its toolkit, the text, the caller's user and protocol, a secret.
struct two_kits_echoed {
    std::string toolkit;
    std::string text;
    std::string user;
    std::string protocol;
    std::string secret;
    static auto describe() {
        return fields(field("toolkit", &two_kits_echoed::toolkit, "Toolkit"),
                      field("text", &two_kits_echoed::text, "Text"), field("user", &two_kits_echoed::user, "User"),
                      field("protocol", &two_kits_echoed::protocol, "Protocol"),
                      field("secret", &two_kits_echoed::secret, "Its secret, or -"));
    }
};

server_info two_kits_info() {
    server_info info;
    info.name = "two-toolkits";
    info.version = "2.0.0";
    info.toolkit = "Base";
    info.toolkit_description = "Base tools";
    return info;
}

/// Alpha (1.2.0): Echo (reads BETA_KEY, undeclared), Keyed (secret ALPHA_KEY), Relay, KeyedRelay
/// (secret ALPHA_KEY). Beta (0.3.0): Echo (reads ALPHA_KEY, undeclared), Keyed (secret BETA_KEY).
/// The server's own toolkit has none.
void add_two_toolkits(server& srv) {
    // Each echo reads one secret, declared or not.
    const auto echo_for = [](std::string kit, std::string secret) {
        return [kit, secret](tool_context& ctx, const two_kits_echo_args& in) {
            return two_kits_echoed{kit, in.text, std::string(ctx.user_id()), std::string(ctx.protocol_version()),
                                   ctx.secret(secret).value_or("-")};
        };
    };
    const auto relay = [](tool_context& ctx, const two_kits_relay_args& in) -> result<json> {
        return ctx.call_tool(in.target, {{"text", in.text}});
    };
    auto& alpha = srv.add_toolkit({"Alpha", "1.2.0", "Alpha tools"});
    alpha.add_tool<two_kits_echo_args>("echo", "Alpha's echo.", echo_for("Alpha", "BETA_KEY"));
    alpha.add_tool<two_kits_echo_args>("keyed", "Alpha's keyed echo.", echo_for("Alpha", "ALPHA_KEY"))
        .requires_secret("ALPHA_KEY");
    alpha.add_tool<two_kits_relay_args>("relay", "Calls another tool.", relay);
    alpha.add_tool<two_kits_relay_args>("keyed_relay", "Calls another tool, with a secret.", relay)
        .requires_secret("ALPHA_KEY");
    auto& beta = srv.add_toolkit({"Beta", "0.3.0", ""});
    beta.add_tool<two_kits_echo_args>("echo", "Beta's echo.", echo_for("Beta", "ALPHA_KEY"));
    beta.add_tool<two_kits_echo_args>("keyed", "Beta's keyed echo.", echo_for("Beta", "BETA_KEY"))
        .requires_secret("BETA_KEY");
}

/// The JSON of an HTTP response: the body, or the JSON-RPC message of its first SSE `data:` line
/// (chunk-size lines of a chunked body are skipped). Null when there is none.
json two_kits_body(const std::string& response) {
    const auto head_end = response.find("\r\n\r\n");
    if (head_end == std::string::npos) return nullptr;
    const std::string body = response.substr(head_end + 4);
    if (const auto data = body.find("data: {"); data != std::string::npos) {
        const auto end = body.find('\n', data);
        return json::parse(body.substr(data + 6, end == std::string::npos ? std::string::npos : end - data - 6),
                           nullptr, false);
    }
    const auto start = body.find_first_of("[{");
    const auto stop = body.find_last_of("]}");
    if (start == std::string::npos || stop == std::string::npos) return nullptr;
    return json::parse(body.substr(start, stop - start + 1), nullptr, false);
}

int two_kits_status(const std::string& response) {
    return response.size() > 12 ? std::atoi(response.substr(9, 3).c_str()) : 0;
}

std::string two_kits_exchange(std::uint16_t port, const std::string& request) {
    const int fd = connect_to(port);
    if (fd < 0) return "connect failed";
    if (!send_all(fd, request)) {
        ::close(fd);
        return "write failed";
    }
    auto got = read_all(fd, 5s);
    ::close(fd);
    return got;
}

std::string two_kits_token() {
    return detail::mint_worker_token(two_kits_secret, static_cast<std::int64_t>(std::time(nullptr)), 300);
}

std::string two_kits_worker_request(const std::string& method, const std::string& path, const std::string& body,
                                    const std::string& token) {
    std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (!token.empty()) req += "Authorization: Bearer " + token + "\r\n";
    if (method == "POST")
        req += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    return req + "\r\n" + body;
}

class TwoToolkits : public ::testing::Test {
protected:
    void SetUp() override {
        add_two_toolkits(srv);
        auto options = stateless_options();
        options.worker_secret = two_kits_secret;
        options.user_id = "mcp-user";
        service = std::make_unique<http_service>(srv, io.loop, options);
        service->start();
    }
    void TearDown() override { service->stop(); }

    json mcp(const std::string& method, json params) {
        const json request{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", std::move(params)}};
        return two_kits_body(two_kits_exchange(service->port(), mcp_post(request.dump(), false, false)));
    }
    json mcp_call(const std::string& tool, json arguments) {
        return mcp("tools/call", {{"name", tool}, {"arguments", std::move(arguments)}})["result"];
    }
    std::string invoke(const json& tool, const json& inputs, const json& secrets = json::array()) {
        const json request{{"execution_id", "x1"},
                           {"tool", tool},
                           {"inputs", inputs},
                           {"context", {{"user_id", "engine-user"}, {"secrets", secrets}}}};
        return two_kits_exchange(
            service->port(), two_kits_worker_request("POST", "/worker/tools/invoke", request.dump(), two_kits_token()));
    }

    server srv{two_kits_info()};
    running_loop io;
    std::unique_ptr<http_service> service;
};

TEST_F(TwoToolkits, McpListsAndCallsEachToolkitsTools) {
    const json listed = mcp("tools/list", json::object());
    std::vector<std::string> names;
    for (const auto& t : listed["result"]["tools"]) names.push_back(t["name"]);
    EXPECT_EQ(names, (std::vector<std::string>{"Alpha_Echo", "Alpha_Keyed", "Alpha_KeyedRelay", "Alpha_Relay",
                                               "Beta_Echo", "Beta_Keyed"}));
    const json alpha = mcp_call("Alpha_Echo", {{"text", "hi"}});
    EXPECT_EQ(alpha["structuredContent"]["toolkit"], "Alpha");
    const json beta = mcp_call("Beta_Echo", {{"text", "hi"}});
    EXPECT_EQ(beta["structuredContent"]["toolkit"], "Beta");
    EXPECT_EQ(beta["structuredContent"]["user"], "mcp-user");
}

TEST_F(TwoToolkits, McpToolsChainAcrossToolkitsUnderTheSameRules) {
    const json relayed = mcp_call("Alpha_Relay", {{"target", "Beta.Echo"}, {"text", "over"}});
    ASSERT_EQ(relayed.value("isError", true), false) << relayed.dump();
    const json seen = relayed["structuredContent"]["result"];
    EXPECT_EQ(seen["toolkit"], "Beta");
    EXPECT_EQ(seen["text"], "over");
    EXPECT_EQ(seen["user"], "mcp-user");
    EXPECT_EQ(seen["protocol"], "2025-11-25");
    // HTTP without front-door auth refuses tools that need secrets: directly and chained alike.
    const json direct = mcp_call("Beta_Keyed", {{"text", "x"}});
    const json chained = mcp_call("Alpha_Relay", {{"target", "Beta_Keyed"}, {"text", "x"}});
    ASSERT_TRUE(direct.value("isError", false));
    ASSERT_TRUE(chained.value("isError", false));
    // Directly: arcade-mcp-server's pre-flight answer (no _meta); chained: the caller gets the error.
    EXPECT_FALSE(direct.contains("_meta"));
    EXPECT_EQ(direct["content"][0]["text"].get<std::string>().rfind("✗ Unsupported transport", 0), 0u);
    EXPECT_EQ(chained["_meta"]["arcade"]["errorKind"], "TOOL_RUNTIME_CONTEXT_REQUIRED");
    EXPECT_NE(chained["content"][0]["text"].get<std::string>().find("Unsupported transport"), std::string::npos);
}

TEST_F(TwoToolkits, WorkerDefinitionsCarryEachToolsToolkit) {
    const auto response = two_kits_exchange(service->port(),
                                            two_kits_worker_request("GET", "/worker/tools", "", two_kits_token()));
    ASSERT_EQ(two_kits_status(response), 200) << response;
    const json definitions = two_kits_body(response);
    ASSERT_TRUE(definitions.is_array());
    std::map<std::string, json> by_fqn;
    for (const auto& d : definitions) by_fqn[d["fully_qualified_name"]] = d;
    ASSERT_EQ(by_fqn.size(), 6u);
    EXPECT_EQ(by_fqn["Alpha.Echo"]["name"], "Echo");
    EXPECT_EQ(by_fqn["Alpha.Echo"]["toolkit"],
              (json{{"name", "Alpha"}, {"description", "Alpha tools"}, {"version", "1.2.0"}}));
    EXPECT_EQ(by_fqn["Beta.Echo"]["name"], "Echo");
    EXPECT_EQ(by_fqn["Beta.Echo"]["toolkit"], (json{{"name", "Beta"}, {"description", nullptr}, {"version", "0.3.0"}}));
    EXPECT_EQ(by_fqn["Beta.Keyed"]["requirements"]["secrets"], (json::array({{{"key", "BETA_KEY"}}})));
    EXPECT_EQ(two_kits_status(two_kits_exchange(service->port(),
                                                 two_kits_worker_request("GET", "/worker/tools", "", ""))),
              401);
}

TEST_F(TwoToolkits, WorkerRoutesByToolkitNameAndVersion) {
    const auto beta = invoke({{"name", "Echo"}, {"toolkit", "Beta"}, {"version", "0.3.0"}}, {{"text", "b"}});
    ASSERT_EQ(two_kits_status(beta), 200) << beta;
    EXPECT_EQ(two_kits_body(beta)["output"]["value"]["toolkit"], "Beta");
    const auto alpha = invoke({{"name", "echo"}, {"toolkit", "alpha"}, {"version", nullptr}}, {{"text", "a"}});
    ASSERT_EQ(two_kits_status(alpha), 200) << alpha;
    EXPECT_EQ(two_kits_body(alpha)["output"]["value"]["toolkit"], "Alpha");
    EXPECT_EQ(two_kits_body(alpha)["output"]["value"]["user"], "engine-user");
    const auto wrong_version = invoke({{"name", "Echo"}, {"toolkit", "Beta"}, {"version", "1.2.0"}}, {{"text", "b"}});
    EXPECT_EQ(two_kits_status(wrong_version), 404) << wrong_version;
}

TEST_F(TwoToolkits, WorkerToolsChainWithOnlyTheSecretsTheEngineSent) {
    const json alpha_key = json::array({{{"key", "ALPHA_KEY"}, {"value", "alpha-value"}}});
    // Across toolkits, no secrets needed: the engine's user and the worker protocol.
    const auto across = invoke({{"name", "Relay"}, {"toolkit", "Alpha"}, {"version", "1.2.0"}},
                               {{"target", "Beta_Echo"}, {"text", "w"}});
    ASSERT_EQ(two_kits_status(across), 200) << across;
    const json value = two_kits_body(across)["output"]["value"];
    EXPECT_EQ(value["toolkit"], "Beta");
    EXPECT_EQ(value["user"], "engine-user");
    EXPECT_EQ(value["protocol"], "arcade-worker");
    // The callee declares the secret the engine sent for the caller: it gets it.
    const auto keyed = invoke({{"name", "KeyedRelay"}, {"toolkit", "Alpha"}, {"version", nullptr}},
                              {{"target", "Alpha.Keyed"}, {"text", "k"}}, alpha_key);
    ASSERT_EQ(two_kits_status(keyed), 200) << keyed;
    EXPECT_EQ(two_kits_body(keyed)["output"]["value"]["secret"], "alpha-value");
    // A callee declaring a secret the engine did not send (it sends the invoked tool's) cannot run.
    const auto missing = invoke({{"name", "KeyedRelay"}, {"toolkit", "Alpha"}, {"version", nullptr}},
                                {{"target", "Beta.Keyed"}, {"text", "k"}}, alpha_key);
    ASSERT_EQ(two_kits_status(missing), 200) << missing;
    const json error = two_kits_body(missing)["output"]["error"];
    EXPECT_EQ(error["kind"], "TOOL_RUNTIME_CONTEXT_REQUIRED");
    EXPECT_NE(error["message"].get<std::string>().find("Missing secret(s): BETA_KEY"), std::string::npos) << error;
    // A callee that did not declare the caller's secret does not see it.
    const auto plain = invoke({{"name", "KeyedRelay"}, {"toolkit", "Alpha"}, {"version", nullptr}},
                              {{"target", "Beta.Echo"}, {"text", "k"}}, alpha_key);
    EXPECT_EQ(two_kits_body(plain)["output"]["value"]["secret"], "-");
}

/// One POST /worker/tools/invoke of `tool` (toolkit Alpha) with the engine's OAuth2 token.
json two_kits_invoke_with_token(server& srv, const std::string& tool, const json& inputs) {
    detail::worker_pool pool(2);
    detail::dispatcher core(srv, pool, detail::dispatcher_options{});
    detail::worker_api api(core, detail::worker_settings{"", true});
    std::promise<detail::http_answer> answered;
    auto answer = answered.get_future();
    const json request{{"tool", {{"name", tool}, {"toolkit", "Alpha"}, {"version", nullptr}}},
                       {"inputs", inputs},
                       {"context", {{"user_id", "u"}, {"authorization", {{"token", "gh-token"}}}}}};
    api.handle("POST", "/worker/tools/invoke", "", request.dump(),
               [&answered](detail::http_answer a) { answered.set_value(std::move(a)); });
    const bool ready = answer.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
    pool.shutdown();
    return ready ? answer.get().body : json();
}

TEST(TwoToolkitsOAuth, AChainedCallGetsTheEnginesTokenOnlyWhenTheCallersGrantCoversIt) {
    server srv(two_kits_info());
    const auto token_of = [](tool_context& ctx, const no_arguments&) {
        return ctx.authorization_token().value_or("-");
    };
    srv.add_toolkit({"Alpha", "1.2.0", ""})
        .add_tool<two_kits_relay_args>("relay", "Calls another tool.",
                                       [](tool_context& ctx, const two_kits_relay_args& in) -> result<json> {
                                           return ctx.call_tool(in.target, json::object());
                                       })
        .requires_oauth2("github", {"repo", "read:user"});
    auto& beta = srv.add_toolkit({"Beta", "0.3.0", ""});
    beta.add_tool<no_arguments>("github_user", "GitHub, fewer scopes.", token_of)
        .requires_oauth2("github", {"read:user"});
    beta.add_tool<no_arguments>("github_admin", "GitHub, more scopes.", token_of).requires_oauth2("github", {"admin"});
    beta.add_tool<no_arguments>("no_oauth", "No OAuth2 declared.", token_of);
    beta.add_tool<no_arguments>("pass_through", "Declares no OAuth2, calls GithubUser.",
                                [](tool_context& ctx, const no_arguments&) -> result<json> {
                                    return ctx.call_tool("Beta.GithubUser");
                                });
    const auto covered = two_kits_invoke_with_token(srv, "Relay", {{"target", "Beta.GithubUser"}, {"text", ""}});
    EXPECT_EQ(covered["output"]["value"], "gh-token") << covered;
    const auto undeclared = two_kits_invoke_with_token(srv, "Relay", {{"target", "Beta.NoOauth"}, {"text", ""}});
    EXPECT_EQ(undeclared["output"]["value"], "-") << undeclared;
    // Two levels down, through a tool without a grant of its own: still the root's token.
    const auto nested = two_kits_invoke_with_token(srv, "Relay", {{"target", "Beta.PassThrough"}, {"text", ""}});
    EXPECT_EQ(nested["output"]["value"], "gh-token") << nested;
    const auto uncovered = two_kits_invoke_with_token(srv, "Relay", {{"target", "Beta.GithubAdmin"}, {"text", ""}});
    EXPECT_EQ(uncovered["output"]["error"]["kind"], "TOOL_RUNTIME_CONTEXT_REQUIRED") << uncovered;
    EXPECT_NE(uncovered.dump().find("needs an OAuth2 grant (github)"), std::string::npos) << uncovered;
    EXPECT_EQ(uncovered.dump().find("gh-token"), std::string::npos);
}

}  // namespace
}  // namespace arcade_mcp
