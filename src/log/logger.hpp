// Process-wide structured logger (text or JSON lines) that always writes to stderr,
// because stdout is reserved for the MCP stdio transport.
#pragma once

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <span>
#include <string_view>

namespace arcade_mcp::detail {

enum class log_level { debug, info, warning, error, off };
enum class log_format { text, json };

// One key/value pair attached to a log line. Keys such as `request_id` or
// `session_id` have no special meaning; values are never truncated. The value is a view: fields
// live only in the braced list of one log() call, so a temporary string there outlives the call.
struct log_field {
    std::string_view key;
    std::string_view value;
};

// Sets the output format and minimum level for the whole process (default: text/info).
void configure_logging(log_format format, log_level min_level);

// Redirects complete lines (without the trailing newline) to `sink`; nullptr restores stderr.
void set_log_sink_for_testing(std::function<void(std::string_view line)> sink);

// True when a message at `level` would be written (always false for log_level::off).
bool log_enabled(log_level level);

// Writes one line. Thread-safe: lines are queued whole and written to stderr in order by one
// background thread (log_writer.hpp); warnings and errors are on stderr when log() returns.
// Text:  2026-11-28T12:34:56.789Z INFO message key=value key2="value with spaces"
// JSON:  {"time":"2026-11-28T12:34:56.789Z","level":"info","msg":"message","key":"value"}
// Control characters and invalid UTF-8 are escaped/replaced so a call is always one line.
void log(log_level level, std::string_view message, std::initializer_list<log_field> fields = {});
// The same with fields built at run time (a list whose length varies).
void log(log_level level, std::string_view message, std::span<const log_field> fields);

// Writes every queued line to stderr before returning (before exiting without destructors).
void flush_log();

// Parses "debug", "info", "warning"/"warn", "error", "off" (case-insensitive).
std::optional<log_level> parse_log_level(std::string_view text);

// Lower-case name used in JSON output and configuration ("debug", "info", "warning", ...).
std::string_view log_level_name(log_level level);

}  // namespace arcade_mcp::detail
