// Tests for the request-smuggling guard (framing_guard.hpp): the framings of design/cpp-stack.md
// §3.6 that Beast 1.74 accepts, and plain framings that must pass.
#include "transport/http/framing_guard.hpp"

#include <gtest/gtest.h>

namespace arcade_mcp::detail {
namespace {

request_framing framing(unsigned version, std::vector<std::string_view> te, std::vector<std::string_view> cl) {
    return request_framing{version, std::move(te), std::move(cl)};
}

TEST(FramingGuard, PlainFramingsPass) {
    EXPECT_FALSE(ambiguous_framing(framing(11, {}, {})));
    EXPECT_FALSE(ambiguous_framing(framing(10, {}, {})));
    EXPECT_FALSE(ambiguous_framing(framing(11, {}, {"0"})));
    EXPECT_FALSE(ambiguous_framing(framing(11, {}, {"1048576"})));
    EXPECT_FALSE(ambiguous_framing(framing(10, {}, {"5"})));
    EXPECT_FALSE(ambiguous_framing(framing(11, {"chunked"}, {})));
    EXPECT_FALSE(ambiguous_framing(framing(11, {" CHUNKED\t"}, {})));
}

TEST(FramingGuard, AmbiguousFramingsAreRefused) {
    EXPECT_TRUE(ambiguous_framing(framing(11, {"chunked"}, {"5"})));     // both
    EXPECT_TRUE(ambiguous_framing(framing(11, {"gzip"}, {"5"})));        // both, TE not chunked
    EXPECT_TRUE(ambiguous_framing(framing(11, {"chunked", "chunked"}, {})));
    EXPECT_TRUE(ambiguous_framing(framing(11, {}, {"5", "5"})));         // repeated, even if equal
    EXPECT_TRUE(ambiguous_framing(framing(11, {"chunked, gzip"}, {})));
    EXPECT_TRUE(ambiguous_framing(framing(11, {"gzip"}, {})));
    EXPECT_TRUE(ambiguous_framing(framing(11, {""}, {})));
    EXPECT_TRUE(ambiguous_framing(framing(10, {"chunked"}, {})));        // TE on HTTP/1.0
    EXPECT_TRUE(ambiguous_framing(framing(11, {}, {""})));
    EXPECT_TRUE(ambiguous_framing(framing(11, {}, {"+5"})));
    EXPECT_TRUE(ambiguous_framing(framing(11, {}, {" 5"})));
    EXPECT_TRUE(ambiguous_framing(framing(11, {}, {"5, 5"})));
    EXPECT_TRUE(ambiguous_framing(framing(11, {}, {"0x10"})));
}

/// framing_of works on anything shaped like a Beast header (Beast's own is covered by the e2e
/// tests and fuzz/http_request_fuzz.cpp).
struct fake_value {
    std::string_view v;
    std::string_view value() const { return v; }
};
struct fake_header {
    unsigned v = 11;
    std::vector<fake_value> te, cl;
    unsigned version() const { return v; }
    auto equal_range(std::string_view name) const {
        const auto& list = name == "Transfer-Encoding" ? te : name == "Content-Length" ? cl : none;
        return std::pair{list.begin(), list.end()};
    }
    std::vector<fake_value> none;
};

TEST(FramingGuard, FramingOfCollectsEveryValue) {
    fake_header h;
    h.v = 10;
    h.te = {{"chunked"}, {"gzip"}};
    h.cl = {{"7"}};
    const auto f = framing_of(h);
    EXPECT_EQ(f.version, 10u);
    EXPECT_EQ(f.transfer_encoding, (std::vector<std::string_view>{"chunked", "gzip"}));
    EXPECT_EQ(f.content_length, (std::vector<std::string_view>{"7"}));
    EXPECT_TRUE(ambiguous_framing(f));
    EXPECT_FALSE(ambiguous_framing(framing_of(fake_header{})));
}

}  // namespace
}  // namespace arcade_mcp::detail
