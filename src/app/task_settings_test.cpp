// ARCADE_TASK_* parsing: defaults, valid values, each invalid value named, and the Redis URL
// checked at start and never shown with its password.
#include "app/task_settings.hpp"

#include <gtest/gtest.h>

#include <map>

namespace arcade_mcp::detail {
namespace {

env_lookup env_of(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
        if (auto it = vars.find(std::string(name)); it != vars.end()) return it->second;
        return std::nullopt;
    };
}

TEST(TaskSettings, DefaultsAreMemoryAndTheDocumentedLimits) {
    std::string why;
    const auto s = task_settings_from_env(env_of({}), why);
    ASSERT_TRUE(s) << why;
    EXPECT_TRUE(s->redis_url.empty());
    EXPECT_EQ(s->limits.default_ttl, std::chrono::hours(1));
    EXPECT_EQ(s->limits.max_ttl, std::chrono::hours(24));
    EXPECT_EQ(s->limits.max_per_owner, 100u);
    EXPECT_EQ(s->limits.max_total, 10000u);
    EXPECT_EQ(describe_task_store(*s), "memory");
    EXPECT_FALSE(make_task_store(*s)->shared());
}

TEST(TaskSettings, ValuesAreRead) {
    std::string why;
    const auto s = task_settings_from_env(env_of({{"ARCADE_TASK_DEFAULT_TTL_SECONDS", "60"},
                                                  {"ARCADE_TASK_MAX_TTL_SECONDS", "120"},
                                                  {"ARCADE_TASK_MAX_PER_CALLER", "5"},
                                                  {"ARCADE_TASK_MAX_TOTAL", "50"},
                                                  {"ARCADE_TASK_POLL_INTERVAL_MS", "250"},
                                                  {"ARCADE_TASK_STALE_SECONDS", "4"},
                                                  {"ARCADE_TASK_WORKER_THREADS", "3"}}),
                                          why);
    ASSERT_TRUE(s) << why;
    EXPECT_EQ(s->limits.default_ttl, std::chrono::seconds(60));
    EXPECT_EQ(s->limits.max_ttl, std::chrono::seconds(120));
    EXPECT_EQ(s->limits.max_per_owner, 5u);
    EXPECT_EQ(s->limits.max_total, 50u);
    EXPECT_EQ(s->limits.poll_interval, std::chrono::milliseconds(250));
    EXPECT_EQ(s->limits.stale_after, std::chrono::seconds(4));
    EXPECT_EQ(s->worker_threads, 3u);
}

TEST(TaskSettings, InvalidValuesNameTheirVariable) {
    for (const auto& [name, value] : std::map<std::string, std::string>{{"ARCADE_TASK_MAX_TOTAL", "0"},
                                                                       {"ARCADE_TASK_MAX_PER_CALLER", "many"},
                                                                       {"ARCADE_TASK_DEFAULT_TTL_SECONDS", "-1"},
                                                                       {"ARCADE_TASK_STALE_SECONDS", "1"},
                                                                       {"ARCADE_TASK_STORE", "http://x"}}) {
        std::string why;
        EXPECT_FALSE(task_settings_from_env(env_of({{name, value}}), why)) << name << "=" << value;
        EXPECT_NE(why.find(name), std::string::npos) << why;
    }
    std::string why;
    EXPECT_FALSE(task_settings_from_env(
        env_of({{"ARCADE_TASK_DEFAULT_TTL_SECONDS", "100"}, {"ARCADE_TASK_MAX_TTL_SECONDS", "10"}}), why));
}

TEST(TaskSettings, RedisUrlIsKeptAndDescribedWithoutItsPassword) {
    std::string why;
    const auto s = task_settings_from_env(env_of({{"ARCADE_TASK_STORE", "redis://:s3cret@redis.tasks:6380/2"}}), why);
    ASSERT_TRUE(s) << why;
    EXPECT_EQ(describe_task_store(*s), "redis://redis.tasks:6380/2");
    EXPECT_TRUE(make_task_store(*s)->shared());  // connects lazily: no Redis needed here
}

}  // namespace
}  // namespace arcade_mcp::detail
