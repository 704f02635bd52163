// The conformance suite's task fixtures (0.2.0-alpha.12, `tasks-*` scenarios; spec/tasks.md §3),
// written with the public API only: a tool declares `with_task_support`, its handler stays an
// ordinary typed handler, and questions asked while it runs as a task make the task wait for
// input (`input_required`) in both eras.
#include <chrono>
#include <thread>

#include "task_fixtures.hpp"

namespace {

using namespace arcade_mcp;

struct no_args {
    static auto describe() { return fields(); }
};

struct greet_args {
    std::string name;
    static auto describe() { return fields(field("name", &greet_args::name, "Whom to greet")); }
};

struct compute_args {
    std::int64_t seconds = 0;
    std::string label;
    static auto describe() {
        return fields(field("seconds", &compute_args::seconds, "How long to work").minimum(0).maximum(600),
                      field("label", &compute_args::label, "A label echoed in the result").default_value(""));
    }
};

struct delete_args {
    std::string filename;
    static auto describe() { return fields(field("filename", &delete_args::filename, "The file to delete")); }
};

/// Waits `duration` unless the call is stopped first (cancellation, shutdown); true when it slept
/// the whole time.
bool sleep_unless_stopped(const tool_context& ctx, std::chrono::milliseconds duration) {
    const auto until = std::chrono::steady_clock::now() + duration;
    while (std::chrono::steady_clock::now() < until) {
        if (ctx.stop_token().stop_requested()) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

json confirm_form() {
    return json{{"type", "object"}, {"properties", {{"confirm", {{"type", "boolean"}}}}}, {"required", {"confirm"}}};
}

json name_form() {
    return json{{"type", "object"}, {"properties", {{"name", {{"type", "string"}}}}}, {"required", {"name"}}};
}

bool accepted(const json& answer) { return answer.value("action", std::string()) == "accept"; }

void add_plain_and_slow(server& srv) {
    srv.add_tool<greet_args>("greet", "Greets someone (never a task)",
                             [](const greet_args& in) { return "Hello, " + in.name + "!"; });
    srv.add_tool<compute_args>("slow_compute", "Works for `seconds` seconds, as a task when the client can poll",
                               [](tool_context& ctx, const compute_args& in) -> result<std::string> {
                                   ctx.set_status_message("computing " + in.label);
                                   if (!sleep_unless_stopped(ctx, std::chrono::seconds(in.seconds)))
                                       return tool_error::execution("Cancelled before the computation finished");
                                   return "Computed " + in.label + " in " + std::to_string(in.seconds) + " s";
                               })
        .with_task_support(task_support::optional);
}

void add_failures(server& srv) {
    srv.add_tool<no_args>("failing_job", "Fails after a second (runs only as a task)",
                          [](tool_context& ctx, const no_args&) -> result<std::string> {
                              sleep_unless_stopped(ctx, std::chrono::seconds(1));
                              return tool_error::execution("The job failed, as it always does");
                          })
        .with_task_support(task_support::required);
    srv.add_tool<no_args>("protocol_error_job", "Ends in a JSON-RPC error instead of a result",
                          [](tool_context& ctx, const no_args&) -> std::string {
                              sleep_unless_stopped(ctx, std::chrono::milliseconds(200));
                              throw protocol_error(-32603, "The job hit a protocol error");
                          })
        .with_task_support(task_support::optional);
}

void add_questions(server& srv) {
    srv.add_tool<delete_args>("confirm_delete", "Asks the user to confirm, then deletes (pretends to)",
                              [](tool_context& ctx, const delete_args& in) -> std::string {
                                  const auto answer = ctx.elicit("Delete " + in.filename + "?", confirm_form());
                                  if (!answer.accepted()) return "Kept " + in.filename;
                                  return answer.content.value("confirm", false) ? "Deleted " + in.filename
                                                                                : "Kept " + in.filename;
                              })
        .with_task_support(task_support::optional);
    srv.add_tool<no_args>("multi_input", "Asks two questions at once",
                          [](tool_context& ctx, const no_args&) -> std::string {
                              const auto answers = ctx.ask_client(
                                  {input_request::elicitation("first", "Your name?", name_form()),
                                   input_request::elicitation("second", "Confirm?", confirm_form())});
                              return std::string("first ") + (accepted(answers.at("first")) ? "accepted" : "declined") +
                                     ", second " + (accepted(answers.at("second")) ? "accepted" : "declined");
                          })
        .with_task_support(task_support::optional);
    // Multi-round input first (2026-07-28 InputRequiredResult rounds), then a task.
    srv.add_tool<no_args>("test_tool_with_task", "Asks the user's name, then finishes as a task",
                          [](tool_context& ctx, const no_args&) -> std::string {
                              const auto answers =
                                  ctx.ask_client({input_request::elicitation("user_name", "Your name?", name_form())});
                              const json& answer = answers.at("user_name");
                              const std::string name = accepted(answer)
                                                           ? answer.value("content", json::object()).value("name", "")
                                                           : std::string("stranger");
                              ctx.start_task();
                              sleep_unless_stopped(ctx, std::chrono::milliseconds(200));
                              return "Hello, " + name + ", from a task";
                          })
        .with_task_support(task_support::required, task_start::by_handler);
}

}  // namespace

void add_task_fixtures(server& srv) {
    add_plain_and_slow(srv);
    add_failures(srv);
    add_questions(srv);
}
