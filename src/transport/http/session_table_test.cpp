// Tests for the Streamable HTTP session table: ids, lookup, idle expiry, the cap, GET streams.
#include "transport/http/session_table.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <regex>
#include <set>
#include <string>

namespace arcade_mcp::detail {
namespace {

using namespace std::chrono_literals;
using clock_type = session_table::clock;

class fake_stream : public standalone_stream {
public:
    void close() override { ++closes; }
    int closes = 0;
};

TEST(SessionTable, CreateGivesLowercaseHexIdAndFindable) {
    session_table table(10, 1h);
    const auto t0 = clock_type::now();
    const auto s = table.create(t0);
    ASSERT_NE(s, nullptr);
    EXPECT_TRUE(std::regex_match(s->id(), std::regex("^[0-9a-f]{32}$"))) << s->id();
    EXPECT_FALSE(s->fallback_user_id().empty());
    EXPECT_EQ(table.size(), 1u);
    EXPECT_EQ(table.find(s->id(), t0), s);
    EXPECT_EQ(table.find("0123456789abcdef0123456789abcdef", t0), nullptr);
    EXPECT_EQ(table.find("", t0), nullptr);
}

TEST(SessionTable, ABoundSessionIsFoundOnlyByItsPrincipalAndOthersDoNotKeepItAlive) {
    session_table table(10, 10s);
    const auto t0 = clock_type::now();
    const std::string alice = "https://as.example.com alice";
    const std::string bob = "https://as.example.com bob";
    const auto s = table.create(t0, {}, [&](session_state& st) { st.bind_subject("alice", alice); });
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->subject(), "alice");
    EXPECT_EQ(table.find(s->id(), t0, &alice), s);
    EXPECT_EQ(table.find(s->id(), t0 + 6s, &bob), nullptr);  // unknown to another principal...
    EXPECT_EQ(table.find(s->id(), t0 + 11s, &alice), nullptr) << "...whose lookups did not refresh it";
}

TEST(SessionTable, IdsAreUnique) {
    session_table table(2000, 1h);
    const auto t0 = clock_type::now();
    std::set<std::string> ids;
    for (int i = 0; i < 1000; ++i) {
        const auto s = table.create(t0);
        ASSERT_NE(s, nullptr);
        ids.insert(s->id());
    }
    EXPECT_EQ(ids.size(), 1000u);
    EXPECT_EQ(table.size(), 1000u);
}

TEST(SessionTable, EraseEndsSession) {
    session_table table(10, 1h);
    const auto t0 = clock_type::now();
    const auto s = table.create(t0);
    EXPECT_FALSE(table.erase("unknown"));
    EXPECT_TRUE(table.erase(s->id()));
    EXPECT_EQ(table.find(s->id(), t0), nullptr);
    EXPECT_FALSE(table.erase(s->id()));
    EXPECT_EQ(table.size(), 0u);
}

TEST(SessionTable, ExpireIdleRemovesOnlyIdleSessions) {
    session_table table(10, 1h);
    const auto t0 = clock_type::now();
    const auto a = table.create(t0);
    const auto b = table.create(t0);
    const auto c = table.create(t0 + 2h);
    EXPECT_EQ(table.expire_idle(t0 + 1h), 0u);  // exactly the timeout: not yet idle for longer
    EXPECT_EQ(table.expire_idle(t0 + 1h + 1s), 2u);
    EXPECT_EQ(table.find(a->id(), t0 + 2h), nullptr);
    EXPECT_EQ(table.find(b->id(), t0 + 2h), nullptr);
    EXPECT_EQ(table.find(c->id(), t0 + 2h), c);
    EXPECT_EQ(table.size(), 1u);
}

TEST(SessionTable, FindKeepsSessionAlive) {
    session_table table(10, 1h);
    const auto t0 = clock_type::now();
    const auto used = table.create(t0);
    const auto idle = table.create(t0);
    ASSERT_EQ(table.find(used->id(), t0 + 50min), used);
    EXPECT_EQ(table.expire_idle(t0 + 70min), 1u);
    EXPECT_EQ(table.find(used->id(), t0 + 100min), used);
    EXPECT_EQ(table.find(idle->id(), t0 + 100min), nullptr);
    EXPECT_EQ(table.expire_idle(t0 + 160min), 0u);  // touched again at t0 + 100 min
    EXPECT_EQ(table.expire_idle(t0 + 160min + 1s), 1u);
    EXPECT_EQ(table.size(), 0u);
}

TEST(SessionTable, FindDoesNotReviveASessionIdlePastTheTimeout) {
    // Expiry must not depend on when the sweep runs: a request after the timeout finds nothing.
    session_table table(10, 1h);
    const auto t0 = clock_type::now();
    const auto s = table.create(t0);
    EXPECT_EQ(table.find(s->id(), t0 + 1h + 1s), nullptr);
    EXPECT_TRUE(s->closed());
    EXPECT_EQ(table.size(), 0u);
    EXPECT_EQ(table.expire_idle(t0 + 3h), 0u);
}

TEST(SessionTable, CapEvictsLongestIdle) {
    session_table table(2, 24h);
    const auto t0 = clock_type::now();
    const auto a = table.create(t0);
    const auto b = table.create(t0 + 1h);
    ASSERT_EQ(table.find(a->id(), t0 + 2h), a);  // b is now the longest idle
    const auto c = table.create(t0 + 3h);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(table.size(), 2u);
    EXPECT_EQ(table.find(b->id(), t0 + 3h), nullptr);
    EXPECT_EQ(table.find(a->id(), t0 + 3h), a);
    EXPECT_EQ(table.find(c->id(), t0 + 3h), c);
}

TEST(SessionTable, SessionWithStreamIsNotEvicted) {
    session_table table(2, 24h);
    const auto t0 = clock_type::now();
    const auto a = table.create(t0);  // oldest, but streaming
    const auto stream = std::make_shared<fake_stream>();
    ASSERT_TRUE(table.attach_stream(a->id(), stream));
    const auto b = table.create(t0 + 1h);
    const auto c = table.create(t0 + 2h);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(table.find(a->id(), t0 + 2h), a);
    EXPECT_EQ(table.find(b->id(), t0 + 2h), nullptr);
    EXPECT_EQ(stream->closes, 0);
}

TEST(SessionTable, CreateFailsWhenAllSessionsBusy) {
    session_table table(2, 24h);
    const auto t0 = clock_type::now();
    const auto a = table.create(t0);
    const auto b = table.create(t0);
    const auto sa = std::make_shared<fake_stream>();
    const auto sb = std::make_shared<fake_stream>();
    ASSERT_TRUE(table.attach_stream(a->id(), sa));
    ASSERT_TRUE(table.attach_stream(b->id(), sb));
    EXPECT_EQ(table.create(t0 + 1h), nullptr);
    EXPECT_EQ(table.size(), 2u);
    EXPECT_EQ(sa->closes, 0);
    EXPECT_EQ(sb->closes, 0);
}

TEST(SessionTable, SessionWithCallInFlightIsBusy) {
    session_table table(1, 1h);
    const auto t0 = clock_type::now();
    const auto a = table.create(t0);
    const auto call = std::make_shared<in_flight_call>();
    ASSERT_TRUE(a->add_call("i:1", call));
    EXPECT_EQ(table.create(t0 + 2h), nullptr);
    EXPECT_EQ(table.expire_idle(t0 + 5h), 0u);
    EXPECT_FALSE(call->stop.stop_requested());
    EXPECT_TRUE(table.erase(a->id()));
    EXPECT_TRUE(call->stop.stop_requested());  // ending a session stops its calls
    a->remove_call("i:1");
}

TEST(SessionTable, SessionWithStreamIsNotExpiredAndCloseOnErase) {
    session_table table(10, 1h);
    const auto t0 = clock_type::now();
    const auto a = table.create(t0);
    const auto stream = std::make_shared<fake_stream>();
    ASSERT_TRUE(table.attach_stream(a->id(), stream));
    EXPECT_EQ(table.expire_idle(t0 + 10h), 0u);
    EXPECT_EQ(table.find(a->id(), t0 + 10h), a);
    EXPECT_EQ(stream->closes, 0);
    EXPECT_TRUE(table.erase(a->id()));
    EXPECT_EQ(stream->closes, 1);
}

TEST(SessionTable, AttachStreamTwiceOrUnknownFails) {
    session_table table(10, 1h);
    const auto a = table.create(clock_type::now());
    const auto first = std::make_shared<fake_stream>();
    const auto second = std::make_shared<fake_stream>();
    EXPECT_FALSE(table.attach_stream("nope", first));
    EXPECT_TRUE(table.attach_stream(a->id(), first));
    EXPECT_FALSE(table.attach_stream(a->id(), second));
    table.close_all();
    EXPECT_EQ(first->closes, 1);
    EXPECT_EQ(second->closes, 0);
}

TEST(SessionTable, DetachOfOtherStreamIsIgnored) {
    session_table table(10, 1h);
    const auto t0 = clock_type::now();
    const auto a = table.create(t0);
    const auto attached = std::make_shared<fake_stream>();
    fake_stream other;
    ASSERT_TRUE(table.attach_stream(a->id(), attached));
    table.detach_stream(a->id(), &other);
    EXPECT_EQ(table.expire_idle(t0 + 10h), 0u);  // still streaming
    EXPECT_FALSE(table.attach_stream(a->id(), std::make_shared<fake_stream>()));  // slot still taken

    table.detach_stream(a->id(), attached.get());
    EXPECT_EQ(attached->closes, 0);  // detaching does not close
    EXPECT_EQ(table.expire_idle(clock_type::now() + 2h), 1u);
    EXPECT_EQ(attached->closes, 0);
    EXPECT_EQ(table.size(), 0u);
}

TEST(SessionTable, DetachFreesSlotForNewStream) {
    session_table table(10, 1h);
    const auto a = table.create(clock_type::now());
    const auto first = std::make_shared<fake_stream>();
    const auto second = std::make_shared<fake_stream>();
    ASSERT_TRUE(table.attach_stream(a->id(), first));
    table.detach_stream(a->id(), first.get());
    EXPECT_TRUE(table.attach_stream(a->id(), second));
    table.detach_stream("unknown", second.get());  // no effect, no crash
    EXPECT_TRUE(table.erase(a->id()));
    EXPECT_EQ(first->closes, 0);
    EXPECT_EQ(second->closes, 1);
}

TEST(SessionTable, CloseAllEndsEverything) {
    session_table table(10, 1h);
    const auto t0 = clock_type::now();
    const auto a = table.create(t0);
    const auto b = table.create(t0);
    const auto sa = std::make_shared<fake_stream>();
    ASSERT_TRUE(table.attach_stream(a->id(), sa));
    table.close_all();
    EXPECT_EQ(sa->closes, 1);
    EXPECT_EQ(table.size(), 0u);
    EXPECT_EQ(table.find(a->id(), t0), nullptr);
    EXPECT_EQ(table.find(b->id(), t0), nullptr);
    table.close_all();  // idempotent
    EXPECT_EQ(sa->closes, 1);
}

}  // namespace
}  // namespace arcade_mcp::detail
