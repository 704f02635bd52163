// The /mcp endpoint of Streamable HTTP (2025 era): Origin/Host checks, POST (JSON answer, or an
// SSE stream once a handler sends a notification), the standalone GET stream, and DELETE.
#include <deque>

#include "log/logger.hpp"
#include "mcp/protocol_version.hpp"
#include "transport/http/http_connection.hpp"
#include "util/random.hpp"

namespace arcade_mcp::detail {
namespace {

using header_list = std::vector<std::pair<std::string, std::string>>;

/// Collects what the dispatcher produces for one POST; touched only on the connection's strand
/// (send/finish post onto it), so the waiting coroutine needs no lock.
class reply_channel final : public outbound_sink, public std::enable_shared_from_this<reply_channel> {
public:
    explicit reply_channel(net::any_io_executor ex) : ex_(ex), wake_(ex, net::steady_timer::time_point::max()) {}

    void send(json message) override {
        net::post(ex_, [self = shared_from_this(), m = std::move(message)]() mutable {
            self->events_.push_back(std::move(m));
            self->wake_.cancel();
        });
    }
    void finish(std::optional<json> reply) override {
        net::post(ex_, [self = shared_from_this(), r = std::move(reply)]() mutable {
            self->reply_ = std::move(r);
            self->finished_ = true;
            self->wake_.cancel();
        });
    }
    /// Waits until an event is queued or the reply is in. Call on the strand only.
    net::awaitable<void> wait() {
        while (events_.empty() && !finished_) {
            boost::system::error_code ec;  // operation_aborted == woken up
            co_await wake_.async_wait(net::redirect_error(net::use_awaitable, ec));
        }
    }
    bool finished() const { return finished_; }
    std::deque<json>& events() { return events_; }
    std::optional<json>& reply() { return reply_; }

private:
    net::any_io_executor ex_;
    net::steady_timer wake_;
    std::deque<json> events_;
    bool finished_ = false;
    std::optional<json> reply_;
};

/// The server end of a GET stream: woken to close, or after the keep-alive interval.
class get_stream final : public standalone_stream, public std::enable_shared_from_this<get_stream> {
public:
    explicit get_stream(net::any_io_executor ex) : ex_(ex), wake_(ex) {}
    void close() override {
        net::post(ex_, [self = shared_from_this()] {
            self->closed_ = true;
            self->wake_.cancel();
        });
    }
    /// Returns false once closed; true after `interval` passed (time for a keep-alive comment).
    net::awaitable<bool> wait(std::chrono::seconds interval) {
        if (closed_) co_return false;
        wake_.expires_after(interval);
        boost::system::error_code ec;
        co_await wake_.async_wait(net::redirect_error(net::use_awaitable, ec));
        co_return !closed_;
    }

private:
    net::any_io_executor ex_;
    net::steady_timer wake_;
    bool closed_ = false;
};

/// Writes SSE events as HTTP chunks after a header sent once (design/cpp-stack.md §3.7).
class sse_writer {
public:
    sse_writer(beast::tcp_stream& stream, std::chrono::seconds timeout) : stream_(stream), timeout_(timeout), stream_id_(random_hex(6)) {}

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
    /// SEP-1699 priming event: an id and empty data, so the client can resume from here.
    net::awaitable<bool> prime() { co_return co_await raw("id: " + next_id() + "\nretry: 3000\ndata: \n\n"); }
    net::awaitable<bool> event(const json& message) {
        co_return co_await raw("id: " + next_id() + "\nevent: message\ndata: " +
                               message.dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n");
    }
    net::awaitable<bool> comment() { co_return co_await raw(": keep-alive\n\n"); }
    net::awaitable<bool> end() {
        if (!ok_) co_return false;
        beast::error_code ec;
        stream_.expires_after(timeout_);
        co_await net::async_write(stream_, bhttp::make_chunk_last(), net::redirect_error(net::use_awaitable, ec));
        co_return !ec;
    }

private:
    std::string next_id() { return stream_id_ + "::" + std::to_string(seq_++); }
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
    std::string stream_id_;
    std::uint64_t seq_ = 0;
    bool ok_ = false;
};

/// Answers with an HTTP error status and a JSON-RPC error body without id.
net::awaitable<bool> reject(beast::tcp_stream& stream, const http_request& req, bhttp::status status, int code, std::string message,
                            bool keep, header_list headers) {
    const bool sent = co_await write_response(stream, req, status, transport_error(code, std::move(message)), keep, std::move(headers));
    co_return sent && keep;
}

std::string header(const http_request& req, std::string_view name) {
    return std::string(to_std(req[boost::beast::string_view(name.data(), name.size())]));
}

net::awaitable<bool> post(beast::tcp_stream& stream, const http_request& req, std::shared_ptr<http_shared> shared) {
    in_flight_guard guard(shared->in_flight);
    const bool keep = req.keep_alive() && !shared->draining.load();
    const header_list no_headers;
    if (!content_type_is(header(req, "Content-Type"), "application/json"))
        co_return co_await reject(stream, req, bhttp::status::unsupported_media_type, -32000, "Unsupported Media Type: Content-Type must be application/json", keep, no_headers);
    const auto accept = header(req, "Accept");
    if (!accepts(accept, "application/json") || !accepts(accept, "text/event-stream"))
        co_return co_await reject(stream, req, bhttp::status::not_acceptable, -32000, "Not Acceptable: Accept must list application/json and text/event-stream", keep, no_headers);
    const auto version_header = header(req, "MCP-Protocol-Version");
    if (!version_header.empty() && !is_supported_revision(version_header))
        co_return co_await reject(stream, req, bhttp::status::bad_request, -32000, "Bad Request: Unsupported protocol version: " + version_header +
                                                                        " (supported versions: " + supported_revisions_text() + ")", keep, no_headers);
    json payload = json::parse(req.body(), nullptr, false);
    if (payload.is_discarded())
        co_return co_await reject(stream, req, bhttp::status::bad_request, jsonrpc::error_code::parse_error, "Parse error: invalid JSON", keep, no_headers);
    if (!payload.is_object() && !payload.is_array())
        co_return co_await reject(stream, req, bhttp::status::bad_request, jsonrpc::error_code::invalid_request, "Invalid Request: expected a JSON-RPC message", keep, no_headers);

    const bool is_init = dispatcher::is_initialize_request(payload);
    const auto session_id = header(req, "Mcp-Session-Id");
    std::shared_ptr<session_state> session;
    bool created = false;
    const header_list retry_after{{"Retry-After", "5"}};
    if (shared->options.stateless) {
        session = std::make_shared<session_state>(std::string(), random_uuid_v4());
        if (!is_init) session->assume_revision(version_header.empty() ? std::string(rev_2025_03_26) : version_header);
    } else if (!session_id.empty()) {
        session = shared->sessions.find(session_id, session_table::clock::now());
        if (!session) co_return co_await reject(stream, req, bhttp::status::not_found, -32001, "Session not found", keep, no_headers);
        if (is_init)
            co_return co_await reject(stream, req, bhttp::status::bad_request, jsonrpc::error_code::invalid_request, "Invalid Request: Server already initialized", keep, no_headers);
    } else if (is_init) {
        session = shared->sessions.create(session_table::clock::now());
        if (!session) co_return co_await reject(stream, req, bhttp::status::service_unavailable, -32000, "Service Unavailable: too many sessions", keep, retry_after);
        created = true;
    } else {
        co_return co_await reject(stream, req, bhttp::status::bad_request, -32000, "Bad Request: Mcp-Session-Id header is required", keep, no_headers);
    }
    if (payload.is_array() && session->revision() != rev_2025_03_26)
        co_return co_await reject(stream, req, bhttp::status::bad_request, jsonrpc::error_code::invalid_request,
                                "Invalid Request: batches are only supported in protocol revision 2025-03-26", keep, no_headers);

    header_list headers;
    if (!session->id().empty()) headers.emplace_back("Mcp-Session-Id", session->id());
    auto channel = std::make_shared<reply_channel>(co_await net::this_coro::executor);
    shared->core.handle(session, payload, channel);
    co_await channel->wait();

    if (channel->finished() && channel->events().empty()) {
        auto& reply = channel->reply();
        if (created && (!reply || reply->contains("error"))) shared->sessions.erase(session->id());  // failed initialize
        if (!reply) co_return co_await write_response(stream, req, bhttp::status::accepted, nullptr, keep, headers) && keep;
        co_return co_await write_response(stream, req, bhttp::status::ok, std::move(*reply), keep, headers) && keep;
    }
    // A handler sent a notification first: answer as an SSE stream that ends with the reply.
    sse_writer sse(stream, shared->options.write_timeout);
    bool ok = co_await sse.start(req, headers);
    if (ok && revision_at_least(session->revision(), rev_2025_11_25)) ok = co_await sse.prime();
    while (true) {
        while (!channel->events().empty()) {
            json next = std::move(channel->events().front());
            channel->events().pop_front();
            if (ok) ok = co_await sse.event(next);  // keep draining after a write failure
        }
        if (channel->finished()) break;
        co_await channel->wait();
    }
    if (ok && channel->reply()) ok = co_await sse.event(*channel->reply());
    if (ok) ok = co_await sse.end();
    co_return ok && keep;
}

net::awaitable<bool> get(beast::tcp_stream& stream, const http_request& req, std::shared_ptr<http_shared> shared) {
    const bool keep = req.keep_alive() && !shared->draining.load();
    const header_list no_headers;
    const header_list allow_post{{"Allow", "POST"}};
    if (shared->options.stateless)
        co_return co_await reject(stream, req, bhttp::status::method_not_allowed, -32000, "Method Not Allowed: no GET stream in stateless mode", keep, allow_post);
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

    auto channel = std::make_shared<get_stream>(co_await net::this_coro::executor);
    if (!shared->sessions.attach_stream(session_id, channel))
        co_return co_await reject(stream, req, bhttp::status::conflict, -32000, "Conflict: only one GET stream per session", keep, no_headers);
    sse_writer sse(stream, shared->options.write_timeout);
    const header_list session_header{{"Mcp-Session-Id", session_id}};
    bool ok = co_await sse.start(req, session_header);
    if (ok && revision_at_least(session->revision(), rev_2025_11_25)) ok = co_await sse.prime();
    while (ok && co_await channel->wait(shared->options.sse_keep_alive)) ok = co_await sse.comment();
    shared->sessions.detach_stream(session_id, channel.get());
    if (ok) co_await sse.end();
    co_return false;  // a long-lived stream's connection is not reused
}

net::awaitable<bool> del(beast::tcp_stream& stream, const http_request& req, std::shared_ptr<http_shared> shared) {
    const bool keep = req.keep_alive() && !shared->draining.load();
    const header_list allow_post{{"Allow", "POST"}};
    if (shared->options.stateless)
        co_return co_await write_response(stream, req, bhttp::status::method_not_allowed,
                                          transport_error(-32000, "Method Not Allowed: no sessions in stateless mode"), keep, allow_post) && keep;
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
