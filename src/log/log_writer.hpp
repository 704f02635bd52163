// Writes finished log lines to stderr from one background thread, in batches, so a thread that
// logs (an I/O thread writing the access log line of a tool call) never waits for a write(2) nor
// for another thread's. Nothing is dropped: past `max_buffered_bytes` a logging thread waits for
// the writer to catch up. Warnings and errors are written through before log() returns, and
// flush() (called at exit and at the end of run()) writes whatever is pending.
#pragma once

#include <cstddef>
#include <string_view>

namespace arcade_mcp::detail {

/// Queues `line` (newline included) for stderr. `urgent`: also writes it (and everything before
/// it) before returning.
void write_log_line(std::string_view line, bool urgent);

// flush_log() (logger.hpp) writes every queued line and returns when done.

/// The most bytes queued before a logging thread waits for the writer.
inline constexpr std::size_t max_buffered_log_bytes = 1024 * 1024;

}  // namespace arcade_mcp::detail
