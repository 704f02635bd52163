// The /mcp endpoint of Streamable HTTP: Origin/Host checks; POST in the 2025 era (sessions, JSON
// answer or an SSE stream once a handler sends a notification, resumable from 2025-11-25), the
// standalone GET stream and DELETE; and POST in the 2026-07-28 era (no session, routing-header
// checks, a stream scoped to the request), chosen per request.
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <deque>

#include "log/logger.hpp"
#include "mcp/protocol_version.hpp"
#include "mcp/request_meta.hpp"
#include "transport/http/event_stream.hpp"
#include "transport/http/http_connection.hpp"
#include "transport/http/routing_headers.hpp"
#include "util/random.hpp"

namespace arcade_mcp::detail {
namespace {

using header_list = std::vector<std::pair<std::string, std::string>>;

/// Wakes the connection coroutine that follows an event_stream: producers call the waker from
/// any thread, which posts onto the connection's strand. Also the handle by which the session
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
    sse_writer(beast::tcp_stream& stream, std::chrono::seconds timeout) : stream_(stream), timeout_(timeout) {}

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
        co_await bhttp::async_write_header(stream_, sr, net::redirect_error(net::use_awaitable, ec));
        ok_ = !ec;
        co_return ok_;
    }
    /// SEP-1699 priming event: an id and empty data, so the client can resume from here, and
    /// how long to wait before reconnecting.
    net::awaitable<bool> prime(const std::string& id) { co_return co_await raw("id: " + id + "\nretry: " + std::to_string(retry_ms) + "\ndata: \n\n"); }
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
        co_await net::async_write(stream_, bhttp::make_chunk(net::buffer(text)), net::redirect_error(net::use_awaitable, ec));
        ok_ = !ec;
        co_return ok_;
    }

    beast::tcp_stream& stream_;
    std::chrono::seconds timeout_;
    bool ok_ = false;
};

/// Events kept per POST stream (its notifications and requests, then the reply).
constexpr std::size_t post_stream_capacity = 256;

/// Follows the answer of one POST: its event stream and, once the answer is not in at once, the
/// waker the stream pokes through the connection's strand.
struct answer_follower {
    std::shared_ptr<event_stream> es;
    std::shared_ptr<wake_signal> wake;
    std::uint64_t generation = 0;

    /// JSON or stream can be decided: a reply, an event, an end, or an early close.
    static bool decided(const event_stream::state& st) { return st.finished || st.events > 0 || st.terminated || st.close_requested; }
    void attach(net::any_io_executor ex) {
        wake = std::make_shared<wake_signal>(std::move(ex));
        generation = es->attach(wake->waker());
    }
};

/// Notices the client closing its connection while its request is being answered (2026-07-28:
/// closing the answer stream is the cancellation), without waiting for the next write: the socket
/// turns readable, and a peek reads end-of-stream. Data instead (a pipelined request) ends the
/// watch. stop() before the connection is used again; the handler then touches nothing.
class disconnect_watch final : public std::enable_shared_from_this<disconnect_watch> {
public:
    disconnect_watch(beast::tcp_stream& stream, std::function<void()> on_close) : stream_(stream), on_close_(std::move(on_close)) {}
    void start() { arm(); }
    void stop() {
        if (stopped_) return;
        stopped_ = true;
        boost::system::error_code ignored;
        stream_.socket().cancel(ignored);
    }

private:
    void arm() {
        stream_.socket().async_wait(net::socket_base::wait_read, [self = shared_from_this()](const boost::system::error_code& ec) {
            if (ec || self->stopped_) return;
            char byte = 0;
            const auto n = ::recv(self->stream_.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
                self->stopped_ = true;
                self->on_close_();
            } else if (n < 0) {
                self->arm();  // spurious wake-up
            }
        });
    }
    beast::tcp_stream& stream_;
    std::function<void()> on_close_;
    bool stopped_ = false;
};

