// The batching stderr writer: every line arrives whole, in each thread's order, none lost past
// the queue bound; an urgent line is on stderr when the call returns.
#include "log/log_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "log/logger.hpp"

namespace arcade_mcp::detail {
namespace {

/// Points fd 2 at a temporary file for the test's lifetime; contents() flushes the log first.
class captured_stderr {
public:
    captured_stderr() {
        flush_log();
        saved_ = ::dup(STDERR_FILENO);
        char name[] = "/tmp/log_writer_test.XXXXXX";
        const int fd = ::mkstemp(name);
        path_ = name;
        ::dup2(fd, STDERR_FILENO);
        ::close(fd);
    }
    ~captured_stderr() {
        flush_log();
        ::dup2(saved_, STDERR_FILENO);
        ::close(saved_);
        std::remove(path_.c_str());
    }
    std::string contents(bool flush = true) const {
        if (flush) flush_log();
        std::ifstream in(path_);
        std::stringstream all;
        all << in.rdbuf();
        return all.str();
    }

private:
    int saved_ = -1;
    std::string path_;
};

TEST(LogWriterTest, LinesFromManyThreadsArriveWholeInEachThreadsOrderPastTheQueueBound) {
    captured_stderr err;
    constexpr int threads = 4;
    constexpr int lines = 12000;  // 4 x 12,000 x ~60 bytes: well past the 1 MiB bound
    std::vector<std::thread> writers;
    for (int t = 0; t < threads; ++t)
        writers.emplace_back([t] {
            for (int i = 0; i < lines; ++i)
                write_log_line(
                    "thread=" + std::to_string(t) + " line=" + std::to_string(i) + " padding-padding-padding\n", false);
        });
    for (auto& w : writers) w.join();
    std::istringstream text(err.contents());
    std::map<int, int> next;
    std::string line;
    int total = 0;
    while (std::getline(text, line)) {
        int t = -1, i = -1;
        ASSERT_EQ(std::sscanf(line.c_str(), "thread=%d line=%d padding-padding-padding", &t, &i), 2) << line;
        ASSERT_TRUE(line.ends_with("padding-padding-padding")) << line;
        EXPECT_EQ(i, next[t]) << "thread " << t << " out of order";
        next[t] = i + 1;
        ++total;
    }
    EXPECT_EQ(total, threads * lines);
}

TEST(LogWriterTest, AnUrgentLineIsOnStderrWhenTheCallReturns) {
    captured_stderr err;
    write_log_line("queued first\n", false);
    write_log_line("urgent second\n", true);
    EXPECT_EQ(err.contents(/*flush=*/false), "queued first\nurgent second\n");
}

TEST(LogWriterTest, WarningsFromTheLoggerAreWrittenThrough) {
    captured_stderr err;
    configure_logging(log_format::text, log_level::info);
    log(log_level::warning, "disk almost full", {{"free", "1%"}});
    const std::string text = err.contents(/*flush=*/false);
    EXPECT_NE(text.find("WARNING disk almost full free=1%\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace arcade_mcp::detail
