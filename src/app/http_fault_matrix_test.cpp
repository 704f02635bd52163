// The HTTP connection code under client faults, in the manner of Beast's test::stream fail_count:
// the client ends the connection at every byte of a request (Content-Length and chunked) and at
// every byte of the answer (a JSON answer and an SSE stream), by FIN and by RST, so every read and
// every write of the server fails in turn. After each group the server still serves a call, no
// connection is left open, also after stop(). CI runs the unit tests under ASan + UBSan,
// where a leak or a use-after-free on any of these paths fails the run.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "app/http_test_support.hpp"
#include "arcade_mcp/http_service.hpp"
#include "arcade_mcp/mcp.hpp"

namespace arcade_mcp {
namespace {

using namespace http_test;

/// Sends three progress notifications before answering: the answer is an SSE stream.
void add_progress_tool(server& srv) {
    srv.add_tool<text_args>("progress", "Report progress, then echo.", [](tool_context& ctx, const text_args& in) {
        for (int i = 1; i <= 3; ++i) ctx.report_progress(i, 3);
        return in.text;
    });
}

std::string echo_body(const std::string& text) {
    return R"({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"Fault_Echo","arguments":{"text":")" +
           text + R"("}}})";
}

std::string progress_body() {
    return R"({"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"Fault_Progress",)"
           R"("arguments":{"text":"done"},"_meta":{"progressToken":"p"}}})";
}

class HttpFaultMatrix : public ::testing::Test {
protected:
    HttpFaultMatrix() { add_progress_tool(app.srv); }
    void SetUp() override {
        auto options = stateless_options();
        options.tool_threads = 2;
        service = std::make_unique<http_service>(app.srv, io.loop, options);
        service->start();
    }
    void TearDown() override {
        service->stop();
        EXPECT_EQ(service->open_connections(), 0u) << "stop() left a connection open";
    }

    /// The whole answer to `request` on a connection the server closes after it.
    std::string full_answer(const std::string& request) {
        const int fd = connect_to(service->port());
        EXPECT_TRUE(send_all(fd, request));
        auto got = read_all(fd, 5s);
        ::close(fd);
        return got;
    }
    /// After a group of faults: every connection ends, and a fresh call is served.
    void expect_recovered(const std::string& group) {
        const auto end = std::chrono::steady_clock::now() + 3s;
        while (service->open_connections() > 0 && std::chrono::steady_clock::now() < end)
            std::this_thread::sleep_for(5ms);
        EXPECT_EQ(service->open_connections(), 0u) << group << ": connections left open";
        EXPECT_NE(call_echo(service->port(), "Fault_Echo", "still-here").find(R"("text":"still-here")"),
                  std::string::npos)
            << group << ": not serving afterwards";
    }

    /// For every cut in [0, answer_size): sends `request`, reads `cut` bytes of the answer, hangs
    /// up (FIN, then RST in a second round), then checks the server recovered.
    void hang_up_at_every_byte_of(const std::string& request, std::size_t answer_size, const std::string& group) {
        for (const auto how : {hang_up::fin, hang_up::rst}) {
            for (std::size_t cut = 0; cut < answer_size; ++cut) {
                const int fd = connect_to(service->port());
                ASSERT_GE(fd, 0);
                send_all(fd, request);
                read_exactly(fd, cut, 2s);
                end_connection(fd, how);
            }
            expect_recovered(group + (how == hang_up::rst ? " rst" : " fin"));
        }
    }

    echo_server app{"Fault"};
    running_loop io;
    std::unique_ptr<http_service> service;
};

TEST_F(HttpFaultMatrix, ClientEndsTheConnectionAtEveryByteOfARequest) {
    for (const bool chunked : {false, true}) {
        const std::string request = mcp_post(echo_body("abc"), chunked);
        for (const auto how : {hang_up::fin, hang_up::rst}) {
            for (std::size_t cut = 0; cut < request.size(); ++cut) {
                const int fd = connect_to(service->port());
                ASSERT_GE(fd, 0);
                send_all(fd, std::string_view(request).substr(0, cut));
                end_connection(fd, how);
            }
            expect_recovered(std::string(chunked ? "chunked" : "content-length") +
                             (how == hang_up::rst ? " rst" : " fin"));
        }
    }
}

TEST_F(HttpFaultMatrix, ClientEndsTheConnectionAtEveryByteOfAJsonAnswer) {
    const std::string request = mcp_post(echo_body("abc"), false, false);
    const std::string answer = full_answer(request);
    ASSERT_NE(answer.find(R"("text":"abc")"), std::string::npos) << answer;
    hang_up_at_every_byte_of(request, answer.size(), "json answer");
}

TEST_F(HttpFaultMatrix, ClientEndsTheConnectionAtEveryByteOfAnSseAnswer) {
    const std::string request = mcp_post(progress_body(), false, false);
    const std::string answer = full_answer(request);
    ASSERT_NE(answer.find("text/event-stream"), std::string::npos) << answer;
    ASSERT_NE(answer.find("notifications/progress"), std::string::npos) << answer;
    ASSERT_NE(answer.find(R"("text":"done")"), std::string::npos) << answer;
    hang_up_at_every_byte_of(request, answer.size(), "sse answer");
}

}  // namespace
}  // namespace arcade_mcp
