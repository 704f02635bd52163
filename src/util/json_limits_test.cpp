// The untrusted-JSON pre-check: depth, string length and the members of a top-level array.
#include "util/json_limits.hpp"

#include <gtest/gtest.h>

#include <string>

namespace arcade_mcp::detail {
namespace {

json_limits batch_of(std::size_t most) {
    json_limits limits;
    limits.max_batch_members = most;
    return limits;
}

std::string array_of(std::size_t n, const std::string& member) {
    std::string text = "[";
    for (std::size_t i = 0; i < n; ++i) text += (i == 0 ? "" : ",") + member;
    return text + "]";
}

TEST(JsonLimitsTest, CountsTopLevelMembersOnly) {
    const auto limits = batch_of(3);
    EXPECT_FALSE(exceeds_json_limits("[]", limits));
    EXPECT_FALSE(exceeds_json_limits(" [ {\"a\":[1,2,3,4,5]} , \"x,y,z,w\" , [1,2,3,4] ] ", limits));
    EXPECT_FALSE(exceeds_json_limits(array_of(3, R"({"jsonrpc":"2.0","id":1,"method":"ping"})"), limits));
    const auto four = exceeds_json_limits(array_of(4, R"({"jsonrpc":"2.0","id":1,"method":"ping"})"), limits);
    ASSERT_TRUE(four);
    EXPECT_EQ(*four, "a batch holds at most 3 messages; this one has 4");
    EXPECT_TRUE(exceeds_json_limits(array_of(4, "1"), limits));
    EXPECT_TRUE(exceeds_json_limits(array_of(4, "\"s\""), limits));
}

TEST(JsonLimitsTest, AnObjectIsNotABatch) {
    const auto limits = batch_of(1);
    EXPECT_FALSE(exceeds_json_limits(R"({"a":1,"b":2,"c":[1,2,3]})", limits));
    EXPECT_FALSE(exceeds_json_limits(R"("[1,2,3]")", limits));
}

TEST(JsonLimitsTest, NoBatchLimitByDefault) { EXPECT_FALSE(exceeds_json_limits(array_of(10000, "0"), json_limits{})); }

TEST(JsonLimitsTest, DepthAndStringLength) {
    json_limits limits;
    limits.max_depth = 3;
    limits.max_string_bytes = 4;
    EXPECT_FALSE(exceeds_json_limits("[[[\"abcd\"]]]", limits));
    EXPECT_EQ(exceeds_json_limits("[[[[1]]]]", limits), "nesting is deeper than 3 levels");
    EXPECT_EQ(exceeds_json_limits("[\"abcde\"]", limits), "a string is longer than 4 bytes");
    EXPECT_FALSE(exceeds_json_limits(R"(["[[[["])", limits)) << "brackets inside a string do not nest";
}

}  // namespace
}  // namespace arcade_mcp::detail
