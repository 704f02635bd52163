// What the /mcp endpoint's handlers share (private to src/transport/http, includes Asio): the
// waker a connection coroutine waits on, the SSE writer, the follower of one POST's answer, the
// hang-up watch, per-session request slots, and pumping an event stream into an SSE response.
#pragma once

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "transport/http/event_stream.hpp"
#include "observe/metrics.hpp"
#include "transport/http/http_connection.hpp"

namespace arcade_mcp::detail {

using header_list = std::vector<std::pair<std::string, std::string>>;

/// Wakes the connection coroutine that follows an event_stream: producers call the waker from
/// any thread, which posts onto the connection's lane. Also the handle by which the session
/// table closes an open GET stream.
class wake_signal final : public standalone_stream, public std::enable_shared_from_this<wake_signal> {
public:
    explicit wake_signal(net::any_io_executor ex) : ex_(std::move(ex)) {}

    std::function<void()> waker() {
        return [w = weak_from_this(), ex = ex_] {
            net::post(ex, [w] {
                if (auto self = w.lock()) self->poke();
            });
        };
    }
    void close() override {
        net::post(ex_, [self = shared_from_this()] {
            self->closed_ = true;
            self->poke();
        });
    }
    /// Waits until poked or `timeout` passed; returns false on timeout. Strand only.
    net::awaitable<bool> wait(std::chrono::steady_clock::duration timeout) {
        if (!poked_) {
            if (!timer_) timer_.emplace(ex_);  // made on first need: most answers never wait
            timer_->expires_after(timeout);
            boost::system::error_code ec;  // operation_aborted == poked
            co_await timer_->async_wait(net::redirect_error(net::use_awaitable, ec));
        }
        const bool was_poked = poked_;
        poked_ = false;
        co_return was_poked;
    }
    bool closed() const { return closed_; }

private:
    void poke() {
        poked_ = true;
        if (timer_) timer_->cancel();
    }
    net::any_io_executor ex_;
    std::optional<net::steady_timer> timer_;
    bool poked_ = false;
    bool closed_ = false;
};

/// Writes SSE events as HTTP chunks after a header sent once (design/cpp-stack.md §3.7).
class sse_writer {
public:
    sse_writer(http_stream& stream, std::chrono::seconds timeout) : stream_(stream), timeout_(timeout) {}
    ~sse_writer() {
        if (counted_) observe::gauge_add(observe::gauge::sse_streams_open, -1);
    }
    sse_writer(const sse_writer&) = delete;
    sse_writer& operator=(const sse_writer&) = delete;

    net::awaitable<bool> start(const http_request& req, const header_list& headers) {
        bhttp::response<bhttp::empty_body> res{bhttp::status::ok, req.version()};
        res.set(bhttp::field::content_type, "text/event-stream");
        res.set(bhttp::field::cache_control, "no-cache, no-transform");
        res.set("X-Accel-Buffering", "no");
        for (const auto& [name, value] : headers) res.set(name, value);
        res.keep_alive(req.keep_alive());
        res.chunked(true);
        bhttp::response_serializer<bhttp::empty_body> sr{res};
        beast::error_code ec;
        stream_.expires_after(timeout_);
        observe::count_http_response(to_std(req.target()), 200);
        co_await bhttp::async_write_header(stream_, sr, net::redirect_error(net::use_awaitable, ec));
        ok_ = !ec;
        if (ok_ && !counted_) {
            counted_ = true;
            observe::gauge_add(observe::gauge::sse_streams_open, 1);
        }
        co_return ok_;
    }
    /// SEP-1699 priming event: an id and empty data, so the client can resume from here, and
    /// how long to wait before reconnecting.
    net::awaitable<bool> prime(const std::string& id) {
        co_return co_await raw("id: " + id + "\nretry: " + std::to_string(retry_ms) + "\ndata: \n\n");
    }
    /// An event; without `id` when it is empty (2026-07-28 streams are never resumed).
    net::awaitable<bool> event(const std::string& id, const std::string& data) {
        std::string text;  // built before the co_await: GCC 12 mishandles temporaries of a ?: inside it
        if (!id.empty()) text = "id: " + id + "\n";
        text += "event: message\ndata: " + data + "\n\n";
        co_return co_await raw(std::move(text));
    }
    static constexpr int retry_ms = 1000;
    net::awaitable<bool> comment() { co_return co_await raw(": keep-alive\n\n"); }
    net::awaitable<bool> end() {
        if (!ok_) co_return false;
        beast::error_code ec;
        stream_.expires_after(timeout_);
        co_await net::async_write(stream_, bhttp::make_chunk_last(), net::redirect_error(net::use_awaitable, ec));
        co_return !ec;
    }

private:
    net::awaitable<bool> raw(std::string text) {
        if (!ok_) co_return false;
        beast::error_code ec;
        stream_.expires_after(timeout_);
        co_await net::async_write(stream_, bhttp::make_chunk(net::buffer(text)),
                                  net::redirect_error(net::use_awaitable, ec));
        ok_ = !ec;
        co_return ok_;
    }

