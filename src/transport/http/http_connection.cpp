// The per-connection read loop: header and body limits (431 / 413, the body refused before it is
// read), the request-smuggling guard for Beast 1.74 (design/cpp-stack.md §3.6), read and
// keep-alive deadlines, routing to /mcp, and plain responses.
#include "transport/http/http_connection.hpp"
#include "transport/http/framing_guard.hpp"
#include "transport/http/lane_value.hpp"
#include "util/ascii.hpp"
#include "util/json_text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <iterator>

#include "log/logger.hpp"
#include "observe/metrics.hpp"
#include "observe/trace_context.hpp"
#include "mcp/request_meta.hpp"

namespace arcade_mcp::detail {
namespace {

enum class header_block { complete, too_large, folded, bare_lf, broken };

/// How many bytes the read buffer may hold beyond the header limit. The buffer bounds what a
/// client can make us hold for a chunk-size line (with extensions) and for the trailer section,
/// which Beast 1.74 buffers whole with no limit of its own; it must also stay below Beast's 16-bit
/// field length, past which Beast throws std::length_error from inside the read.
constexpr std::size_t read_slack_bytes = 8 * 1024;
constexpr std::size_t max_buffer_bytes = 60 * 1024;

/// True when `block` holds a line feed not preceded by a carriage return (RFC 9112 §2.2 allows a
/// recipient to accept bare LF; a front proxy may not, so the two would split requests apart).
bool has_bare_lf(std::string_view block) {
    for (auto pos = block.find('\n'); pos != std::string_view::npos; pos = block.find('\n', pos + 1))
        if (pos == 0 || block[pos - 1] != '\r') return true;
    return false;
}

/// The client-controlled header fields that may appear at most once: a second copy would let a
/// proxy and this server act on different values (routing, sessions, authorization).
bool single_valued_header_repeated(const bhttp::fields& h, std::string& name) {
    static constexpr std::string_view singles[] = {"Host", "Authorization", "Content-Type", "Origin", "Mcp-Session-Id",
                                                   "MCP-Protocol-Version", "Mcp-Method", "Mcp-Name", "Last-Event-ID"};
    for (const auto single : singles) {
        if (h.count(beast::string_view(single.data(), single.size())) > 1) {
            name = std::string(single);
            return true;
        }
    }
    // Mcp-Param-<name>: compared with a tool argument in 2026-07-28.
    for (auto it = h.begin(); it != h.end(); ++it) {
        const auto n = to_std(it->name_string());
        if (n.size() > 10 && iequals(n.substr(0, 10), "Mcp-Param-") && h.count(it->name_string()) > 1) {
            name = std::string(n);
            return true;
        }
    }
    return false;
}

/// Reads until the buffer holds a whole header block (up to the blank line), within `limit`
/// bytes, and refuses obs-fold (a header line starting with a space or tab), which Beast would
/// silently join to the previous line while a proxy in front may not.
net::awaitable<header_block> read_header_block(http_stream& stream, beast::flat_buffer& buffer,
                                               std::size_t limit) {
    std::size_t scanned = 0;
    while (true) {
        const auto data = static_cast<const char*>(buffer.data().data());
        const std::string_view text(data, buffer.size());
        const auto end = text.find("\r\n\r\n", scanned > 3 ? scanned - 3 : 0);
        const std::string_view block = text.substr(0, end == std::string_view::npos ? text.size() : end + 2);
        if (block.find("\n ") != std::string_view::npos || block.find("\n\t") != std::string_view::npos)
            co_return header_block::folded;
        if (has_bare_lf(block)) co_return header_block::bare_lf;
        if (end != std::string_view::npos)
            co_return end + 4 > limit + 4 ? header_block::too_large : header_block::complete;
        if (text.size() > limit + 4) co_return header_block::too_large;
        scanned = text.size();
        beast::error_code ec;
        const auto n =
            co_await stream.async_read_some(buffer.prepare(4096), net::redirect_error(net::use_awaitable, ec));
        buffer.commit(n);
        if (ec) co_return header_block::broken;
    }
}

/// A minimal response for requests that never reached a handler (no Beast request object).
net::awaitable<void> write_early(http_stream& stream, bhttp::status status, std::string message,
                                 int code = -32000) {
    observe::count_http_response_without_route(static_cast<unsigned>(status));
    if (status == bhttp::status::request_header_fields_too_large)
        observe::count_limit_hit(observe::limit_kind::headers_too_large);
    bhttp::response<bhttp::string_body> res{status, 11};
    res.set(bhttp::field::content_type, "application/json");
    res.keep_alive(false);
    res.body() = to_json_text(transport_error(code, std::move(message)));
    res.prepare_payload();
    beast::error_code ec;
    stream.expires_after(std::chrono::seconds(5));
    co_await bhttp::async_write(stream, res, net::redirect_error(net::use_awaitable, ec));
}

/// Stops sending, then reads and drops what the client still sends (bounded in bytes and time,
/// constant memory), so a client that is still writing can read our answer instead of seeing a
/// reset that discards it.
net::awaitable<void> drain_then_close(http_stream& stream) {
    beast::error_code ec;
    stream.shutdown_send();
    std::array<char, 16 * 1024> sink{};
    std::size_t drained = 0;
    stream.expires_after(std::chrono::seconds(2));
    while (!ec && drained < 8 * 1024 * 1024) {
        drained += co_await stream.async_read_some(net::buffer(sink), net::redirect_error(net::use_awaitable, ec));
    }
}

/// Answers 413 and closes without resetting the connection.
net::awaitable<void> refuse_body(http_stream& stream, std::size_t limit) {
    observe::count_limit_hit(observe::limit_kind::body_too_large);
    co_await write_early(stream, bhttp::status::payload_too_large,
                         "Payload Too Large: the limit is " + std::to_string(limit) + " bytes");
    co_await drain_then_close(stream);
}

/// Waits on the connection's lane for the one answer of a mounted route.
/// A mounted route (e.g. /worker/*): hands it the request and writes its answer.
net::awaitable<bool> serve_route(http_stream& stream, const http_request& req, const http_route& route,
                                 std::shared_ptr<http_shared> shared) {
    in_flight_guard guard(shared->in_flight);
    const bool keep = req.keep_alive() && !shared->draining.load();
    auto slot = std::make_shared<lane_value<http_answer>>(co_await net::this_coro::executor);
    std::function<void(http_answer)> respond = [slot](http_answer a) { slot->set(std::move(a)); };
    const std::string_view method = to_std(req.method_string());
    const std::string_view target = to_std(req.target());
    const std::string_view authorization = to_std(req[bhttp::field::authorization]);
    const http_exchange exchange{method, target, authorization, req.body()};
    {
        const auto trace = incoming_trace(req);  // the caller's span, current while the route starts
        const observe::current_span_scope trace_scope(trace ? &*trace : observe::current_span());
        route.handle(exchange, std::move(respond));
    }
    http_answer answer = co_await slot->get();
    const auto status = static_cast<bhttp::status>(answer.status);
    if (!answer.content_type.empty()) {  // a text answer (/metrics)
        const bool sent = co_await write_raw_json(stream, req, status, std::move(answer.text), keep,
                                                  std::move(answer.headers), answer.content_type);
        co_return sent && keep;
    }
    const bool sent =
        co_await write_response(stream, req, status, std::move(answer.body), keep, std::move(answer.headers));
    co_return sent && keep;
}

}  // namespace

std::uint64_t connection_registry::add(net::any_io_executor executor, http_stream* stream) {
    std::lock_guard l(mu_);
    const auto id = next_++;
    open_.emplace(id, entry{std::move(executor), stream});
    return id;
}

void connection_registry::remove(std::uint64_t id) {
    std::lock_guard l(mu_);
    open_.erase(id);
}

void connection_registry::cancel_all(std::shared_ptr<const void> owner) {
    std::vector<std::pair<std::uint64_t, net::any_io_executor>> targets;
    {
        std::lock_guard l(mu_);
        for (const auto& [id, e] : open_) targets.emplace_back(id, e.executor);
    }
    for (auto& [id, executor] : targets) {
        // Runs on the connection's lane: there the connection is either still registered (its
        // stream alive) or gone.
        net::post(executor, [this, owner, id = id] {
            std::lock_guard l(mu_);
            if (const auto it = open_.find(id); it != open_.end()) it->second.stream->cancel();
        });
    }
}

void count_connection_failure(http_shared& shared, std::string_view where, std::exception_ptr error) noexcept {
    if (shared.loop_failures) shared.loop_failures->fetch_add(1);
    const auto n = shared.connection_failures.fetch_add(1) + 1;
    std::string what = "unknown exception";
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        what = e.what();
    } catch (...) {
    }
    try {
        log(log_level::error, "connection ended by an exception",
            {{"where", std::string(where)}, {"error", what}, {"count", std::to_string(n)}});
    } catch (...) {  // logging must not throw out of here
    }
}

