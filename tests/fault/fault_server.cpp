// Test fixture: a server whose tools misbehave on request, for the fault tests (tests/fault/run.sh).
// Public API only; configured from the environment like every server (ARCADE_SERVER_TRANSPORT=http,
// ARCADE_TOOL_TIMEOUT_SECONDS, ...). Tools (names verbatim, no toolkit):
//   echo {message}                 answers the message
//   throws {}                      throws std::runtime_error (the library answers isError)
//   hangs {seconds}                sleeps, ignoring its stop token (bounded to 60 s)
//   sleeps {seconds}               sleeps, stopping early when its stop token is signalled
//   allocates {megabytes, touch}   one std::vector<char>::reserve of that size (a huge value:
//                                  std::bad_alloc); with touch the memory is written, then freed
//   chatty {steps, interval_ms}    ctx.log once per step with sleeps in between, so that the
//                                  answer over HTTP becomes an SSE stream
//   toggle_tool {}                 adds or removes the tool 'extra' (tools/list_changed)
//   task_sleep {ms}                optional task: sleeps in 5 ms steps, stopping early when its
//                                  stop token is signalled (cancel, shutdown)
//   task_stubborn {ms}             optional task: sleeps the whole time, ignoring its stop token
// Run: ARCADE_SERVER_TRANSPORT=http ARCADE_SERVER_PORT=0 build/release/bin/fault-server
#include <arcade_mcp/mcp.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace arcade_mcp;
using namespace std::chrono_literals;

struct no_args {
    static auto describe() { return fields(); }
};

struct echo_args {
    std::string message;
    static auto describe() { return fields(field("message", &echo_args::message, "What to send back")); }
};

struct seconds_args {
    double seconds = 1;
    static auto describe() {
        return fields(field("seconds", &seconds_args::seconds, "How long").minimum(0).maximum(60).default_value(1.0));
    }
};

struct alloc_args {
    double megabytes = 1;
    bool touch = true;
    static auto describe() {
        return fields(
            field("megabytes", &alloc_args::megabytes, "Size of the one allocation in MiB").minimum(0).maximum(1e12),
            field("touch", &alloc_args::touch, "Write every byte before freeing").default_value(true));
    }
};

struct chatty_args {
    int steps = 3;
    int interval_ms = 20;
    static auto describe() {
        return fields(
            field("steps", &chatty_args::steps, "Log messages to send").minimum(1).maximum(100).default_value(3),
            field("interval_ms", &chatty_args::interval_ms, "Pause after each message")
                .minimum(0)
                .maximum(10000)
                .default_value(20));
    }
};

struct ms_args {
    std::int64_t ms = 0;
    static auto describe() {
        return fields(
            field("ms", &ms_args::ms, "How long, in milliseconds").minimum(0).maximum(120000).default_value(0));
    }
};

std::chrono::duration<double> as_duration(double seconds) { return std::chrono::duration<double>(seconds); }

}  // namespace

int main(int argc, char** argv) {
    server_info info;
    info.name = "fault-server";
    info.version = "1.0.0";
    server srv(info);

    srv.add_tool<echo_args>("echo", "Answers the message", [](const echo_args& in) { return in.message; });

    srv.add_tool<no_args>("throws", "Throws std::runtime_error", [](const no_args&) -> std::string {
        throw std::runtime_error("fault-server: thrown on purpose");
    });

    srv.add_tool<seconds_args>("hangs", "Sleeps and ignores its stop token", [](const seconds_args& in) {
        std::this_thread::sleep_for(as_duration(in.seconds));
        return std::string("woke up");
    });

    srv.add_tool<seconds_args>(
        "sleeps", "Sleeps; stops early when its stop token is signalled",
        [](tool_context& ctx, const seconds_args& in) {
            const auto deadline =
                std::chrono::steady_clock::now() +
                std::chrono::duration_cast<std::chrono::steady_clock::duration>(as_duration(in.seconds));
            const auto token = ctx.stop_token();
            while (std::chrono::steady_clock::now() < deadline) {
                if (token.stop_requested()) return std::string("stopped");
                std::this_thread::sleep_for(
                    std::min<std::chrono::steady_clock::duration>(5ms, deadline - std::chrono::steady_clock::now()));
            }
            return std::string("slept");
        });

    srv.add_tool<alloc_args>(
        "allocates", "Reserves one std::vector<char> of that many MiB (touched, then freed)", [](const alloc_args& in) {
            const auto bytes = static_cast<std::size_t>(in.megabytes * 1024.0 * 1024.0);
            std::vector<char> block;
            block.reserve(bytes);  // a huge size throws std::bad_alloc (or std::length_error)
            if (in.touch) {
                block.resize(bytes);
                std::memset(block.data(), 0x5a, bytes);
            }
            std::size_t sum = 0;
            for (std::size_t i = 0; i < block.size(); i += 4096) sum += static_cast<unsigned char>(block[i]);
            return std::string("allocated ") + std::to_string(bytes) + " bytes (checksum " + std::to_string(sum) + ")";
        });

    srv.add_tool<chatty_args>("chatty", "Logs once per step, pausing in between",
                              [](tool_context& ctx, const chatty_args& in) {
                                  for (int i = 0; i < in.steps; ++i) {
                                      ctx.log(mcp_log_level::info, json{{"step", i}});
                                      std::this_thread::sleep_for(std::chrono::milliseconds(in.interval_ms));
                                  }
                                  return std::string("chatted ") + std::to_string(in.steps) + " times";
                              });

    // Changes the tool list at run time, so that the server sends notifications/tools/list_changed
    // to every session (a diagnostic of the fault tests' session-memory scenario).
    srv.add_tool<no_args>("toggle_tool", "Adds the tool 'extra', or removes it when present", [&srv](const no_args&) {
        if (srv.remove_tool("extra")) return std::string("removed");
        srv.add_tool<no_args>("extra", "Added at run time", [](const no_args&) { return std::string("extra"); });
        return std::string("added");
    });

    // MCP tasks (docs/tasks.md): both run as a task when the client can poll; their 3-minute limit
    // is above the longest sleep (120 s), so that the time limit never ends them.
    srv.add_tool<ms_args>("task_sleep", "Sleeps ms milliseconds; stops early when its stop token is signalled",
                          [](tool_context& ctx, const ms_args& in) {
                              const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(in.ms);
                              const auto token = ctx.stop_token();
                              while (std::chrono::steady_clock::now() < deadline) {
                                  if (token.stop_requested()) return std::string("stopped");
                                  std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
                                      5ms, deadline - std::chrono::steady_clock::now()));
                              }
                              return std::string("slept");
                          })
        .with_task_support(task_support::optional)
        .with_timeout(std::chrono::minutes(3));

    srv.add_tool<ms_args>("task_stubborn", "Sleeps ms milliseconds and ignores its stop token",
                          [](const ms_args& in) {
                              std::this_thread::sleep_for(std::chrono::milliseconds(in.ms));
                              return std::string("woke up");
                          })
        .with_task_support(task_support::optional)
        .with_timeout(std::chrono::minutes(3));

    return run(srv, argc, argv);
}
