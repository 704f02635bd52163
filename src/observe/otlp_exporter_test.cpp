// Tests for the OTLP export: the JSON encoding (parsed back), the batching exporter with an
// injected post function (batch sizes, a slow collector never blocking offer(), shutdown within
// the grace period) and libcurl_post against a loopback HTTP server written here.
#include "observe/otlp_exporter.hpp"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <thread>

#include "arcade_mcp/json.hpp"
#include "log/logger.hpp"
#include "observe/metrics.hpp"

namespace arcade_mcp::detail::observe {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

span_record make_span(std::string name) {
    span_record r;
    r.context.trace_id = new_trace_id();
    r.context.span_id = new_span_id();
    r.context.sampled = true;
    r.name = std::move(name);
    r.kind = span_kind::server;
    r.start_unix_nanos = 1700000000123456789ULL;
    r.end_unix_nanos = 1700000000223456789ULL;
    return r;
}

/// The value of the metric sample whose line mentions `label` (e.g. "queue_full"), or 0.
std::uint64_t metric_with(std::string_view label) {
    std::string text;
    render_prometheus(text, "test");
    std::size_t at = 0;
    while (at < text.size()) {
        auto end = text.find('\n', at);
        if (end == std::string::npos) end = text.size();
        const std::string_view line(text.data() + at, end - at);
        if (!line.empty() && line[0] != '#' && line.find("spans") != std::string_view::npos &&
            line.find(label) != std::string_view::npos)
            return std::stoull(std::string(line.substr(line.rfind(' ') + 1)));
        at = end + 1;
    }
    return 0;
}

// --- JSON encoding ----------------------------------------------------------------------------

TEST(OtlpJsonTest, EncodesTheExportRequest) {
    otlp_settings settings;
    settings.service_name = "svc";
    settings.service_version = "1.2.3";
    settings.resource_attributes = {{"deployment.environment", "prod"}, {"service.version", "ignored"}};
    auto root = make_span("root");
    root.attributes = {{"s", std::string("text")}, {"i", std::int64_t{-5}}, {"d", 1.5}, {"b", true}};
    auto child = make_span("child");
    child.context.trace_id = root.context.trace_id;
    child.parent_span_id = root.context.span_id;
    child.context.tracestate = "vendor=1";
    child.kind = span_kind::client;
    child.error = true;
    child.status_message = "it broke";

    const auto body = encode_otlp_json(settings, {root, child});
    const auto doc = json::parse(body);
    const auto& rs = doc.at("resourceSpans").at(0);
    std::map<std::string, std::string> resource;
    for (const auto& a : rs.at("resource").at("attributes"))
        resource[a.at("key").get<std::string>()] = a.at("value").at("stringValue").get<std::string>();
    EXPECT_EQ(resource.at("service.name"), "svc");
    EXPECT_EQ(resource.at("service.version"), "1.2.3");
    EXPECT_EQ(resource.at("telemetry.sdk.name"), "arcade-mcp-cpp");
    EXPECT_EQ(resource.at("telemetry.sdk.language"), "cpp");
    EXPECT_EQ(resource.at("deployment.environment"), "prod");
    EXPECT_EQ(rs.at("resource").at("attributes").size(), resource.size());  // no key twice

    const auto& ss = rs.at("scopeSpans").at(0);
    EXPECT_EQ(ss.at("scope").at("name"), "arcade-mcp-cpp");
    const auto& spans = ss.at("spans");
    ASSERT_EQ(spans.size(), 2u);
    const auto& r = spans.at(0);
    EXPECT_EQ(r.at("traceId"), hex(root.context.trace_id));
    EXPECT_EQ(r.at("spanId"), hex(root.context.span_id));
    EXPECT_EQ(r.at("traceId").get<std::string>().size(), 32u);
    EXPECT_FALSE(r.contains("parentSpanId"));
    EXPECT_FALSE(r.contains("traceState"));
    EXPECT_FALSE(r.contains("status"));
    EXPECT_FALSE(r.contains("flags"));
    EXPECT_EQ(r.at("name"), "root");
    EXPECT_EQ(r.at("kind"), 2);
    EXPECT_EQ(r.at("startTimeUnixNano"), "1700000000123456789");
    EXPECT_EQ(r.at("endTimeUnixNano"), "1700000000223456789");
    const auto& attrs = r.at("attributes");
    ASSERT_EQ(attrs.size(), 4u);
    EXPECT_EQ(attrs.at(0), json::parse(R"({"key":"s","value":{"stringValue":"text"}})"));
    EXPECT_EQ(attrs.at(1), json::parse(R"({"key":"i","value":{"intValue":"-5"}})"));
    EXPECT_EQ(attrs.at(2), json::parse(R"({"key":"d","value":{"doubleValue":1.5}})"));
    EXPECT_EQ(attrs.at(3), json::parse(R"({"key":"b","value":{"boolValue":true}})"));

    const auto& c = spans.at(1);
    EXPECT_EQ(c.at("traceId"), r.at("traceId"));
    EXPECT_EQ(c.at("parentSpanId"), r.at("spanId"));
    EXPECT_EQ(c.at("traceState"), "vendor=1");
    EXPECT_EQ(c.at("kind"), 3);
    EXPECT_EQ(c.at("status"), json::parse(R"({"code":2,"message":"it broke"})"));
}

TEST(OtlpJsonTest, AnyBytesGiveValidJson) {
    otlp_settings settings;
    settings.service_name = std::string("bad\xff\xfe utf8\n\"quoted\"");
    auto span = make_span(std::string("name \x01\xc3(", 8));
    span.attributes = {{"nan", std::nan("")}, {"inf", -HUGE_VAL}, {"k\"", std::string("\xe2\x82")}};
    const auto doc = json::parse(encode_otlp_json(settings, {span}));  // throws if invalid
    const auto& attrs = doc.at("resourceSpans").at(0).at("scopeSpans").at(0).at("spans").at(0).at("attributes");
    EXPECT_EQ(attrs.at(0).at("value").at("doubleValue"), "NaN");
    EXPECT_EQ(attrs.at(1).at("value").at("doubleValue"), "-Infinity");
    EXPECT_EQ(attrs.at(2).at("key"), "k\"");
}

// --- The exporter with an injected post function ---------------------------------------------

/// What the post function saw; shared with it by pointer so a thread left running stays safe.
struct collector {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::size_t> batch_sizes;
    std::vector<std::chrono::milliseconds> timeouts;
    std::size_t spans = 0;
    std::string last_url;
    std::vector<std::pair<std::string, std::string>> last_headers;
    bool release = false;      ///< ends blocking posts
    steady::duration block{};  ///< how long a post blocks (until released), ignoring its timeout
    bool fail = false;