/// Answers with an HTTP error status and a JSON-RPC error body without id.
net::awaitable<bool> reject(beast::tcp_stream& stream, const http_request& req, bhttp::status status, int code, std::string message,
                            bool keep, header_list headers) {
    const bool sent = co_await write_response(stream, req, status, transport_error(code, std::move(message)), keep, std::move(headers));
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
net::awaitable<pump_end> pump(sse_writer& sse, event_stream& es, std::uint64_t generation, std::uint64_t cursor, wake_signal& wake,
                              bool resumable, std::chrono::seconds keep_alive, bool event_ids = true) {
    while (true) {
        auto v = es.read_after(cursor, generation);
        if (v.superseded || v.terminated || wake.closed()) co_return pump_end::stopped;
        for (const auto& e : v.events) {
            std::string id;  // a named value: GCC 12 mishandles a ?: temporary inside co_await
            if (event_ids) id = es.event_id(e.seq);
            if (!co_await sse.event(id, e.data)) co_return pump_end::connection_lost;
            cursor = e.seq;
        }
        if (v.finished && (v.events.empty() || v.events.back().is_reply || cursor >= es.last_seq())) co_return pump_end::finished;
        if (v.close_requested && resumable) co_return pump_end::closed_by_handler;
        if (!co_await wake.wait(keep_alive) && !co_await sse.comment()) co_return pump_end::connection_lost;
    }
}

/// Whether a POSTed payload holds a request (which must be answered with JSON or a stream).
bool carries_request(const json& payload) {
    const auto is_request = [](const json& m) { return m.is_object() && m.contains("id") && m.contains("method"); };
    if (payload.is_array()) return std::any_of(payload.begin(), payload.end(), is_request);
    return is_request(payload);
}

std::string header(const http_request& req, std::string_view name) {
    return std::string(to_std(req[boost::beast::string_view(name.data(), name.size())]));
}

/// The HTTP status of a 2026-07-28 answer sent as JSON, from its error code (none: a result):
/// 404 for an unknown method, 400 for the errors the revision assigns to it (bad `_meta` or
/// params, header mismatch, missing client capability, unsupported revision), 200 otherwise.
bhttp::status modern_status(std::optional<int> error_code) {
    if (!error_code) return bhttp::status::ok;
    const int code = *error_code;
    if (code == jsonrpc::error_code::method_not_found) return bhttp::status::not_found;
    if (code == jsonrpc::error_code::invalid_params || code == jsonrpc::error_code::invalid_request ||
        code == jsonrpc::error_code::parse_error || (code <= modern_error::header_mismatch && code >= modern_error::unsupported_protocol_version))
        return bhttp::status::bad_request;
    return bhttp::status::ok;
}

/// A 2026-07-28 POST: no session, no event ids or resumption. Checks, in the order the revision
/// gives: `_meta` (-32602), MCP-Protocol-Version = `_meta` revision (-32020), a served revision
/// (-32022), the routing headers (-32020); then a fresh per-request session serves it. Closing
/// the answer stream cancels the request.
net::awaitable<bool> post_modern(beast::tcp_stream& stream, const http_request& req, std::shared_ptr<http_shared> shared, json payload, bool keep) {
    const header_list no_headers;
    std::optional<jsonrpc::request_id> id;
    if (payload.is_object())
        if (auto i = payload.find("id"); i != payload.end()) id = jsonrpc::request_id::from_json(*i);
    const auto answer_error = [&](const jsonrpc::error& err) -> net::awaitable<bool> {
        // Error texts may quote header bytes that are not UTF-8: replaced, so the body stays JSON.
        std::string body = jsonrpc::make_error(id, err).dump(-1, ' ', false, json::error_handler_t::replace);
        const auto status = modern_status(err.code);
        co_return co_await write_raw_json(stream, req, status, std::move(body), keep, no_headers) && keep;
    };
    // Errors are built as named values first: GCC 12 destroys temporaries made inside a co_await
    // expression twice (design/cpp-stack.md).
    if (!payload.is_object()) {
        const jsonrpc::error batch{jsonrpc::error_code::invalid_request, "Invalid Request: batches do not exist in 2026-07-28", std::nullopt};
        co_return co_await answer_error(batch);
    }
    if (const auto method = payload.find("method"); method != payload.end() && !method->is_string()) {
        const jsonrpc::error bad_method{jsonrpc::error_code::invalid_request, "Invalid Request: method must be a string", std::nullopt};
        co_return co_await answer_error(bad_method);
    }
    const bool is_request = payload.contains("id") && payload.contains("method");
    if (is_request) {
        auto meta = read_request_meta(payload.value("params", json()));
        if (auto* err = std::get_if<jsonrpc::error>(&meta)) co_return co_await answer_error(*err);
        const std::string revision = std::get<request_meta>(meta).revision;
        const std::string sent = header(req, "MCP-Protocol-Version");
        if (sent != revision) {
            const jsonrpc::error mismatch{modern_error::header_mismatch,
                                          "Header mismatch: MCP-Protocol-Version header value '" + sent + "' does not match body value '" + revision + "'",
                                          std::nullopt};
            co_return co_await answer_error(mismatch);
        }
        if (auto unsupported = check_served_revision(revision)) co_return co_await answer_error(*unsupported);
        // Mcp-Param-* follow the called tool's x-mcp-header properties.
        std::shared_ptr<const tool_catalog> catalog;
        const json* schema = nullptr;
        if (payload.value("method", std::string()) == "tools/call") {
            catalog = shared->core.catalog();
            const auto params = payload.find("params");
            if (params != payload.end() && params->is_object())
                if (auto name = params->find("name"); name != params->end() && name->is_string())
                    if (const auto* tool = catalog->find(name->get_ref<const std::string&>())) schema = &tool->spec->input_schema;
        }
        const header_lookup lookup = [&req](std::string_view name) -> std::optional<std::string> {
            const auto it = req.find(boost::beast::string_view(name.data(), name.size()));
            if (it == req.end()) return std::nullopt;
            return std::string(to_std(it->value()));
        };
        if (auto mismatch = check_routing_headers(lookup, payload, schema)) co_return co_await answer_error(*mismatch);
    }

    auto session = std::make_shared<session_state>(std::string(), random_uuid_v4());
    auto es = std::make_shared<event_stream>(event_stream::next_id(), post_stream_capacity);
    shared->core.serve_modern(session, payload, es);

    answer_follower follow{es, nullptr, 0};
    event_stream::state st = es->peek();
    auto& wake = follow.wake;
    auto& generation = follow.generation;
    const auto decided = &answer_follower::decided;
    const auto attach = [&follow](net::any_io_executor ex) { follow.attach(std::move(ex)); };
    // While the answer is pending, a client that hangs up cancels the request.
    std::shared_ptr<disconnect_watch> watch;
    struct watch_stopper {
        std::shared_ptr<disconnect_watch>& w;
        ~watch_stopper() {
            if (w) w->stop();
        }
    } stop_watch_on_exit{watch};
    if (!decided(st)) {
        attach(co_await net::this_coro::executor);
        watch = std::make_shared<disconnect_watch>(stream, [session, w = std::weak_ptr<wake_signal>(wake)] {
            session->close();
            if (auto s = w.lock()) s->close();
        });
        watch->start();
        for (st = es->peek(); !decided(st) && !wake->closed(); st = es->peek()) co_await wake->wait(std::chrono::hours(24));
        if (wake->closed() && !decided(st)) co_return false;  // the client went away
    }
    keep = req.keep_alive() && !shared->draining.load();
    if (st.only_reply || st.terminated) {
        if (watch) watch->stop();
        auto reply = es->take_reply();
        if (reply.body.empty())
            co_return co_await write_response(stream, req, bhttp::status::accepted, nullptr, keep, no_headers) && keep;
        const auto status = modern_status(reply.error_code);
        co_return co_await write_raw_json(stream, req, status, std::move(reply.body), keep, no_headers) && keep;
    }
    // Notifications first (progress, logs; a listen stream's acknowledgement): an SSE stream
    // scoped to this request, ending with its answer.
    if (!wake) attach(co_await net::this_coro::executor);
    sse_writer sse(stream, shared->options.write_timeout);
    if (!co_await sse.start(req, no_headers)) {
        session->close();
        co_return false;
    }
    if (!watch) {
        watch = std::make_shared<disconnect_watch>(stream, [session, w = std::weak_ptr<wake_signal>(wake)] {
            session->close();
            if (auto s = w.lock()) s->close();
        });
        watch->start();
    }
    const auto end = co_await pump(sse, *es, generation, 0, *wake, false, shared->options.sse_keep_alive, false);
    if (end == pump_end::connection_lost || end == pump_end::stopped) {
        session->close();  // the client closed the stream: that is the cancellation
        co_return false;
    }
    watch->stop();
    const bool ok = co_await sse.end();
    co_return ok && keep && !shared->draining.load() && end == pump_end::finished;
}

net::awaitable<bool> post(beast::tcp_stream& stream, const http_request& req, std::shared_ptr<http_shared> shared) {
    in_flight_guard guard(shared->in_flight);
    bool keep = req.keep_alive() && !shared->draining.load();  // decided again before the answer is written
    const header_list no_headers;
    if (!content_type_is(header(req, "Content-Type"), "application/json"))
        co_return co_await reject(stream, req, bhttp::status::unsupported_media_type, -32000, "Unsupported Media Type: Content-Type must be application/json", keep, no_headers);
    const auto accept = header(req, "Accept");
    if (!accepts(accept, "application/json") || !accepts(accept, "text/event-stream"))
        co_return co_await reject(stream, req, bhttp::status::not_acceptable, -32000, "Not Acceptable: Accept must list application/json and text/event-stream", keep, no_headers);
    const auto version_header = header(req, "MCP-Protocol-Version");
    std::string why;
    auto parsed = shared->core.parse_limited(req.body(), why);
    if (!parsed) {
        const int code = why.rfind("Parse error", 0) == 0 ? jsonrpc::error_code::parse_error : jsonrpc::error_code::invalid_request;
        co_return co_await reject(stream, req, bhttp::status::bad_request, code, why, keep, no_headers);
    }
    json payload = std::move(*parsed);
    if (!payload.is_object() && !payload.is_array())
        co_return co_await reject(stream, req, bhttp::status::bad_request, jsonrpc::error_code::invalid_request, "Invalid Request: expected a JSON-RPC message", keep, no_headers);

    // Era (spec/mcp-server.md §16.9): 2026-07-28 `_meta` or header, or a revision we do not know,
    // is served statelessly; the rest is the 2025 era of sessions.
    const bool unknown_version = !version_header.empty() && !is_supported_revision(version_header) && !is_modern_revision(version_header);
    if (unknown_version && !carries_request_meta(payload)) {
        // Neither era: name the revisions served (UnsupportedProtocolVersionError).
        std::optional<jsonrpc::request_id> id;
        if (payload.is_object() && payload.contains("id")) id = jsonrpc::request_id::from_json(payload["id"]);
        std::string body = jsonrpc::make_error(id, unsupported_version_error(version_header)).dump(-1, ' ', false, json::error_handler_t::replace);
        co_return co_await write_raw_json(stream, req, bhttp::status::bad_request, std::move(body), keep, no_headers) && keep;
    }
    if (dispatcher::is_modern_message(payload) || is_modern_revision(version_header) || unknown_version)
        co_return co_await post_modern(stream, req, shared, std::move(payload), keep);

    const bool is_init = dispatcher::is_initialize_request(payload);
    const auto session_id = header(req, "Mcp-Session-Id");
    std::shared_ptr<session_state> session;
    bool created = false;
    const header_list retry_after{{"Retry-After", "5"}};
    if (shared->options.stateless) {
        session = std::make_shared<session_state>(std::string(), random_uuid_v4());
        session->set_stateless();
        if (!is_init) session->assume_revision(version_header.empty() ? std::string(rev_2025_03_26) : version_header);
    } else if (!session_id.empty()) {
        session = shared->sessions.find(session_id, session_table::clock::now());
        if (!session) co_return co_await reject(stream, req, bhttp::status::not_found, -32001, "Session not found", keep, no_headers);
        if (is_init)
            co_return co_await reject(stream, req, bhttp::status::bad_request, jsonrpc::error_code::invalid_request, "Invalid Request: Server already initialized", keep, no_headers);
    } else if (is_init) {
        beast::error_code ec;
        const auto peer = stream.socket().remote_endpoint(ec);
        session = shared->sessions.create(session_table::clock::now(), ec ? std::string() : peer.address().to_string());
        if (!session) co_return co_await reject(stream, req, bhttp::status::service_unavailable, -32000, "Service Unavailable: too many sessions", keep, retry_after);
        created = true;
    } else {
        co_return co_await reject(stream, req, bhttp::status::bad_request, -32000, "Bad Request: Mcp-Session-Id header is required", keep, no_headers);
    }
    if (payload.is_array() && session->revision() != rev_2025_03_26)
        co_return co_await reject(stream, req, bhttp::status::bad_request, jsonrpc::error_code::invalid_request,
                                "Invalid Request: batches are only supported in protocol revision 2025-03-26", keep, no_headers);

    request_slot slot(*session, shared->options.max_requests_per_session);
    if (!slot)
        co_return co_await reject(stream, req, bhttp::status::too_many_requests, -32000,
                                  "Too Many Requests: too many requests in progress on this session", keep, retry_after);
    header_list headers;
    if (!session->id().empty()) headers.emplace_back("Mcp-Session-Id", session->id());
    // Per-POST event stream: the handler's notifications and requests, then the reply.
    auto es = std::make_shared<event_stream>(event_stream::next_id(), post_stream_capacity);
    shared->core.handle(session, payload, es);

    // Answer with plain JSON (or 202) when the reply comes before any other message. An inline
    // handler has finished by now: no waker is needed. Otherwise attach one, then look again, so
    // nothing a pool thread adds in between is missed.
    answer_follower follow{es, nullptr, 0};
    event_stream::state st = es->peek();
    auto& wake = follow.wake;
    auto& generation = follow.generation;
    const auto decided = &answer_follower::decided;
    const auto attach = [&follow](net::any_io_executor ex) { follow.attach(std::move(ex)); };
    if (!decided(st)) {
        attach(co_await net::this_coro::executor);
        for (st = es->peek(); !decided(st); st = es->peek()) co_await wake->wait(std::chrono::hours(24));
    }
    keep = req.keep_alive() && !shared->draining.load();  // a drain that began meanwhile closes the connection
    if ((st.only_reply && !st.close_requested) || st.terminated) {
        auto taken = es->take_reply();
        std::string& reply = taken.body;
        if (created && (reply.empty() || taken.error_code))
            shared->sessions.erase(session->id());  // failed initialize
        if (reply.empty() && !carries_request(payload))
            co_return co_await write_response(stream, req, bhttp::status::accepted, nullptr, keep, headers) && keep;
        if (reply.empty()) {
            // A request with nothing to answer (the client cancelled it): a request's POST gets a
            // stream, never 202; it ends without a response.
            sse_writer sse(stream, shared->options.write_timeout);
            co_return co_await sse.start(req, headers) && co_await sse.end() && keep;
        }
        co_return co_await write_raw_json(stream, req, bhttp::status::ok, std::move(reply), keep, headers) && keep;
    }
    if (!wake) attach(co_await net::this_coro::executor);
    const auto first = es->read_after(0, generation);
    // A handler sent a notification or request first: answer as an SSE stream that ends with the
    // reply. From 2025-11-25 on (by the session's revision) it is primed and resumable.
    sse_writer sse(stream, shared->options.write_timeout);
    bool ok = co_await sse.start(req, headers);
    const bool resumable = !session->id().empty() && revision_at_least(session->revision(), rev_2025_11_25);
    if (ok && resumable) {
        ok = co_await sse.prime(es->event_id(0));
        shared->sessions.keep_stream(session->id(), es);
    }
    if (!ok) co_return false;
    if (first.close_requested && resumable) {
        // The handler ended the response at once (SEP-1699 polling): the client resumes with GET.
        for (const auto& e : first.events)
            if (!co_await sse.event(es->event_id(e.seq), e.data)) co_return false;
        co_await sse.end();
        co_return false;
    }
    const auto end = co_await pump(sse, *es, generation, 0, *wake, resumable, shared->options.sse_keep_alive);
    if (end == pump_end::connection_lost) co_return false;
    ok = co_await sse.end();
    co_return ok && keep && !shared->draining.load() && end == pump_end::finished;
}

net::awaitable<bool> get(beast::tcp_stream& stream, const http_request& req, std::shared_ptr<http_shared> shared) {
    const bool keep = req.keep_alive() && !shared->draining.load();
    const header_list no_headers;
    const header_list allow_post{{"Allow", "POST"}};
    if (shared->options.stateless)
        co_return co_await reject(stream, req, bhttp::status::method_not_allowed, -32000, "Method Not Allowed: no GET stream in stateless mode", keep, allow_post);
    if (is_modern_revision(header(req, "MCP-Protocol-Version")))
        co_return co_await reject(stream, req, bhttp::status::method_not_allowed, -32000,
                                  "Method Not Allowed: 2026-07-28 has no GET stream (use subscriptions/listen)", keep, allow_post);
    if (!accepts(header(req, "Accept"), "text/event-stream"))
        co_return co_await reject(stream, req, bhttp::status::not_acceptable, -32000, "Not Acceptable: Accept must list text/event-stream", keep, no_headers);
    const auto version_header = header(req, "MCP-Protocol-Version");
    if (!version_header.empty() && !is_supported_revision(version_header))
        co_return co_await reject(stream, req, bhttp::status::bad_request, -32000, "Bad Request: Unsupported protocol version: " + version_header, keep, no_headers);
    const auto session_id = header(req, "Mcp-Session-Id");
    if (session_id.empty()) co_return co_await reject(stream, req, bhttp::status::bad_request, -32000, "Bad Request: Mcp-Session-Id header is required", keep, no_headers);
    auto session = shared->sessions.find(session_id, session_table::clock::now());
    if (!session) co_return co_await reject(stream, req, bhttp::status::not_found, -32001, "Session not found", keep, no_headers);
    if (shared->draining.load()) co_return co_await reject(stream, req, bhttp::status::service_unavailable, -32000, "Service Unavailable: shutting down", false, no_headers);

    request_slot slot(*session, shared->options.max_requests_per_session);
    if (!slot) {
        const header_list retry_after{{"Retry-After", "5"}};
        co_return co_await reject(stream, req, bhttp::status::too_many_requests, -32000,
                                  "Too Many Requests: too many requests in progress on this session", keep, retry_after);
    }
    auto wake = std::make_shared<wake_signal>(co_await net::this_coro::executor);
    sse_writer sse(stream, shared->options.write_timeout);
    const header_list session_header{{"Mcp-Session-Id", session_id}};

    // Resumption: Last-Event-ID names a kept stream of this session; replay what followed it and
    // go on following that stream.
    std::shared_ptr<event_stream> es;
    std::uint64_t cursor = 0;
    if (const auto last = header(req, "Last-Event-ID"); !last.empty()) {
        if (auto parsed = event_stream::parse_event_id(last)) {
            es = shared->sessions.find_stream(session_id, parsed->first);
            cursor = parsed->second;
        }
    }
    auto standalone = shared->sessions.standalone_events(session_id);
    if (!standalone) co_return co_await reject(stream, req, bhttp::status::not_found, -32001, "Session not found", keep, no_headers);
    // A client that closes the stream is noticed at once (not at the next keep-alive write), so
    // the session's next GET is not refused with 409 meanwhile and its request slot is freed.
    auto hung_up = std::make_shared<bool>(false);
    auto watch = std::make_shared<disconnect_watch>(stream, [hung_up, w = std::weak_ptr<wake_signal>(wake)] {
        *hung_up = true;
        if (auto s = w.lock()) s->close();
    });
    struct watch_stopper {
        disconnect_watch& w;
        ~watch_stopper() { w.stop(); }
    } stop_watch_on_exit{*watch};
    if (es && es != standalone) {
        const auto generation = es->attach(wake->waker());
        if (!co_await sse.start(req, session_header)) co_return false;
        watch->start();
        const auto end = co_await pump(sse, *es, generation, cursor, *wake, true, shared->options.sse_keep_alive);
        if (end != pump_end::connection_lost && !*hung_up) co_await sse.end();
        co_return false;
    }
    // The standalone stream: one GET connection per session at a time.
    if (!es) cursor = standalone->last_seq();  // a fresh stream starts now; no replay
    if (!shared->sessions.attach_stream(session_id, wake))
        co_return co_await reject(stream, req, bhttp::status::conflict, -32000, "Conflict: only one GET stream per session", keep, no_headers);
    const auto generation = standalone->attach(wake->waker());
    bool ok = co_await sse.start(req, session_header);
    if (ok && revision_at_least(session->revision(), rev_2025_11_25)) ok = co_await sse.prime(standalone->event_id(cursor));
    pump_end end = pump_end::connection_lost;
    if (ok) {
        watch->start();
        end = co_await pump(sse, *standalone, generation, cursor, *wake, false, shared->options.sse_keep_alive);
    }
    shared->sessions.detach_stream(session_id, wake.get());
    if (end != pump_end::connection_lost && !*hung_up) co_await sse.end();
    co_return false;  // a long-lived stream's connection is not reused
}

net::awaitable<bool> del(beast::tcp_stream& stream, const http_request& req, std::shared_ptr<http_shared> shared) {
    const bool keep = req.keep_alive() && !shared->draining.load();
    const header_list allow_post{{"Allow", "POST"}};
    if (shared->options.stateless || is_modern_revision(header(req, "MCP-Protocol-Version")))
        co_return co_await write_response(stream, req, bhttp::status::method_not_allowed,
                                          transport_error(-32000, "Method Not Allowed: no sessions in stateless mode or in 2026-07-28"), keep, allow_post) && keep;
    const auto session_id = header(req, "Mcp-Session-Id");
    if (session_id.empty())
        co_return co_await write_response(stream, req, bhttp::status::bad_request,
                                          transport_error(-32000, "Bad Request: Mcp-Session-Id header is required"), keep) && keep;
    if (!shared->sessions.erase(session_id))
        co_return co_await write_response(stream, req, bhttp::status::not_found, transport_error(-32001, "Session not found"), keep) && keep;
    log(log_level::debug, "session deleted by the client", {{"session_id", session_id}});
    co_return co_await write_response(stream, req, bhttp::status::ok, nullptr, keep) && keep;
}

}  // namespace

net::awaitable<bool> serve_mcp(beast::tcp_stream& stream, const http_request& req, std::shared_ptr<http_shared> shared) {
    const bool keep = req.keep_alive() && !shared->draining.load();
    const header_list allow_all{{"Allow", "GET, POST, DELETE"}};
    if (!shared->policy.host_allowed(header(req, "Host")))
        co_return co_await write_response(stream, req, bhttp::status::forbidden, transport_error(-32000, "Forbidden: invalid Host header"), keep) && keep;
    if (const auto origin = header(req, "Origin"); !origin.empty() && !shared->policy.origin_allowed(origin))
        co_return co_await write_response(stream, req, bhttp::status::forbidden, transport_error(-32000, "Forbidden: invalid Origin header"), keep) && keep;
    switch (req.method()) {
        case bhttp::verb::post: co_return co_await post(stream, req, shared);
        case bhttp::verb::get: co_return co_await get(stream, req, shared);
        case bhttp::verb::delete_: co_return co_await del(stream, req, shared);
        default:
            co_return co_await write_response(stream, req, bhttp::status::method_not_allowed,
                                              transport_error(-32000, "Method Not Allowed"), keep, allow_all) && keep;
    }
}

}  // namespace arcade_mcp::detail
