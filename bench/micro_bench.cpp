// Micro-benchmarks of the hot path, side by side in one run: JSON-RPC decode/encode (also by
// argument size), typed argument decoding (Echo- and Add-shaped structs and a nested fixture-like
// struct), a whole tools/call through the dispatcher (worker pool hop included), worker JWT
// verification, session lookup, and SSE framing (event_stream push/read_after plus the text
// framing the HTTP endpoint writes). The MCP 2026-07-28 path is in modern_bench.cpp. Every
// benchmark also reports its heap allocations per iteration (counters allocs_per_call,
// alloc_bytes_per_call, malloc_per_call: alloc_counter.hpp; BM_AllocCounterCalibration must show
// 2 and 1). Run: build/release/bin/micro_bench; bench/run.sh runs it short and copies the figures
// into its results.
#include <benchmark/benchmark.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <vector>

#include "arcade/jwt.hpp"
#include "arcade_mcp/mcp.hpp"
#include "eval_ref_tools.hpp"
#include "mcp/dispatcher.hpp"
#include "observe/metrics.hpp"
#include "observe/tracer.hpp"
#include "transport/http/event_stream.hpp"
#include "transport/http/session_table.hpp"
#include "alloc_counter.hpp"
#include "wait_sink.hpp"

namespace {
using namespace arcade_mcp;

const std::string call_text =
    R"({"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"ArcadeEvalRef_Add","arguments":{"a":2,)"
    R"("b":3},"_meta":{"progressToken":"p"}}})";

// The counter itself: one operator new and one malloc per iteration, so allocs_per_call must read
// 2, malloc_per_call 1 and alloc_bytes_per_call 40 (24 + 16).
void BM_AllocCounterCalibration(benchmark::State& state) {
    const bench::alloc_meter meter;
    for (auto _ : state) {
        auto* p = new std::uint64_t[3];
        void* q = std::malloc(16);
        benchmark::DoNotOptimize(p);
        benchmark::DoNotOptimize(q);
        std::free(q);
        delete[] p;
    }
    meter.report(state);
}
BENCHMARK(BM_AllocCounterCalibration);

void BM_JsonParse(benchmark::State& state) {
    const bench::alloc_meter meter;
    for (auto _ : state) benchmark::DoNotOptimize(json::parse(call_text));
    meter.report(state);
}
BENCHMARK(BM_JsonParse);

void BM_JsonRpcDecode(benchmark::State& state) {
    const json j = json::parse(call_text);
    const bench::alloc_meter meter;
    for (auto _ : state) benchmark::DoNotOptimize(jsonrpc::decode(j));
    meter.report(state);
}
BENCHMARK(BM_JsonRpcDecode);

void BM_JsonRpcEncodeResult(benchmark::State& state) {
    const auto id = *jsonrpc::request_id::from_json(42);
    const json result =
        json::parse(R"({"content":[{"type":"text","text":"5"}],"structuredContent":{"result":5},"isError":false})");
    const bench::alloc_meter meter;
    for (auto _ : state) benchmark::DoNotOptimize(jsonrpc::make_result(id, result).dump());
    meter.report(state);
}
BENCHMARK(BM_JsonRpcEncodeResult);

struct item {
    std::string name;
    std::optional<int> count;
    static auto describe() {
        return fields(field("name", &item::name, "Name"), field("count", &item::count, "Count").minimum(0));
    }
};
struct nested_args {
    std::string query;
    std::vector<item> items;
    bool exact = false;
    static auto describe() {
        return fields(field("query", &nested_args::query, "Query").max_length(100),
                      field("items", &nested_args::items, "Items"),
                      field("exact", &nested_args::exact, "Exact").default_value(false));
    }
};

void BM_TypedDecodeNested(benchmark::State& state) {
    const json j =
        json::parse(R"({"query":"cats","items":[{"name":"a","count":1},{"name":"b"},{"name":"c","count":3}]})");
    const bench::alloc_meter meter;
    for (auto _ : state) {
        nested_args out;
        decode_error err;
        benchmark::DoNotOptimize(value_codec<nested_args>::decode(j, out, "", err));
    }
    meter.report(state);
}
BENCHMARK(BM_TypedDecodeNested);

void BM_DispatcherToolsCall(benchmark::State& state) {
    server srv(eval_ref::reference_server_info());
    eval_ref::add_reference_tools(srv);
    detail::worker_pool pool(2);
    detail::dispatcher core(srv, pool, detail::dispatcher_options::with_user("bench"));
    auto session = std::make_shared<detail::session_state>("", "u");
    auto init = std::make_shared<bench::wait_sink>();
    core.handle(
        session,
        json::parse(
            R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
            R"("capabilities":{},"clientInfo":{"name":"b","version":"1"}}})"),
        init);
    init->wait();
    const bench::alloc_meter meter;
    for (auto _ : state) {
        auto sink = std::make_shared<bench::wait_sink>();
        core.handle(session, json::parse(call_text), sink);
        benchmark::DoNotOptimize(sink->wait()->dump());
    }
    meter.report(state);
    pool.shutdown();
}
BENCHMARK(BM_DispatcherToolsCall)->UseRealTime();

/// Drops every span: what a sampled span costs the request, without the exporter's thread.
class dropping_span_sink final : public detail::observe::span_sink {
public:
    void offer(detail::observe::span_record&& span) noexcept override { benchmark::DoNotOptimize(span.name.size()); }
};

/// BM_DispatcherToolsCall with observability: 0 off, 1 MCP requests observed (metrics served),
/// 2 traces sampled at 10 %, 3 at 100 % (spans dropped at the sink). Side by side in one run.
void BM_DispatcherToolsCallObserved(benchmark::State& state) {
    using detail::observe::sampler_settings;
    const auto mode = state.range(0);
    detail::observe::set_requests_observed(mode == 1);
    if (mode >= 2)
        detail::observe::install_tracer(std::make_shared<dropping_span_sink>(),
                                        mode == 2 ? sampler_settings{sampler_settings::kind::traceidratio, 0.1}
                                                  : sampler_settings{sampler_settings::kind::always_on, 1.0});
    state.SetLabel(mode == 0 ? "off" : mode == 1 ? "metrics" : mode == 2 ? "traces 10%" : "traces 100%");
    BM_DispatcherToolsCall(state);
    detail::observe::install_tracer(nullptr, {});
    detail::observe::set_requests_observed(false);
}
BENCHMARK(BM_DispatcherToolsCallObserved)->Arg(0)->Arg(1)->Arg(2)->Arg(3)->UseRealTime();

// ---- added for the benchmark suite (bench/run.sh) ----------------------------------------------

/// A tools/call of ArcadeEvalRef_Echo whose message has `bytes` characters.
std::string echo_call_text(std::size_t bytes) {
    return R"({"jsonrpc":"2.0","id":"w1","method":"tools/call","params":{"name":"ArcadeEvalRef_Echo",)"
           R"("arguments":{"message":")" +
           std::string(bytes, 'x') + R"("}}})";
}

