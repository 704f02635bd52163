// Tests for rich content: the JSON of each content block kind, annotations, resource contents
// (text vs blob) and content_block::from_json.
#include "arcade_mcp/mcp/content.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace arcade_mcp {
namespace {

TEST(Content, TextBlock) {
    const auto b = content_block::text("hello");
    EXPECT_EQ(b.type(), "text");
    EXPECT_EQ(b.to_json(), json::parse(R"({"type":"text","text":"hello"})"));
    EXPECT_EQ(content_block::text("").to_json(), json::parse(R"({"type":"text","text":""})"));
}

TEST(Content, ImageAndAudioBlocks) {
    const auto img = content_block::image("iVBORw0KGgo=", "image/png");
    EXPECT_EQ(img.type(), "image");
    EXPECT_EQ(img.to_json(), json::parse(R"({"type":"image","data":"iVBORw0KGgo=","mimeType":"image/png"})"));
    const auto wav = content_block::audio("UklGRg==", "audio/wav");
    EXPECT_EQ(wav.type(), "audio");
    EXPECT_EQ(wav.to_json(), json::parse(R"({"type":"audio","data":"UklGRg==","mimeType":"audio/wav"})"));
}

TEST(Content, ResourceContentsTextAndBlob) {
    EXPECT_EQ(resource_contents::text_of("file:///a.txt", "body").to_json(),
              json::parse(R"({"uri":"file:///a.txt","text":"body"})"));
    EXPECT_EQ(resource_contents::text_of("file:///a.json", "{}", "application/json").to_json(),
              json::parse(R"({"uri":"file:///a.json","mimeType":"application/json","text":"{}"})"));
    EXPECT_EQ(resource_contents::blob_of("file:///a.bin", "AAEC", "application/octet-stream").to_json(),
              json::parse(R"({"uri":"file:///a.bin","mimeType":"application/octet-stream","blob":"AAEC"})"));
    EXPECT_EQ(resource_contents::blob_of("file:///b.bin", "").to_json(),
              json::parse(R"({"uri":"file:///b.bin","blob":""})"));
    const auto blob = resource_contents::blob_of("u", "AA==");
    EXPECT_FALSE(blob.text.has_value());
    EXPECT_EQ(blob.blob_base64, std::optional<std::string>("AA=="));
}

TEST(Content, ResourceContentsWithNeitherTextNorBlobIsEmptyText) {
    resource_contents c;
    c.uri = "x://empty";
    EXPECT_EQ(c.to_json(), json::parse(R"({"uri":"x://empty","text":""})"));
}

TEST(Content, EmbeddedResourceBlock) {
    const auto text = content_block::embedded(resource_contents::text_of("file:///a.txt", "body", "text/plain"));
    EXPECT_EQ(text.type(), "resource");
    EXPECT_EQ(
        text.to_json(),
        json::parse(R"({"type":"resource","resource":{"uri":"file:///a.txt","mimeType":"text/plain","text":"body"}})"));
    const auto blob = content_block::embedded(resource_contents::blob_of("file:///a.bin", "AAEC"));
    EXPECT_EQ(blob.to_json(), json::parse(R"({"type":"resource","resource":{"uri":"file:///a.bin","blob":"AAEC"}})"));
}

TEST(Content, ResourceLinkBlock) {
    const auto bare = content_block::resource_link("file:///a.txt", "a");
    EXPECT_EQ(bare.type(), "resource_link");
    EXPECT_EQ(bare.to_json(), json::parse(R"({"type":"resource_link","uri":"file:///a.txt","name":"a"})"));
    const auto full = content_block::resource_link("file:///a.txt", "a", "text/plain", "The A file");
    EXPECT_EQ(
        full.to_json(),
        json::parse(
            R"({"type":"resource_link","uri":"file:///a.txt","name":"a","mimeType":"text/plain",)"
            R"("description":"The A file"})"));
}

TEST(Content, AnnotationsJson) {
    EXPECT_EQ(annotations{}.to_json(), json::object());
    annotations a;
    a.audience = {"user", "assistant"};
    a.priority = 0.5;
    a.last_modified = "2025-01-12T15:00:58Z";
    EXPECT_EQ(a.to_json(),
              json::parse(R"({"audience":["user","assistant"],"priority":0.5,"lastModified":"2025-01-12T15:00:58Z"})"));
    annotations only_priority;
    only_priority.priority = 0.0;  // zero is a value, not absence
    EXPECT_EQ(only_priority.to_json(), json::parse(R"({"priority":0.0})"));
}

TEST(Content, BlocksCarryAnnotations) {
    annotations a;
    a.audience = {"user"};
    a.priority = 1.0;
    auto b = content_block::text("hi");
    b.with_annotations(a);
    EXPECT_EQ(b.to_json(),
              json::parse(R"({"type":"text","text":"hi","annotations":{"audience":["user"],"priority":1.0}})"));
    auto img = content_block::image("AA==", "image/png").with_annotations(a);
    EXPECT_EQ(img.to_json()["annotations"], json::parse(R"({"audience":["user"],"priority":1.0})"));
    auto link = content_block::resource_link("x://y", "y").with_annotations(a);
    EXPECT_EQ(link.to_json()["annotations"]["audience"], json::array({"user"}));
}

TEST(Content, EmptyAnnotationsAddNothing) {
    auto b = content_block::text("hi");
    b.with_annotations(annotations{});
    EXPECT_FALSE(b.to_json().contains("annotations"));
}

TEST(Content, FromJsonKeepsKnownBlocksVerbatim) {
    for (const char* text : {R"({"type":"text","text":"a","annotations":{"priority":0.2}})",
                             R"({"type":"image","data":"AA==","mimeType":"image/png"})",
                             R"({"type":"audio","data":"AA==","mimeType":"audio/wav"})",
                             R"({"type":"resource","resource":{"uri":"x://a","text":"t"}})",
                             R"({"type":"resource_link","uri":"x://a","name":"a"})"}) {
        const json j = json::parse(text);
        const auto b = content_block::from_json(j);
        EXPECT_EQ(b.to_json(), j);
        EXPECT_EQ(b.type(), j["type"].get<std::string>());
    }
}

TEST(Content, FromJsonUnknownTypeThrows) {
    EXPECT_THROW(content_block::from_json(json::parse(R"({"type":"video","data":"AA=="})")), std::invalid_argument);
    EXPECT_THROW(content_block::from_json(json::parse(R"({"type":"TEXT","text":"a"})")), std::invalid_argument);
    EXPECT_THROW(content_block::from_json(json::parse(R"({"text":"a"})")), std::invalid_argument);
    EXPECT_THROW(content_block::from_json(json::parse(R"({"type":5,"text":"a"})")), std::invalid_argument);
    EXPECT_THROW(content_block::from_json(json::parse(R"({"type":null})")), std::invalid_argument);
    EXPECT_THROW(content_block::from_json(json::parse(R"("text")")), std::invalid_argument);
    EXPECT_THROW(content_block::from_json(json::array()), std::invalid_argument);
    EXPECT_THROW(content_block::from_json(json()), std::invalid_argument);
}

}  // namespace
}  // namespace arcade_mcp