std::optional<observe::span_context> incoming_trace(const http_request& req) {
    const auto parent = req.find("traceparent");
    if (parent == req.end()) return std::nullopt;
    auto context = observe::parse_traceparent(to_std(parent->value()));
    if (!context) return std::nullopt;
    const auto state = req.find("tracestate");
    if (state != req.end() && state->value().size() <= observe::max_tracestate_chars)
        context->tracestate = std::string(to_std(state->value()));
    return context;
}

json transport_error(int code, std::string message) {
    return json{{"jsonrpc", "2.0"}, {"error", {{"code", code}, {"message", std::move(message)}}}};
}

net::awaitable<bool> write_response(http_stream& stream, const http_request& req, bhttp::status status, json body,
                                    bool keep_alive, std::vector<std::pair<std::string, std::string>> headers) {
    std::string text;
    if (!body.is_null()) text = to_json_text(body);
    co_return co_await write_raw_json(stream, req, status, std::move(text), keep_alive, std::move(headers));
}

net::awaitable<bool> write_raw_json(http_stream& stream, const http_request& req, bhttp::status status,
                                    std::string body, bool keep_alive,
                                    std::vector<std::pair<std::string, std::string>> headers,
                                    std::string_view content_type) {
    observe::count_http_response(to_std(req.target()), static_cast<unsigned>(status));
    // The head is written by hand into one string (Beast's fields allocate per header), with what
    // Beast's prepare_payload and keep_alive would write: the headers given, Content-Type when
    // there is a body, Connection when it differs from the version's default, Content-Length.
    const unsigned version = req.version() == 10 ? 10 : 11;
    const auto reason = bhttp::obsolete_reason(status);
    std::string head;
    head.reserve(96 + 48 * headers.size());
    head.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
    head.append(std::to_string(static_cast<unsigned>(status))).append(1, ' ');
    head.append(reason.data(), reason.size()).append("\r\n");
    for (const auto& [name, value] : headers) {
        if (name.find_first_of("\r\n:") != std::string::npos || value.find_first_of("\r\n") != std::string::npos)
            continue;  // never a header injection
        if (iequals(name, "Content-Type") || iequals(name, "Content-Length") || iequals(name, "Connection"))
            continue;  // written below, once
        head.append(name).append(": ").append(value).append("\r\n");
    }
    if (!body.empty()) head.append("Content-Type: ").append(content_type).append("\r\n");
    if (version == 11 && !keep_alive) head.append("Connection: close\r\n");
    if (version == 10 && keep_alive) head.append("Connection: keep-alive\r\n");
    const auto code = static_cast<unsigned>(status);
    if (code >= 200 && code != 204 && code != 304)
        head.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
    head.append("\r\n");
    const std::array<net::const_buffer, 2> buffers{net::buffer(head), net::buffer(body)};
    beast::error_code ec;
    stream.expires_after(std::chrono::seconds(30));
    co_await net::async_write(stream, buffers, net::redirect_error(net::use_awaitable, ec));
    co_return !ec;
}

