// The stdio transport: newline-delimited JSON-RPC on two file descriptors (stdin/stdout by
// default). Reads with poll() so a stop request is seen within 100 ms; one writer lock keeps
// every output line whole; nothing but protocol messages is written to the output.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>

#include "mcp/dispatcher.hpp"

namespace arcade_mcp::detail {

struct stdio_options {
    int in_fd = 0;
    int out_fd = 1;
    std::size_t max_line_bytes = 4 * 1024 * 1024;
    std::chrono::milliseconds shutdown_grace{15000};
};

/// Parses one input line (-32700 for invalid JSON) and hands it to the dispatcher.
void handle_stdio_line(dispatcher& core, const std::shared_ptr<session_state>& session, std::string_view line,
                       const std::shared_ptr<outbound_sink>& sink);

/// Serves one session until EOF on the input or `stop` becomes true, then waits for running tool
/// calls (at most the grace period; after it their stop tokens are signalled). Returns 0.
int serve_stdio(dispatcher& core, worker_pool& pool, const stdio_options& options, const std::atomic<bool>& stop);

}  // namespace arcade_mcp::detail
