// Tests for the Redis task store (tasks/redis_task_store.hpp) against a real redis-server started
// on a free local port for each test (password and a non-zero database, so AUTH and SELECT run).
// redis-server is a declared test dependency: without it these tests fail, they do not skip.
#include "tasks/redis_task_store.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <future>
#include <thread>
#include <vector>

extern char** environ;

namespace arcade_mcp::tasks {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

constexpr const char* password = "s3cret-redis-pw";
const json stale_outcome = {
    {"error", {{"code", -32603}, {"message", "The server running this task stopped before it finished"}}}};
const json cancelled_outcome = {{"error", {{"code", -32800}, {"message", "Task cancelled"}}}};

int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
        port = ntohs(addr.sin_port);
    ::close(fd);
    return port;
}

/// Polls `done` every 20 ms for at most 5 s.
template <typename F>
bool eventually(F done) {
    const auto deadline = steady::now() + 5s;
    while (!done()) {
        if (steady::now() > deadline) return false;
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

class RedisTaskStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        ::signal(SIGPIPE, SIG_IGN);  // as the server does (app/run.cpp): a dead Redis must not kill us
        port_ = free_port();
        ASSERT_NE(port_, 0) << "no free local port";
        const std::string error = start();
        ASSERT_TRUE(error.empty()) << error;
    }
    void TearDown() override { stop(); }

    /// Starts redis-server on port_ and waits (at most 5 s) until it answers; "" or what went wrong.
    std::string start() {
        const std::string port = std::to_string(port_);
        std::vector<std::string> args{"redis-server", "--port", port,          "--bind", "127.0.0.1",     "--save", "",
                                      "--appendonly", "no",     "--daemonize", "no",     "--requirepass", password};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
        const int rc = posix_spawnp(&pid_, "redis-server", &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) {
            pid_ = -1;
            return std::string("cannot start redis-server (") + std::strerror(rc) +
                   "): it is a declared test dependency (Debian package redis-server)";
        }
        const auto deadline = steady::now() + 5s;
        while (steady::now() < deadline) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return "redis-server exited at start (port " + port + " taken?)";
            }
            redisContext* c = redisConnectWithTimeout("127.0.0.1", port_, timeval{0, 200000});
            const bool up = c != nullptr && c->err == 0;
            if (up) freeReplyObject(redisCommand(c, "PING"));  // any reply, even NOAUTH, means it is up
            if (c != nullptr) redisFree(c);
            if (up) return "";
            std::this_thread::sleep_for(20ms);
        }
        stop();
        return "redis-server did not accept connections within 5 s";
    }

    void stop() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGTERM);
        while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) continue;
        pid_ = -1;
    }

    redis_settings settings(int database = 3) const {
        redis_settings s;  // host: 127.0.0.1 by default
        s.port = port_;
        s.database = database;
        s.password = password;
        s.key_prefix = "test:task:";
        return s;
    }

    std::unique_ptr<task_store> store(task_limits limits = {}, int database = 3) const {
        return make_redis_task_store(settings(database), limits);
    }

    /// PTTL of a task's hash, read directly (-2: no such key; -100: no answer).
    long long pttl(const std::string& id) const {
        redisContext* c = redisConnect("127.0.0.1", port_);
        freeReplyObject(redisCommand(c, "AUTH %s", password));
        freeReplyObject(redisCommand(c, "SELECT 3"));
        auto* r = static_cast<redisReply*>(redisCommand(c, "PTTL test:task:%s", id.c_str()));
        const long long out = r != nullptr && r->type == REDIS_REPLY_INTEGER ? r->integer : -100;
        freeReplyObject(r);
        redisFree(c);
        return out;
    }

    static task_record must_create(task_store& s, const std::string& owner,
                                   std::optional<std::chrono::milliseconds> ttl = std::nullopt) {
        auto created = s.create(owner, ttl, "replica-1");
        if (!created.task) throw std::runtime_error("create refused");
        return *created.task;
    }

    int port_ = 0;
    pid_t pid_ = -1;
};

