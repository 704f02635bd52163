// Tests for the list methods' opaque cursors and page_of: round trips, what counts as a bad
// cursor, and nextCursor on every page but the last.
#include "mcp/paging.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "util/base64url.hpp"

namespace arcade_mcp::detail {
namespace {

json with_cursor(json cursor) { return json{{"cursor", std::move(cursor)}}; }
json raw_cursor(const std::string& plain) { return with_cursor(base64url_encode(plain)); }

TEST(Paging, CursorIsBase64urlOfKindAndOffset) {
    EXPECT_EQ(encode_cursor("tools", 2), "dG9vbHM6Mg");  // as the tools_list transcripts pin it
    EXPECT_EQ(base64url_decode(encode_cursor("resources", 17)), std::optional<std::string>("resources:17"));
}

TEST(Paging, RoundTripEveryOffsetInsideTheList) {
    constexpr std::size_t size = 25;
    for (std::size_t offset = 1; offset < size; ++offset)
        EXPECT_EQ(decode_cursor(with_cursor(encode_cursor("prompts", offset)), "prompts", size),
                  std::optional<std::size_t>(offset))
            << "offset " << offset;
    EXPECT_EQ(decode_cursor(with_cursor(encode_cursor("x", 123456789)), "x", 123456790),
              std::optional<std::size_t>(123456789));
}

TEST(Paging, AbsentOrNullCursorIsTheFirstPage) {
    EXPECT_EQ(decode_cursor(json::object(), "tools", 0), std::optional<std::size_t>(0));
    EXPECT_EQ(decode_cursor(json::object(), "tools", 5), std::optional<std::size_t>(0));
    EXPECT_EQ(decode_cursor(with_cursor(nullptr), "tools", 5), std::optional<std::size_t>(0));
    EXPECT_EQ(decode_cursor(json{{"other", "x"}}, "tools", 5), std::optional<std::size_t>(0));
}

TEST(Paging, CursorOfAnotherKindIsRefused) {
    EXPECT_EQ(decode_cursor(with_cursor(encode_cursor("tools", 1)), "prompts", 5), std::nullopt);
    EXPECT_EQ(decode_cursor(with_cursor(encode_cursor("resources", 1)), "templates", 5), std::nullopt);
    EXPECT_EQ(decode_cursor(raw_cursor("toolsx:1"), "tools", 5), std::nullopt);
    EXPECT_EQ(decode_cursor(raw_cursor("tool:1"), "tools", 5), std::nullopt);
    EXPECT_EQ(decode_cursor(raw_cursor("1"), "tools", 5), std::nullopt);
}

TEST(Paging, NonDigitOffsetsAreRefused) {
    for (const std::string plain :
         {"tools:", "tools:1a", "tools:a", "tools:-1", "tools:+1", "tools: 1", "tools:1 ", "tools:1.0", "tools:0x2"})
        EXPECT_EQ(decode_cursor(raw_cursor(plain), "tools", 100), std::nullopt) << plain;
}

TEST(Paging, ZeroAndOutOfRangeOffsetsAreRefused) {
    EXPECT_EQ(decode_cursor(raw_cursor("tools:0"), "tools", 5), std::nullopt)
        << "offset 0 is the absent cursor, never issued";
    EXPECT_EQ(decode_cursor(raw_cursor("tools:4"), "tools", 5), std::optional<std::size_t>(4));
    EXPECT_EQ(decode_cursor(raw_cursor("tools:5"), "tools", 5), std::nullopt);
    EXPECT_EQ(decode_cursor(raw_cursor("tools:6"), "tools", 5), std::nullopt);
    EXPECT_EQ(decode_cursor(raw_cursor("tools:1"), "tools", 0), std::nullopt);
    EXPECT_EQ(decode_cursor(raw_cursor("tools:1"), "tools", 1), std::nullopt);
    // Ten or more digits never pass (no overflow of the offset).
    EXPECT_EQ(decode_cursor(raw_cursor("tools:1000000000"), "tools", static_cast<std::size_t>(-1)), std::nullopt);
    EXPECT_EQ(decode_cursor(raw_cursor("tools:99999999999999999999999"), "tools", static_cast<std::size_t>(-1)),
              std::nullopt);
}

TEST(Paging, NonStringOrUndecodableCursorsAreRefused) {
    EXPECT_EQ(decode_cursor(with_cursor(1), "tools", 5), std::nullopt);
    EXPECT_EQ(decode_cursor(with_cursor(true), "tools", 5), std::nullopt);
    EXPECT_EQ(decode_cursor(with_cursor(json::object()), "tools", 5), std::nullopt);
    EXPECT_EQ(decode_cursor(with_cursor(json::array({encode_cursor("tools", 1)})), "tools", 5), std::nullopt);
    EXPECT_EQ(decode_cursor(with_cursor(""), "tools", 5), std::nullopt);
    EXPECT_EQ(decode_cursor(with_cursor("!!not base64!!"), "tools", 5), std::nullopt);
    EXPECT_EQ(decode_cursor(with_cursor("tools:1"), "tools", 5), std::nullopt) << "the plain text is not a cursor";
}

/// Follows nextCursor from the first page; returns the pages.
std::vector<json> all_pages(std::size_t size, std::size_t page_size) {
    std::vector<json> pages;
    json params = json::object();
    for (int guard = 0; guard < 100; ++guard) {
        bool bad = true;
        json page = page_of(params, "items", "items", size, page_size, [](std::size_t i) { return json(i); }, bad);
        EXPECT_FALSE(bad);
        pages.push_back(page);
        if (!page.contains("nextCursor")) break;
        params = with_cursor(page["nextCursor"]);
    }
    return pages;
}

TEST(Paging, PageOfWalksTheWholeListWithNextCursor) {
    const auto pages = all_pages(5, 2);
    ASSERT_EQ(pages.size(), 3u);
    EXPECT_EQ(pages[0], json::parse(R"({"items":[0,1],"nextCursor":")" + encode_cursor("items", 2) + R"("})"));
    EXPECT_EQ(pages[1], json::parse(R"({"items":[2,3],"nextCursor":")" + encode_cursor("items", 4) + R"("})"));
    EXPECT_EQ(pages[2], json::parse(R"({"items":[4]})"));
}

TEST(Paging, LastFullPageHasNoNextCursor) {
    const auto pages = all_pages(4, 2);
    ASSERT_EQ(pages.size(), 2u);
    EXPECT_EQ(pages[1], json::parse(R"({"items":[2,3]})"));
}

TEST(Paging, EmptyAndSinglePageLists) {
    EXPECT_EQ(all_pages(0, 3), std::vector<json>{json::parse(R"({"items":[]})")});
    EXPECT_EQ(all_pages(3, 3), std::vector<json>{json::parse(R"({"items":[0,1,2]})")});
    EXPECT_EQ(all_pages(3, 100), std::vector<json>{json::parse(R"({"items":[0,1,2]})")});
    EXPECT_EQ(all_pages(3, 1).size(), 3u);
}

TEST(Paging, PageOfWithBadCursorIsNullAndFlagged) {
    bool bad = false;
    int rendered = 0;
    const json page = page_of(
        with_cursor("garbage"), "items", "items", 5, 2,
        [&](std::size_t i) {
            ++rendered;
            return json(i);
        },
        bad);
    EXPECT_TRUE(bad);
    EXPECT_TRUE(page.is_null());
    EXPECT_EQ(rendered, 0);
}

TEST(Paging, MemberNameIsTheCallersAndCursorKindIsChecked) {
    bool bad = true;
    const json page = page_of(
        json::object(), "templates", "resourceTemplates", 2, 1, [](std::size_t i) { return json(i); }, bad);
    EXPECT_FALSE(bad);
    EXPECT_EQ(page["resourceTemplates"], json::array({0}));
    page_of(
        with_cursor(page["nextCursor"]), "resources", "resources", 2, 1, [](std::size_t i) { return json(i); }, bad);
    EXPECT_TRUE(bad) << "a templates cursor is not a resources cursor";
}

}  // namespace
}  // namespace arcade_mcp::detail
