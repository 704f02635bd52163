// The reference toolkit's declarations: names, schemas and Add's overflow rule, checked on the
// typed tool specs directly (the protocol view is in tests/transcripts).
#include "eval_ref_tools.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "mcp/tool_invocation.hpp"

namespace {
using namespace arcade_mcp;

class null_context final : public tool_context {
public:
    std::string_view user_id() const override { return "u"; }
    std::string_view protocol_version() const override { return "2025-11-25"; }
    std::stop_token stop_token() const override { return {}; }
    std::string request_id() const override { return "1"; }
    void log(mcp_log_level, json, std::optional<std::string>) override {}
    void report_progress(double, std::optional<double>, std::optional<std::string>) override {}
};

const tool_spec& find(const server& srv, const std::string& name) {
    for (const auto& t : srv.tools())
        if (t->name == name) return *t;  // the server keeps the spec alive
    throw std::runtime_error("no tool " + name);
}

TEST(EvalRefTools, ServerIdentity) {
    server srv(eval_ref::reference_server_info());
    EXPECT_EQ(srv.info().name, "arcade-eval-ref");
    EXPECT_EQ(srv.info().version, "1.0.0");
    EXPECT_EQ(srv.info().toolkit, "ArcadeEvalRef");
}

TEST(EvalRefTools, AddSumsAndRefusesOverflow) {
    server srv(eval_ref::reference_server_info());
    eval_ref::add_reference_tools(srv);
    const auto& add = find(srv, "add");
    null_context ctx;
    EXPECT_EQ(std::get<json>(detail::invoke_outcome(add, ctx, json{{"a", 2}, {"b", 3}}).value), 5);
    EXPECT_EQ(
        std::get<json>(
            detail::invoke_outcome(add, ctx, json{{"a", std::numeric_limits<std::int64_t>::min()}, {"b", 0}}).value),
        std::numeric_limits<std::int64_t>::min());
    for (const auto& args : {json{{"a", std::numeric_limits<std::int64_t>::max()}, {"b", 1}},
                             json{{"a", std::numeric_limits<std::int64_t>::min()}, {"b", -1}}}) {
        const auto out = detail::invoke_outcome(add, ctx, args);
        ASSERT_TRUE(std::holds_alternative<tool_error>(out.value)) << args.dump();
        EXPECT_EQ(std::get<tool_error>(out.value).kind, error_kind::tool_runtime_fatal);
    }
}

TEST(EvalRefTools, SchemasComeFromTheDeclarations) {
    server srv(eval_ref::reference_server_info());
    eval_ref::add_reference_tools(srv);
    EXPECT_EQ(find(srv, "echo").input_schema["required"], json::array({"message"}));
    EXPECT_EQ(find(srv, "add").input_schema["properties"]["a"]["type"], "integer");
    EXPECT_EQ(find(srv, "whoami").input_schema,
              json::parse(R"({"type":"object","properties":{},"additionalProperties":false})"));
    EXPECT_EQ(*find(srv, "whoami").output_schema,
              json::parse(R"({"type":"object","properties":{"result":{"type":"string"}}})"));
}

TEST(EvalRefTools, WhoamiReturnsTheContextUser) {
    server srv(eval_ref::reference_server_info());
    eval_ref::add_reference_tools(srv);
    null_context ctx;
    EXPECT_EQ(std::get<json>(detail::invoke_outcome(find(srv, "whoami"), ctx, json::object()).value), "u");
}

}  // namespace