    bool wait_for_spans(std::size_t n, steady::duration limit) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, limit, [&] { return spans >= n; });
    }
    void unblock() {
        {
            const std::lock_guard lock(mutex);
            release = true;
        }
        changed.notify_all();
    }
};

otlp_post_function post_to(const std::shared_ptr<collector>& c) {
    return [c](const std::string& url, const std::vector<std::pair<std::string, std::string>>& headers,
               const std::string& body, std::chrono::milliseconds timeout) {
        const auto spans = json::parse(body).at("resourceSpans").at(0).at("scopeSpans").at(0).at("spans").size();
        std::unique_lock lock(c->mutex);
        c->changed.wait_for(lock, c->block, [&] { return c->release; });
        if (c->fail) throw std::runtime_error("collector down");
        c->batch_sizes.push_back(spans);
        c->timeouts.push_back(timeout);
        c->spans += spans;
        c->last_url = url;
        c->last_headers = headers;
        lock.unlock();
        c->changed.notify_all();
        return true;
    };
}

otlp_settings small_settings() {
    otlp_settings s;
    s.endpoint = "http://collector.test/v1/traces";
    s.headers = {{"x-api-key", "secret-value"}};
    s.service_name = "test";
    s.max_queue = 1000;
    s.max_batch = 10;
    s.schedule_delay = 20ms;
    s.timeout = 5000ms;
    return s;
}

TEST(OtlpExporterTest, SendsBatchesNoLargerThanMaxBatch) {
    auto c = std::make_shared<collector>();
    otlp_exporter exporter(small_settings(), post_to(c));
    for (int i = 0; i < 25; ++i) exporter.offer(make_span("s"));
    ASSERT_TRUE(c->wait_for_spans(25, 5s));
    exporter.shutdown(2s);
    const std::lock_guard lock(c->mutex);
    EXPECT_EQ(c->spans, 25u);
    for (const auto n : c->batch_sizes) EXPECT_LE(n, 10u);
    EXPECT_EQ(c->last_url, "http://collector.test/v1/traces");
    ASSERT_EQ(c->last_headers.size(), 1u);
    EXPECT_EQ(c->last_headers[0].second, "secret-value");
}

