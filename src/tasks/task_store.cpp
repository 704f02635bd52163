// What every task store shares (task_store.hpp): the wire names of task statuses and the clock and
// timestamp helpers used for created_at / last_updated_at.
#include "tasks/task_store.hpp"

#include <ctime>
#include <cstdio>

namespace arcade_mcp::tasks {

std::string_view to_string(task_status s) noexcept {
    switch (s) {
        case task_status::working:
            return "working";
        case task_status::input_required:
            return "input_required";
        case task_status::completed:
            return "completed";
        case task_status::failed:
            return "failed";
        case task_status::cancelled:
            return "cancelled";
    }
    return "working";
}

std::optional<task_status> parse_status(std::string_view s) noexcept {
    for (const auto status : {task_status::working, task_status::input_required, task_status::completed,
                              task_status::failed, task_status::cancelled}) {
        if (to_string(status) == s) return status;
    }
    return std::nullopt;
}

std::int64_t now_ms() {
    const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
    return std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count();
}

std::string iso8601(std::int64_t epoch_ms) {
    // Floor division, so times before 1970 keep a millisecond part in 0..999.
    std::int64_t seconds = epoch_ms / 1000;
    std::int64_t millis = epoch_ms % 1000;
    if (millis < 0) {
        millis += 1000;
        seconds -= 1;
    }
    const auto t = static_cast<std::time_t>(seconds);
    std::tm utc{};
    if (gmtime_r(&t, &utc) == nullptr) return "1970-01-01T00:00:00.000Z";
    char buf[64];
    const int n =
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                      utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis));
    if (n <= 0 || static_cast<std::size_t>(n) >= sizeof buf) return "1970-01-01T00:00:00.000Z";
    return std::string(buf, static_cast<std::size_t>(n));
}

}  // namespace arcade_mcp::tasks
