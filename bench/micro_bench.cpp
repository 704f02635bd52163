// Micro-benchmarks of the hot path, side by side in one run: JSON-RPC decode/encode, typed
// argument decoding (the reference Add and a nested fixture-like struct), and a whole tools/call
// through the dispatcher (worker pool hop included). Run: build/release/bin/micro_bench
#include <benchmark/benchmark.h>

#include <condition_variable>
#include <mutex>

#include "arcade_mcp/mcp.hpp"
#include "eval_ref_tools.hpp"
#include "mcp/dispatcher.hpp"

namespace {
using namespace arcade_mcp;

const std::string call_text =
    R"({"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"ArcadeEvalRef_Add","arguments":{"a":2,"b":3},"_meta":{"progressToken":"p"}}})";

void BM_JsonParse(benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(json::parse(call_text));
}
BENCHMARK(BM_JsonParse);

void BM_JsonRpcDecode(benchmark::State& state) {
    const json j = json::parse(call_text);
    for (auto _ : state) benchmark::DoNotOptimize(jsonrpc::decode(j));
}
BENCHMARK(BM_JsonRpcDecode);

void BM_JsonRpcEncodeResult(benchmark::State& state) {
    const auto id = *jsonrpc::request_id::from_json(42);
    const json result = json::parse(R"({"content":[{"type":"text","text":"5"}],"structuredContent":{"result":5},"isError":false})");
    for (auto _ : state) benchmark::DoNotOptimize(jsonrpc::make_result(id, result).dump());
}
BENCHMARK(BM_JsonRpcEncodeResult);

struct item {
    std::string name;
    std::optional<int> count;
    static auto describe() { return fields(field("name", &item::name, "Name"), field("count", &item::count, "Count").minimum(0)); }
};
struct nested_args {
    std::string query;
    std::vector<item> items;
    bool exact = false;
    static auto describe() {
        return fields(field("query", &nested_args::query, "Query").max_length(100), field("items", &nested_args::items, "Items"),
                      field("exact", &nested_args::exact, "Exact").default_value(false));
    }
};

void BM_TypedDecodeNested(benchmark::State& state) {
    const json j = json::parse(R"({"query":"cats","items":[{"name":"a","count":1},{"name":"b"},{"name":"c","count":3}]})");
    for (auto _ : state) {
        nested_args out;
        decode_error err;
        benchmark::DoNotOptimize(value_codec<nested_args>::decode(j, out, "", err));
    }
}
BENCHMARK(BM_TypedDecodeNested);

/// Waits for the dispatcher's reply of one call.
class wait_sink final : public detail::outbound_sink {
public:
    void send(json) override {}
    void finish(std::optional<json> r) override {
        std::lock_guard l(mu_);
        reply_ = std::move(r);
        done_ = true;
        cv_.notify_one();
    }
    std::optional<json> wait() {
        std::unique_lock l(mu_);
        cv_.wait(l, [&] { return done_; });
        return std::move(reply_);
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    bool done_ = false;
    std::optional<json> reply_;
};

void BM_DispatcherToolsCall(benchmark::State& state) {
    server srv(eval_ref::reference_server_info());
    eval_ref::add_reference_tools(srv);
    detail::worker_pool pool(2);
    detail::dispatcher core(srv, pool, detail::dispatcher_options::with_user("bench"));
    auto session = std::make_shared<detail::session_state>("", "u");
    auto init = std::make_shared<wait_sink>();
    core.handle(session, json::parse(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"b","version":"1"}}})"), init);
    init->wait();
    for (auto _ : state) {
        auto sink = std::make_shared<wait_sink>();
        core.handle(session, json::parse(call_text), sink);
        benchmark::DoNotOptimize(sink->wait()->dump());
    }
    pool.shutdown();
}
BENCHMARK(BM_DispatcherToolsCall)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
