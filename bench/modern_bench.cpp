// Micro-benchmarks of the MCP 2026-07-28 path next to the 2025 one, in the same run as
// micro_bench.cpp: a tools/call of ArcadeEvalRef_Add (and of ArcadeEvalRef_Echo) through the
// dispatcher in a 2025-11-25 session and as a 2026-07-28 request (per-request _meta, result
// shaping), each with its heap allocations per call (alloc_counter.hpp); a two-round
// multi-round-trip call (input_required, then the retry with the answer and the signed state);
// sealing and opening request state; the routing-header check of a 2026 POST.
#include <benchmark/benchmark.h>

#include "arcade_mcp/mcp.hpp"
#include "eval_ref_tools.hpp"
#include "log/logger.hpp"
#include "mcp/dispatcher.hpp"
#include "mcp/request_state.hpp"
#include "transport/http/routing_headers.hpp"
#include "alloc_counter.hpp"
#include "wait_sink.hpp"

namespace {
using namespace arcade_mcp;

const char* const meta =
    R"("_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",)"
    R"("io.modelcontextprotocol/clientCapabilities":{"elicitation":{}}})";

/// A tools/call of `tool` with `arguments` (JSON text); with `_meta` as a 2026-07-28 request.
std::string tool_call(const char* tool, const char* arguments, bool modern) {
    return std::string(R"({"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":")") + tool +
           R"(","arguments":)" + arguments + (modern ? std::string(",") + meta : std::string()) + "}}";
}
std::string add_call(bool modern) { return tool_call("ArcadeEvalRef_Add", R"({"a":2,"b":3})", modern); }
std::string echo_call(bool modern) { return tool_call("ArcadeEvalRef_Echo", R"({"message":"hello"})", modern); }

struct no_args {
    static auto describe() { return fields(); }
};

struct bench_core {
    bench_core()
        : srv(eval_ref::reference_server_info()),
          pool(2),
          core(srv, pool, detail::dispatcher_options::with_user("bench")) {
        detail::configure_logging(detail::log_format::text,
                                  detail::log_level::off);  // the per-call log line is not measured
        eval_ref::add_reference_tools(srv);
        srv.add_tool<no_args>("confirm", "Asks for a confirmation", [](tool_context& ctx, const no_args&) {
            const json form{{"type", "object"}, {"properties", {{"ok", {{"type", "boolean"}}}}}};
            auto answers = ctx.ask_client({input_request::elicitation("confirm", "Sure?", form)});
            return answers.at("confirm").value("action", std::string());
        }).non_blocking();
    }
    ~bench_core() { pool.shutdown(); }
    json call(const std::shared_ptr<detail::session_state>& session, const json& message) {
        auto sink = std::make_shared<bench::wait_sink>();
        core.handle(session, message, sink);
        return *sink->wait();
    }
    server srv;
    detail::worker_pool pool;
    detail::dispatcher core;
};

// One call = parse the request text, dispatch (the reference tools are non_blocking: the handler
// runs inline on this thread), serialize the reply; the sink is the benchmark's own. The counters
// allocs_per_call / alloc_bytes_per_call / malloc_per_call (alloc_counter.hpp) count every heap
// allocation of that, on every thread. Logging is off here (bench_core), unlike the server.
void tools_call_legacy_session(benchmark::State& state, const std::string& text) {
    bench_core b;
    auto session = std::make_shared<detail::session_state>("", "u");
    b.call(
        session,
        json::parse(
            R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
            R"("capabilities":{},"clientInfo":{"name":"b","version":"1"}}})"));
    const bench::alloc_meter meter;
    for (auto _ : state) benchmark::DoNotOptimize(b.call(session, json::parse(text)).dump());
    meter.report(state);
}

void tools_call_modern_request(benchmark::State& state, const std::string& text) {
    bench_core b;
    auto channel = std::make_shared<detail::session_state>("", "u");
    const bench::alloc_meter meter;
    for (auto _ : state) benchmark::DoNotOptimize(b.call(channel, json::parse(text)).dump());
    meter.report(state);
}

