// Implementation of the process-wide stderr logger (text and JSON-lines formats).
#include "log/logger.hpp"

#include "log/log_writer.hpp"
#include "observe/trace_context.hpp"
#include "util/ascii.hpp"
#include "util/utf8.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <limits>
#include <mutex>
#include <utility>

namespace arcade_mcp::detail {
namespace {

struct logger_state {
    std::mutex mutex;
    std::function<void(std::string_view)> sink;  // guarded by mutex
    std::atomic<bool> has_sink{false};             // lets log() skip the mutex without a sink
    std::atomic<log_format> format{log_format::text};
    std::atomic<log_level> min_level{log_level::info};
};

logger_state& state() {
    static logger_state instance;
    return instance;
}

bool needs_quoting(std::string_view value) {
    if (value.empty()) return true;
    for (const char ch : value) {
        const auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c == 0x7F || c == '"' || c == '=' || c == '\\') return true;
    }
    return false;
}

// Field keys in text mode: anything outside [A-Za-z0-9_.-] becomes '_' so `key=value`
// parsing stays unambiguous.
void append_text_key(std::string& out, std::string_view key) {
    if (key.empty()) {
        out += '_';
        return;
    }
    for (const char ch : key) {
        const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                        (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-';
        out += ok ? ch : '_';
    }
}

/// Appends `now` as 2026-01-02T03:04:05.678Z. The part up to the seconds is formatted once per
/// second per thread; the milliseconds are written digit by digit.
void append_timestamp(std::string& out, std::chrono::system_clock::time_point now) {
    const auto ms_total = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    auto seconds = ms_total / 1000;
    auto millis = ms_total % 1000;
    if (millis < 0) {
        millis += 1000;
        seconds -= 1;
    }
    thread_local long long cached_second = std::numeric_limits<long long>::min();
    thread_local char cached[32];  // "2026-01-02T03:04:05."
    thread_local int cached_size = 0;
    if (seconds != cached_second) {
        const std::time_t t = static_cast<std::time_t>(seconds);
        std::tm tm{};
        gmtime_r(&t, &tm);
        cached_size = std::snprintf(cached, sizeof cached, "%04d-%02d-%02dT%02d:%02d:%02d.", tm.tm_year + 1900,
                                    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        cached_second = seconds;
    }
    out.append(cached, static_cast<std::size_t>(cached_size));
    const int m = static_cast<int>(millis);
    const char digits[4] = {static_cast<char>('0' + m / 100), static_cast<char>('0' + m / 10 % 10),
                            static_cast<char>('0' + m % 10), 'Z'};
    out.append(digits, 4);
}

std::string_view text_level_name(log_level level) {
    switch (level) {
        case log_level::debug: return "DEBUG";
        case log_level::info: return "INFO";
        case log_level::warning: return "WARNING";
        case log_level::error: return "ERROR";
        case log_level::off: break;
    }
    return "OFF";
}

bool is_reserved_json_key(std::string_view key) {
    return key == "time" || key == "level" || key == "msg" || key == "trace_id" || key == "span_id";
}

/// The ids of the span this thread works for, as hex, written after the line's own fields.
void append_trace_ids(std::string& line, log_format format) {
    const auto* span = observe::current_span();
    if (span == nullptr || !span->valid()) return;
    const bool json = format == log_format::json;
    line += json ? ",\"trace_id\":\"" : " trace_id=";
    observe::append_hex(line, span->trace_id.data(), span->trace_id.size());
    line += json ? "\",\"span_id\":\"" : " span_id=";
    observe::append_hex(line, span->span_id.data(), span->span_id.size());
    if (json) line += '"';
}

std::string format_line(log_format format, log_level level, std::string_view message,
                        std::span<const log_field> fields) {
    std::string line;
    line.reserve(64 + message.size());
    const auto now = std::chrono::system_clock::now();
    if (format == log_format::json) {
        line += "{\"time\":\"";
        append_timestamp(line, now);
        line += "\",\"level\":\"";
        line += log_level_name(level);
        line += "\",\"msg\":";
        append_json_string(line, message);
        for (const auto& field : fields) {
            line += ',';
            if (is_reserved_json_key(field.key)) {
                // Keep the standard keys unambiguous instead of emitting duplicates.
                append_json_string(line, "field." + std::string(field.key));
            } else {
                append_json_string(line, field.key);
            }
            line += ':';
            append_json_string(line, field.value);
        }
        append_trace_ids(line, format);
        line += '}';
    } else {
        append_timestamp(line, now);
        line += ' ';
        line += text_level_name(level);
        line += ' ';
        append_escaped(line, message, false);
        for (const auto& field : fields) {
            line += ' ';
            append_text_key(line, field.key);
            line += '=';
            if (needs_quoting(field.value)) {
                line += '"';
                append_escaped(line, field.value, true);
                line += '"';
            } else {
                append_escaped(line, field.value, true);
            }
        }
        append_trace_ids(line, format);
    }
    return line;
}

}  // namespace

void configure_logging(log_format format, log_level min_level) {
    state().format.store(format);
    state().min_level.store(min_level);
}

void set_log_sink_for_testing(std::function<void(std::string_view line)> sink) {
    auto& s = state();
    const std::lock_guard lock(s.mutex);
    s.has_sink = static_cast<bool>(sink);
    s.sink = std::move(sink);
}

bool log_enabled(log_level level) {
    if (level == log_level::off) return false;
    const log_level min = state().min_level.load();
    return min != log_level::off && static_cast<int>(level) >= static_cast<int>(min);
}

void log(log_level level, std::string_view message, std::initializer_list<log_field> fields) {
    log(level, message, std::span<const log_field>(fields.begin(), fields.size()));
}

void log(log_level level, std::string_view message, std::span<const log_field> fields) {
    if (!log_enabled(level)) return;
    auto& s = state();
    std::string line = format_line(s.format.load(), level, message, fields);
    if (s.has_sink.load()) {
        const std::lock_guard lock(s.mutex);
        if (s.sink) {
            s.sink(line);
            return;
        }
    }
    line += '\n';
    write_log_line(line, level >= log_level::warning);
}

std::optional<log_level> parse_log_level(std::string_view text) {
    if (iequals(text, "debug")) return log_level::debug;
    if (iequals(text, "info")) return log_level::info;
    if (iequals(text, "warning") || iequals(text, "warn")) return log_level::warning;
    if (iequals(text, "error")) return log_level::error;
    if (iequals(text, "off")) return log_level::off;
    return std::nullopt;
}

std::string_view log_level_name(log_level level) {
    switch (level) {
        case log_level::debug: return "debug";
        case log_level::info: return "info";
        case log_level::warning: return "warning";
        case log_level::error: return "error";
        case log_level::off: break;
    }
    return "off";
}

}  // namespace arcade_mcp::detail