// Text -> JSON -> classified JSON-RPC message, as the transports do for every request body.
void BM_JsonRpcDecodeText(benchmark::State& state) {
    const std::string text = echo_call_text(static_cast<std::size_t>(state.range(0)));
    const bench::alloc_meter meter;
    for (auto _ : state) {
        auto msg = jsonrpc::decode(json::parse(text));
        benchmark::DoNotOptimize(msg);
    }
    meter.report(state);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_JsonRpcDecodeText)->Arg(10)->Arg(1024)->Arg(10 * 1024)->Arg(100 * 1024)->Arg(1024 * 1024);

// The Echo reply (content text + structuredContent) serialized, by message size.
void BM_JsonRpcEncodeEchoReply(benchmark::State& state) {
    const auto id = *jsonrpc::request_id::from_json("w1");
    const std::string message(static_cast<std::size_t>(state.range(0)), 'x');
    const json result = {{"content", json::array({{{"type", "text"}, {"text", message}}})},
                         {"isError", false},
                         {"structuredContent", {{"result", message}}}};
    const bench::alloc_meter meter;
    for (auto _ : state) benchmark::DoNotOptimize(jsonrpc::make_result(id, result).dump());
    meter.report(state);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(2 * message.size()));
}
BENCHMARK(BM_JsonRpcEncodeEchoReply)->Arg(10)->Arg(1024)->Arg(100 * 1024)->Arg(1024 * 1024);