TEST_F(RedisTaskStoreTest, CreatesAndReadsBack) {
    task_limits limits;
    limits.poll_interval = 750ms;
    auto s = store(limits);
    EXPECT_TRUE(s->shared());
    const auto created = s->create("alice", std::nullopt, "replica-1");
    ASSERT_TRUE(created.task);
    EXPECT_EQ(created.refused, create_refusal::none);
    const task_record& t = *created.task;
    EXPECT_TRUE(t.id.size() == 32 && t.id.find_first_not_of("0123456789abcdef") == std::string::npos) << t.id;
    EXPECT_EQ(t.owner, "alice");
    EXPECT_EQ(t.runner, "replica-1");
    EXPECT_EQ(t.status, task_status::working);
    EXPECT_EQ(t.ttl_ms, 3600000);
    EXPECT_EQ(t.poll_interval_ms, 750);
    EXPECT_EQ(t.version, 1u);
    EXPECT_TRUE(t.outcome.is_null());
    EXPECT_EQ(t.input_requests, json::object());
    EXPECT_TRUE(t.asked_keys.empty());
    EXPECT_EQ(t.heartbeat_ms, 0);
    EXPECT_LT(std::abs(t.created_at_ms - now_ms()), 60000);  // Redis's clock is this machine's
    EXPECT_EQ(t.last_updated_at_ms, t.created_at_ms);

    const auto got = s->get(t.id, "alice");
    ASSERT_TRUE(got);
    EXPECT_TRUE(got->id == t.id && got->created_at_ms == t.created_at_ms && got->version == 1u);
    EXPECT_EQ(s->load(t.id).value_or(task_record{}).owner, "alice");
    EXPECT_EQ(s->size(), 1u);
}

TEST_F(RedisTaskStoreTest, AnotherOwnersTaskIsUnknown) {
    auto s = store();
    const auto t = must_create(*s, "alice");
    EXPECT_FALSE(s->get(t.id, "bob"));
    EXPECT_FALSE(s->cancel(t.id, "bob"));
    EXPECT_FALSE(s->answer(t.id, "bob", {{"k", 1}}).found);
    EXPECT_TRUE(s->list("bob", "", 10)->tasks.empty());
    EXPECT_EQ(s->get(t.id, "alice")->status, task_status::working);  // bob's cancel did nothing
    // Ids that create never makes are unknown, and never reach another key.
    for (const std::string& bad :
         std::vector<std::string>{"", "owner:x", "all", "seq", std::string(32, 'A'), t.id + "0"}) {
        EXPECT_FALSE(s->get(bad, "alice")) << bad;
        EXPECT_FALSE(s->load(bad)) << bad;
        EXPECT_FALSE(s->finish(bad, task_status::completed, json::object())) << bad;
    }
}

TEST_F(RedisTaskStoreTest, ListsInCreationOrderWithPages) {
    auto s = store();
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) {
        ids.push_back(must_create(*s, "alice").id);
        must_create(*s, "bob");
    }
    std::vector<std::string> seen;
    std::string cursor;
    int pages = 0;
    for (;; ++pages) {
        const auto page = s->list("alice", cursor, 2);
        ASSERT_TRUE(page);
        EXPECT_LE(page->tasks.size(), 2u);
        for (const auto& t : page->tasks) seen.push_back(t.id);
        if (!page->next_cursor) break;
        cursor = *page->next_cursor;
        ASSERT_LT(pages, 10);
    }
    EXPECT_EQ(seen, ids);
    EXPECT_EQ(pages, 2);  // three pages: 2 + 2 + 1
    const auto all = s->list("alice", "", 100);
    ASSERT_EQ(all->tasks.size(), 5u);
    EXPECT_FALSE(all->next_cursor);
    EXPECT_EQ(s->list("alice", "", 0)->tasks.size(), 1u);  // a zero limit still pages
    EXPECT_TRUE(s->list("carol", "", 10)->tasks.empty());
    for (const std::string& bad : std::vector<std::string>{"x", "c", "c1", "c0:" + ids[0], "c01:" + ids[0], "c1:zz",
                                                           "c1:" + ids[0] + "0", "c-1:" + ids[0], "1:" + ids[0]})
        EXPECT_FALSE(s->list("alice", bad, 10)) << bad;
}