net::awaitable<void> run_connection(http_stream stream, std::shared_ptr<http_shared> shared) {
    struct connection_count {  // counted by the accept loop; released when the connection ends
        std::atomic<std::size_t>& n;
        explicit connection_count(std::atomic<std::size_t>& count) : n(count) {
            observe::gauge_add(observe::gauge::connections_open, 1);
        }
        ~connection_count() {
            n.fetch_sub(1);
            observe::gauge_add(observe::gauge::connections_open, -1);
        }
    } counted{shared->connections};
    struct registration {  // deregistered on this lane before the stream is destroyed
        connection_registry& registry;
        std::uint64_t id;
        ~registration() { registry.remove(id); }
    } registered{shared->open_connections, shared->open_connections.add(stream.get_executor(), &stream)};
    const auto& opt = shared->options;
    beast::flat_buffer buffer;
    buffer.max_size(std::min(opt.max_header_bytes + read_slack_bytes, max_buffer_bytes));
    bool first = true;
    while (!shared->draining.load()) {
        bhttp::request_parser<bhttp::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(opt.max_header_bytes));
        parser.body_limit(opt.max_body_bytes);
        beast::error_code ec;
        // Between requests the connection may idle for keep_alive_timeout; once the first byte
        // of a request is in, the whole request must arrive within read_timeout (slow senders
        // are cut off).
        if (buffer.size() == 0) {
            stream.expires_after(first ? opt.read_timeout : opt.keep_alive_timeout);
            const auto n =
                co_await stream.async_read_some(buffer.prepare(4096), net::redirect_error(net::use_awaitable, ec));
            buffer.commit(n);
            if (ec) break;  // closed, reset or idle too long
        }
        first = false;
        stream.expires_after(opt.read_timeout);
        const auto header = co_await read_header_block(stream, buffer, opt.max_header_bytes);
        if (header == header_block::too_large) {
            co_await write_early(stream, bhttp::status::request_header_fields_too_large,
                                 "Request header fields too large");
            break;
        }
        if (header == header_block::broken) break;
        if (header == header_block::folded) {
            co_await write_early(stream, bhttp::status::bad_request, "Bad Request: obsolete line folding");
            break;
        }
        if (header == header_block::bare_lf) {
            co_await write_early(stream, bhttp::status::bad_request,
                                 "Bad Request: a header line ends in a bare LF (CRLF required)");
            break;
        }
        co_await bhttp::async_read_header(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
        if (ec == bhttp::error::body_limit) {  // a declared Content-Length over the limit: refused unread
            co_await refuse_body(stream, opt.max_body_bytes);
            break;
        }
        if (ec == bhttp::error::header_limit) {
            co_await write_early(stream, bhttp::status::request_header_fields_too_large,
                                 "Request header fields too large");
            break;
        }
        if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout || ec == net::error::operation_aborted)
            break;
        if (ec) {
            co_await write_early(stream, bhttp::status::bad_request, "Bad Request: malformed HTTP request");
            break;
        }
        if (std::string repeated;
            single_valued_header_repeated(parser.get().base(), repeated)) {  // RFC 9112 §3.2: one Host
            // The 2026-07-28 routing headers answer with the revision's HeaderMismatch code.
            const bool routing = iequals(repeated, "MCP-Protocol-Version") || iequals(repeated, "Mcp-Method") ||
                                 iequals(repeated, "Mcp-Name") || iequals(repeated.substr(0, 10), "Mcp-Param-");
            std::string message =
                "Bad Request: more than one " + repeated + " header";  // named: GCC 12 (cpp-stack §3.5)
            co_await write_early(stream, bhttp::status::bad_request, std::move(message),
                                 routing ? modern_error::header_mismatch : -32000);
            break;
        }
        if (ambiguous_framing(framing_of(parser.get().base()))) {
            co_await write_early(stream, bhttp::status::bad_request, "Bad Request: ambiguous message framing");
            break;
        }
        if (const auto len = parser.content_length(); len && *len > opt.max_body_bytes) {
            co_await refuse_body(stream, opt.max_body_bytes);
            break;
        }
        if (!parser.is_done()) {
            if (iequals(to_std(parser.get()[bhttp::field::expect]), "100-continue")) {
                bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
                co_await bhttp::async_write(stream, cont, net::redirect_error(net::use_awaitable, ec));
                if (ec) break;
            }
            const auto header_fields = std::distance(parser.get().begin(), parser.get().end());
            stream.expires_after(opt.read_timeout);
            co_await bhttp::async_read(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
            if (ec == bhttp::error::body_limit) {
                co_await refuse_body(stream, opt.max_body_bytes);
                break;
            }
            if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
                ec == beast::error::timeout || ec == net::error::operation_aborted ||
                ec == net::error::connection_reset || ec == net::error::eof)
                break;  // the client went away or was too slow: nobody to answer
            if (ec) {
                // buffer_overflow: a chunk line or the trailer section outgrew the read buffer;
                // otherwise a chunk size that is not hex, is over 64 bits, a bare LF, ...
                std::string message = ec == bhttp::error::buffer_overflow
                                          ? "Bad Request: a chunk line or the trailer section is over " +
                                                std::to_string(buffer.max_size()) + " bytes"
                                          : "Bad Request: malformed chunked body (" + ec.message() + ")";
                co_await write_early(stream, bhttp::status::bad_request, std::move(message));
                co_await drain_then_close(stream);  // the client may still be sending the rest
                break;
            }
            // Trailer fields land in the header fields in Beast; RFC 9110 §6.5.1 says they are not
            // header fields, and a proxy checking Authorization or Mcp-Session-Id would not see
            // them. MCP has no use for trailers: refuse them.
            if (std::distance(parser.get().begin(), parser.get().end()) != header_fields) {
                co_await write_early(stream, bhttp::status::bad_request,
                                     "Bad Request: trailer fields are not accepted");
                break;
            }
        }
        const http_request& req = parser.get();
        bool keep_alive = false;
        if (opt.serve_mcp && is_mcp_path(to_std(req.target()))) {
            keep_alive = co_await serve_mcp(stream, req, shared);
        } else if (to_std(req.target()).substr(0, to_std(req.target()).find('?')) == "/healthz") {
            // Liveness/readiness for orchestrators, with or without the worker secret; 503 while
            // draining so a load balancer stops sending new requests.
            const bool draining = shared->draining.load();
            json health = json::object();
            health["status"] = draining ? "draining" : "ok";
            keep_alive =
                co_await write_response(stream, req, draining ? bhttp::status::service_unavailable : bhttp::status::ok,
                                        std::move(health), req.keep_alive() && !draining);
        } else if (const http_route* route = find_route(shared->options.routes, to_std(req.target()))) {
            keep_alive = co_await serve_route(stream, req, *route, shared);
        } else {
            std::string message = opt.serve_mcp ? "Not Found: the MCP endpoint is /mcp" : "Not Found";
            keep_alive = co_await write_response(stream, req, bhttp::status::not_found,
                                                 transport_error(-32000, std::move(message)),
                                                 req.keep_alive() && !shared->draining.load());
            keep_alive = keep_alive && req.keep_alive();
        }
        if (!keep_alive) break;
    }
    stream.shutdown_send();
    stream.close();
}

}  // namespace arcade_mcp::detail
