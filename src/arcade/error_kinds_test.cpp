// Every Arcade error kind through both protocols: a tool reports each of the 20 kinds with a
// developer_message and extra; over MCP the model sees the prefixed message and _meta.arcade (no
// developer text, no extra, no structuredContent), over the worker route the engine gets the
// whole ToolCallError. Also the wording of a handler's uncaught exception in both.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <future>
#include <ios>
#include <mutex>
#include <string>
#include <vector>
#include <set>
#include <stdexcept>

#include "arcade/worker_api.hpp"
#include "error_kind_tools.hpp"
#include "log/logger.hpp"
#include "arcade_mcp/testing.hpp"
#include "mcp/dispatcher.hpp"

namespace arcade_mcp::detail {
namespace {

namespace kit = arcade_mcp::testing;

constexpr int arcade_error_kind_count = 20;

struct fail_as_args {
    int kind = 0;
    static auto describe() { return fields(field("kind", &fail_as_args::kind, "error_kind as a number")); }
};

void add_error_kind_tools(server& srv) {
    srv.add_tool<fail_as_args>("fail_as", "Fails with the kind asked for.", [](const fail_as_args& in) -> result<int> {
        tool_error e = tool_error::execution("failed as asked");
        e.kind = static_cast<error_kind>(in.kind);
        e.can_retry = in.kind % 2 == 0;
        e.status_code = 400 + in.kind;
        e.retry_after_ms = in.kind * 100;
        e.additional_prompt_content = "Try kind " + std::to_string(in.kind + 1);
        return std::move(e).with_developer_message("internal detail " + std::to_string(in.kind)).with_extra(
            json{{"kind_number", in.kind}});
    });
    srv.add_tool<no_arguments>("throws", "Throws.", [](const no_arguments&) -> int {
        throw std::out_of_range("index 7 past the end");
    });
    srv.add_tool<no_arguments>("throws_io", "Throws an ABI-tagged type.", [](const no_arguments&) -> int {
        throw std::ios_base::failure("disk gone");
    });
}

/// One POST /worker/tools/invoke answered by a worker_api over `srv` (token check off).
json invoke_over_worker_route(server& srv, const std::string& tool, const json& inputs) {
    worker_pool pool(2);
    dispatcher core(srv, pool, dispatcher_options::with_user("engine-user"));
    worker_api api(core, worker_settings{"", true});
    std::promise<http_answer> answered;
    auto answer = answered.get_future();
    const json request{{"execution_id", "e1"},
                       {"tool", {{"name", tool}, {"toolkit", "Errors"}, {"version", nullptr}}},
                       {"inputs", inputs}};
    api.handle("POST", "/worker/tools/invoke", "", request.dump(),
               [&answered](http_answer a) { answered.set_value(std::move(a)); });
    if (answer.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
        pool.shutdown();
        throw std::runtime_error("no worker answer within 10 s");
    }
    http_answer got = answer.get();
    pool.shutdown();
    EXPECT_EQ(got.status, 200);
    return got.body;
}

TEST(ErrorKinds, TwentyDistinctWireNamesMatchingArcade) {
    std::set<std::string> names;
    for (int k = 0; k < arcade_error_kind_count; ++k) names.insert(std::string(to_string(static_cast<error_kind>(k))));
    EXPECT_EQ(names.size(), 20u);
    for (const char* arcade :
         {"TOOLKIT_LOAD_FAILED", "TOOL_DEFINITION_BAD_DEFINITION", "TOOL_DEFINITION_BAD_INPUT_SCHEMA",
          "TOOL_DEFINITION_BAD_OUTPUT_SCHEMA", "TOOL_RUNTIME_BAD_INPUT_VALUE", "TOOL_RUNTIME_BAD_OUTPUT_VALUE",
          "TOOL_RUNTIME_RETRY", "TOOL_RUNTIME_CONTEXT_REQUIRED", "TOOL_RUNTIME_FATAL", "UPSTREAM_RUNTIME_BAD_REQUEST",
          "UPSTREAM_RUNTIME_AUTH_ERROR", "UPSTREAM_RUNTIME_NOT_FOUND", "UPSTREAM_RUNTIME_VALIDATION_ERROR",
          "UPSTREAM_RUNTIME_RATE_LIMIT", "UPSTREAM_RUNTIME_SERVER_ERROR", "UPSTREAM_RUNTIME_UNMAPPED",
          "NETWORK_TRANSPORT_RUNTIME_TIMEOUT", "NETWORK_TRANSPORT_RUNTIME_UNREACHABLE",
          "NETWORK_TRANSPORT_RUNTIME_UNMAPPED", "UNKNOWN"})
        EXPECT_EQ(names.count(arcade), 1u) << arcade;
}

TEST(ErrorKinds, NetworkErrorsTakeOnlyNetworkKinds) {
    const auto timeout = tool_error::network(error_kind::network_transport_runtime_timeout, "slow");
    EXPECT_EQ(timeout.error_class, "NetworkTransportError");
    EXPECT_TRUE(timeout.can_retry);
    EXPECT_FALSE(timeout.status_code);
    EXPECT_THROW(tool_error::network(error_kind::tool_runtime_fatal, "x"), std::invalid_argument);
    const auto limited = tool_error::upstream_rate_limit("slow down", 2500);
    EXPECT_EQ(limited.kind, error_kind::upstream_runtime_rate_limit);
    EXPECT_EQ(limited.status_code, 429);
    EXPECT_EQ(limited.retry_after_ms, 2500);
    EXPECT_TRUE(limited.can_retry);
    const auto invalid = tool_error::upstream_validation("bad field", 422);
    EXPECT_EQ(to_string(invalid.kind), "UPSTREAM_RUNTIME_VALIDATION_ERROR");
    EXPECT_FALSE(invalid.can_retry);
}

TEST(ErrorKinds, EveryKindOverMcpShowsTheModelNoDeveloperDetail) {
    server srv(fixture::error_kinds_server_info());
    add_error_kind_tools(srv);
    kit::client mcp(srv, kit::era::sessions);
    for (int k = 0; k < arcade_error_kind_count; ++k) {
        const std::string name(to_string(static_cast<error_kind>(k)));
        const auto r = mcp.call_tool("Errors_FailAs", {{"kind", k}});
        ASSERT_TRUE(r.is_error()) << name;
        EXPECT_EQ(r.text(), "[" + name + "] ToolExecutionError during execution of tool 'fail_as': failed as asked" +
                                "\n\nTry kind " + std::to_string(k + 1));
        const json expected_meta{{"errorKind", name},
                                 {"canRetry", k % 2 == 0},
                                 {"statusCode", 400 + k},
                                 {"retryAfterMs", k * 100},
                                 {"additionalPromptContent", "Try kind " + std::to_string(k + 1)}};
        EXPECT_EQ(r.raw["_meta"]["arcade"], expected_meta) << name;
        EXPECT_FALSE(r.raw.contains("structuredContent")) << name;
        EXPECT_EQ(r.raw.dump().find("internal detail"), std::string::npos) << name;
        EXPECT_EQ(r.raw.dump().find("kind_number"), std::string::npos) << name;
    }
}

TEST(ErrorKinds, EveryKindOverTheWorkerRouteCarriesTheWholeToolCallError) {
    server srv(fixture::error_kinds_server_info());
    add_error_kind_tools(srv);
    for (int k = 0; k < arcade_error_kind_count; ++k) {
        const std::string name(to_string(static_cast<error_kind>(k)));
        const json body = invoke_over_worker_route(srv, "FailAs", {{"kind", k}});
        EXPECT_EQ(body["success"], false);
        const std::string prefix = "[" + name + "] ToolExecutionError during execution of tool 'fail_as': ";
        const json expected{{"message", prefix + "failed as asked"},
                            {"kind", name},
                            {"developer_message", prefix + "internal detail " + std::to_string(k)},
                            {"can_retry", k % 2 == 0},
                            {"additional_prompt_content", "Try kind " + std::to_string(k + 1)},
                            {"retry_after_ms", k * 100},
                            {"stacktrace", nullptr},
                            {"status_code", 400 + k},
                            {"extra", {{"kind_number", k}}}};
        EXPECT_EQ(body["output"]["error"], expected) << name;
    }
}

// The engine's view of every kind, from the Errors toolkit the MCP transcript uses
// (tests/transcripts/error_kinds_2025_11_25.txt): each ToolCallResponse.output against
// tests/golden/worker_error_kinds.json (GOLDEN_PRINT=1 prints what the server sends, to review).
TEST(ErrorKinds, WorkerAnswersForEveryKindMatchTheGoldenFile) {
    server srv(fixture::error_kinds_server_info());
    fixture::add_error_kind_tools(srv);
    json actual = json::object();
    for (int k = 0; k < arcade_error_kind_count; ++k) {
        const std::string name(to_string(static_cast<error_kind>(k)));
        const json body = invoke_over_worker_route(srv, "FailAs", {{"kind", name}});
        EXPECT_EQ(body["success"], false) << name;
        actual[name] = body["output"];
    }
    actual["uncaught exception"] = invoke_over_worker_route(srv, "Throws", json::object())["output"];
    actual["arguments that do not decode"] = invoke_over_worker_route(srv, "FailAs", {{"kind", 7}})["output"];
    if (std::getenv("GOLDEN_PRINT") != nullptr) std::cout << actual.dump(2) << '\n';
    std::ifstream in(ARCADE_MCP_GOLDEN_DIR "/worker_error_kinds.json");
    ASSERT_TRUE(in) << "golden file missing";
    EXPECT_EQ(actual, json::parse(in));
}

TEST(ErrorKinds, AnUncaughtExceptionNamesItsTypeToTheModelAndItsTextToTheEngine) {
    server srv(fixture::error_kinds_server_info());
    add_error_kind_tools(srv);
    kit::client mcp(srv, kit::era::sessions);
    const auto r = mcp.call_tool("Errors_Throws");
    EXPECT_EQ(r.text(),
              "[TOOL_RUNTIME_FATAL] FatalToolError during execution of tool 'throws': An unhandled std::out_of_range "
              "was raised by the tool.");
    EXPECT_EQ(r.raw.dump().find("index 7"), std::string::npos);
    const json body = invoke_over_worker_route(srv, "Throws", json::object());
    EXPECT_EQ(body["output"]["error"]["developer_message"],
              "[TOOL_RUNTIME_FATAL] FatalToolError during execution of tool 'throws': std::out_of_range: index 7 past "
              "the end");
    EXPECT_EQ(body["output"]["error"]["status_code"], 500);
}

TEST(ErrorKinds, TheModelReadsTheTypeWithoutTheLibrarysAbiTag) {
    server srv(fixture::error_kinds_server_info());
    add_error_kind_tools(srv);
    kit::client mcp(srv, kit::era::sessions);
    // libstdc++ names it std::ios_base::failure[abi:cxx11].
    EXPECT_EQ(mcp.call_tool("Errors_ThrowsIo").text(),
              "[TOOL_RUNTIME_FATAL] FatalToolError during execution of tool 'throws_io': An unhandled "
              "std::ios_base::failure was raised by the tool.");
}

TEST(ErrorKinds, TheAccessLogCarriesTheDeveloperMessage) {
    server srv(fixture::error_kinds_server_info());
    add_error_kind_tools(srv);
    std::mutex mu;
    std::vector<std::string> lines;
    set_log_sink_for_testing([&](std::string_view line) {
        const std::lock_guard lock(mu);
        lines.emplace_back(line);
    });
    {
        kit::client mcp(srv, kit::era::sessions);
        EXPECT_TRUE(mcp.call_tool("Errors_FailAs", {{"kind", 3}}).is_error());
    }
    flush_log();
    set_log_sink_for_testing(nullptr);
    const std::lock_guard lock(mu);
    const auto access = std::find_if(lines.begin(), lines.end(), [](const std::string& l) {
        return l.find("tool call") != std::string::npos && l.find("Errors.FailAs") != std::string::npos;
    });
    ASSERT_NE(access, lines.end());
    EXPECT_NE(access->find("developer_message=\"internal detail 3\""), std::string::npos) << *access;
}

TEST(ErrorKinds, ExtraMustBeAnObject) {
    EXPECT_THROW(tool_error::fatal("x").with_extra(json::array({1})), std::invalid_argument);
    EXPECT_THROW(tool_error::fatal("x").with_extra("text"), std::invalid_argument);
    const tool_error cleared = tool_error::fatal("x").with_extra(json{{"a", 1}}).with_extra(nullptr);
    EXPECT_TRUE(cleared.extra.is_null());
    const tool_error& bound = tool_error::fatal("x").with_developer_message("kept");  // a copy, not a dangling ref
    EXPECT_EQ(bound.developer_message, "kept");
}

}  // namespace
}  // namespace arcade_mcp::detail