TEST(OtlpExporterTest, SlowCollectorNeverBlocksOffer) {
    reset_metrics_for_testing();
    auto c = std::make_shared<collector>();
    c->block = 2s;
    auto s = small_settings();
    s.max_queue = 100;
    s.schedule_delay = 1ms;
    otlp_exporter exporter(s, post_to(c));
    exporter.offer(make_span("first"));
    std::this_thread::sleep_for(50ms);  // the thread is now in the blocking post
    std::vector<span_record> spans;
    for (int i = 0; i < 10000; ++i) spans.push_back(make_span("s"));
    const auto start = steady::now();
    for (auto& span : spans) exporter.offer(std::move(span));
    const auto elapsed = steady::now() - start;
    EXPECT_LT(elapsed, 1s);  // a bound, not a benchmark: the post blocks for 2 s
    const auto dropped = metric_with("queue_full");
    EXPECT_GE(dropped, 10000u - 100u - 10u);

    c->unblock();
    exporter.shutdown(5s);
    const std::lock_guard lock(c->mutex);
    EXPECT_EQ(c->spans + dropped, 10001u);
    EXPECT_EQ(metric_with("exported"), c->spans);
}

TEST(OtlpExporterTest, ShutdownFlushesWithinGrace) {
    auto c = std::make_shared<collector>();
    auto s = small_settings();
    s.schedule_delay = 60000ms;  // only a full batch or the shutdown sends
    s.max_batch = 512;
    otlp_exporter exporter(s, post_to(c));
    for (int i = 0; i < 50; ++i) exporter.offer(make_span("s"));
    const auto start = steady::now();
    exporter.shutdown(2000ms);
    EXPECT_LT(steady::now() - start, 2000ms);
    exporter.shutdown(2000ms);          // once
    exporter.offer(make_span("late"));  // dropped
    const std::lock_guard lock(c->mutex);
    EXPECT_EQ(c->spans, 50u);
    for (const auto t : c->timeouts) EXPECT_LE(t, 2000ms);  // the time left, not settings.timeout
}

TEST(OtlpExporterTest, ShutdownRespectsGraceWithAStuckCollector) {
    reset_metrics_for_testing();
    auto c = std::make_shared<collector>();
    c->block = 5s;  // ignores its timeout
    auto s = small_settings();
    s.schedule_delay = 1ms;
    s.max_batch = 1;
    otlp_exporter exporter(s, post_to(c));
    for (int i = 0; i < 5; ++i) exporter.offer(make_span("s"));
    std::this_thread::sleep_for(50ms);
    const auto start = steady::now();
    exporter.shutdown(300ms);
    const auto elapsed = steady::now() - start;
    EXPECT_GE(elapsed, 250ms);
    EXPECT_LT(elapsed, 1000ms);  // 300 ms of grace plus a little slack
    c->unblock();                // the thread left running finishes and drops what is left
    ASSERT_TRUE(c->wait_for_spans(1, 5s));
    const auto deadline = steady::now() + 5s;
    while (metric_with("shutdown") < 4 && steady::now() < deadline) std::this_thread::sleep_for(5ms);
    EXPECT_EQ(metric_with("shutdown"), 4u);
}

TEST(OtlpExporterTest, FailingPostsAreCountedAndLoggedWithoutHeaders) {
    reset_metrics_for_testing();
    auto lines = std::make_shared<std::vector<std::string>>();
    auto lines_mutex = std::make_shared<std::mutex>();
    set_log_sink_for_testing([lines, lines_mutex](std::string_view line) {
        const std::lock_guard lock(*lines_mutex);
        lines->emplace_back(line);
    });
    auto c = std::make_shared<collector>();
    c->fail = true;
    otlp_exporter exporter(small_settings(), post_to(c));
    for (int i = 0; i < 3; ++i) exporter.offer(make_span("s"));
    const auto deadline = steady::now() + 5s;
    while (metric_with("export_failed") < 3 && steady::now() < deadline) std::this_thread::sleep_for(5ms);
    EXPECT_EQ(metric_with("export_failed"), 3u);
    {
        const std::lock_guard lock(c->mutex);
        c->fail = false;
    }
    exporter.offer(make_span("after"));  // the thread survived the exception
    EXPECT_TRUE(c->wait_for_spans(1, 5s));
    exporter.shutdown(1s);
    set_log_sink_for_testing(nullptr);
    const std::lock_guard lock(*lines_mutex);
    ASSERT_EQ(lines->size(), 1u);  // three failures, one warning a minute
    EXPECT_NE(lines->at(0).find("OTLP"), std::string::npos) << lines->at(0);
    EXPECT_EQ(lines->at(0).find("secret-value"), std::string::npos) << lines->at(0);
    EXPECT_EQ(lines->at(0).find("x-api-key"), std::string::npos) << lines->at(0);
}

TEST(OtlpExporterTest, DestructorDoesNotWaitForTheSchedule) {
    auto c = std::make_shared<collector>();
    auto s = small_settings();
    s.schedule_delay = 60000ms;
    const auto start = steady::now();
    {
        otlp_exporter exporter(s, post_to(c));
        exporter.offer(make_span("s"));
    }
    EXPECT_LT(steady::now() - start, 1s);
}