struct echo_like_args {
    std::string message;
    static auto describe() { return fields(field("message", &echo_like_args::message, "The message to echo back")); }
};
struct add_like_args {
    std::int64_t a = 0;
    std::int64_t b = 0;
    static auto describe() {
        return fields(field("a", &add_like_args::a, "First addend"), field("b", &add_like_args::b, "Second addend"));
    }
};

// The reference tools' argument shapes (the structs are file-local in eval_ref_tools.cpp; these
// are the same declarations).
void BM_TypedDecodeEcho(benchmark::State& state) {
    const json j = json::parse(R"({"message":"hello"})");
    const bench::alloc_meter meter;
    for (auto _ : state) {
        echo_like_args out;
        decode_error err;
        benchmark::DoNotOptimize(value_codec<echo_like_args>::decode(j, out, "", err));
        benchmark::DoNotOptimize(out);
    }
    meter.report(state);
}
BENCHMARK(BM_TypedDecodeEcho);

void BM_TypedDecodeAdd(benchmark::State& state) {
    const json j = json::parse(R"({"a":2,"b":3})");
    const bench::alloc_meter meter;
    for (auto _ : state) {
        add_like_args out;
        decode_error err;
        benchmark::DoNotOptimize(value_codec<add_like_args>::decode(j, out, "", err));
        benchmark::DoNotOptimize(out);
    }
    meter.report(state);
}
BENCHMARK(BM_TypedDecodeAdd);

// A bad argument: the error path with its JSON pointer.
void BM_TypedDecodeAddBadArgument(benchmark::State& state) {
    const json j = json::parse(R"({"a":"two","b":3})");
    const bench::alloc_meter meter;
    for (auto _ : state) {
        add_like_args out;
        decode_error err;
        benchmark::DoNotOptimize(value_codec<add_like_args>::decode(j, out, "", err));
        benchmark::DoNotOptimize(err);
    }
    meter.report(state);
}
BENCHMARK(BM_TypedDecodeAddBadArgument);

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// What /worker/* does per request: the bearer token out of the header, then HS256 verification
// with every claim check.
void BM_JwtVerifyWorkerToken(benchmark::State& state) {
    const std::string secret = "bench-secret-0123456789abcdef";
    const std::int64_t now = unix_now();
    const std::string header = "Bearer " + detail::mint_worker_token(secret, now, 3600);
    const bench::alloc_meter meter;
    for (auto _ : state) {
        auto token = detail::bearer_token(header);
        auto check = detail::verify_worker_token(*token, secret, now);
        if (!check.ok) state.SkipWithError("token refused");
        benchmark::DoNotOptimize(check);
    }
    meter.report(state);
}
BENCHMARK(BM_JwtVerifyWorkerToken);

// A tampered signature is refused (constant-time compare after the HMAC).
void BM_JwtVerifyBadSignature(benchmark::State& state) {
    const std::string secret = "bench-secret-0123456789abcdef";
    const std::int64_t now = unix_now();
    std::string token = detail::mint_worker_token(secret, now, 3600);
    token.back() = token.back() == 'A' ? 'B' : 'A';
    const bench::alloc_meter meter;
    for (auto _ : state) {
        auto check = detail::verify_worker_token(token, secret, now);
        if (check.ok) state.SkipWithError("tampered token accepted");
        benchmark::DoNotOptimize(check);
    }
    meter.report(state);
}
BENCHMARK(BM_JwtVerifyBadSignature);

// session_table::find by Mcp-Session-Id with `range(0)` sessions open (hit), as every POST does.
void BM_SessionFind(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    detail::session_table table(n + 1, std::chrono::seconds(300));
    const auto now = detail::session_table::clock::now();
    std::vector<std::string> ids;
    ids.reserve(n);
    for (std::size_t i = 0; i < n; ++i) ids.push_back(table.create(now, "127.0.0.1")->id());
    std::size_t i = 0;
    const bench::alloc_meter meter;
    for (auto _ : state) {
        auto s = table.find(ids[i], now);
        if (!s) state.SkipWithError("session not found");
        benchmark::DoNotOptimize(s);
        if (++i == n) i = 0;
    }
    meter.report(state);
    table.close_all();
}
BENCHMARK(BM_SessionFind)->Arg(1)->Arg(1000);

