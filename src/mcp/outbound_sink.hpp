// Where the messages caused by one inbound payload go. The transport implements it: stdio writes
// lines, HTTP answers JSON or upgrades the response to an SSE stream on the first notification.
// Thread-safety: send() and finish() may be called from worker threads; finish() exactly once,
// after every send() of that payload.
#pragma once

#include <optional>

#include "arcade_mcp/json.hpp"

namespace arcade_mcp::detail {

class outbound_sink {
public:
    virtual ~outbound_sink() = default;
    /// A notification (progress, log) or server request related to the inbound request.
    virtual void send(json message) = 0;
    /// The reply (a response, or an array of responses for a batch); std::nullopt when nothing is
    /// to be answered (notifications, client responses, cancelled requests).
    virtual void finish(std::optional<json> reply) = 0;
    /// The handler asked to end the response stream early (SEP-1699 polling); the client resumes
    /// with Last-Event-ID. Only Streamable HTTP does something.
    virtual void close_stream() {}
};

}  // namespace arcade_mcp::detail
