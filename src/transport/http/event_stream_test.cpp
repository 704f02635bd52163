// Tests for one SSE stream as the server keeps it: numbering, event ids, the bounded buffer,
// finishing, close requests, readers superseding each other, termination, and read cursors.
#include "transport/http/event_stream.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace arcade_mcp::detail {
namespace {

json note(int n) {
    return json{{"jsonrpc", "2.0"}, {"method", "notifications/progress"}, {"params", {{"progress", n}}}};
}

std::vector<std::uint64_t> seqs(const event_stream::view& v) {
    std::vector<std::uint64_t> out;
    for (const auto& e : v.events) out.push_back(e.seq);
    return out;
}

TEST(EventStream, EventsAreNumberedFromOne) {
    event_stream s("abc", 16);
    EXPECT_EQ(s.id(), "abc");
    EXPECT_EQ(s.last_seq(), 0u);
    const auto gen = s.attach({});
    EXPECT_TRUE(s.read_after(0, gen).events.empty());
    s.send(note(1));
    s.send(note(2));
    EXPECT_EQ(s.last_seq(), 2u);
    const auto v = s.read_after(0, gen);
    ASSERT_EQ(v.events.size(), 2u);
    EXPECT_EQ(v.events[0].seq, 1u);
    EXPECT_EQ(v.events[1].seq, 2u);
    EXPECT_EQ(json::parse(v.events[0].data), note(1));
    EXPECT_EQ(json::parse(v.events[1].data), note(2));
    EXPECT_FALSE(v.events[0].is_reply);
    EXPECT_FALSE(v.finished);
    EXPECT_FALSE(v.close_requested);
    EXPECT_FALSE(v.terminated);
    EXPECT_FALSE(v.superseded);
}

TEST(EventStream, DataIsCompactJsonOnOneLine) {
    event_stream s("x", 4);
    s.send(json{{"text", "line one\nline two"}});
    const auto v = s.read_after(0, s.attach({}));
    ASSERT_EQ(v.events.size(), 1u);
    EXPECT_EQ(v.events[0].data.find('\n'), std::string::npos) << "an SSE data line cannot contain a raw newline";
    EXPECT_EQ(json::parse(v.events[0].data)["text"], "line one\nline two");
}

TEST(EventStream, InvalidUtf8IsReplacedNotThrown) {
    event_stream s("x", 4);
    EXPECT_NO_THROW(s.send(json{{"text", std::string("bad \xff byte")}}));
    const auto v = s.read_after(0, s.attach({}));
    ASSERT_EQ(v.events.size(), 1u);
    EXPECT_TRUE(json::accept(v.events[0].data));
}

TEST(EventStream, EventIdIsStreamIdDashSeq) {
    event_stream s("s1f", 4);
    EXPECT_EQ(s.event_id(0), "s1f-0");
    EXPECT_EQ(s.event_id(42), "s1f-42");
    const auto parsed = event_stream::parse_event_id(s.event_id(42));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->first, "s1f");
    EXPECT_EQ(parsed->second, 42u);
}

TEST(EventStream, ParseEventIdSplitsAtTheLastDash) {
    const auto p = event_stream::parse_event_id("a-b-c-7");
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->first, "a-b-c");
    EXPECT_EQ(p->second, 7u);
    const auto big = event_stream::parse_event_id("x-18446744073709551615");
    ASSERT_TRUE(big.has_value());
    EXPECT_EQ(big->second, 18446744073709551615ull);
    EXPECT_EQ(event_stream::parse_event_id("x-0"),
              (std::optional<std::pair<std::string, std::uint64_t>>(std::pair<std::string, std::uint64_t>("x", 0))));
}

TEST(EventStream, ParseEventIdRefusesMalformedIds) {
    for (const char* bad : {"", "abc", "-", "-5", "abc-", "abc-x", "abc-5x", "abc-x5", "abc- 5", "abc-+5", "abc-5.0",
                            "abc-18446744073709551616", "abc-99999999999999999999999"})
        EXPECT_EQ(event_stream::parse_event_id(bad), std::nullopt) << "'" << bad << "'";
}

