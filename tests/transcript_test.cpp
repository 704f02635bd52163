// Runs every golden transcript in tests/transcripts as its own test case.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "arcade_mcp/json.hpp"
#include "transcript_runner.hpp"

namespace {
namespace fs = std::filesystem;
using arcade_mcp::json;

std::vector<fs::path> transcript_files() {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(ARCADE_MCP_TRANSCRIPT_DIR))
        if (e.path().extension() == ".txt") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
}

class Transcript : public ::testing::TestWithParam<fs::path> {};

TEST_P(Transcript, ServerAnswersAsRecorded) {
    const auto t = transcript::parse(GetParam());
    ASSERT_FALSE(t.client.empty()) << "no client lines";
    const auto actual = transcript::replay(t);
    if (std::getenv("TRANSCRIPT_PRINT") != nullptr)  // for writing a new transcript: review, then paste
        for (const auto& line : actual) std::printf("%s\n", line.c_str());
    ASSERT_EQ(actual.size(), t.server_lines.size()) << "number of server messages differs";
    for (std::size_t i = 0; i < actual.size(); ++i) {
        const json expected = json::parse(t.server_lines[i]);
        EXPECT_TRUE(transcript::matches(expected, json::parse(actual[i])))
            << "server message " << i + 1 << "\n  actual:   " << actual[i] << "\n  expected: " << expected.dump();
    }
}

std::string test_name(const ::testing::TestParamInfo<fs::path>& info) {
    std::string name = info.param.stem().string();
    std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
    return name;
}

INSTANTIATE_TEST_SUITE_P(Golden, Transcript, ::testing::ValuesIn(transcript_files()), test_name);

TEST(TranscriptSuite, HasTranscripts) { EXPECT_GE(transcript_files().size(), 10u); }

TEST(TranscriptSuite, RequestStatePlaceholderMatchesAnyStringOnly) {
    const json expected =
        json::parse(R"({"id":1,"result":{"requestState":"<requestState>","resultType":"input_required"}})");
    EXPECT_TRUE(transcript::matches(
        expected, json::parse(R"({"id":1,"result":{"requestState":"v1.abc.def","resultType":"input_required"}})")));
    EXPECT_FALSE(transcript::matches(
        expected, json::parse(R"({"id":1,"result":{"requestState":7,"resultType":"input_required"}})")));
    EXPECT_FALSE(transcript::matches(expected, json::parse(R"({"id":1,"result":{"resultType":"input_required"}})")));
    EXPECT_FALSE(transcript::matches(expected,
                                     json::parse(R"({"id":1,"result":{"requestState":"x","resultType":"complete"}})")));
    EXPECT_FALSE(transcript::matches(
        expected, json::parse(R"({"id":1,"result":{"requestState":"x","resultType":"input_required","extra":1}})")));
    EXPECT_FALSE(transcript::matches(json::parse(R"(["a","b"])"), json::parse(R"(["a"])")));
    EXPECT_TRUE(transcript::matches(json::parse(R"({"n":1})"), json::parse(R"({"n":1.0})")))
        << "as json == compares numbers";
    EXPECT_FALSE(transcript::matches(json("other"), json("<requestState>")))
        << "only the expected side is a placeholder";
}

}  // namespace
