// MCP tasks through the dispatcher, both eras (spec/tasks.md): 2025-11-25 task-augmented calls,
// tasks/get, tasks/result (blocking, carrying the handler's questions), tasks/list, tasks/cancel;
// 2026-07-28 per-request negotiation, the flat CreateTaskResult, tasks/get with inputRequests /
// result / error, tasks/update, -32021; multi-round input then a task; binding to the caller;
// tasks reached from the other era; shutdown with tasks running.
#include <atomic>
#include <thread>

#include "mcp/features_modern_fixture.hpp"

namespace arcade_mcp::detail {
namespace {

const json tasks_ext{{"extensions", {{"io.modelcontextprotocol/tasks", json::object()}}}};
const json tasks_ext_elicit{{"elicitation", json::object()},
                            {"extensions", {{"io.modelcontextprotocol/tasks", json::object()}}}};

struct wait_args {
    std::int64_t ms = 0;
    static auto describe() { return fields(field("ms", &wait_args::ms, "How long to work")); }
};

void add_task_tools(server& srv, std::atomic<bool>* release = nullptr) {
    srv.add_tool<no_arguments>("plain", "Never a task", [](const no_arguments&) { return std::string("plain"); });
    srv.add_tool<wait_args>("work", "Works for ms milliseconds, stopping early when stopped",
                            [](tool_context& ctx, const wait_args& in) {
                                const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(in.ms);
                                while (std::chrono::steady_clock::now() < until && !ctx.stop_token().stop_requested())
                                    std::this_thread::sleep_for(5ms);
                                return std::string(ctx.in_task() ? "worked as a task" : "worked");
                            })
        .with_task_support(task_support::optional);
    srv.add_tool<no_arguments>("must_task", "Runs only as a task",
                               [](const no_arguments&) { return std::string("ok"); })
        .with_task_support(task_support::required);
    srv.add_tool<no_arguments>("fails", "A tool error", [](const no_arguments&) -> result<std::string> {
           return tool_error::execution("nope");
       }).with_task_support(task_support::optional);
    srv.add_tool<no_arguments>("protocol_fails", "A JSON-RPC error", [](const no_arguments&) -> std::string {
           throw protocol_error(-32099, "broken");
       }).with_task_support(task_support::optional);
    srv.add_tool<no_arguments>("ask", "Elicits a name", [](tool_context& ctx, const no_arguments&) {
           ctx.set_status_message("asking");
           const auto answers = ctx.ask_client({input_request::elicitation("who", "Name?", string_form("name"))});
           return "hello " + field_of(answers.at("who"), "name");
       }).with_task_support(task_support::optional);
    srv.add_tool<no_arguments>("ask_two", "Two questions at once", [](tool_context& ctx, const no_arguments&) {
           const auto answers = ctx.ask_client({input_request::elicitation("a", "A?", string_form("name")),
                                                input_request::elicitation("b", "B?", string_form("name"))});
           return field_of(answers.at("a"), "name") + "+" + field_of(answers.at("b"), "name");
       }).with_task_support(task_support::optional);
    srv.add_tool<no_arguments>("rounds_then_task", "MRTR, then a task", [](tool_context& ctx, const no_arguments&) {
           const auto answers = ctx.ask_client({input_request::elicitation("who", "Name?", string_form("name"))});
           const bool started = ctx.start_task();
           return field_of(answers.at("who"), "name") + (started ? " in a task" : " inline");
       }).with_task_support(task_support::required, task_start::by_handler);
    srv.add_tool<no_arguments>("stubborn", "Ignores cancellation until released", [release](const no_arguments&) {
           while (release && !release->load()) std::this_thread::sleep_for(5ms);
           return std::string("finally");
       }).with_task_support(task_support::optional);
}

json task_param(std::optional<int> ttl) {
    json task = json::object();
    if (ttl) task["ttl"] = *ttl;
    return task;
}

json legacy_task_call(int id, const std::string& tool, json args = json::object(), std::optional<int> ttl = {}) {
    return rpc(id, "tools/call", json{{"name", tool}, {"arguments", std::move(args)}, {"task", task_param(ttl)}});
}

class TasksTest : public FeaturesTest {
protected:
    TasksTest() {
        reset(test_info(10));
        add_task_tools(srv(), &release_);
    }
    ~TasksTest() override { release_ = true; }

