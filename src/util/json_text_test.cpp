// Tests of to_json_text: the same text as json::dump (compact, invalid UTF-8 replaced), also for a
// value larger than the reused buffer keeps, and for small values after a large one.
#include "util/json_text.hpp"

#include <gtest/gtest.h>

namespace arcade_mcp::detail {
namespace {

TEST(JsonText, MatchesDumpAndReplacesInvalidUtf8) {
    const json small = json::parse(R"({"b":[1,2.5,null,true],"a":{"x":"y\n\"z\""}})");
    EXPECT_EQ(to_json_text(small), small.dump());
    const json bad = std::string("ok\xff");
    EXPECT_EQ(to_json_text(bad), "\"ok\xEF\xBF\xBD\"");  // U+FFFD, no exception
}

TEST(JsonText, LargeThenSmallValues) {
    const json large = std::string(200 * 1024, 'x');
    const std::string text = to_json_text(large);
    ASSERT_EQ(text.size(), 200 * 1024 + 2);
    EXPECT_EQ(text, large.dump());
    const json small = json{{"k", 1}};
    EXPECT_EQ(to_json_text(small), R"({"k":1})");
    EXPECT_EQ(to_json_text(large), text);
}

}  // namespace
}  // namespace arcade_mcp::detail