// --- libcurl_post against a loopback server ---------------------------------------------------

/// Accepts one connection on 127.0.0.1, reads one request (headers and Content-Length body)
/// and answers with `status`. Every wait is bounded.
class one_shot_server {
public:
    explicit one_shot_server(int status) : status_(status) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 1) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
            return;
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~one_shot_server() {
        if (thread_.joinable()) thread_.join();
        if (fd_ >= 0) ::close(fd_);
    }
    int port() const { return port_; }
    /// The request as received (after the server thread finished).
    const std::string& request() {
        if (thread_.joinable()) thread_.join();
        return request_;
    }

private:
    static bool wait_readable(int fd) {
        pollfd p{fd, POLLIN, 0};
        return ::poll(&p, 1, 5000) == 1;
    }
    void serve() {
        if (!wait_readable(fd_)) return;
        const int client = ::accept(fd_, nullptr, nullptr);
        if (client < 0) return;
        char buffer[4096];
        std::size_t need = std::string::npos;
        while (need == std::string::npos || request_.size() < need) {
            if (!wait_readable(client)) break;
            const auto n = ::recv(client, buffer, sizeof buffer, 0);
            if (n <= 0) break;
            request_.append(buffer, static_cast<std::size_t>(n));
            const auto end = request_.find("\r\n\r\n");
            if (need == std::string::npos && end != std::string::npos) {
                std::string lower = request_.substr(0, end);
                for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
                const auto cl = lower.find("content-length:");
                need = end + 4 + (cl == std::string::npos ? 0 : std::stoul(lower.substr(cl + 15)));
            }
        }
        const std::string reply = "HTTP/1.1 " + std::to_string(status_) +
                                  " X\r\nContent-Length: 2\r\nContent-Type: application/json\r\n"
                                  "Connection: close\r\n\r\n{}";
        static_cast<void>(::send(client, reply.data(), reply.size(), MSG_NOSIGNAL));
        ::close(client);
    }

    int status_;
    int fd_ = -1;
    int port_ = 0;
    std::string request_;
    std::thread thread_;
};

class LibcurlPostTest : public ::testing::Test {
protected:
    void SetUp() override {
        // libcurl.so.4 is a run-time dependency, loaded on first use (util/curl_library.hpp).
        if (::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL) == nullptr) GTEST_SKIP() << "no libcurl.so.4";
        ::setenv("no_proxy", "127.0.0.1", 1);  // a proxy from the environment must not see loopback
    }
};

TEST_F(LibcurlPostTest, PostsJsonWithHeaders) {
    one_shot_server server(200);
    ASSERT_NE(server.port(), 0);
    const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/v1/traces";
    const std::string body = R"({"resourceSpans":[]})";
    const auto start = steady::now();
    EXPECT_TRUE(libcurl_post()(url, {{"x-api-key", "k1"}, {"x-empty", ""}}, body, 5000ms));
    EXPECT_LT(steady::now() - start, 5s);
    const auto& request = server.request();
    EXPECT_EQ(request.rfind("POST /v1/traces HTTP/1.1\r\n", 0), 0u) << request;
    std::string lower = request;
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    EXPECT_NE(lower.find("\r\ncontent-type: application/json\r\n"), std::string::npos) << request;
    EXPECT_NE(lower.find("\r\nx-api-key: k1\r\n"), std::string::npos) << request;
    EXPECT_NE(lower.find("\r\nx-empty:"), std::string::npos) << request;
    EXPECT_EQ(lower.find("expect:"), std::string::npos) << request;
    ASSERT_GE(request.size(), body.size());
    EXPECT_EQ(request.substr(request.size() - body.size()), body);
}

TEST_F(LibcurlPostTest, ServerErrorIsFalse) {
    one_shot_server server(500);
    ASSERT_NE(server.port(), 0);
    const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/v1/traces";
    EXPECT_FALSE(libcurl_post()(url, {}, "{}", 5000ms));
}

TEST_F(LibcurlPostTest, RefusedConnectionAndOtherSchemesAreFalse) {
    int port = 0;
    {
        one_shot_server closed(200);  // learn a free port; it is closed once this server is gone
        port = closed.port();
        const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/";
        EXPECT_TRUE(libcurl_post()(url, {}, "{}", 5000ms));
    }
    const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/v1/traces";
    EXPECT_FALSE(libcurl_post()(url, {}, "{}", 2000ms));
    EXPECT_FALSE(libcurl_post()("file:///etc/passwd", {}, "{}", 2000ms));
}

}  // namespace
}  // namespace arcade_mcp::detail::observe
