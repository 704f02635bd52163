// One SSE stream of Streamable HTTP as the server keeps it, apart from any connection: the
// messages a POST's handler produced (ending with the reply), or the session's standalone
// stream (list_changed, resources/updated). Events are numbered; the last `capacity` are kept
// so a client that lost the connection can resume with Last-Event-ID (`<stream id>-<seq>`).
// One reader (connection) at a time follows a stream; a new reader supersedes the old one.
// Boost-free and thread-safe: producers are worker threads, readers wake through a callback.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "mcp/outbound_sink.hpp"

namespace arcade_mcp::detail {

class event_stream final : public outbound_sink {
public:
    struct event {
        std::uint64_t seq = 0;
        std::string data;  ///< the serialized JSON-RPC message
        bool is_reply = false;
    };
    /// What a reader sees after its cursor.
    struct view {
        std::vector<event> events;
        bool finished = false;         ///< the reply (if any) is among the events; nothing follows
        bool close_requested = false;  ///< the handler asked to end the response (taken once)
        bool terminated = false;       ///< the session ended
        bool superseded = false;       ///< another reader took over
    };

    event_stream(std::string id, std::size_t capacity) : id_(std::move(id)), capacity_(capacity) {}

    // outbound_sink: producers, any thread.
    void send(json message) override;
    void finish(std::optional<json> reply) override;
    void close_stream() override;

    /// The session ended: readers stop.
    void terminate();

    /// Makes the caller the reader; `wake` is called (any thread, maybe under no lock of the
    /// caller) whenever something changes. Returns the reader's generation.
    std::uint64_t attach(std::function<void()> wake);
    /// Events after `cursor` still kept, and the stream's state, for reader `generation`.
    view read_after(std::uint64_t cursor, std::uint64_t generation);
    /// The state without copying events: what a POST needs to choose JSON or SSE.
    struct state {
        bool finished = false;
        bool terminated = false;
        bool close_requested = false;  ///< not taken: read_after still reports it
        std::size_t events = 0;        ///< kept events, the reply included
        bool only_reply = false;       ///< finished, and the reply (if any) is the only event
    };
    state peek() const;
    /// The reply, typed: its serialized text and, when it is a JSON-RPC error, its code (read
    /// from the message as it was finished, so no one re-parses the text to pick a status).
    struct reply {
        std::string body;  ///< "" when there is none
        std::optional<int> error_code;
    };
    /// Moves the reply out when it is the only event (the JSON answer).
    reply take_reply();

    const std::string& id() const noexcept { return id_; }
    /// The sequence number of the newest event (0 before the first).
    std::uint64_t last_seq() const;
    /// `<id>-<seq>`, the SSE event id.
    std::string event_id(std::uint64_t seq) const { return id_ + "-" + std::to_string(seq); }
    /// A process-unique stream id (hex). Not secret: streams are only found within their session.
    static std::string next_id();
    /// Splits an SSE event id into stream id and sequence number.
    static std::optional<std::pair<std::string, std::uint64_t>> parse_event_id(std::string_view event_id);

private:
    void push(std::string data, bool is_reply);
    void wake_reader();

    const std::string id_;
    const std::size_t capacity_;
    mutable std::mutex mu_;
    std::deque<event> events_;
    std::uint64_t seq_ = 0;
    bool finished_ = false;
    std::optional<int> reply_error_code_;
    bool close_requested_ = false;
    bool terminated_ = false;
    std::uint64_t generation_ = 0;
    std::function<void()> wake_;
};

}  // namespace arcade_mcp::detail
