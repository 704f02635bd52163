// ARCADE_TASK_* → the task store and its limits (task_settings.hpp).
#include "app/task_settings.hpp"

#include <charconv>

#include "tasks/redis_task_store.hpp"

namespace arcade_mcp::detail {
namespace {

/// A whole number in [min, max] from variable `name`; false with `why` set when it is not one.
bool read_number(const env_lookup& env, const char* name, std::int64_t min, std::int64_t max, std::int64_t& out,
                 std::string& why) {
    const auto text = env(name);
    if (!text || text->empty()) return true;
    std::int64_t value = 0;
    const auto* end = text->data() + text->size();
    const auto [ptr, ec] = std::from_chars(text->data(), end, value);
    if (ec != std::errc() || ptr != end || value < min || value > max) {
        why = std::string(name) + "=" + *text + ": expected a whole number from " + std::to_string(min) + " to " +
              std::to_string(max);
        return false;
    }
    out = value;
    return true;
}

}  // namespace

std::optional<task_settings> task_settings_from_env(const env_lookup& env, std::string& why) {
    task_settings s;
    auto& l = s.limits;
    std::int64_t default_ttl = l.default_ttl.count() / 1000, max_ttl = l.max_ttl.count() / 1000;
    auto per_caller = static_cast<std::int64_t>(l.max_per_owner), total = static_cast<std::int64_t>(l.max_total);
    std::int64_t poll = l.poll_interval.count(), stale = l.stale_after.count() / 1000;
    auto threads = static_cast<std::int64_t>(s.worker_threads);
    constexpr std::int64_t year = 31536000;
    if (!read_number(env, "ARCADE_TASK_DEFAULT_TTL_SECONDS", 1, year, default_ttl, why) ||
        !read_number(env, "ARCADE_TASK_MAX_TTL_SECONDS", 1, year, max_ttl, why) ||
        !read_number(env, "ARCADE_TASK_MAX_PER_CALLER", 1, 10000000, per_caller, why) ||
        !read_number(env, "ARCADE_TASK_MAX_TOTAL", 1, 100000000, total, why) ||
        !read_number(env, "ARCADE_TASK_POLL_INTERVAL_MS", 1, 3600000, poll, why) ||
        !read_number(env, "ARCADE_TASK_STALE_SECONDS", 2, 3600, stale, why) ||
        !read_number(env, "ARCADE_TASK_WORKER_THREADS", 1, 1024, threads, why))
        return std::nullopt;
    if (default_ttl > max_ttl) {
        why = "ARCADE_TASK_DEFAULT_TTL_SECONDS exceeds ARCADE_TASK_MAX_TTL_SECONDS";
        return std::nullopt;
    }
    l.default_ttl = std::chrono::seconds(default_ttl);
    l.max_ttl = std::chrono::seconds(max_ttl);
    l.max_per_owner = static_cast<std::size_t>(per_caller);
    l.max_total = static_cast<std::size_t>(total);
    l.poll_interval = std::chrono::milliseconds(poll);
    l.stale_after = std::chrono::seconds(stale);
    s.worker_threads = static_cast<std::size_t>(threads);
    if (auto store = env("ARCADE_TASK_STORE"); store && !store->empty() && *store != "memory") {
        std::string problem;
        if (!tasks::parse_redis_url(*store, problem)) {
            why = "ARCADE_TASK_STORE: " + problem + " (expected memory or redis://[[user]:password@]host[:port][/db])";
            return std::nullopt;
        }
        s.redis_url = *store;
    }
    return s;
}

std::shared_ptr<tasks::task_store> make_task_store(const task_settings& settings) {
    if (settings.redis_url.empty()) return tasks::make_memory_task_store(settings.limits);
    std::string why;
    auto redis = tasks::parse_redis_url(settings.redis_url, why);
    return tasks::make_redis_task_store(std::move(*redis), settings.limits);
}

std::string describe_task_store(const task_settings& settings) {
    if (settings.redis_url.empty()) return "memory";
    std::string why;
    const auto redis = tasks::parse_redis_url(settings.redis_url, why);
    return "redis://" + redis->host + ":" + std::to_string(redis->port) + "/" + std::to_string(redis->database);
}

}  // namespace arcade_mcp::detail
