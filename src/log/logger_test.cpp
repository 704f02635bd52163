// Tests for the process-wide logger: levels, text/JSON formatting, escaping, threading.
#include "log/logger.hpp"
#include "observe/trace_context.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace arcade_mcp::detail {
namespace {

class LoggerTest : public ::testing::Test {
protected:
    void SetUp() override {
        set_log_sink_for_testing([this](std::string_view line) {
            const std::lock_guard lock(mutex_);
            lines_.emplace_back(line);
        });
        configure_logging(log_format::text, log_level::info);
    }
    void TearDown() override {
        set_log_sink_for_testing(nullptr);
        configure_logging(log_format::text, log_level::info);
    }
    std::vector<std::string> lines() {
        const std::lock_guard lock(mutex_);
        return lines_;
    }

    std::mutex mutex_;
    std::vector<std::string> lines_;
};

TEST(ParseLogLevel, AcceptsKnownNamesCaseInsensitive) {
    EXPECT_EQ(parse_log_level("debug"), log_level::debug);
    EXPECT_EQ(parse_log_level("INFO"), log_level::info);
    EXPECT_EQ(parse_log_level("Warning"), log_level::warning);
    EXPECT_EQ(parse_log_level("warn"), log_level::warning);
    EXPECT_EQ(parse_log_level("ERROR"), log_level::error);
    EXPECT_EQ(parse_log_level("off"), log_level::off);
    EXPECT_FALSE(parse_log_level("").has_value());
    EXPECT_FALSE(parse_log_level("verbose").has_value());
    EXPECT_FALSE(parse_log_level(" info").has_value());
}

TEST_F(LoggerTest, FiltersByMinimumLevel) {
    EXPECT_FALSE(log_enabled(log_level::debug));
    EXPECT_TRUE(log_enabled(log_level::info));
    EXPECT_FALSE(log_enabled(log_level::off));
    log(log_level::debug, "hidden");
    log(log_level::info, "shown");
    log(log_level::off, "never");
    ASSERT_EQ(lines().size(), 1u);

    configure_logging(log_format::text, log_level::off);
    EXPECT_FALSE(log_enabled(log_level::error));
    log(log_level::error, "suppressed");
    EXPECT_EQ(lines().size(), 1u);

    configure_logging(log_format::text, log_level::debug);
    EXPECT_TRUE(log_enabled(log_level::debug));
}

TEST_F(LoggerTest, TextFormat) {
    log(log_level::warning, "server started",
        {{"port", "8000"}, {"path", "with spaces"}, {"q", "say \"hi\""}, {"empty", ""},
         {"request_id", "abc-1"}});
    const auto out = lines();
    ASSERT_EQ(out.size(), 1u);
    const std::regex pattern(
        R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z WARNING server started port=8000 )"
        R"(path="with spaces" q="say \\"hi\\"" empty="" request_id=abc-1$)");
    EXPECT_TRUE(std::regex_match(out[0], pattern)) << out[0];
}

TEST_F(LoggerTest, TextFormatEscapesControlCharacters) {
    log(log_level::error, "line1\nline2", {{"v", "a\tb\x01"}, {"bad key", "x"}});
    const auto out = lines();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].find('\n'), std::string::npos);
    EXPECT_NE(out[0].find("ERROR line1\\nline2 v=\"a\\tb\\u0001\" bad_key=x"), std::string::npos)
        << out[0];
}

TEST_F(LoggerTest, JsonFormatProducesOneParsableLine) {
    configure_logging(log_format::json, log_level::debug);
    const std::string message = "multi\nline \"quoted\" back\\slash \xff\xfe bad utf8 \xc3\xa9";
    const std::string long_value(100000, 'x');
    log(log_level::debug, message,
        {{"session_id", "s\r\n1"}, {"big", long_value}, {"ctl", std::string("\x00\x1f\x7f", 3)},
         {"msg", "shadow"}});
    const auto out = lines();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].find('\n'), std::string::npos);
    const auto json = nlohmann::json::parse(out[0]);
    EXPECT_EQ(json.at("level"), "debug");
    EXPECT_EQ(json.at("msg"),
              "multi\nline \"quoted\" back\\slash \xEF\xBF\xBD\xEF\xBF\xBD bad utf8 \xc3\xa9");
    EXPECT_EQ(json.at("session_id"), "s\r\n1");
    EXPECT_EQ(json.at("big").get<std::string>().size(), long_value.size());
    EXPECT_EQ(json.at("ctl"), std::string("\x00\x1f\x7f", 3));
    EXPECT_EQ(json.at("field.msg"), "shadow");
    const std::regex time_pattern(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$)");
    EXPECT_TRUE(std::regex_match(json.at("time").get<std::string>(), time_pattern));
    EXPECT_EQ(out[0].rfind("{\"time\":", 0), 0u);
}

TEST_F(LoggerTest, JsonRejectsOverlongAndSurrogateSequences) {
    configure_logging(log_format::json, log_level::info);
    log(log_level::info, "\xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xe2\x82");
    const auto out = lines();
    ASSERT_EQ(out.size(), 1u);
    const auto json = nlohmann::json::parse(out[0]);  // throws on invalid UTF-8
    EXPECT_EQ(json.at("msg").get<std::string>().find("\xc0"), std::string::npos);
}

TEST_F(LoggerTest, LinesWrittenForATracedRequestCarryItsIdsInBothFormats) {
    auto span = observe::parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    ASSERT_TRUE(span);
    {
        const observe::current_span_scope scope(&*span);
        log(log_level::info, "traced", {{"k", "v"}});
        configure_logging(log_format::json, log_level::info);
        log(log_level::info, "traced", {{"trace_id", "a field of the caller"}});
    }
    log(log_level::info, "after the request");
    const auto out = lines();
    ASSERT_EQ(out.size(), 3u);
    EXPECT_NE(out[0].find(" k=v trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7"),
              std::string::npos)
        << out[0];
    const auto json = nlohmann::json::parse(out[1]);
    EXPECT_EQ(json.at("trace_id"), "4bf92f3577b34da6a3ce929d0e0e4736");
    EXPECT_EQ(json.at("span_id"), "00f067aa0ba902b7");
    EXPECT_EQ(json.at("field.trace_id"), "a field of the caller") << "no duplicate key";
    EXPECT_EQ(out[2].find("trace_id"), std::string::npos) << "the scope ended";
}

TEST_F(LoggerTest, ConcurrentWritesProduceWholeLines) {
    configure_logging(log_format::json, log_level::info);
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([t] {
            for (int i = 0; i < 200; ++i) {
                log(log_level::info, "tick", {{"thread", std::to_string(t)}, {"i", std::to_string(i)}});
            }
        });
    }
    for (auto& th : threads) th.join();
    const auto out = lines();
    ASSERT_EQ(out.size(), 8u * 200u);
    for (const auto& line : out) {
        EXPECT_TRUE(nlohmann::json::accept(line)) << line;
    }
}

TEST(LoggerStderr, WritesToStderrNotStdout) {
    set_log_sink_for_testing(nullptr);
    configure_logging(log_format::text, log_level::info);
    ::testing::internal::CaptureStderr();
    ::testing::internal::CaptureStdout();
    log(log_level::info, "to stderr", {{"k", "v"}});
    flush_log();  // info lines are queued for the background writer
    const std::string out = ::testing::internal::GetCapturedStdout();
    const std::string err = ::testing::internal::GetCapturedStderr();
    EXPECT_TRUE(out.empty());
    EXPECT_NE(err.find("INFO to stderr k=v\n"), std::string::npos) << err;
}

}  // namespace
}  // namespace arcade_mcp::detail
