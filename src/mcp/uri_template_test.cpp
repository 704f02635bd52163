// Tests for the RFC 6570 subset resource templates use: literals, {var}, {+var}, matching with
// percent-decoding, and the templates the parser refuses.
#include "mcp/uri_template.hpp"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace arcade_mcp::detail {
namespace {

using vars = std::map<std::string, std::string>;

std::optional<vars> match(const std::string& tmpl, const std::string& uri) { return uri_template(tmpl).match(uri); }

TEST(UriTemplate, LiteralMatchesOnlyItself) {
    const uri_template t("config://app");
    EXPECT_EQ(t.match("config://app"), std::optional<vars>(vars{}));
    EXPECT_EQ(t.match("config://app/"), std::nullopt);
    EXPECT_EQ(t.match("config://ap"), std::nullopt);
    EXPECT_EQ(t.match("config://apps"), std::nullopt);
    EXPECT_EQ(t.match(""), std::nullopt);
    EXPECT_TRUE(t.variables().empty());
}

TEST(UriTemplate, SimpleVariableIsExtracted) {
    EXPECT_EQ(match("file:///{name}", "file:///a.txt"), std::optional<vars>(vars{{"name", "a.txt"}}));
    EXPECT_EQ(match("users://{id}/profile", "users://42/profile"), std::optional<vars>(vars{{"id", "42"}}));
    EXPECT_EQ(match("{all}", "anything-at-all"), std::optional<vars>(vars{{"all", "anything-at-all"}}));
}

TEST(UriTemplate, SeveralVariablesInOrder) {
    const uri_template t("repo://{owner}/{name}/issues/{number}");
    EXPECT_EQ(t.variables(), (std::vector<std::string>{"owner", "name", "number"}));
    EXPECT_EQ(t.match("repo://acme/widgets/issues/7"),
              std::optional<vars>(vars{{"owner", "acme"}, {"name", "widgets"}, {"number", "7"}}));
}

TEST(UriTemplate, VariableNamesMayUseDigitsUnderscoreAndDot) {
    const uri_template t("x://{a_1.b}");
    EXPECT_EQ(t.variables(), std::vector<std::string>{"a_1.b"});
    EXPECT_EQ(t.match("x://v"), std::optional<vars>(vars{{"a_1.b", "v"}}));
}

TEST(UriTemplate, ShortestValueFirstWhenALiteralFollows) {
    // "-" may appear in either value; the first variable takes the shortest prefix that works.
    EXPECT_EQ(match("x://{a}-{b}", "x://p-q-r"), std::optional<vars>(vars{{"a", "p"}, {"b", "q-r"}}));
    EXPECT_EQ(match("x://{a}.json", "x://v1.2.json"), std::optional<vars>(vars{{"a", "v1.2"}}));
}

TEST(UriTemplate, ValuesArePercentDecoded) {
    EXPECT_EQ(match("users://{id}/profile", "users://a%20b/profile"), std::optional<vars>(vars{{"id", "a b"}}));
    EXPECT_EQ(match("x://{v}", "x://%41%62%63"), std::optional<vars>(vars{{"v", "Abc"}}));
    EXPECT_EQ(match("x://{v}", "x://%e2%82%ac"), std::optional<vars>(vars{{"v", "\xe2\x82\xac"}}));
    // An encoded slash is allowed in a simple variable (it is not a path separator there).
    EXPECT_EQ(match("x://{v}", "x://a%2Fb"), std::optional<vars>(vars{{"v", "a/b"}}));
}

TEST(UriTemplate, MalformedPercentEscapesAreKeptVerbatim) {
    EXPECT_EQ(match("x://{v}", "x://100%"), std::optional<vars>(vars{{"v", "100%"}}));
    EXPECT_EQ(match("x://{v}", "x://%4"), std::optional<vars>(vars{{"v", "%4"}}));
    EXPECT_EQ(match("x://{v}", "x://%zz1"), std::optional<vars>(vars{{"v", "%zz1"}}));
    EXPECT_EQ(match("x://{v}", "x://%%41"), std::optional<vars>(vars{{"v", "%A"}}));
}

TEST(UriTemplate, LiteralsAreNotDecoded) {
    EXPECT_EQ(match("x://a b/{v}", "x://a%20b/c"), std::nullopt);
    EXPECT_EQ(match("x://a b/{v}", "x://a b/c"), std::optional<vars>(vars{{"v", "c"}}));
}

TEST(UriTemplate, SimpleVariableStopsAtSlashQueryAndFragment) {
    EXPECT_EQ(match("file:///{name}", "file:///dir/a.txt"), std::nullopt);
    EXPECT_EQ(match("x://{v}", "x://a?b"), std::nullopt);
    EXPECT_EQ(match("x://{v}", "x://a#b"), std::nullopt);
    EXPECT_EQ(match("x://{v}?q={q}", "x://a?q=1"), std::optional<vars>(vars{{"v", "a"}, {"q", "1"}}));
    EXPECT_EQ(match("x://{v}#{f}", "x://a#top"), std::optional<vars>(vars{{"v", "a"}, {"f", "top"}}));
}

TEST(UriTemplate, ReservedVariableTakesSlashesQueryAndFragment) {
    EXPECT_EQ(match("file:///{+path}", "file:///dir/sub/a.txt"), std::optional<vars>(vars{{"path", "dir/sub/a.txt"}}));
    EXPECT_EQ(match("file:///{+path}", "file:///a?x=1#f"), std::optional<vars>(vars{{"path", "a?x=1#f"}}));
    EXPECT_EQ(match("file:///{+path}/meta", "file:///a/b/meta"), std::optional<vars>(vars{{"path", "a/b"}}));
    EXPECT_EQ(match("file:///{+path}", "file:///a%20b/c"), std::optional<vars>(vars{{"path", "a b/c"}}));
    EXPECT_EQ(uri_template("file:///{+path}").variables(), std::vector<std::string>{"path"});
}

TEST(UriTemplate, ExtraOrMissingSegmentsDoNotMatch) {
    const uri_template t("users://{id}/profile");
    EXPECT_EQ(t.match("users://42/profile/extra"), std::nullopt);
    EXPECT_EQ(t.match("users://42/profil"), std::nullopt);
    EXPECT_EQ(t.match("users://42"), std::nullopt);
    EXPECT_EQ(t.match("users:///profile"), std::nullopt) << "a variable needs a non-empty value";
    EXPECT_EQ(t.match("users://42/profile?x"), std::nullopt);
    EXPECT_EQ(t.match("other://42/profile"), std::nullopt);
    EXPECT_EQ(match("file:///{+path}", "file:///"), std::nullopt);
}

TEST(UriTemplate, InvalidTemplatesThrow) {
    const std::vector<std::string> bad = {
        "",                 // empty
        "x://{a",           // unbalanced '{'
        "x://a}",           // stray '}'
        "x://}{a}",         // '}' before '{'
        "x://{a}}",         // extra '}'
        "x://{}",           // empty expression
        "x://{+}",          // empty reserved expression
        "x://{a}{b}",       // adjacent expressions
        "x://{+a}{b}",      // adjacent, one reserved
        "x://{?q}",         // form-style query operator
        "x://{&q}",         // query continuation
        "x://{#frag}",      // fragment operator
        "x://{/path}",      // path segment operator
        "x://{.ext}",       // label operator
        "x://{+.ext}",      // label operator after '+'
        "x://{a.}",         // a name cannot end with '.'
        "x://{a..b}",       // nor hold two in a row
        "x://{;p}",         // path-style parameter
        "x://{a,b}",        // variable list
        "x://{a*}",         // explode modifier
        "x://{a:3}",        // prefix modifier
        "x://{++a}",        // double operator
        "x://{a b}",        // space in a name
        "x://{{a}}",        // nested brace
    };
    for (const auto& t : bad) EXPECT_THROW(uri_template{t}, std::invalid_argument) << "template: " << t;
}

TEST(UriTemplate, ValidTemplatesParse) {
    for (const std::string t : {"x", "{a}", "{+a}", "x://{a}/{b}", "x://{a}-{+b}", "{a}/x/{b}"})
        EXPECT_NO_THROW(uri_template{t}) << "template: " << t;
}

TEST(UriTemplate, OverlongUriIsRefused) {
    const uri_template t("file:///{+path}");
    const std::string prefix = "file:///";
    const std::string fits = prefix + std::string(2048 - prefix.size(), 'a');
    ASSERT_EQ(fits.size(), 2048u);
    const auto got = t.match(fits);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->at("path").size(), 2048 - prefix.size());
    EXPECT_EQ(t.match(fits + "a"), std::nullopt);
    EXPECT_EQ(uri_template("file:///x").match(std::string(4096, 'x')), std::nullopt);
}

}  // namespace
}  // namespace arcade_mcp::detail
