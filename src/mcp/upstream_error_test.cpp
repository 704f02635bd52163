// upstream_http_error and upstream_transport_error: Arcade's HTTP adapter table (kinds, retry
// flags, statuses, messages), Retry-After in its three headers and two forms, rate-limited 403s,
// the endpoint kept in extra and developer_message (no query, no user info), and the transport
// failures.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>

#include "arcade_mcp/mcp/upstream_error.hpp"

namespace arcade_mcp {
namespace {

using header_list = std::vector<std::pair<std::string, std::string>>;

upstream_response response_of(int status, header_list headers = {}) {
    upstream_response r;
    r.status = status;
    r.headers = std::move(headers);
    r.method = "get";
    r.url = "https://api.example.com/v1/items/7/?token=s3cret#frag";
    return r;
}

std::string imf_date_in(std::chrono::seconds from_now) {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + from_now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

TEST(UpstreamHttpError, StatusesMapAsArcadesAdapterDoes) {
    struct row {
        int status;
        const char* kind;
        bool retry;
        const char* message;
    };
    const row rows[] = {
        {400, "UPSTREAM_RUNTIME_BAD_REQUEST", false, "Upstream HTTP request failed (Bad Request, client error)."},
        {401, "UPSTREAM_RUNTIME_AUTH_ERROR", false, "Upstream HTTP request failed (Unauthorized, client error)."},
        {403, "UPSTREAM_RUNTIME_AUTH_ERROR", false, "Upstream HTTP request failed (Forbidden, client error)."},
        {404, "UPSTREAM_RUNTIME_NOT_FOUND", false, "Upstream HTTP request failed (Not Found, client error)."},
        {409, "UPSTREAM_RUNTIME_BAD_REQUEST", false, "Upstream HTTP request failed (Conflict, client error)."},
        {422, "UPSTREAM_RUNTIME_BAD_REQUEST", false,
         "Upstream HTTP request failed (Unprocessable Entity, client error)."},
        {500, "UPSTREAM_RUNTIME_SERVER_ERROR", true,
         "Upstream HTTP request failed (Internal Server Error, server error)."},
        {503, "UPSTREAM_RUNTIME_SERVER_ERROR", true,
         "Upstream HTTP request failed (Service Unavailable, server error)."},
        {599, "UPSTREAM_RUNTIME_SERVER_ERROR", true, "Upstream HTTP request failed (Unknown Status, server error)."},
        {302, "UPSTREAM_RUNTIME_UNMAPPED", false, "Upstream HTTP request failed (Found, redirection)."},
    };
    for (const auto& r : rows) {
        const tool_error e = upstream_http_error(response_of(r.status));
        EXPECT_EQ(to_string(e.kind), r.kind) << r.status;
        EXPECT_EQ(e.can_retry, r.retry) << r.status;
        EXPECT_EQ(e.status_code, r.status);
        EXPECT_EQ(e.message, r.message);
        EXPECT_EQ(e.error_class, "UpstreamError");
        EXPECT_FALSE(e.retry_after_ms) << r.status;
    }
}

TEST(UpstreamHttpError, TooManyRequestsReadsTheWaitFromItsHeaders) {
    const tool_error two_seconds = upstream_http_error(response_of(429, {{"Retry-After", "2"}}));
    EXPECT_EQ(to_string(two_seconds.kind), "UPSTREAM_RUNTIME_RATE_LIMIT");
    EXPECT_EQ(two_seconds.error_class, "UpstreamRateLimitError");
    EXPECT_TRUE(two_seconds.can_retry);
    EXPECT_EQ(two_seconds.status_code, 429);
    EXPECT_EQ(two_seconds.retry_after_ms, 2000);
    EXPECT_EQ(two_seconds.message,
              "Upstream HTTP request failed (Too Many Requests, client error). Retry after 2 second(s).");

    const tool_error none = upstream_http_error(response_of(429));
    EXPECT_EQ(none.retry_after_ms, 1000);  // Arcade's default
    EXPECT_EQ(none.message, "Upstream HTTP request failed (Too Many Requests, client error). Retry after 1 second(s).");

    const tool_error zero = upstream_http_error(response_of(429, {{"retry-after", "0"}}));
    EXPECT_EQ(zero.retry_after_ms, 0);
    EXPECT_EQ(zero.message, "Upstream HTTP request failed (Too Many Requests, client error). Rate limit encountered.");

    EXPECT_EQ(upstream_http_error(response_of(429, {{"X-RateLimit-Reset-Ms", "1500"}})).retry_after_ms, 1500);
    EXPECT_EQ(upstream_http_error(response_of(429, {{"x-ratelimit-reset", "30"}})).retry_after_ms, 30000);
    // Retry-After wins over the others; an unreadable value falls back to 1 s.
    EXPECT_EQ(upstream_http_error(response_of(429, {{"x-ratelimit-reset", "30"}, {"Retry-After", "5"}})).retry_after_ms,
              5000);
    EXPECT_EQ(upstream_http_error(response_of(429, {{"Retry-After", "soon"}})).retry_after_ms, 1000);
    EXPECT_EQ(upstream_http_error(response_of(429, {{"Retry-After", "-3"}})).retry_after_ms, 1000);
}

TEST(UpstreamHttpError, DatesAndEpochTimesBecomeDelays) {
    const auto in_two_minutes =
        upstream_http_error(response_of(429, {{"Retry-After", imf_date_in(std::chrono::seconds(120))}}));
    ASSERT_TRUE(in_two_minutes.retry_after_ms);
    EXPECT_GE(*in_two_minutes.retry_after_ms, 110000);
    EXPECT_LE(*in_two_minutes.retry_after_ms, 120000);
    const auto past = upstream_http_error(response_of(429, {{"Retry-After", imf_date_in(std::chrono::seconds(-60))}}));
    EXPECT_EQ(past.retry_after_ms, 0);
    const auto epoch_in_a_minute = std::chrono::duration_cast<std::chrono::seconds>(
                                       std::chrono::system_clock::now().time_since_epoch() + std::chrono::seconds(60))
                                       .count();
    const auto epoch =
        upstream_http_error(response_of(429, {{"X-RateLimit-Reset", std::to_string(epoch_in_a_minute)}}));
    ASSERT_TRUE(epoch.retry_after_ms);
    EXPECT_GE(*epoch.retry_after_ms, 50000);
    EXPECT_LE(*epoch.retry_after_ms, 60000);
}

TEST(UpstreamHttpError, AForbiddenWithAnExhaustedQuotaIsARateLimit) {
    const tool_error quota =
        upstream_http_error(response_of(403, {{"X-RateLimit-Remaining", "0"}, {"Retry-After", "7"}}));
    EXPECT_EQ(to_string(quota.kind), "UPSTREAM_RUNTIME_RATE_LIMIT");
    EXPECT_EQ(quota.status_code, 429);
    EXPECT_EQ(quota.retry_after_ms, 7000);
    EXPECT_EQ(quota.message, "Upstream HTTP request failed (Forbidden, client error). Retry after 7 second(s).");

    const tool_error window = upstream_http_error(response_of(403, {{"Retry-After", "3"}, {"RateLimit-Limit", "100"}}));
    EXPECT_EQ(to_string(window.kind), "UPSTREAM_RUNTIME_RATE_LIMIT");
    // Rate-limit headers alone (sent on every response by some APIs) do not make a 403 a rate limit.
    const tool_error plain =
        upstream_http_error(response_of(403, {{"x-ratelimit-remaining", "12"}, {"x-ratelimit-limit", "100"}}));
    EXPECT_EQ(to_string(plain.kind), "UPSTREAM_RUNTIME_AUTH_ERROR");
    const tool_error no_limit = upstream_http_error(response_of(403, {{"Retry-After", "3"}}));
    EXPECT_EQ(to_string(no_limit.kind), "UPSTREAM_RUNTIME_AUTH_ERROR");
}

TEST(UpstreamHttpError, TheEngineGetsTheEndpointButNeverTheQuery) {
    upstream_response r = response_of(404);
    r.url = "https://user:pw@api.example.com//v1/items/7/?api_key=s3cret#top";
    r.body = std::string(2000, 'x');
    const tool_error e = upstream_http_error(r);
    const json expected{
        {"service", "_http"}, {"endpoint", "https://api.example.com/v1/items/7"}, {"http_method", "GET"}};
    EXPECT_EQ(e.extra, expected);
    ASSERT_TRUE(e.developer_message);
    EXPECT_EQ(e.developer_message->rfind("HTTP 404 from GET https://api.example.com/v1/items/7: xxx", 0), 0u);
    EXPECT_EQ(e.developer_message->find("s3cret"), std::string::npos);
    EXPECT_EQ(e.developer_message->find("pw@"), std::string::npos);
    EXPECT_LT(e.developer_message->size(), 1100u);
    EXPECT_EQ(e.message.find("items"), std::string::npos);  // the model sees no URL
    upstream_response bare = response_of(500);
    bare.url = "https://api.example.com";
    EXPECT_EQ(upstream_http_error(bare).extra["endpoint"], "https://api.example.com/");
}

TEST(UpstreamHttpError, OddUrlsKeepNeitherSecretsNorParameters) {
    const auto endpoint = [](const std::string& url) {
        upstream_response r = response_of(400);
        r.url = url;
        const tool_error e = upstream_http_error(r);
        EXPECT_EQ(e.developer_message->find("XYZ"), std::string::npos) << url;
        return e.extra["endpoint"].get<std::string>();
    };
    // No scheme, and a "://" inside the query: the query goes first.
    EXPECT_EQ(endpoint("api.example.com/oauth?client_secret=XYZ&redirect_uri=https://app/cb"), "api.example.com/oauth");
    EXPECT_EQ(endpoint("user:XYZ@h/p"), "h/p");
    EXPECT_EQ(endpoint("HTTPS://H/p;jsessionid=XYZ"), "https://H/p");
    EXPECT_EQ(endpoint("http://[::1]:8080/a?b=XYZ"), "http://[::1]:8080/a");
    EXPECT_EQ(endpoint("http://h?XYZ"), "http://h/");
}

TEST(UpstreamHttpError, HeaderValuesAreReadAsSentAndOnlyPlainNumbersCount) {
    // A raw header line's CR LF does not hide the value.
    EXPECT_EQ(upstream_http_error(response_of(429, {{"Retry-After", "4\r\n"}})).retry_after_ms, 4000);
    // "nan" is no number (arcade-tdk's pattern is -?\d+(\.\d+)?): a date-like value with a limit header.
    EXPECT_EQ(
        to_string(upstream_http_error(response_of(403, {{"Retry-After", "nan"}, {"X-RateLimit-Limit", "9"}})).kind),
        "UPSTREAM_RUNTIME_RATE_LIMIT");
    EXPECT_EQ(
        to_string(upstream_http_error(response_of(403, {{"X-RateLimit-Remaining", "0.0"}})).kind),
        "UPSTREAM_RUNTIME_RATE_LIMIT");
    EXPECT_EQ(to_string(upstream_http_error(response_of(403, {{"X-RateLimit-Remaining", "0e1"}})).kind),
              "UPSTREAM_RUNTIME_AUTH_ERROR");
    EXPECT_EQ(upstream_http_error(response_of(429, {{"Retry-After", "Sun, 06 Nov 1994 08:49:37 GMT"}})).retry_after_ms,
              0);
    EXPECT_EQ(upstream_http_error(response_of(429, {{"Retry-After", "Sun, 31 Feb 2094 08:49:37 GMT"}})).retry_after_ms,
              1000);  // no such day: unreadable
}

TEST(UpstreamHttpError, TheBodyIsCutBetweenCharacters) {
    upstream_response r = response_of(500);
    r.body = std::string(1023, 'a') + "\xc3\xa9" + "tail";  // the 2-byte "é" straddles the 1 KiB mark
    const tool_error e = upstream_http_error(r);
    const std::string& dev = *e.developer_message;
    ASSERT_GE(dev.size(), 3u);
    EXPECT_EQ(dev.substr(dev.size() - 4), "a...");
}

TEST(UpstreamTransportError, FailuresBeforeAResponseMapToNetworkKinds) {
    struct row {
        transport_failure failure;
        const char* kind;
        bool retry;
        const char* message;
    };
    const row rows[] = {
        {transport_failure::timeout, "NETWORK_TRANSPORT_RUNTIME_TIMEOUT", true,
         "HTTP request timed out before a complete response was received."},
        {transport_failure::unreachable, "NETWORK_TRANSPORT_RUNTIME_UNREACHABLE", true,
         "HTTP request failed before reaching the upstream service."},
        {transport_failure::too_many_redirects, "NETWORK_TRANSPORT_RUNTIME_UNMAPPED", false,
         "HTTP redirect limit exceeded before a final response was received."},
        {transport_failure::undecodable, "NETWORK_TRANSPORT_RUNTIME_UNMAPPED", true,
         "HTTP response from upstream could not be decoded."},
        {transport_failure::incomplete, "NETWORK_TRANSPORT_RUNTIME_UNMAPPED", true,
         "HTTP request failed before a complete response was received."},
        {transport_failure::invalid_url, "TOOL_RUNTIME_FATAL", false, "HTTP request URL is invalid or malformed."},
        {transport_failure::unsupported_scheme, "TOOL_RUNTIME_FATAL", false,
         "HTTP request URL uses an unsupported scheme (expected http or https)."},
        {transport_failure::tls, "TOOL_RUNTIME_FATAL", false,
         "TLS handshake failed \u2014 likely a local certificate or trust configuration issue."},
    };
    for (const auto& r : rows) {
        const tool_error e =
            upstream_transport_error(r.failure, "POST", "http://10.0.0.1:8080/hook?sig=abc", "curl: 28");
        EXPECT_EQ(to_string(e.kind), r.kind) << r.message;
        EXPECT_EQ(e.can_retry, r.retry) << r.message;
        EXPECT_EQ(e.message, r.message);
        EXPECT_EQ(e.developer_message, "curl: 28");
        EXPECT_EQ(e.extra["endpoint"], "http://10.0.0.1:8080/hook");
        EXPECT_EQ(e.extra["http_method"], "POST");
        EXPECT_TRUE(e.extra["error_type"].is_string());
    }
    EXPECT_EQ(upstream_transport_error(transport_failure::timeout, "GET", "http://h/").extra["error_type"], "timeout");
    EXPECT_FALSE(upstream_transport_error(transport_failure::timeout, "GET", "http://h/").developer_message);
}

}  // namespace
}  // namespace arcade_mcp
