// session_registry: who a broadcast reaches (initialized, open, selected sessions only), and
// that ended sessions are neither notified nor kept by the registry.
#include "mcp/session_registry.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "mcp/session_state.hpp"

namespace arcade_mcp::detail {
namespace {

/// Records what the session's notifier was sent.
struct recording_sink final : outbound_sink {
    std::vector<json> sent;
    void send(json message) override { sent.push_back(std::move(message)); }
    void finish(std::optional<json>) override {}
};

struct notified_session {
    std::shared_ptr<session_state> session;
    std::shared_ptr<recording_sink> sink = std::make_shared<recording_sink>();

    explicit notified_session(std::string id, bool initialized = true)
        : session(std::make_shared<session_state>(std::move(id), "user")) {
        session->set_notifier(sink);
        if (initialized) session->set_initialized("2025-11-25", json::object(), json::object());
    }
};

const json kMessage = {{"jsonrpc", "2.0"}, {"method", "notifications/tools/list_changed"}};
bool everyone(const session_state&) { return true; }

TEST(SessionRegistry, BroadcastReachesInitializedOpenSessionsOnly) {
    session_registry registry;
    notified_session ready("ready"), fresh("fresh", false), closed("closed");
    for (auto* s : {&ready, &fresh, &closed}) registry.add(s->session);
    closed.session->close();

    registry.broadcast(kMessage, everyone);

    ASSERT_EQ(ready.sink->sent.size(), 1u);
    EXPECT_EQ(ready.sink->sent[0], kMessage);
    EXPECT_TRUE(fresh.sink->sent.empty());
    EXPECT_TRUE(closed.sink->sent.empty());
}

TEST(SessionRegistry, BroadcastAsksTheFilterPerSession) {
    session_registry registry;
    notified_session a("a"), b("b");
    registry.add(a.session);
    registry.add(b.session);

    registry.broadcast(kMessage, [](const session_state& s) { return s.id() == "b"; });

    EXPECT_TRUE(a.sink->sent.empty());
    EXPECT_EQ(b.sink->sent.size(), 1u);
}

TEST(SessionRegistry, EndedSessionsAreNotKept) {
    session_registry registry;
    notified_session kept("kept");
    registry.add(kept.session);
    std::weak_ptr<session_state> gone;
    {
        notified_session ended("ended");
        gone = ended.session;
        registry.add(ended.session);
    }
    EXPECT_TRUE(gone.expired()) << "the registry must not keep a session alive";
    EXPECT_EQ(registry.size(), 2u);
    registry.forget_ended();
    EXPECT_EQ(registry.size(), 1u);
    registry.broadcast(kMessage, everyone);
    EXPECT_EQ(kept.sink->sent.size(), 1u);
}

TEST(SessionRegistry, AddingPrunesEndedSessionsAsItGrows) {
    session_registry registry;
    notified_session kept("kept");
    registry.add(kept.session);
    for (int i = 0; i < 1000; ++i) registry.add(std::make_shared<session_state>("s" + std::to_string(i), "user"));
    // Never more than about twice the live entries plus the slack of 64.
    EXPECT_LE(registry.size(), 2u * 1 + 64 + 1);
    registry.broadcast(kMessage, everyone);
    EXPECT_EQ(kept.sink->sent.size(), 1u);
}

}  // namespace
}  // namespace arcade_mcp::detail