TEST(EventStream, CapacityDropsTheOldestEvents) {
    event_stream s("x", 3);
    const auto gen = s.attach({});
    for (int i = 1; i <= 5; ++i) s.send(note(i));
    EXPECT_EQ(s.last_seq(), 5u);
    const auto v = s.read_after(0, gen);
    EXPECT_EQ(seqs(v), (std::vector<std::uint64_t>{3, 4, 5}));
    EXPECT_EQ(json::parse(v.events.front().data), note(3));
    // A reader that already saw 4 gets only 5; one that saw 1 cannot get 2 back.
    EXPECT_EQ(seqs(s.read_after(4, gen)), (std::vector<std::uint64_t>{5}));
    EXPECT_EQ(seqs(s.read_after(1, gen)), (std::vector<std::uint64_t>{3, 4, 5}));
}

TEST(EventStream, ReadAfterReturnsOnlyNewerEvents) {
    event_stream s("x", 10);
    const auto gen = s.attach({});
    for (int i = 1; i <= 4; ++i) s.send(note(i));
    EXPECT_EQ(seqs(s.read_after(0, gen)), (std::vector<std::uint64_t>{1, 2, 3, 4}));
    EXPECT_EQ(seqs(s.read_after(2, gen)), (std::vector<std::uint64_t>{3, 4}));
    EXPECT_TRUE(s.read_after(4, gen).events.empty());
    EXPECT_TRUE(s.read_after(99, gen).events.empty());
    // Reading does not consume: the same cursor gives the same events again (replay on resume).
    EXPECT_EQ(seqs(s.read_after(2, gen)), (std::vector<std::uint64_t>{3, 4}));
}

TEST(EventStream, FinishWithReplyAppendsItAndEndsTheStream) {
    event_stream s("x", 10);
    const auto gen = s.attach({});
    s.send(note(1));
    s.finish(json{{"jsonrpc", "2.0"}, {"id", 1}, {"result", json::object()}});
    auto v = s.read_after(0, gen);
    ASSERT_EQ(v.events.size(), 2u);
    EXPECT_FALSE(v.events[0].is_reply);
    EXPECT_TRUE(v.events[1].is_reply);
    EXPECT_EQ(v.events[1].seq, 2u);
    EXPECT_EQ(json::parse(v.events[1].data)["id"], 1);
    EXPECT_TRUE(v.finished);
    // Nothing follows the reply.
    s.send(note(3));
    s.finish(json{{"jsonrpc", "2.0"}, {"id", 2}, {"result", json::object()}});
    EXPECT_EQ(s.last_seq(), 2u);
    EXPECT_EQ(seqs(s.read_after(0, gen)), (std::vector<std::uint64_t>{1, 2}));
}

TEST(EventStream, FinishWithoutReplyEndsTheStreamWithoutAnEvent) {
    event_stream s("x", 10);
    const auto gen = s.attach({});
    s.send(note(1));
    s.finish(std::nullopt);
    const auto v = s.read_after(0, gen);
    EXPECT_TRUE(v.finished);
    EXPECT_EQ(seqs(v), (std::vector<std::uint64_t>{1}));
    s.send(note(2));
    EXPECT_EQ(s.last_seq(), 1u);
}

TEST(EventStream, ReplyEvictedByCapacityStillCountsAsFinished) {
    event_stream s("x", 1);
    const auto gen = s.attach({});
    s.send(note(1));
    s.finish(json{{"jsonrpc", "2.0"}, {"id", 1}, {"result", json::object()}});
    const auto v = s.read_after(0, gen);
    EXPECT_TRUE(v.finished);
    EXPECT_EQ(seqs(v), (std::vector<std::uint64_t>{2}));
    EXPECT_TRUE(v.events[0].is_reply);
}

