// Micro-benchmarks of MCP tasks (docs/tasks.md), side by side in one run:
//   BM_TaskCall/0  the same tool called plainly (2025-11-25 session): the baseline
//   BM_TaskCall/1  as a 2025-11-25 task: the task-augmented call, then tasks/result
//   BM_TaskCall/2  as a 2026-07-28 task: the call with the extension, then tasks/get until completed
//   BM_TaskStoreLifecycle/0|1  one task's store operations (create, ask, answer, take, finish, get)
//                              in memory and in Redis (a redis-server started on loopback, stopped by
//                              PID; skipped with a message when the binary is missing)
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <thread>

#include "alloc_counter.hpp"
#include "arcade_mcp/mcp.hpp"
#include "mcp/dispatcher.hpp"
#include "tasks/redis_task_store.hpp"
#include "wait_sink.hpp"

extern char** environ;

namespace {

using namespace arcade_mcp;

struct no_args {
    static auto describe() { return fields(); }
};

/// No caps in the way, and a short life so that the store's size stays flat however many iterations run.
tasks::task_limits bench_limits() {
    tasks::task_limits limits;
    limits.default_ttl = std::chrono::milliseconds(200);
    limits.max_per_owner = limits.max_total = 100000000;
    return limits;
}

json send(detail::dispatcher& core, const std::shared_ptr<detail::session_state>& session, const json& payload) {
    auto sink = std::make_shared<bench::wait_sink>();
    if (session->modern()) core.serve_modern(std::make_shared<detail::session_state>("", "u"), payload, sink);
    else core.handle(session, payload, sink);
    return sink->wait().value_or(json());
}

json modern_payload(int id, const std::string& method, json params) {
    params["_meta"] = json{{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
                           {"io.modelcontextprotocol/clientCapabilities",
                            {{"extensions", {{"io.modelcontextprotocol/tasks", json::object()}}}}}};
    return json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

void BM_TaskCall(benchmark::State& state) {
    const auto mode = state.range(0);
    state.SetLabel(mode == 0   ? "plain call"
                   : mode == 1 ? "2025-11-25 task + tasks/result"
                               : "2026-07-28 task + tasks/get");
    server_info info;
    info.name = "task-bench";
    info.version = "1";
    server srv(info);
    srv.add_tool<no_args>("quick", "Answers at once", [](const no_args&) { return std::string("done"); })
        .with_task_support(task_support::optional);
    detail::worker_pool pool(2);
    auto options = detail::dispatcher_options::with_user("bench");
    options.task_store = tasks::make_memory_task_store(bench_limits());
    detail::dispatcher core(srv, pool, options);
    auto session = std::make_shared<detail::session_state>("s", "u");
    send(core, session,
         json::parse(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
                     R"("capabilities":{},"clientInfo":{"name":"b","version":"1"}}})"));
    auto modern = std::make_shared<detail::session_state>("", "u");
    modern->set_modern("2026-07-28", json::object(), json::object(), std::nullopt);
    const json plain = json::parse(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"quick"}})");
    const json legacy_task =
        json::parse(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"quick","task":{}}})");
    const json modern_call = modern_payload(1, "tools/call", json{{"name", "quick"}});
    const bench::alloc_meter meter;
    for (auto _ : state) {
        if (mode == 0) {
            benchmark::DoNotOptimize(send(core, session, plain));
        } else if (mode == 1) {
            const std::string id = send(core, session, legacy_task)["result"]["task"]["taskId"];
            benchmark::DoNotOptimize(send(core, session, json{{"jsonrpc", "2.0"},
                                                              {"id", 2},
                                                              {"method", "tasks/result"},
                                                              {"params", {{"taskId", id}}}}));
        } else {
            const std::string id = send(core, modern, modern_call)["result"]["taskId"];
            while (send(core, modern, modern_payload(2, "tasks/get", json{{"taskId", id}}))["result"]["status"] !=
                   "completed") {
            }
        }
    }
    meter.report(state);
    pool.shutdown();
}
BENCHMARK(BM_TaskCall)->Arg(0)->Arg(1)->Arg(2)->UseRealTime();

/// A redis-server on 127.0.0.1:`port` for the benchmark's life.
class redis_process {
public:
    explicit redis_process(int port) {
        const std::string p = std::to_string(port);
        const char* argv[] = {"redis-server", "--port", p.c_str(), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no", "--loglevel", "warning", "--logfile", "/dev/null", nullptr};
        posix_spawn_file_actions_t quiet;  // its start-up banner would break the benchmark's table
        posix_spawn_file_actions_init(&quiet);
        posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0);
        if (posix_spawnp(&pid_, "redis-server", &quiet, nullptr, const_cast<char* const*>(argv), environ) != 0)
            pid_ = -1;
        posix_spawn_file_actions_destroy(&quiet);
    }
    ~redis_process() {
        if (pid_ <= 0) return;
        kill(pid_, SIGTERM);
        waitpid(pid_, nullptr, 0);
    }
    bool started() const { return pid_ > 0; }

private:
    pid_t pid_ = -1;
};

void BM_TaskStoreLifecycle(benchmark::State& state) {
    const bool redis = state.range(0) == 1;
    state.SetLabel(redis ? "redis" : "memory");
    std::unique_ptr<redis_process> server;
    std::unique_ptr<tasks::task_store> store;
    if (redis) {
        const int port = 26379 + static_cast<int>(::getpid() % 1000);
        server = std::make_unique<redis_process>(port);
        if (!server->started()) return state.SkipWithError("redis-server not found");
        tasks::redis_settings settings;
        settings.port = port;
        store = tasks::make_redis_task_store(settings, bench_limits());
        for (int i = 0; i < 100; ++i) {  // bounded: 5 s for redis-server to accept
            try {
                store->size();
                break;
            } catch (const tasks::task_store_unavailable&) {
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
        }
    } else {
        store = tasks::make_memory_task_store(bench_limits());
    }
    const json question = json{{"q", {{"method", "elicitation/create"}, {"params", json::object()}}}};
    const json answer = json{{"q", {{"action", "accept"}}}};
    const json outcome = json{{"result", {{"content", json::array()}}}};
    for (auto _ : state) {
        const auto task = store->create("owner", std::nullopt, "replica");
        store->ask(task.task->id, question);
        store->answer(task.task->id, "owner", answer);
        benchmark::DoNotOptimize(store->take_answers(task.task->id));
        store->finish(task.task->id, tasks::task_status::completed, outcome);
        benchmark::DoNotOptimize(store->get(task.task->id, "owner"));
    }
}
BENCHMARK(BM_TaskStoreLifecycle)->Arg(0)->Arg(1)->UseRealTime();

}  // namespace
