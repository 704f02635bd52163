// The HTTP connection code (run_connection and the /mcp endpoint) on an in-memory stream: what it
// answers, and a fault matrix in the manner of Beast's test::stream fail_count, where the n-th read
// or write of the server's end fails, for every n until the exchange completes: the connection
// must end, without an exception, a crash or (under ASan, as CI runs it) a leak, and the answer
// sent until then must be a prefix of the full one. Reads and writes of one byte at a time make
// every byte of the request and of the answer an operation of its own.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "arcade_mcp/mcp.hpp"
#include "mcp/dispatcher.hpp"
#include "mcp/worker_pool.hpp"
#include "transport/http/http_connection.hpp"
#include "transport/http/http_stream.hpp"

namespace arcade_mcp::detail {
namespace {

using namespace std::chrono_literals;

struct text_args {
    std::string text;
    static auto describe() { return fields(field("text", &text_args::text, "Text")); }
};

server_info memory_info() {
    server_info info;
    info.name = "memory";
    info.version = "1.0.0";
    info.toolkit = "Mem";
    return info;
}

/// Echo, and Progress (three progress notifications, then the text: an SSE answer). Both inline,
/// so an exchange needs nothing but the io_context this test runs.
server& add_tools(server& srv) {
    srv.add_tool(std::move(make_tool<text_args>("echo", "Echo the text.", [](const text_args& in) {
                               return in.text;
                           }).non_blocking()));
    srv.add_tool(std::move(make_tool<text_args>("progress", "Report progress, then echo.",
                                                [](tool_context& ctx, const text_args& in) {
                                                    for (int i = 1; i <= 3; ++i) ctx.report_progress(i, 3);
                                                    return in.text;
                                                })
                               .non_blocking()));
    return srv;
}

std::string post(const std::string& body, bool chunked = false) {
    std::string head = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                       "Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2025-11-25\r\n";
    if (!chunked) return head + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    char size[32];
    std::snprintf(size, sizeof size, "%zx", body.size());
    return head + "Transfer-Encoding: chunked\r\n\r\n" + size + "\r\n" + body + "\r\n0\r\n\r\n";
}

std::string tool_call_body(std::string_view tool, std::string_view text, int id = 7) {
    return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":"tools/call","params":{"name":"Mem_)" +
           std::string(tool) + R"(","arguments":{"text":")" + std::string(text) + R"("}}})";
}

/// How one exchange on an in-memory connection went.
struct exchange {
    std::string answer;        ///< everything the server wrote
    bool ended = false;        ///< run_connection returned
    std::exception_ptr error;  ///< what escaped it (must be nothing)
};

class HttpConnectionInMemory : public ::testing::Test {
protected:
    HttpConnectionInMemory() : core(add_tools(srv), pool, dispatcher_options{}) {
        options.stateless = true;
        options.io_threads = 1;
    }
    ~HttpConnectionInMemory() override { pool.shutdown(); }

    /// Serves `request` (then end-of-stream) on a connection whose server end fails its I/O
    /// operation number `fail_at` (counting from 0), or never; `op_bytes` bounds every read and
    /// write of the server end.
    exchange serve(std::string_view request, std::size_t fail_at = std::numeric_limits<std::size_t>::max(),
                   std::size_t op_bytes = 0) {
        net::io_context ioc;
        auto shared = std::make_shared<http_shared>(core, options);
        beast::test::fail_count fc(fail_at);
        http_stream::memory_stream server_end(ioc, fc);
        http_stream::memory_stream client(ioc);
        if (op_bytes) {
            server_end.read_size(op_bytes);
            server_end.write_size(op_bytes);
        }
        client.connect(server_end);
        beast::error_code ec;
        net::write(client, net::buffer(request.data(), request.size()), ec);
        EXPECT_FALSE(ec) << ec.message();
        client.close();  // end-of-stream after the request; the answer still arrives in `client`

        exchange out;
        shared->connections.fetch_add(1);  // as the accept loop counts it; run_connection releases it
        net::co_spawn(net::make_strand(ioc), run_connection(http_stream(std::move(server_end)), shared),
                      [&out](std::exception_ptr e) {
                          out.ended = true;
                          out.error = e;
                      });
        ioc.run_for(5s);
        out.answer = std::string(client.str());
        EXPECT_EQ(shared->connections.load(), 0u) << "the connection was not released";
        EXPECT_EQ(shared->in_flight.load(), 0) << "a request is still counted in flight";
        return out;
    }