    http_stream& stream_;
    std::chrono::seconds timeout_;
    bool ok_ = false;
    bool counted_ = false;  ///< in the open-streams gauge
};

/// Events kept per POST stream (its notifications and requests, then the reply).
inline constexpr std::size_t post_stream_capacity = 256;

/// Follows the answer of one POST: its event stream and, once the answer is not in at once, the
/// waker the stream pokes through the connection's lane.
struct answer_follower {
    std::shared_ptr<event_stream> es;
    std::shared_ptr<wake_signal> wake;
    std::uint64_t generation = 0;

    /// JSON or stream can be decided: a reply, an event, an end, or an early close.
    static bool decided(const event_stream::state& st) {
        return st.finished || st.events > 0 || st.terminated || st.close_requested;
    }
    void attach(net::any_io_executor ex) {
        wake = std::make_shared<wake_signal>(std::move(ex));
        generation = es->attach(wake->waker());
    }
    /// Waits on the connection's lane until the answer's shape can be decided. An inline handler
    /// has finished by now: then no waker is needed. Otherwise one is attached and the stream
    /// looked at again, so nothing a pool thread adds in between is missed; `on_attach` runs then.
    /// Also returns when the waker is closed (the client went away: see gone()).
    net::awaitable<event_stream::state> await_decision(const std::function<void()>& on_attach) {
        auto st = es->peek();
        if (decided(st)) co_return st;
        attach(co_await net::this_coro::executor);
        if (on_attach) on_attach();
        for (st = es->peek(); !decided(st) && !wake->closed(); st = es->peek())
            co_await wake->wait(std::chrono::hours(24));
        co_return st;
    }
    /// Attaches a waker if none is yet (before following the stream as SSE).
    net::awaitable<void> ensure_attached() {
        if (!wake) attach(co_await net::this_coro::executor);
    }
    /// The waiting ended because the client went away, not because the answer can be shaped.
    bool gone(const event_stream::state& st) const { return wake && wake->closed() && !decided(st); }
};

/// Notices the client closing its connection while its request is being answered (2026-07-28:
/// closing the answer stream is the cancellation), without waiting for the next write: the socket
/// turns readable, and a peek reads end-of-stream. Data instead (a pipelined request) ends the
/// watch. stop() before the connection is used again; the handler then touches nothing.
class disconnect_watch final : public std::enable_shared_from_this<disconnect_watch> {
public:
    disconnect_watch(http_stream& stream, std::function<void()> on_close)
        : stream_(stream), on_close_(std::move(on_close)) {}
    /// Over an in-memory stream (tests) there is no socket to watch: a hang-up is noticed at the
    /// next write instead.
    void start() {
        if (stream_.tcp()) arm();
    }
    void stop() {
        if (stopped_) return;
        stopped_ = true;
        boost::system::error_code ignored;
        if (auto* tcp = stream_.tcp()) tcp->socket().cancel(ignored);
    }

private:
    void arm() {
        stream_.tcp()->socket().async_wait(
            net::socket_base::wait_read, [self = shared_from_this()](const boost::system::error_code& ec) {
                if (ec || self->stopped_) return;
                char byte = 0;
                const auto n = ::recv(self->stream_.tcp()->socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
                if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
                    self->stopped_ = true;
                    self->on_close_();
                } else if (n < 0) {
                    self->arm();  // spurious wake-up
                }
            });
    }
    http_stream& stream_;
    std::function<void()> on_close_;
    bool stopped_ = false;
};

/// Answers with an HTTP error status and a JSON-RPC error body without id.
inline net::awaitable<bool> reject(http_stream& stream, const http_request& req, bhttp::status status, int code,
                            std::string message, bool keep, header_list headers) {
    const bool sent = co_await write_response(stream, req, status, transport_error(code, std::move(message)), keep,
                                              std::move(headers));
    co_return sent && keep;
}

/// Counts a POST or GET in progress on its session (max_requests_per_session).
class request_slot {
public:
    request_slot(session_state& s, std::size_t max) : session_(s), held_(s.begin_request(max)) {}
    ~request_slot() {
        if (held_) session_.end_request();
    }
    request_slot(const request_slot&) = delete;
    request_slot& operator=(const request_slot&) = delete;
    explicit operator bool() const { return held_; }

private:
    session_state& session_;
    bool held_;
};

/// How following an event stream ended.
enum class pump_end { finished, closed_by_handler, connection_lost, stopped };

/// Writes the events of `es` after `cursor` to a started SSE response and follows the stream:
/// until it finished (reply written), the handler closed it (only when `resumable`), the session
/// or server stopped it, another reader took over, or the connection broke. Sends a keep-alive
/// comment after `keep_alive` of silence.
inline net::awaitable<pump_end> pump(sse_writer& sse, event_stream& es, std::uint64_t generation, std::uint64_t cursor,
                              wake_signal& wake, bool resumable, std::chrono::seconds keep_alive,
                              bool event_ids = true) {
    while (true) {
        auto v = es.read_after(cursor, generation);
        if (v.superseded || v.terminated || wake.closed()) co_return pump_end::stopped;
        for (const auto& e : v.events) {
            std::string id;  // a named value: GCC 12 mishandles a ?: temporary inside co_await
            if (event_ids) id = es.event_id(e.seq);
            if (!co_await sse.event(id, e.data)) co_return pump_end::connection_lost;
            cursor = e.seq;
        }
        if (v.finished && (v.events.empty() || v.events.back().is_reply || cursor >= es.last_seq()))
            co_return pump_end::finished;
        if (v.close_requested && resumable) co_return pump_end::closed_by_handler;
        if (!co_await wake.wait(keep_alive) && !co_await sse.comment()) co_return pump_end::connection_lost;
    }
}

/// Whether a POSTed payload holds a request (which must be answered with JSON or a stream).
inline bool carries_request(const json& payload) {
    const auto is_request = [](const json& m) { return m.is_object() && m.contains("id") && m.contains("method"); };
    if (payload.is_array()) return std::any_of(payload.begin(), payload.end(), is_request);
    return is_request(payload);
}

/// A request header's value ("" when absent), viewing the request: valid while `req` lives.
inline std::string_view header(const http_request& req, std::string_view name) {
    return to_std(req[boost::beast::string_view(name.data(), name.size())]);
}

/// Who the request's bearer token names (front-door authorization); nullptr when auth is off.
using caller_ptr = const auth::caller_identity*;

/// The principal a session lookup must match (nullptr: auth off, any session).
inline const std::string* principal_of(caller_ptr caller) { return caller ? &caller->principal : nullptr; }

/// Binds a session made for this request to the caller (auth on).
inline void bind_to(session_state& session, caller_ptr caller) {
    if (caller) session.bind_subject(caller->subject, caller->principal);
}

/// The /mcp handlers, one per unit: a POST of each era (mcp_post_legacy.cpp, mcp_post_modern.cpp),
/// the GET stream and DELETE (mcp_session_requests.cpp). `post_*` get the parsed payload; each
/// returns whether the connection may be kept alive.
net::awaitable<bool> post_legacy(http_stream& stream, const http_request& req,
                                 std::shared_ptr<http_shared> shared, json payload, bool keep, caller_ptr caller);
net::awaitable<bool> post_modern(http_stream& stream, const http_request& req,
                                 std::shared_ptr<http_shared> shared, json payload, bool keep, caller_ptr caller);
net::awaitable<bool> get_stream(http_stream& stream, const http_request& req,
                                std::shared_ptr<http_shared> shared, caller_ptr caller);
net::awaitable<bool> delete_session(http_stream& stream, const http_request& req,
                                    std::shared_ptr<http_shared> shared, caller_ptr caller);

}  // namespace arcade_mcp::detail
