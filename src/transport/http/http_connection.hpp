// One HTTP/1.1 connection of the Streamable HTTP transport: the read loop with limits and the
// request-smuggling guard, routing, and the /mcp endpoint (POST, GET stream, DELETE). Private.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>

#include "mcp/dispatcher.hpp"
#include "observe/trace_context.hpp"
#include "transport/http/detail/asio.hpp"
#include "transport/http/http_policy.hpp"
#include "transport/http/http_server.hpp"
#include "transport/http/http_stream.hpp"
#include "transport/http/session_table.hpp"

namespace arcade_mcp::detail {

/// The open connections of one server, so that a stop can end the idle ones. A connection is
/// closed on its own lane (the one thread that runs it), where it also deregisters, so a close
/// never meets a freed stream.
class connection_registry {
public:
    std::uint64_t add(net::any_io_executor executor, http_stream* stream);
    void remove(std::uint64_t id);
    /// Cancels the pending I/O of every open connection (posted to each one's lane); a
    /// connection whose read is cancelled ends. `owner` keeps this registry alive until then.
    void cancel_all(std::shared_ptr<const void> owner);

private:
    struct entry {
        net::any_io_executor executor;
        http_stream* stream;
    };
    std::mutex mu_;
    std::uint64_t next_ = 0;
    std::unordered_map<std::uint64_t, entry> open_;
};

/// State shared by every connection of one server.
struct http_shared {
    http_shared(dispatcher& c, const http_options& o)
        : core(c), options(o), policy(o.host, o.allowed_hosts, o.allowed_origins),
          sessions(o.max_sessions, o.session_idle_timeout, o.max_sessions_per_client) {}
    dispatcher& core;
    const http_options options;
    const origin_policy policy;
    session_table sessions;
    std::atomic<int> in_flight{0};      ///< requests being answered
    std::atomic<std::size_t> connections{0};  ///< open connections (max_connections)
    std::atomic<bool> draining{false};  ///< shutting down: no keep-alive, no new streams
    std::atomic<std::uint64_t> connection_failures{0};  ///< connections ended by an exception (logged)
    std::atomic<std::uint64_t>* loop_failures = nullptr;  ///< the event loop's count, also increased
    connection_registry open_connections;
};

/// Ends a connection whose coroutine or I/O handler threw: logs it with the running count. An
/// exception on an I/O thread never ends the process; it ends that connection.
void count_connection_failure(http_shared& shared, std::string_view where, std::exception_ptr error) noexcept;

using http_request = bhttp::request<bhttp::string_body>;

/// Serves one accepted connection until it closes. Runs on the stream's lane (one thread).
net::awaitable<void> run_connection(http_stream stream, std::shared_ptr<http_shared> shared);

/// Answers one /mcp request. `stream` and `req` belong to the awaiting connection coroutine.
/// Returns whether the connection may be kept alive.
net::awaitable<bool> serve_mcp(http_stream& stream, const http_request& req, std::shared_ptr<http_shared> shared);

/// Counts a request as in flight for the graceful-shutdown drain.
struct in_flight_guard {
    explicit in_flight_guard(std::atomic<int>& n) : n_(n) { ++n_; }
    ~in_flight_guard() { --n_; }
    in_flight_guard(const in_flight_guard&) = delete;
    in_flight_guard& operator=(const in_flight_guard&) = delete;
    std::atomic<int>& n_;
};

/// Writes a complete response (JSON body when `body` is not null); returns whether it was sent.
net::awaitable<bool> write_response(http_stream& stream, const http_request& req, bhttp::status status, json body,
                                    bool keep_alive, std::vector<std::pair<std::string, std::string>> headers = {});

/// The same with a serialized body (empty: no body) of `content_type`. Counted in the HTTP metrics.
net::awaitable<bool> write_raw_json(http_stream& stream, const http_request& req, bhttp::status status,
                                    std::string body, bool keep_alive,
                                    std::vector<std::pair<std::string, std::string>> headers = {},
                                    std::string_view content_type = "application/json");
/// The caller's W3C trace context from the `traceparent` / `tracestate` headers, if valid.
std::optional<observe::span_context> incoming_trace(const http_request& req);

/// `{"jsonrpc":"2.0","error":{"code":code,"message":message}}` (no id: transport-level errors).
json transport_error(int code, std::string message);

}  // namespace arcade_mcp::detail