    /// Fails every operation in turn until an exchange completes; each must end cleanly with a
    /// prefix of the full answer (`exact`: byte for byte; else the status line only).
    void fail_every_operation(const std::string& request, std::size_t op_bytes, bool exact) {
        const exchange full = serve(request, std::numeric_limits<std::size_t>::max(), op_bytes);
        ASSERT_TRUE(full.ended);
        ASSERT_FALSE(full.error);
        ASSERT_EQ(full.answer.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << full.answer;
        bool completed = false;
        std::size_t n = 0;
        for (; n < 20000 && !completed; ++n) {
            const exchange e = serve(request, n, op_bytes);
            ASSERT_TRUE(e.ended) << "operation " << n << ": the connection did not end";
            ASSERT_FALSE(e.error) << "operation " << n << ": an exception escaped the connection";
            if (exact) {
                ASSERT_EQ(full.answer.compare(0, e.answer.size(), e.answer), 0)
                    << "operation " << n << ": not a prefix of the full answer: " << e.answer;
            } else {
                const std::string_view status = "HTTP/1.1 200 OK\r\n";
                const std::size_t common = std::min(e.answer.size(), status.size());
                ASSERT_EQ(e.answer.compare(0, common, status.substr(0, common)), 0)
                    << "operation " << n << ": " << e.answer;
            }
            completed = e.answer.size() == full.answer.size();
        }
        EXPECT_TRUE(completed) << "no exchange completed in " << n << " operations";
        EXPECT_GT(n, 2u) << "the matrix failed too few operations to mean anything";
    }

    server srv{memory_info()};
    worker_pool pool{1};
    dispatcher core;
    http_options options;
};

TEST_F(HttpConnectionInMemory, WritesTheResponseHeadAsHttpRequires) {
    // The head of a JSON answer is written by hand: the status line of the request's version,
    // Content-Type, Connection only where it differs from the version's default, Content-Length.
    const std::string body = R"({"jsonrpc":"2.0","id":1,"method":"ping"})";
    const auto request = [&](std::string_view version, std::string_view connection) {
        std::string r = "POST /mcp HTTP/" + std::string(version) +
                        "\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        "Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2025-11-25\r\n";
        if (!connection.empty()) r += "Connection: " + std::string(connection) + "\r\n";
        return r + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    };
    const std::string reply = R"({"id":1,"jsonrpc":"2.0","result":{}})";
    const std::string tail = "Content-Length: " + std::to_string(reply.size()) + "\r\n\r\n" + reply;
    const std::string json_type = "Content-Type: application/json\r\n";
    EXPECT_EQ(serve(request("1.1", "")).answer, "HTTP/1.1 200 OK\r\n" + json_type + tail);
    EXPECT_EQ(serve(request("1.1", "close")).answer,
              "HTTP/1.1 200 OK\r\n" + json_type + "Connection: close\r\n" + tail);
    EXPECT_EQ(serve(request("1.0", "")).answer, "HTTP/1.0 200 OK\r\n" + json_type + tail);
    EXPECT_EQ(serve(request("1.0", "keep-alive")).answer,
              "HTTP/1.0 200 OK\r\n" + json_type + "Connection: keep-alive\r\n" + tail);
}

TEST_F(HttpConnectionInMemory, AnswersACallWithContentLengthAndChunked) {
    for (const bool chunked : {false, true}) {
        const auto e = serve(post(tool_call_body("Echo", "abc"), chunked));
        EXPECT_TRUE(e.ended);
        EXPECT_FALSE(e.error);
        EXPECT_EQ(e.answer.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << e.answer;
        EXPECT_NE(e.answer.find(R"("text":"abc")"), std::string::npos) << e.answer;
    }
}

TEST_F(HttpConnectionInMemory, AnswersPipelinedRequestsInOrder) {
    const auto e = serve(post(tool_call_body("Echo", "first", 1)) + post(tool_call_body("Echo", "second", 2)));
    const auto first = e.answer.find(R"("text":"first")");
    const auto second = e.answer.find(R"("text":"second")");
    ASSERT_NE(first, std::string::npos) << e.answer;
    ASSERT_NE(second, std::string::npos) << e.answer;
    EXPECT_LT(first, second);
}

TEST_F(HttpConnectionInMemory, AnswersHealthAndUnknownPaths) {
    auto e = serve("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    EXPECT_EQ(e.answer.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << e.answer;
    EXPECT_NE(e.answer.find(R"({"status":"ok"})"), std::string::npos) << e.answer;
    e = serve("GET /nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    EXPECT_EQ(e.answer.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u) << e.answer;
}

TEST_F(HttpConnectionInMemory, RefusesMalformedRequests) {
    // A bare LF, a duplicate Host, and a body over the limit declared up front.
    auto e = serve("GET /healthz HTTP/1.1\nHost: 127.0.0.1\r\n\r\n");
    EXPECT_EQ(e.answer.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << e.answer;
    e = serve("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n");
    EXPECT_EQ(e.answer.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << e.answer;
    e = serve("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999\r\n\r\n");
    EXPECT_EQ(e.answer.rfind("HTTP/1.1 413 Payload Too Large\r\n", 0), 0u) << e.answer;
    EXPECT_TRUE(e.ended);
}

TEST_F(HttpConnectionInMemory, EveryOperationFailingInTurnOnAJsonAnswer) {
    fail_every_operation(post(tool_call_body("Echo", "abc")), 0, true);
    fail_every_operation(post(tool_call_body("Echo", "abc")), 1, true);
}

TEST_F(HttpConnectionInMemory, EveryOperationFailingInTurnOnAChunkedRequest) {
    fail_every_operation(post(tool_call_body("Echo", "abc"), true), 0, true);
    fail_every_operation(post(tool_call_body("Echo", "abc"), true), 1, true);
}

TEST_F(HttpConnectionInMemory, EveryOperationFailingInTurnOnAnSseAnswer) {
    const auto full = serve(post(R"({"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"Mem_Progress",)"
                                 R"("arguments":{"text":"done"},"_meta":{"progressToken":"p"}}})"));
    ASSERT_NE(full.answer.find("text/event-stream"), std::string::npos) << full.answer;
    ASSERT_NE(full.answer.find("notifications/progress"), std::string::npos) << full.answer;
    // SSE event ids differ between runs: the status line is checked, not the bytes.
    fail_every_operation(post(R"({"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"Mem_Progress",)"
                              R"("arguments":{"text":"done"},"_meta":{"progressToken":"p"}}})"),
                         1, false);
}

}  // namespace
}  // namespace arcade_mcp::detail