TEST_F(RedisTaskStoreTest, EnforcesOwnerAndTotalCapsAtomically) {
    task_limits limits;
    limits.max_per_owner = 2;
    limits.max_total = 3;
    auto s = store(limits);
    must_create(*s, "alice");
    must_create(*s, "alice");
    EXPECT_EQ(s->create("alice", std::nullopt, "r").refused, create_refusal::owner_cap);
    must_create(*s, "bob");
    EXPECT_EQ(s->create("carol", std::nullopt, "r").refused, create_refusal::total_cap);
    EXPECT_EQ(s->create("bob", std::nullopt, "r").refused, create_refusal::total_cap);
    EXPECT_EQ(s->size(), 3u);

    // Two replicas racing for one owner's slots: the cap holds exactly.
    limits.max_total = 1000;
    limits.max_per_owner = 5;
    auto a = store(limits), b = store(limits);
    std::atomic<int> made{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&, i] {
            for (int j = 0; j < 3; ++j)
                if ((i % 2 == 0 ? a : b)->create("dave", std::nullopt, "r").task) ++made;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(made.load(), 5);
}

TEST_F(RedisTaskStoreTest, ClampsTtlAndExpires) {
    task_limits limits;
    limits.default_ttl = 2s;
    limits.max_ttl = 10s;
    limits.max_per_owner = 1;
    auto s = store(limits);
    const auto clamped = must_create(*s, "alice", std::chrono::hours(1));
    EXPECT_EQ(clamped.ttl_ms, 10000);
    EXPECT_GT(pttl(clamped.id), 0);
    EXPECT_LE(pttl(clamped.id), 10000);
    EXPECT_EQ(must_create(*s, "bob").ttl_ms, 2000);

    const auto brief = must_create(*s, "carol", 50ms);
    EXPECT_EQ(brief.ttl_ms, 50);
    EXPECT_EQ(s->create("carol", std::nullopt, "r").refused, create_refusal::owner_cap);
    ASSERT_TRUE(eventually([&] { return !s->get(brief.id, "carol"); })) << "the 50 ms task never expired";
    EXPECT_EQ(pttl(brief.id), -2);
    EXPECT_FALSE(s->load(brief.id));
    EXPECT_TRUE(s->list("carol", "", 10)->tasks.empty());
    EXPECT_TRUE(s->create("carol", std::nullopt, "r").task);  // the expired task freed its slot
    EXPECT_EQ(s->size(), 3u);
}

TEST_F(RedisTaskStoreTest, AsksAndAcceptsOnlyOutstandingAnswers) {
    auto s = store();
    const auto t = must_create(*s, "alice");
    const json question = {{"method", "elicitation/create"}, {"params", {{"message", "Which?"}}}};
    ASSERT_TRUE(s->ask(t.id, {{"a", question}, {"b", question}}));
    auto now = *s->get(t.id, "alice");
    EXPECT_EQ(now.status, task_status::input_required);
    EXPECT_EQ(now.input_requests, json({{"a", question}, {"b", question}}));
    EXPECT_GT(now.version, t.version);

    // JSON that Redis's own cjson would mangle ([] -> {}, big integers) survives byte for byte.
    const json first = {{"action", "accept"}, {"content", json::array()}, {"n", 18446744073709551615ull}};
    const auto partial = s->answer(t.id, "alice", {{"a", first}, {"zzz", 1}});
    EXPECT_TRUE(partial.found);
    EXPECT_EQ(partial.accepted, std::vector<std::string>{"a"});
    now = *s->get(t.id, "alice");
    EXPECT_EQ(now.status, task_status::input_required);  // b is still open
    EXPECT_EQ(now.input_requests, json({{"b", question}}));

    const auto rest = s->answer(t.id, "alice", {{"a", "again"}, {"b", {{"x", "é"}}}});
    EXPECT_EQ(rest.accepted, std::vector<std::string>{"b"});
    now = *s->get(t.id, "alice");
    EXPECT_EQ(now.status, task_status::working);
    EXPECT_EQ(now.input_requests, json::object());
    EXPECT_EQ(now.input_responses, json({{"a", first}, {"b", {{"x", "é"}}}}));

    EXPECT_EQ(s->take_answers(t.id), json({{"a", first}, {"b", {{"x", "é"}}}}));
    EXPECT_EQ(s->take_answers(t.id), json::object());
    EXPECT_TRUE(s->answer(t.id, "alice", {{"a", 1}}).accepted.empty());

    ASSERT_TRUE(s->ask(t.id, {{"a", question}, {"c", question}}));  // "a" was asked before: ignored
    now = *s->load(t.id);
    EXPECT_EQ(now.input_requests, json({{"c", question}}));
    EXPECT_EQ(now.asked_keys, (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_FALSE(s->ask("0123456789abcdef0123456789abcdef", {{"d", question}}));
    EXPECT_EQ(s->take_answers("0123456789abcdef0123456789abcdef"), json::object());
}

TEST_F(RedisTaskStoreTest, CancelEndsTheTaskOnce) {
    auto s = store();
    const auto t = must_create(*s, "alice");
    ASSERT_TRUE(s->ask(t.id, {{"a", {{"method", "m"}}}}));
    const auto cancelled = s->cancel(t.id, "alice");
    ASSERT_TRUE(cancelled);
    EXPECT_EQ(cancelled->status, task_status::cancelled);
    EXPECT_TRUE(cancelled->cancel_requested);
    EXPECT_EQ(cancelled->outcome, cancelled_outcome);
    const auto again = s->cancel(t.id, "alice");
    EXPECT_EQ(again->version, cancelled->version);  // terminal: unchanged
    EXPECT_FALSE(s->finish(t.id, task_status::completed, {{"result", json::object()}}));
    EXPECT_FALSE(s->set_status_message(t.id, "late"));
    EXPECT_FALSE(s->ask(t.id, {{"b", {{"method", "m"}}}}));
    const auto answered = s->answer(t.id, "alice", {{"a", 1}});
    EXPECT_TRUE(answered.found);
    EXPECT_TRUE(answered.accepted.empty());
    EXPECT_EQ(s->get(t.id, "alice")->status, task_status::cancelled);
    EXPECT_FALSE(s->cancel("0123456789abcdef0123456789abcdef", "alice"));
}

TEST_F(RedisTaskStoreTest, FirstTerminalStatusWins) {
    auto s = store();
    const auto t = must_create(*s, "alice");
    ASSERT_TRUE(s->set_status_message(t.id, "halfway"));
    const auto v = s->load(t.id)->version;
    EXPECT_TRUE(s->set_status_message(t.id, "halfway"));  // no change, no new version
    EXPECT_EQ(s->load(t.id)->version, v);
    const json result = {{"result", {{"content", json::array()}}}};
    EXPECT_TRUE(s->finish(t.id, task_status::completed, result));
    EXPECT_FALSE(s->finish(t.id, task_status::failed, {{"error", {{"code", 1}, {"message", "x"}}}}));
    const auto done = s->cancel(t.id, "alice");
    EXPECT_EQ(done->status, task_status::completed);
    EXPECT_EQ(done->outcome, result);
    EXPECT_FALSE(done->cancel_requested);
    EXPECT_EQ(done->status_message, "halfway");
    EXPECT_GE(done->last_updated_at_ms, t.created_at_ms);
    EXPECT_THROW(s->finish(t.id, task_status::working, json()), std::invalid_argument);
}

TEST_F(RedisTaskStoreTest, TwoReplicasShareEveryChange) {
    auto a = store(), b = store();
    const auto t = must_create(*a, "alice");
    ASSERT_TRUE(b->get(t.id, "alice"));
    ASSERT_TRUE(a->ask(t.id, {{"k", {{"method", "sampling/createMessage"}}}}));
    EXPECT_EQ(b->get(t.id, "alice")->status, task_status::input_required);
    EXPECT_EQ(b->answer(t.id, "alice", {{"k", "yes"}}).accepted, std::vector<std::string>{"k"});
    EXPECT_EQ(a->take_answers(t.id), json({{"k", "yes"}}));
    EXPECT_TRUE(b->finish(t.id, task_status::completed, {{"result", 1}}));
    EXPECT_EQ(a->get(t.id, "alice")->status, task_status::completed);
    EXPECT_EQ(a->list("alice", "", 10)->tasks.size(), 1u);
    EXPECT_EQ(b->size(), 1u);
    EXPECT_FALSE(store({}, 4)->get(t.id, "alice"));  // another database is another store
}

TEST_F(RedisTaskStoreTest, WaitForChangeSeesTheOtherReplica) {
    auto a = store(), b = store();
    const auto t = must_create(*a, "alice");
    auto waiter =
        std::async(std::launch::async, [&] { return b->wait_for_change(t.id, t.version, steady::now() + 20s); });
    std::this_thread::sleep_for(100ms);
    ASSERT_TRUE(a->set_status_message(t.id, "moved"));
    const auto changed = waiter.get();
    ASSERT_TRUE(changed);
    EXPECT_EQ(changed->status_message, "moved");
    EXPECT_GT(changed->version, t.version);

    // Nothing happens: the task as it is at the deadline.
    const auto same = b->wait_for_change(t.id, changed->version, steady::now() + 150ms);
    ASSERT_TRUE(same);
    EXPECT_EQ(same->version, changed->version);
    // Gone (expired while waiting) and unknown: nullopt.
    const auto brief = must_create(*a, "alice", 100ms);
    EXPECT_FALSE(b->wait_for_change(brief.id, brief.version, steady::now() + 20s));
    EXPECT_FALSE(b->wait_for_change("0123456789abcdef0123456789abcdef", 1, steady::now() + 20s));
}

TEST_F(RedisTaskStoreTest, StaleRunnerFailsTheTask) {
    task_limits limits;
    limits.stale_after = 200ms;
    auto s = store(limits);
    const auto t = must_create(*s, "alice");
    const auto finished = must_create(*s, "alice");
    ASSERT_TRUE(s->finish(finished.id, task_status::completed, {{"result", 1}}));
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(s->load(t.id)->status, task_status::working);  // the runner side does not judge
    s->heartbeat({t.id, "0123456789abcdef0123456789abcdef", "bad id"});
    const auto beat = s->load(t.id);
    EXPECT_GT(beat->heartbeat_ms, 0);
    EXPECT_EQ(beat->version, t.version);                             // a heartbeat is not a change
    EXPECT_EQ(s->get(t.id, "alice")->status, task_status::working);  // it just said it is alive

    ASSERT_TRUE(eventually([&] { return s->get(t.id, "alice")->status == task_status::failed; }))
        << "a silent runner's task was never failed";
    const auto failed = *s->load(t.id);
    EXPECT_EQ(failed.outcome, stale_outcome);
    EXPECT_GT(failed.version, t.version);
    EXPECT_FALSE(s->finish(t.id, task_status::completed, {{"result", 1}}));  // first terminal wins
    EXPECT_EQ(s->get(finished.id, "alice")->status, task_status::completed);
    const auto listed = s->list("alice", "", 10);
    EXPECT_EQ(listed->tasks.size(), 2u);
}

TEST_F(RedisTaskStoreTest, RedisDownIsUnavailableThenReconnects) {
    auto s = store();
    const auto old = must_create(*s, "alice");
    stop();  // a restart between two calls: the pooled connection is dead, a read reconnects at once
    ASSERT_EQ(start(), "");
    EXPECT_FALSE(s->load(old.id));  // nothing was persisted
    const auto t = must_create(*s, "alice");
    stop();
    for (int i = 0; i < 2; ++i) {
        try {
            s->get(t.id, "alice");
            ADD_FAILURE() << "get succeeded with Redis stopped";
        } catch (const task_store_unavailable& e) {
            EXPECT_EQ(std::string(e.what()).find(password), std::string::npos) << e.what();
        }
    }
    EXPECT_THROW(s->create("alice", std::nullopt, "r"), task_store_unavailable);
    EXPECT_THROW(s->wait_for_change(t.id, 0, steady::now() + 1s), task_store_unavailable);

    const std::string error = start();  // same port; nothing was persisted
    ASSERT_TRUE(error.empty()) << error;
    EXPECT_FALSE(s->get(t.id, "alice"));
    const auto again = must_create(*s, "alice");
    EXPECT_EQ(s->get(again.id, "alice")->id, again.id);
}

TEST_F(RedisTaskStoreTest, WrongPasswordIsUnavailableWithoutLeakingIt) {
    auto settings_wrong = settings();
    settings_wrong.password = "not-the-password";
    auto s = make_redis_task_store(settings_wrong, {});
    try {
        s->size();
        ADD_FAILURE() << "a wrong password was accepted";
    } catch (const task_store_unavailable& e) {
        const std::string what = e.what();
        EXPECT_EQ(what.find("not-the-password"), std::string::npos) << what;
        EXPECT_NE(what.find("authentication"), std::string::npos) << what;
    }
}

/// host|port|database|user|password, or "invalid: " + why.
std::string parsed(std::string_view url) {
    std::string why;
    const auto s = parse_redis_url(url, why);
    if (!s) return "invalid: " + why;
    return s->host + "|" + std::to_string(s->port) + "|" + std::to_string(s->database) + "|" + s->username + "|" +
           s->password;
}

TEST(RedisUrl, ParsesEveryPart) {
    EXPECT_EQ(parsed("redis://cache.internal"), "cache.internal|6379|0||");
    EXPECT_EQ(parsed("redis://:p%40ss@10.0.0.5:6380/2"), "10.0.0.5|6380|2||p@ss");
    EXPECT_EQ(parsed("REDIS://app:pw@[::1]:7000/"), "::1|7000|0|app|pw");
    EXPECT_EQ(parsed("redis://u%3a:a:b@h/15"), "h|6379|15|u:|a:b");
}

// clang-format off
const char* const bad_urls[] = {
    "", "cache:6379", "http://h", "rediss://:topsecret@h", "unix:///tmp/r.sock", "redis://", "redis://:6379",
    "redis://h:", "redis://h:0", "redis://h:65536", "redis://h:+1", "redis://h:12x", "redis://h/x", "redis://h/-1",
    "redis://h/1/2", "redis://h/01234567890", "redis://h?db=1", "redis://topsecret@h", "redis://:@h",
    "redis://:top%zzsecret@h", "redis://[::1", "redis://[zz]:1", "redis://h h", "redis://a:b:c"};
// clang-format on

TEST(RedisUrl, RejectsMalformedWithoutQuotingThePassword) {
    for (const char* bad : bad_urls) {
        std::string why;
        EXPECT_FALSE(parse_redis_url(bad, why)) << bad;
        EXPECT_FALSE(why.empty()) << bad;
        EXPECT_EQ(why.find("topsecret"), std::string::npos) << why;
    }
}

}  // namespace
}  // namespace arcade_mcp::tasks
