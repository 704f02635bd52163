// The sessions of the Streamable HTTP transport: created by `initialize`, found by
// Mcp-Session-Id, ended by DELETE or after an idle timeout, capped in number (the longest-idle
// session without running calls or an open GET stream is evicted for a new one). Also holds each
// session's open GET connection, its standalone event stream (messages unrelated to a request)
// and the recent resumable POST streams, for Last-Event-ID. Boost-free; thread-safe (one mutex).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "mcp/session_state.hpp"
#include "transport/http/event_stream.hpp"

namespace arcade_mcp::detail {

/// The server side of an open GET stream; implemented by the HTTP connection.
class standalone_stream {
public:
    virtual ~standalone_stream() = default;
    /// Ends the stream (session deleted or expired, server stopping). Thread-safe, idempotent.
    virtual void close() = 0;
};

class session_table {
public:
    using clock = std::chrono::steady_clock;

    session_table(std::size_t max_sessions, std::chrono::seconds idle_timeout, std::size_t max_per_client = SIZE_MAX);

    /// A new session with a fresh 128-bit id for `client` (its address), or nullptr when the
    /// table, or the client's share of it, is full of busy sessions. At either cap the
    /// longest-idle session without running calls or an open stream (the client's own, at the
    /// client cap) is evicted for the new one.
    /// `bind` (when given) runs on the new session before anyone else can reach it.
    std::shared_ptr<session_state> create(clock::time_point now, const std::string& client = {},
                                          const std::function<void(session_state&)>& bind = {});
    /// The live session with this id (and marks it used), or nullptr. With `principal` (front-door
    /// authorization) only a session bound to that principal is found: another caller's session is
    /// unknown to it, and its lookups do not keep the session alive.
    std::shared_ptr<session_state> find(std::string_view id, clock::time_point now,
                                        const std::string* principal = nullptr);
    /// Ends a session; false when unknown.
    bool erase(const std::string& id);
    /// Ends sessions idle for longer than the timeout; returns how many.
    std::size_t expire_idle(clock::time_point now);
    /// Registers the session's GET stream; false when one is already open (or no such session).
    bool attach_stream(const std::string& id, std::shared_ptr<standalone_stream> stream);
    void detach_stream(const std::string& id, const standalone_stream* stream);
    /// The session's standalone event stream, or nullptr for an unknown session.
    std::shared_ptr<event_stream> standalone_events(const std::string& id);
    /// Keeps a primed POST stream for resumption (the oldest kept one goes beyond the limit).
    void keep_stream(const std::string& id, std::shared_ptr<event_stream> stream);
    /// A kept stream (POST or standalone) of the session by its stream id, or nullptr.
    std::shared_ptr<event_stream> find_stream(const std::string& id, const std::string& stream_id);
    /// Ends every session (shutdown).
    void close_all();
    std::size_t size() const;

private:
    struct entry {
        std::shared_ptr<session_state> state;
        clock::time_point last_used;
        std::shared_ptr<standalone_stream> stream;
        std::shared_ptr<event_stream> standalone;
        std::deque<std::shared_ptr<event_stream>> kept;
        std::string client;
    };
    /// Evicts the longest-idle non-busy session (of `client` when given); false when none.
    bool evict_one(const std::string* client);
    bool busy(const entry& e) const { return e.stream != nullptr || e.state->calls_in_flight() > 0; }
    void end(entry& e);

    mutable std::mutex mu_;
    std::size_t max_sessions_;
    std::size_t max_per_client_;
    std::unordered_map<std::string, std::size_t> per_client_;
    std::chrono::seconds idle_timeout_;
    struct id_hash {  // lookups by string_view (the request's header) without a copy
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, entry, id_hash, std::equal_to<>> sessions_;
};

}  // namespace arcade_mcp::detail