TEST(EventStream, CloseRequestIsTakenOnce) {
    event_stream s("x", 10);
    const auto gen = s.attach({});
    s.send(note(1));
    s.close_stream();
    auto v = s.read_after(0, gen);
    EXPECT_TRUE(v.close_requested);
    EXPECT_FALSE(v.finished) << "closing the response does not end the stream; the client resumes";
    EXPECT_EQ(seqs(v), (std::vector<std::uint64_t>{1}));
    EXPECT_FALSE(s.read_after(1, gen).close_requested);
    // Events after the close are still kept for the resuming reader.
    s.send(note(2));
    EXPECT_EQ(seqs(s.read_after(1, gen)), (std::vector<std::uint64_t>{2}));
}

TEST(EventStream, SupersededReaderDoesNotTakeTheCloseRequest) {
    event_stream s("x", 10);
    const auto old_gen = s.attach({});
    const auto new_gen = s.attach({});
    s.close_stream();
    const auto old_view = s.read_after(0, old_gen);
    EXPECT_TRUE(old_view.superseded);
    EXPECT_FALSE(old_view.close_requested);
    EXPECT_TRUE(s.read_after(0, new_gen).close_requested);
}

TEST(EventStream, WakeIsCalledOnEveryChange) {
    event_stream s("x", 10);
    std::atomic<int> wakes{0};
    const auto gen = s.attach([&] { ++wakes; });
    EXPECT_EQ(wakes, 0) << "attaching does not wake the new reader itself";
    s.send(note(1));
    EXPECT_EQ(wakes, 1);
    s.close_stream();
    EXPECT_EQ(wakes, 2);
    s.finish(std::nullopt);
    EXPECT_EQ(wakes, 3);
    s.terminate();
    EXPECT_EQ(wakes, 4);
    (void)gen;
}

TEST(EventStream, NewReaderSupersedesTheOldOne) {
    event_stream s("x", 10);
    int old_wakes = 0, new_wakes = 0;
    const auto g1 = s.attach([&] { ++old_wakes; });
    s.send(note(1));
    EXPECT_EQ(old_wakes, 1);
    const auto g2 = s.attach([&] { ++new_wakes; });
    EXPECT_NE(g1, g2);
    EXPECT_EQ(old_wakes, 2) << "the old reader is woken to notice it was superseded";
    EXPECT_EQ(new_wakes, 0);
    const auto old_view = s.read_after(0, g1);
    EXPECT_TRUE(old_view.superseded);
    EXPECT_FALSE(s.read_after(0, g2).superseded);
    // Only the current reader is woken from now on.
    s.send(note(2));
    EXPECT_EQ(old_wakes, 2);
    EXPECT_EQ(new_wakes, 1);
    // The new reader resumes where it likes: everything kept is there for it.
    EXPECT_EQ(seqs(s.read_after(0, g2)), (std::vector<std::uint64_t>{1, 2}));
    // A third reader supersedes the second.
    const auto g3 = s.attach({});
    EXPECT_EQ(new_wakes, 2);
    EXPECT_TRUE(s.read_after(0, g2).superseded);
    EXPECT_FALSE(s.read_after(0, g3).superseded);
}

TEST(EventStream, TerminateStopsReadersAndDropsLaterEvents) {
    event_stream s("x", 10);
    int wakes = 0;
    const auto gen = s.attach([&] { ++wakes; });
    s.send(note(1));
    s.terminate();
    EXPECT_EQ(wakes, 2);
    const auto v = s.read_after(0, gen);
    EXPECT_TRUE(v.terminated);
    EXPECT_FALSE(v.finished);
    EXPECT_EQ(seqs(v), (std::vector<std::uint64_t>{1})) << "what was sent before is still readable";
    s.send(note(2));
    s.finish(json{{"jsonrpc", "2.0"}, {"id", 1}, {"result", json::object()}});
    EXPECT_EQ(s.last_seq(), 1u);
    EXPECT_EQ(seqs(s.read_after(0, gen)), (std::vector<std::uint64_t>{1}));
}

TEST(EventStream, WithoutAReaderEventsAreStillBuffered) {
    event_stream s("x", 10);
    s.send(note(1));
    s.send(note(2));
    const auto gen = s.attach({});
    EXPECT_EQ(seqs(s.read_after(0, gen)), (std::vector<std::uint64_t>{1, 2}));
}

}  // namespace
}  // namespace arcade_mcp::detail
