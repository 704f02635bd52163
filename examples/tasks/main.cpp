// Example: a long-running tool served as an MCP task. `Reports_Build` "builds a report" in steps;
// declared with task_support::optional, a 2025-11-25 client may call it with `params.task` and get
// a task handle at once, then poll tasks/get (the status message says how far it got), fetch the
// outcome with tasks/result, or stop it with tasks/cancel. Called without `task`, the same
// handler runs as a plain call and reports progress instead. Tasks live in memory by default
// (ARCADE_TASK_STORE=redis://... shares them between replicas; see docs/tasks.md).
// Run: build/release/bin/tasks_example   Check: examples/tasks/check.sh <binary>
#include <arcade_mcp/mcp.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>

namespace {

struct build_args {
    std::string name;
    int steps = 5;
    int step_ms = 100;
    static auto describe() {
        return arcade_mcp::fields(
            arcade_mcp::field("name", &build_args::name, "Report name").min_length(1),
            arcade_mcp::field("steps", &build_args::steps, "Steps to run").minimum(1).maximum(1000).default_value(5),
            arcade_mcp::field("step_ms", &build_args::step_ms, "Milliseconds per step")
                .minimum(0)
                .maximum(1000)
                .default_value(100));
    }
};

/// Sleeps `ms`, waking early when `stop` is signalled; false when it was.
bool sleep_unless_stopped(std::stop_token stop, int ms) {
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock lock(mu);
    // C++20: the wait returns as soon as a stop is requested (the callback notifies cv).
    return !cv.wait_for(lock, stop, std::chrono::milliseconds(ms), [] { return false; });
}

arcade_mcp::result<std::string> build_report(arcade_mcp::tool_context& ctx, const build_args& in) {
    for (int step = 1; step <= in.steps; ++step) {
        // Cancellation (tasks/cancel, notifications/cancelled), the time limit and shutdown all
        // signal this token; a handler that honours it frees its thread at once.
        if (!sleep_unless_stopped(ctx.stop_token(), in.step_ms))
            return arcade_mcp::tool_error::execution("Cancelled at step " + std::to_string(step));
        const auto done = std::to_string(step) + " of " + std::to_string(in.steps) + " steps";
        ctx.set_status_message(done);  // what tasks/get shows; a no-op outside a task
        // notifications/progress when the request carried a progressToken; never sent for a task,
        // whose request was answered already.
        ctx.report_progress(step, in.steps, done);
    }
    // in_task(): true when the client holds a task handle and polls for this outcome.
    return "report " + in.name + " built in " + std::to_string(in.steps) + " steps" +
           (ctx.in_task() ? " (as a task)" : " (plain call)");
}

}  // namespace

int main(int argc, char** argv) {
    arcade_mcp::server_info info;
    info.name = "reports";
    info.version = "1.0.0";
    info.toolkit = "Reports";
    arcade_mcp::server srv(info);
    srv.add_tool<build_args>("build", "Builds a report step by step (slow: call it as a task).", build_report)
        // optional: a task when the client asks for one, a plain call otherwise (`required`
        // refuses plain calls). Task handlers run on their own pool (ARCADE_TASK_WORKER_THREADS).
        .with_task_support(arcade_mcp::task_support::optional)
        // The tool's time limit applies to a task too: give long tasks a long one.
        .with_timeout(std::chrono::minutes(30));
    return arcade_mcp::run(srv, argc, argv);
}
