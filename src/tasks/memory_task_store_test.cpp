// The in-memory task store: the status machine, TTLs and expiry, caps, owner binding, questions and
// answers, list paging, waiting for a change, and memory returning to baseline.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <unordered_set>

#include "tasks/task_store.hpp"

namespace arcade_mcp::tasks {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

task_limits small_limits() {
    task_limits limits;
    limits.default_ttl = 10min;
    limits.max_ttl = 1h;
    limits.poll_interval = 250ms;
    limits.max_per_owner = 5;
    limits.max_total = 8;
    return limits;
}

task_record create_ok(task_store& store, const std::string& owner, std::optional<std::chrono::milliseconds> ttl = {}) {
    auto created = store.create(owner, ttl, "replica-1");
    EXPECT_EQ(created.refused, create_refusal::none);
    if (!created.task) throw std::runtime_error("create refused");
    return *created.task;
}

json question(const std::string& method) {
    return {{"method", method}, {"params", json::object()}};
}

bool is_lower_hex(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

TEST(TaskStoreTest, StatusNamesRoundTrip) {
    for (const auto s : {task_status::working, task_status::input_required, task_status::completed, task_status::failed,
                         task_status::cancelled}) {
        EXPECT_EQ(parse_status(to_string(s)), s);
    }
    EXPECT_EQ(to_string(task_status::input_required), "input_required");
    EXPECT_FALSE(parse_status("Working"));
    EXPECT_FALSE(parse_status(""));
    EXPECT_FALSE(is_terminal(task_status::input_required));
    EXPECT_TRUE(is_terminal(task_status::cancelled));
}

TEST(TaskStoreTest, Iso8601IsUtcWithMilliseconds) {
    EXPECT_EQ(iso8601(0), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(iso8601(1796630400123), "2026-12-07T08:00:00.123Z");
    EXPECT_EQ(iso8601(-1), "1969-12-31T23:59:59.999Z");
    const auto now = now_ms();
    EXPECT_GT(now, 1700000000000);  // after November 2023: milliseconds, not seconds
}

TEST(MemoryTaskStoreTest, CreateFillsTheRecord) {
    auto store = make_memory_task_store(small_limits());
    const auto t = create_ok(*store, "alice");
    EXPECT_EQ(t.id.size(), 32u);
    EXPECT_TRUE(is_lower_hex(t.id)) << t.id;
    EXPECT_EQ(t.owner, "alice");
    EXPECT_EQ(t.runner, "replica-1");
    EXPECT_EQ(t.status, task_status::working);
    EXPECT_EQ(t.ttl_ms, 600000);
    EXPECT_EQ(t.poll_interval_ms, 250);
    EXPECT_EQ(t.created_at_ms, t.last_updated_at_ms);
    EXPECT_TRUE(t.outcome.is_null());
    EXPECT_FALSE(store->shared());
    EXPECT_EQ(store->size(), 1u);
    const auto loaded = store->load(t.id);
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->version, t.version);
}

TEST(MemoryTaskStoreTest, IdsAreDistinctHex) {
    task_limits limits;
    limits.max_per_owner = 1000;
    auto store = make_memory_task_store(limits);
    std::unordered_set<std::string> ids;
    for (int i = 0; i < 1000; ++i) {
        const auto t = create_ok(*store, "alice");
        ASSERT_EQ(t.id.size(), 32u);
        ASSERT_TRUE(is_lower_hex(t.id)) << t.id;
        ids.insert(t.id);
    }
    EXPECT_EQ(ids.size(), 1000u);
}

TEST(MemoryTaskStoreTest, TtlIsClamped) {
    auto store = make_memory_task_store(small_limits());
    EXPECT_EQ(create_ok(*store, "a", 48h).ttl_ms, 3600000);
    EXPECT_EQ(create_ok(*store, "a", 90s).ttl_ms, 90000);
    EXPECT_EQ(create_ok(*store, "a", 0ms).ttl_ms, 1);
    EXPECT_EQ(create_ok(*store, "a", -5ms).ttl_ms, 1);
    EXPECT_EQ(create_ok(*store, "b", std::nullopt).ttl_ms, 600000);
}

TEST(MemoryTaskStoreTest, ExpiredTaskIsGoneEverywhere) {
    auto store = make_memory_task_store(small_limits());
    const auto t = create_ok(*store, "alice", 20ms);
    EXPECT_EQ(t.ttl_ms, 20);
    std::this_thread::sleep_for(60ms);
    EXPECT_FALSE(store->get(t.id, "alice"));
    EXPECT_FALSE(store->load(t.id));
    EXPECT_FALSE(store->cancel(t.id, "alice"));
    EXPECT_FALSE(store->answer(t.id, "alice", json::object()).found);
    EXPECT_FALSE(store->finish(t.id, task_status::completed, json{{"result", json::object()}}));
    EXPECT_FALSE(store->ask(t.id, {{"k", question("elicitation/create")}}));
    EXPECT_EQ(store->take_answers(t.id), json::object());
    EXPECT_EQ(store->list("alice", "", 10)->tasks.size(), 0u);
    EXPECT_EQ(store->size(), 0u);
}

TEST(MemoryTaskStoreTest, CapsCountLiveTasksPerOwnerAndInTotal) {
    auto store = make_memory_task_store(small_limits());  // 5 per owner, 8 in all
    for (int i = 0; i < 5; ++i) create_ok(*store, "alice");
    const auto sixth = store->create("alice", std::nullopt, "r");
    EXPECT_FALSE(sixth.task);
    EXPECT_EQ(sixth.refused, create_refusal::owner_cap);
    for (int i = 0; i < 3; ++i) create_ok(*store, "bob", 300ms);  // long enough to outlast the next lines
    const auto ninth = store->create("carol", std::nullopt, "r");
    EXPECT_FALSE(ninth.task);
    EXPECT_EQ(ninth.refused, create_refusal::total_cap);
    EXPECT_EQ(store->size(), 8u);

    std::this_thread::sleep_for(400ms);  // bob's tasks expire and free room in the total
    create_ok(*store, "carol");
    EXPECT_EQ(store->create("alice", std::nullopt, "r").refused, create_refusal::owner_cap);
}

TEST(MemoryTaskStoreTest, FinishedTasksFreeNoRoom) {
    auto store = make_memory_task_store(small_limits());
    for (int i = 0; i < 5; ++i) {
        const auto t = create_ok(*store, "alice");
        store->finish(t.id, task_status::completed, json{{"result", json::object()}});
    }
    EXPECT_EQ(store->create("alice", std::nullopt, "r").refused, create_refusal::owner_cap)
        << "a finished task lives until its TTL";
}

TEST(MemoryTaskStoreTest, AnotherOwnersTaskIsUnknown) {
    auto store = make_memory_task_store(small_limits());
    const auto t = create_ok(*store, "alice");
    ASSERT_TRUE(store->ask(t.id, {{"k", question("elicitation/create")}}));
    EXPECT_FALSE(store->get(t.id, "mallory"));
    EXPECT_FALSE(store->cancel(t.id, "mallory"));
    const auto answered = store->answer(t.id, "mallory", {{"k", {{"action", "accept"}}}});
    EXPECT_FALSE(answered.found);
    EXPECT_TRUE(answered.accepted.empty());
    EXPECT_TRUE(store->list("mallory", "", 10)->tasks.empty());

    const auto after = store->get(t.id, "alice");
    ASSERT_TRUE(after);
    EXPECT_EQ(after->status, task_status::input_required);
    EXPECT_FALSE(after->cancel_requested);
    EXPECT_TRUE(after->input_requests.contains("k"));
}

TEST(MemoryTaskStoreTest, FinishFirstWinsAndTerminalNeverChanges) {
    auto store = make_memory_task_store(small_limits());
    const auto t = create_ok(*store, "alice");
    ASSERT_TRUE(store->finish(t.id, task_status::completed, json{{"result", {{"n", 1}}}}));
    const auto done = store->load(t.id);
    ASSERT_TRUE(done);
    EXPECT_FALSE(store->finish(t.id, task_status::failed, json{{"error", {{"code", -32603}}}}));
    EXPECT_FALSE(store->ask(t.id, {{"k", question("sampling/createMessage")}}));
    EXPECT_FALSE(store->set_status_message(t.id, "late"));
    const auto cancelled = store->cancel(t.id, "alice");
    ASSERT_TRUE(cancelled);
    EXPECT_EQ(cancelled->status, task_status::completed);
    EXPECT_FALSE(cancelled->cancel_requested);

    const auto after = store->load(t.id);
    ASSERT_TRUE(after);
    EXPECT_EQ(after->status, task_status::completed);
    EXPECT_EQ(after->outcome, (json{{"result", {{"n", 1}}}}));
    EXPECT_EQ(after->status_message, "");
    EXPECT_EQ(after->version, done->version);
    EXPECT_THROW(store->finish(t.id, task_status::working, json()), std::invalid_argument);
}

TEST(MemoryTaskStoreTest, CancelStopsARunningTask) {
    auto store = make_memory_task_store(small_limits());
    const auto t = create_ok(*store, "alice");
    const auto cancelled = store->cancel(t.id, "alice");
    ASSERT_TRUE(cancelled);
    EXPECT_EQ(cancelled->status, task_status::cancelled);
    EXPECT_TRUE(cancelled->cancel_requested);
    EXPECT_EQ(cancelled->outcome, (json{{"error", {{"code", -32800}, {"message", "Task cancelled"}}}}));
    EXPECT_GT(cancelled->version, t.version);
    EXPECT_FALSE(store->finish(t.id, task_status::completed, json{{"result", json::object()}}))
        << "the runner finishing after the cancel loses";
    EXPECT_EQ(store->load(t.id)->status, task_status::cancelled);
}

TEST(MemoryTaskStoreTest, StatusMessageOnlyWhileRunning) {
    auto store = make_memory_task_store(small_limits());
    const auto t = create_ok(*store, "alice");
    ASSERT_TRUE(store->set_status_message(t.id, "halfway"));
    const auto mid = store->load(t.id);
    EXPECT_EQ(mid->status_message, "halfway");
    EXPECT_GT(mid->version, t.version);
    EXPECT_GE(mid->last_updated_at_ms, t.last_updated_at_ms);
    store->finish(t.id, task_status::failed, json{{"error", {{"code", -32603}, {"message", "boom"}}}});
    EXPECT_FALSE(store->set_status_message(t.id, "after"));
    EXPECT_EQ(store->load(t.id)->status_message, "halfway");
    EXPECT_FALSE(store->set_status_message("0123456789abcdef0123456789abcdef", "x"));
}

TEST(MemoryTaskStoreTest, PartialAnswersKeepTheRestOutstanding) {
    auto store = make_memory_task_store(small_limits());
    const auto t = create_ok(*store, "alice");
    ASSERT_TRUE(store->ask(t.id, {{"a", question("elicitation/create")}, {"b", question("sampling/createMessage")}}));
    EXPECT_EQ(store->load(t.id)->status, task_status::input_required);

    const auto first = store->answer(t.id, "alice", {{"a", {{"action", "accept"}}}, {"zzz", 1}});
    EXPECT_TRUE(first.found);
    EXPECT_EQ(first.accepted, std::vector<std::string>{"a"});
    auto now = store->get(t.id, "alice");
    EXPECT_EQ(now->status, task_status::input_required);
    EXPECT_EQ(now->input_requests, (json{{"b", question("sampling/createMessage")}}));
    EXPECT_EQ(now->input_responses, (json{{"a", {{"action", "accept"}}}}));

    EXPECT_TRUE(store->answer(t.id, "alice", {{"a", "again"}}).accepted.empty()) << "a is no longer outstanding";
    EXPECT_EQ(store->answer(t.id, "alice", {{"b", {{"role", "assistant"}}}}).accepted, std::vector<std::string>{"b"});
    now = store->get(t.id, "alice");
    EXPECT_EQ(now->status, task_status::working);
    EXPECT_TRUE(now->input_requests.empty());
    EXPECT_EQ(now->asked_keys, (std::vector<std::string>{"a", "b"}));

    EXPECT_EQ(store->take_answers(t.id), (json{{"a", {{"action", "accept"}}}, {"b", {{"role", "assistant"}}}}));
    EXPECT_EQ(store->take_answers(t.id), json::object());
}

TEST(MemoryTaskStoreTest, AKeyIsAskedOnlyOnce) {
    auto store = make_memory_task_store(small_limits());
    const auto t = create_ok(*store, "alice");
    ASSERT_TRUE(store->ask(t.id, {{"a", question("elicitation/create")}}));
    store->answer(t.id, "alice", {{"a", 1}});
    ASSERT_TRUE(store->ask(t.id, {{"a", question("elicitation/create")}}));
    const auto r = store->load(t.id);
    EXPECT_EQ(r->status, task_status::working) << "a repeated key is not asked again";
    EXPECT_TRUE(r->input_requests.empty());
    EXPECT_EQ(r->asked_keys, std::vector<std::string>{"a"});
}

TEST(MemoryTaskStoreTest, CancelWhileWaitingForInput) {
    auto store = make_memory_task_store(small_limits());
    const auto t = create_ok(*store, "alice");
    ASSERT_TRUE(store->ask(t.id, {{"a", question("elicitation/create")}}));
    EXPECT_EQ(store->cancel(t.id, "alice")->status, task_status::cancelled);
    const auto late = store->answer(t.id, "alice", {{"a", 1}});
    EXPECT_TRUE(late.found);
    EXPECT_TRUE(late.accepted.empty()) << "a finished task takes no answers";
    EXPECT_EQ(store->load(t.id)->status, task_status::cancelled);
}

TEST(MemoryTaskStoreTest, ListPagesInCreationOrder) {
    task_limits limits;
    auto store = make_memory_task_store(limits);
    std::vector<std::string> mine;
    for (int i = 0; i < 5; ++i) {
        mine.push_back(create_ok(*store, "alice").id);
        create_ok(*store, "bob");
    }
    std::vector<std::string> seen;
    std::string cursor;
    int pages = 0;
    for (;; ++pages) {
        const auto page = store->list("alice", cursor, 2);
        ASSERT_TRUE(page) << cursor;
        ASSERT_LE(page->tasks.size(), 2u);
        for (const auto& t : page->tasks) seen.push_back(t.id);
        if (!page->next_cursor) break;
        cursor = *page->next_cursor;
        ASSERT_LT(pages, 10);
    }
    EXPECT_EQ(pages, 2);  // pages 0, 1 and 2: 2 + 2 + 1
    EXPECT_EQ(seen, mine);
    EXPECT_EQ(store->list("alice", "", 100)->tasks.size(), 5u);
    EXPECT_FALSE(store->list("alice", "", 5)->next_cursor) << "no cursor when nothing is left";
}

TEST(MemoryTaskStoreTest, ListRefusesCursorsItDidNotMake) {
    auto store = make_memory_task_store(small_limits());
    for (int i = 0; i < 3; ++i) create_ok(*store, "alice");
    const auto page = store->list("alice", "", 1);
    ASSERT_TRUE(page && page->next_cursor);
    EXPECT_TRUE(store->list("alice", *page->next_cursor, 1));
    for (const char* bad : {"x", "c", "c-1", "c0", "c01", "c1x", "c99999", "C1", " c1", "c18446744073709551616"}) {
        EXPECT_FALSE(store->list("alice", bad, 10)) << bad;
    }
}

TEST(MemoryTaskStoreTest, WaitForChangeWakesOnAChange) {
    auto store = make_memory_task_store(small_limits());
    const auto t = create_ok(*store, "alice");
    std::thread runner([&] {
        std::this_thread::sleep_for(30ms);
        store->set_status_message(t.id, "progress");
    });
    const auto deadline = steady::now() + 10s;
    const auto changed = store->wait_for_change(t.id, t.version, deadline);
    EXPECT_LT(steady::now(), deadline) << "woken by the change, not by the deadline";
    runner.join();
    ASSERT_TRUE(changed);
    EXPECT_NE(changed->version, t.version);
    EXPECT_EQ(changed->status_message, "progress");
}

TEST(MemoryTaskStoreTest, WaitForChangeTimesOut) {
    auto store = make_memory_task_store(small_limits());
    const auto t = create_ok(*store, "alice");
    const auto start = steady::now();
    const auto same = store->wait_for_change(t.id, t.version, start + 30ms);
    ASSERT_TRUE(same);
    EXPECT_EQ(same->version, t.version);
    EXPECT_GE(steady::now() - start, 30ms);

    const auto already = store->wait_for_change(t.id, t.version - 1, steady::now() + 10s);
    ASSERT_TRUE(already);
    EXPECT_EQ(already->version, t.version);
    EXPECT_FALSE(store->wait_for_change("0123456789abcdef0123456789abcdef", 0, steady::now() + 10s));
}

TEST(MemoryTaskStoreTest, WaitForChangeSeesTheTaskExpire) {
    auto store = make_memory_task_store(small_limits());
    const auto t = create_ok(*store, "alice", 30ms);
    EXPECT_FALSE(store->wait_for_change(t.id, t.version, steady::now() + 10s));
}

TEST(MemoryTaskStoreTest, TenThousandAbandonedTasksReturnMemoryToBaseline) {
    task_limits limits;
    limits.max_per_owner = 10000;
    limits.max_total = 10000;
    auto store = make_memory_task_store(limits);
    for (int i = 0; i < 10000; ++i) {
        const auto created = store->create("owner-" + std::to_string(i % 7), 1ms, "r");
        ASSERT_TRUE(created.task) << "create " << i << " refused";
    }
    std::this_thread::sleep_for(20ms);
    create_ok(*store, "owner-0", 1h);
    EXPECT_EQ(store->size(), 1u);
    EXPECT_EQ(store->list("owner-0", "", 100)->tasks.size(), 1u);
}

}  // namespace
}  // namespace arcade_mcp::tasks