    /// Polls tasks/get (2025 session) until `status`, at most 5 s.
    json wait_legacy(const std::shared_ptr<session_state>& s, const std::string& id, const std::string& status) {
        json task;
        for (int i = 0; i < 500; ++i) {
            task = result_of(s, rpc(900 + i, "tasks/get", json{{"taskId", id}}));
            if (task.value("status", "") == status) return task;
            std::this_thread::sleep_for(10ms);
        }
        ADD_FAILURE() << "task " << id << " never reached " << status << ": " << task.dump();
        return task;
    }
    json modern_get(const std::string& id, json caps = tasks_ext) {
        auto s = std::make_shared<session_state>("", "fallback");
        auto sink = std::make_shared<capture_sink>();
        core().serve_modern(s, modern(77, "tasks/get", json{{"taskId", id}}, std::move(caps)), sink);
        EXPECT_TRUE(sink->wait_finished());
        return sink->reply().value_or(json());
    }
    json modern_request(json payload) {
        auto s = std::make_shared<session_state>("", "fallback");
        auto sink = std::make_shared<capture_sink>();
        core().serve_modern(s, std::move(payload), sink);
        EXPECT_TRUE(sink->wait_finished());
        return sink->reply().value_or(json());
    }
    json wait_modern(const std::string& id, const std::string& status) {
        json task;
        for (int i = 0; i < 500; ++i) {
            task = modern_get(id).value("result", json());
            if (task.value("status", "") == status) return task;
            std::this_thread::sleep_for(10ms);
        }
        ADD_FAILURE() << "task " << id << " never reached " << status << ": " << task.dump();
        return task;
    }
    std::atomic<bool> release_{false};
};

// ---- 2025-11-25 -------------------------------------------------------------------------------

TEST_F(TasksTest, LegacyCapabilityAndToolExecutionOnlyIn20251125) {
    open(json::object(), "2025-11-25");
    ASSERT_TRUE(init_result["capabilities"].contains("tasks"));
    EXPECT_TRUE(init_result["capabilities"]["tasks"]["requests"]["tools"].contains("call"));
    auto s = open(json::object(), "2025-11-25");
    const json tools = result_of(s, rpc(1, "tools/list"))["tools"];
    for (const auto& t : tools) {
        if (t["name"] == "work") {
            EXPECT_EQ(t["execution"]["taskSupport"], "optional");
        } else if (t["name"] == "must_task") {
            EXPECT_EQ(t["execution"]["taskSupport"], "required");
        } else if (t["name"] == "plain") {
            EXPECT_FALSE(t.contains("execution"));
        }
    }
    open(json::object(), "2025-06-18");
    EXPECT_FALSE(init_result["capabilities"].contains("tasks"));
}

TEST_F(TasksTest, LegacyCreateGetResultList) {
    auto s = open();
    const json created = result_of(s, legacy_task_call(1, "work", json{{"ms", 50}}, 60000));
    ASSERT_TRUE(created.contains("task")) << created.dump();
    const json task = created["task"];
    const std::string id = task["taskId"];
    EXPECT_EQ(id.size(), 32u);
    EXPECT_EQ(task["status"], "working");
    EXPECT_EQ(task["ttl"], 60000);
    EXPECT_GT(task["pollInterval"].get<int>(), 0);
    EXPECT_TRUE(task.contains("createdAt") && task.contains("lastUpdatedAt"));
    const json result = result_of(s, rpc(2, "tasks/result", json{{"taskId", id}}));
    EXPECT_EQ(result["content"][0]["text"], "worked as a task");
    EXPECT_EQ(result["_meta"]["io.modelcontextprotocol/related-task"]["taskId"], id);
    EXPECT_EQ(result_of(s, rpc(3, "tasks/get", json{{"taskId", id}}))["status"], "completed");
    const json listed = result_of(s, rpc(4, "tasks/list"));
    ASSERT_EQ(listed["tasks"].size(), 1u);
    EXPECT_EQ(listed["tasks"][0]["taskId"], id);
}

TEST_F(TasksTest, LegacyTtlIsClampedToTheMaximum) {
    auto s = open();
    const json task = result_of(s, legacy_task_call(1, "work", json{{"ms", 0}}, 2000000000))["task"];
    EXPECT_EQ(task["ttl"], 24 * 3600 * 1000);
}

TEST_F(TasksTest, LegacyErrorsOfTheRevision) {
    auto s = open();
    EXPECT_EQ(error_of(s, legacy_task_call(1, "plain"))["code"], -32601);       // forbidden tool, augmented
    EXPECT_EQ(error_of(s, call_tool(2, "must_task"))["code"], -32601);          // required tool, plain call
    EXPECT_EQ(error_of(s, rpc(3, "tasks/get", json{{"taskId", "nope"}}))["code"], -32602);
    EXPECT_EQ(error_of(s, rpc(4, "tasks/get", json::object()))["code"], -32602);
    EXPECT_EQ(error_of(s, rpc(5, "tasks/list", json{{"cursor", "bogus"}}))["code"], -32602);
    auto old = open(json::object(), "2025-06-18");
    EXPECT_EQ(error_of(old, rpc(6, "tasks/get", json{{"taskId", "x"}}))["code"], -32601);
}

TEST_F(TasksTest, LegacyToolErrorMakesTheTaskFailedAndResultCarriesIt) {
    auto s = open();
    const std::string id = result_of(s, legacy_task_call(1, "fails"))["task"]["taskId"];
    const json result = result_of(s, rpc(2, "tasks/result", json{{"taskId", id}}));
    EXPECT_TRUE(result["isError"].get<bool>());
    EXPECT_EQ(result_of(s, rpc(3, "tasks/get", json{{"taskId", id}}))["status"], "failed");
    const std::string id2 = result_of(s, legacy_task_call(4, "protocol_fails"))["task"]["taskId"];
    EXPECT_EQ(error_of(s, rpc(5, "tasks/result", json{{"taskId", id2}}))["code"], -32099);
}

TEST_F(TasksTest, LegacyCancelStopsTheHandlerAndTerminalCannotBeCancelled) {
    auto s = open();
    const std::string id = result_of(s, legacy_task_call(1, "work", json{{"ms", 30000}}))["task"]["taskId"];
    const json cancelled = result_of(s, rpc(2, "tasks/cancel", json{{"taskId", id}}));
    EXPECT_EQ(cancelled["status"], "cancelled");
    EXPECT_EQ(error_of(s, rpc(3, "tasks/cancel", json{{"taskId", id}}))["code"], -32602);
    for (int i = 0; i < 500 && core().tasks().running() > 0; ++i) std::this_thread::sleep_for(10ms);
    EXPECT_EQ(core().tasks().running(), 0u) << "the handler did not stop";
    EXPECT_EQ(result_of(s, rpc(4, "tasks/get", json{{"taskId", id}}))["status"], "cancelled");
}

TEST_F(TasksTest, LegacyInputWhileWaitingTravelsOnTasksResult) {
    auto s = open(json{{"elicitation", json::object()}});
    const std::string id = result_of(s, legacy_task_call(1, "ask"))["task"]["taskId"];
    const json waiting = wait_legacy(s, id, "input_required");
    EXPECT_EQ(waiting["statusMessage"], "asking");
    auto sink = std::make_shared<capture_sink>();
    core().handle(s, rpc(2, "tasks/result", json{{"taskId", id}}), sink);
    ASSERT_TRUE(sink->wait_sent(1));
    const json question = sink->sent()[0];
    EXPECT_EQ(question["method"], "elicitation/create");
    EXPECT_EQ(question["params"]["_meta"]["io.modelcontextprotocol/related-task"]["taskId"], id);
    auto answer_sink = std::make_shared<capture_sink>();
    core().handle(s,
                  json{{"jsonrpc", "2.0"},
                       {"id", question["id"]},
                       {"result", {{"action", "accept"}, {"content", {{"name", "Ada"}}}}}},
                  answer_sink);
    ASSERT_TRUE(sink->wait_finished());
    EXPECT_EQ(sink->reply().value()["result"]["content"][0]["text"], "hello Ada");
}

TEST_F(TasksTest, LegacyStatusNotificationsGoToTheSessionStream) {
    auto [s, notifier] = open_with_notifier();
    const std::string id = result_of(s, legacy_task_call(1, "work", json{{"ms", 0}}))["task"]["taskId"];
    json last;
    for (std::size_t n = 1; n < 4 && notifier->wait_sent(n); ++n) {
        last = notifier->sent()[n - 1];
        EXPECT_EQ(last["method"], "notifications/tasks/status");
        EXPECT_EQ(last["params"]["taskId"], id);
        if (last["params"]["status"] == "completed") break;
    }
    EXPECT_EQ(last["params"]["status"], "completed");
}

TEST_F(TasksTest, TasksAreBoundToTheCaller) {
    auto a = open();
    a->bind_subject("alice", "issuer|alice");
    auto b = open();
    b->bind_subject("bob", "issuer|bob");
    const std::string id = result_of(a, legacy_task_call(1, "work", json{{"ms", 0}}))["task"]["taskId"];
    EXPECT_EQ(error_of(b, rpc(2, "tasks/get", json{{"taskId", id}}))["code"], -32602);
    EXPECT_EQ(error_of(b, rpc(3, "tasks/cancel", json{{"taskId", id}}))["code"], -32602);
    EXPECT_EQ(error_of(b, rpc(4, "tasks/result", json{{"taskId", id}}))["code"], -32602);
    EXPECT_TRUE(result_of(b, rpc(5, "tasks/list"))["tasks"].empty());
    EXPECT_EQ(result_of(a, rpc(6, "tasks/list"))["tasks"].size(), 1u);
}

// ---- 2026-07-28 -------------------------------------------------------------------------------

TEST_F(TasksTest, ModernDiscoverAdvertisesTheExtensionNeverTasks) {
    const json r = modern_request(modern(1, "server/discover"))["result"];
    EXPECT_TRUE(r["capabilities"]["extensions"].contains("io.modelcontextprotocol/tasks"));
    EXPECT_FALSE(r["capabilities"].contains("tasks"));
}

TEST_F(TasksTest, ModernCreateIsFlatAndGetInlinesTheResult) {
    const json created = modern_request(modern_call(1, "work", json{{"ms", 20}}, tasks_ext))["result"];
    EXPECT_EQ(created["resultType"], "task");
    for (const char* absent : {"task", "result", "error", "inputRequests", "requestState", "ttl", "pollInterval"})
        EXPECT_FALSE(created.contains(absent)) << absent;
    EXPECT_GT(created["ttlMs"].get<std::int64_t>(), 0);
    EXPECT_GT(created["pollIntervalMs"].get<std::int64_t>(), 0);
    const json done = wait_modern(created["taskId"], "completed");
    EXPECT_EQ(done["result"]["content"][0]["text"], "worked as a task");
    EXPECT_EQ(modern_get(created["taskId"])["result"]["resultType"], "complete");
}

TEST_F(TasksTest, ModernNegotiationIsPerRequest) {
    const json plain = modern_request(modern_call(1, "work", json{{"ms", 0}}, json::object()))["result"];
    EXPECT_EQ(plain["content"][0]["text"], "worked");
    const json refused = modern_request(modern_call(2, "must_task", json::object(), json::object()))["error"];
    EXPECT_EQ(refused["code"], -32021);
    EXPECT_TRUE(refused["data"]["requiredCapabilities"]["extensions"].contains("io.modelcontextprotocol/tasks"));
    EXPECT_EQ(modern_get("whatever", json::object())["error"]["code"], -32021);
    EXPECT_EQ(modern_request(modern(3, "tasks/result", json{{"taskId", "x"}}, tasks_ext))["error"]["code"], -32601);
    EXPECT_EQ(modern_request(modern(4, "tasks/list", json::object(), tasks_ext))["error"]["code"], -32601);
    EXPECT_EQ(modern_get("unknown")["error"]["code"], -32602);
}

TEST_F(TasksTest, ModernToolErrorCompletesAndProtocolErrorFails) {
    const std::string a = modern_request(modern_call(1, "fails", json::object(), tasks_ext))["result"]["taskId"];
    EXPECT_TRUE(wait_modern(a, "completed")["result"]["isError"].get<bool>());
    const std::string b =
        modern_request(modern_call(2, "protocol_fails", json::object(), tasks_ext))["result"]["taskId"];
    const json failed = wait_modern(b, "failed");
    EXPECT_EQ(failed["error"]["code"], -32099);
    EXPECT_FALSE(failed.contains("result"));
}

TEST_F(TasksTest, ModernUpdateAppliesPartialAnswersBeforeTheAck) {
    const std::string id =
        modern_request(modern_call(1, "ask_two", json::object(), tasks_ext_elicit))["result"]["taskId"];
    json waiting;
    for (int i = 0; i < 500; ++i) {
        waiting = wait_modern(id, "input_required");
        if (waiting["inputRequests"].size() == 2) break;
        std::this_thread::sleep_for(10ms);
    }
    ASSERT_EQ(waiting["inputRequests"].size(), 2u) << waiting.dump();
    EXPECT_EQ(waiting["inputRequests"]["a"]["method"], "elicitation/create");
    const json ack = modern_request(
        modern(2, "tasks/update",
               json{{"taskId", id},
                    {"inputResponses", {{"a", {{"action", "accept"}, {"content", {{"name", "x"}}}}}, {"zz", 1}}}},
               tasks_ext))["result"];
    EXPECT_EQ(ack["resultType"], "complete");
    const json partial = modern_get(id)["result"];
    EXPECT_EQ(partial["status"], "input_required");
    EXPECT_EQ(keys_of(partial["inputRequests"]), std::vector<std::string>{"b"});
    modern_request(
        modern(3, "tasks/update",
               json{{"taskId", id}, {"inputResponses", {{"b", {{"action", "accept"}, {"content", {{"name", "y"}}}}}}}},
               tasks_ext));
    EXPECT_EQ(wait_modern(id, "completed")["result"]["content"][0]["text"], "x+y");
}

TEST_F(TasksTest, ModernCancelIsAcknowledgedEvenWhenTerminal) {
    const std::string id =
        modern_request(modern_call(1, "work", json{{"ms", 30000}}, tasks_ext))["result"]["taskId"];
    const json ack = modern_request(modern(2, "tasks/cancel", json{{"taskId", id}}, tasks_ext));
    EXPECT_EQ(ack["result"]["resultType"], "complete");
    EXPECT_EQ(modern_get(id)["result"]["status"], "cancelled");
    EXPECT_EQ(modern_request(modern(3, "tasks/cancel", json{{"taskId", id}}, tasks_ext))["result"]["resultType"],
              "complete");
}

TEST_F(TasksTest, ModernRoundsThenATask) {
    const json round1 = modern_request(modern_call(1, "rounds_then_task", json::object(), tasks_ext_elicit))["result"];
    ASSERT_EQ(round1["resultType"], "input_required") << round1.dump();
    EXPECT_FALSE(round1.contains("taskId"));
    json params{{"name", "rounds_then_task"},
                {"arguments", json::object()},
                {"inputResponses", {{"who", {{"action", "accept"}, {"content", {{"name", "Alice"}}}}}}},
                {"requestState", round1["requestState"]}};
    const json round2 = modern_request(modern(2, "tools/call", params, tasks_ext_elicit))["result"];
    ASSERT_EQ(round2["resultType"], "task") << round2.dump();
    EXPECT_FALSE(round2.contains("requestState"));
    EXPECT_EQ(wait_modern(round2["taskId"], "completed")["result"]["content"][0]["text"], "Alice in a task");
}

TEST_F(TasksTest, ListenDeliversNotificationsOfWatchedTasks) {
    const std::string id = modern_request(modern_call(1, "work", json{{"ms", 300}}, tasks_ext))["result"]["taskId"];
    auto s = std::make_shared<session_state>("", "fallback");
    auto stream = std::make_shared<capture_sink>();
    core().serve_modern(
        s, modern(2, "subscriptions/listen", json{{"notifications", {{"taskIds", {id, "unknown"}}}}}, tasks_ext),
        stream);
    ASSERT_TRUE(stream->wait_sent(1));
    EXPECT_EQ(stream->sent()[0]["params"]["notifications"]["taskIds"], json::array({id}));
    json note;  // the creation may be reported too when the stream opened quickly enough
    for (std::size_t n = 2; n < 5 && stream->wait_sent(n); ++n) {
        note = stream->sent()[n - 1];
        EXPECT_EQ(note["method"], "notifications/tasks");
        if (note["params"]["status"] == "completed") break;
    }
    EXPECT_EQ(note["params"]["taskId"], id);
    EXPECT_EQ(note["params"]["status"], "completed");
    EXPECT_EQ(note["params"]["result"]["content"][0]["text"], "worked as a task");
    core().end_listens();
}

TEST_F(TasksTest, ATaskMadeInA2025SessionIsReachedFrom2026) {
    auto s = open();  // the fixture's user id "tester" binds both eras' anonymous callers alike
    const std::string id = result_of(s, legacy_task_call(1, "work", json{{"ms", 0}}))["task"]["taskId"];
    EXPECT_EQ(wait_modern(id, "completed")["result"]["content"][0]["text"], "worked as a task");
}

TEST_F(TasksTest, LongTasksDoNotStarvePlainCalls) {
    auto s = open();
    std::vector<std::string> ids;  // more tasks than the fixture's worker pool has threads (2)
    for (int i = 0; i < 4; ++i)
        ids.push_back(result_of(s, legacy_task_call(10 + i, "work", json{{"ms", 30000}}))["task"]["taskId"]);
    EXPECT_EQ(result_of(s, call_tool(20, "plain"))["content"][0]["text"], "plain");
    for (const auto& id : ids) {
        EXPECT_EQ(result_of(s, rpc(30, "tasks/get", json{{"taskId", id}}))["status"], "working");
        result_of(s, rpc(31, "tasks/cancel", json{{"taskId", id}}));
    }
}

TEST_F(TasksTest, CancellingAHandlerThatIgnoresItStillReportsCancelled) {
    auto s = open();
    const std::string id = result_of(s, legacy_task_call(1, "stubborn"))["task"]["taskId"];
    EXPECT_EQ(result_of(s, rpc(2, "tasks/cancel", json{{"taskId", id}}))["status"], "cancelled");
    release_ = true;
    for (int i = 0; i < 500 && core().tasks().running() > 0; ++i) std::this_thread::sleep_for(10ms);
    EXPECT_EQ(result_of(s, rpc(3, "tasks/get", json{{"taskId", id}}))["status"], "cancelled");
}

TEST_F(TasksTest, ShutdownEndsRunningTasksFailed) {
    auto s = open();
    const std::string id = result_of(s, legacy_task_call(1, "work", json{{"ms", 30000}}))["task"]["taskId"];
    core().stop_all_calls();
    const json task = result_of(s, rpc(2, "tasks/get", json{{"taskId", id}}));
    EXPECT_EQ(task["status"], "failed");
}

}  // namespace
}  // namespace arcade_mcp::detail