// An unknown id (a 404), with 1000 sessions open.
void BM_SessionFindUnknown(benchmark::State& state) {
    detail::session_table table(1001, std::chrono::seconds(300));
    const auto now = detail::session_table::clock::now();
    for (int i = 0; i < 1000; ++i) table.create(now, "127.0.0.1");
    const std::string unknown(32, '0');
    const bench::alloc_meter meter;
    for (auto _ : state) benchmark::DoNotOptimize(table.find(unknown, now));
    meter.report(state);
    table.close_all();
}
BENCHMARK(BM_SessionFindUnknown);

// initialize's share: a new session (CSPRNG id, state, standalone stream), ended again.
void BM_SessionCreateErase(benchmark::State& state) {
    detail::session_table table(1000, std::chrono::seconds(300));
    const auto now = detail::session_table::clock::now();
    const bench::alloc_meter meter;
    for (auto _ : state) {
        auto s = table.create(now, "127.0.0.1");
        table.erase(s->id());
    }
    meter.report(state);
}
BENCHMARK(BM_SessionCreateErase);

/// The text framing of one SSE event as the HTTP endpoint writes it (mcp_endpoint.cpp).
std::string sse_frame(const std::string& event_id, const std::string& data) {
    return "id: " + event_id + "\nevent: message\ndata: " + data + "\n\n";
}

// One POST's stream when a handler sends a notification before its reply: a new event_stream,
// a reader attached, a log notification and the reply pushed (serialized), read back after the
// cursor and framed as SSE text.
void BM_SseStreamNotificationAndReply(benchmark::State& state) {
    const json note = json::parse(
        R"({"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","logger":"tool",)"
        R"("data":"working"}})");
    const json reply = json::parse(
        R"({"jsonrpc":"2.0","id":"w1","result":{"content":[{"type":"text","text":"hello"}],"isError":false,)"
        R"("structuredContent":{"result":"hello"}}})");
    std::size_t wakes = 0;
    const bench::alloc_meter meter;
    for (auto _ : state) {
        detail::event_stream stream(detail::event_stream::next_id(), 256);
        const auto generation = stream.attach([&wakes] { ++wakes; });
        stream.send(note);
        stream.finish(std::optional<json>(std::in_place, reply));
        auto view = stream.read_after(0, generation);
        std::string out;
        for (const auto& e : view.events) out += sse_frame(stream.event_id(e.seq), e.data);
        benchmark::DoNotOptimize(out);
    }
    meter.report(state);
    benchmark::DoNotOptimize(wakes);
}
BENCHMARK(BM_SseStreamNotificationAndReply);

// A long-lived stream (standalone GET stream): push one event, read what follows the cursor, frame it.
void BM_SsePushReadAfter(benchmark::State& state) {
    const json note = json::parse(R"({"jsonrpc":"2.0","method":"notifications/tools/list_changed"})");
    detail::event_stream stream(detail::event_stream::next_id(), 128);
    const auto generation = stream.attach([] {});
    std::uint64_t cursor = 0;
    const bench::alloc_meter meter;
    for (auto _ : state) {
        stream.send(note);
        auto view = stream.read_after(cursor, generation);
        std::string out;
        for (const auto& e : view.events) {
            out += sse_frame(stream.event_id(e.seq), e.data);
            cursor = e.seq;
        }
        benchmark::DoNotOptimize(out);
    }
    meter.report(state);
}
BENCHMARK(BM_SsePushReadAfter);

// Resumption: Last-Event-ID parsed, then the events after it read from a full buffer (128 kept).
void BM_SseResumeReplay(benchmark::State& state) {
    const json note = json::parse(R"({"jsonrpc":"2.0","method":"notifications/tools/list_changed"})");
    detail::event_stream stream(detail::event_stream::next_id(), 128);
    const auto generation = stream.attach([] {});
    for (int i = 0; i < 128; ++i) stream.send(note);
    const std::string last_event_id = stream.event_id(stream.last_seq() - 16);
    const bench::alloc_meter meter;
    for (auto _ : state) {
        auto parsed = detail::event_stream::parse_event_id(last_event_id);
        auto view = stream.read_after(parsed->second, generation);
        std::string out;
        for (const auto& e : view.events) out += sse_frame(stream.event_id(e.seq), e.data);
        benchmark::DoNotOptimize(out);
    }
    meter.report(state);
}
BENCHMARK(BM_SseResumeReplay);

}  // namespace

BENCHMARK_MAIN();