void BM_ToolsCallLegacySession(benchmark::State& state) { tools_call_legacy_session(state, add_call(false)); }
BENCHMARK(BM_ToolsCallLegacySession)->UseRealTime();

void BM_ToolsCallModernRequest(benchmark::State& state) { tools_call_modern_request(state, add_call(true)); }
BENCHMARK(BM_ToolsCallModernRequest)->UseRealTime();

// The same with ArcadeEvalRef_Echo {"message":"hello"} (the call issue #15's target is about).
void BM_ToolsCallLegacySessionEcho(benchmark::State& state) { tools_call_legacy_session(state, echo_call(false)); }
BENCHMARK(BM_ToolsCallLegacySessionEcho)->UseRealTime();

void BM_ToolsCallModernRequestEcho(benchmark::State& state) { tools_call_modern_request(state, echo_call(true)); }
BENCHMARK(BM_ToolsCallModernRequestEcho)->UseRealTime();

// Round 1 answers input_required with a sealed state; round 2 opens it and completes.
void BM_MultiRoundTwoRounds(benchmark::State& state) {
    bench_core b;
    auto channel = std::make_shared<detail::session_state>("", "u");
    const json first = json::parse(
        std::string(
            R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ArcadeEvalRef_Confirm",)"
            R"("arguments":{},)") +
        meta + "}}");
    const bench::alloc_meter meter;
    for (auto _ : state) {
        json asked = b.call(channel, first);
        if (!asked.contains("result")) {
            state.SkipWithError(asked.dump().c_str());
            break;
        }
        json retry = first;
        retry["id"] = 2;
        retry["params"]["inputResponses"] = json{{"confirm", {{"action", "accept"}, {"content", {{"ok", true}}}}}};
        retry["params"]["requestState"] = asked["result"]["requestState"];
        benchmark::DoNotOptimize(b.call(channel, retry).dump());
    }
    meter.report(state);
}
BENCHMARK(BM_MultiRoundTwoRounds)->UseRealTime();

detail::request_state_body sample_state(const detail::request_state_codec& codec) {
    detail::request_state_body body;
    body.method = "tools/call";
    body.digest = codec.digest("tools/call", json{{"name", "confirm"}, {"arguments", json::object()}});
    body.answers = json{{"step1", {{"action", "accept"}, {"content", {{"name", "Ada"}}}}}};
    return body;
}

void BM_RequestStateSeal(benchmark::State& state) {
    const detail::request_state_codec codec("bench-key-bench-key-bench-key-32", std::chrono::seconds(600), 65536);
    const auto body = sample_state(codec);
    const bench::alloc_meter meter;
    for (auto _ : state) benchmark::DoNotOptimize(codec.seal(body, 1000));
    meter.report(state);
}
BENCHMARK(BM_RequestStateSeal);

void BM_RequestStateOpen(benchmark::State& state) {
    const detail::request_state_codec codec("bench-key-bench-key-bench-key-32", std::chrono::seconds(600), 65536);
    const std::string sealed = *codec.seal(sample_state(codec), 1000);
    std::string why;
    const bench::alloc_meter meter;
    for (auto _ : state) benchmark::DoNotOptimize(codec.open(sealed, 1000, why));
    meter.report(state);
}
BENCHMARK(BM_RequestStateOpen);

void BM_RoutingHeadersCheck(benchmark::State& state) {
    const json request = json::parse(add_call(true));
    const json schema = json::parse(
        R"({"type":"object","properties":{"a":{"type":"integer","x-mcp-header":"A"},"b":{"type":"integer"}}})");
    const detail::header_lookup lookup = [](std::string_view name) -> std::optional<std::string> {
        if (name == "Mcp-Method") return "tools/call";
        if (name == "Mcp-Name") return "ArcadeEvalRef_Add";
        if (name == "Mcp-Param-A") return "2";
        return std::nullopt;
    };
    const bench::alloc_meter meter;
    for (auto _ : state) benchmark::DoNotOptimize(detail::check_routing_headers(lookup, request, &schema));
    meter.report(state);
}
BENCHMARK(BM_RoutingHeadersCheck);

}  // namespace
