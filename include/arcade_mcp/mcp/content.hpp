/// @file content.hpp
/// Rich MCP content: the blocks a tool result or a prompt message carries (text, image, audio,
/// an embedded resource, a resource link), with optional annotations, and the contents of a
/// resource read (text or base64 blob). Plain values; build them with the static factories.
///
/// Example (a tool that returns a picture and its caption):
///   tool_content look(const no_args&) {
///       return {content_block::text("A red pixel"), content_block::image(png_base64, "image/png")};
///   }
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "arcade_mcp/json.hpp"

namespace arcade_mcp {

/// Hints for the client: who the content is for, how important it is, when it changed.
struct annotations {
    std::vector<std::string> audience;        ///< "user" and/or "assistant"
    std::optional<double> priority;           ///< 0 (least) to 1 (most important)
    std::optional<std::string> last_modified;  ///< ISO 8601 (2025-06-18 and later)

    json to_json() const;
};

/// One item of a resource read (`TextResourceContents` or `BlobResourceContents`).
struct resource_contents {
    std::string uri;
    std::optional<std::string> mime_type;
    std::optional<std::string> text;         ///< set for text contents
    std::optional<std::string> blob_base64;  ///< set for binary contents (standard base64)

    static resource_contents text_of(std::string uri, std::string text, std::optional<std::string> mime_type = {});
    static resource_contents blob_of(std::string uri, std::string base64, std::optional<std::string> mime_type = {});
    json to_json() const;
};

/// A content block (`TextContent`, `ImageContent`, `AudioContent`, `EmbeddedResource`,
/// `ResourceLink`). Media data is standard base64.
class content_block {
public:
    static content_block text(std::string text);
    static content_block image(std::string base64, std::string mime_type);
    static content_block audio(std::string base64, std::string mime_type);
    static content_block embedded(resource_contents resource);
    /// A link to a resource the client may read or subscribe to (2025-06-18 and later).
    static content_block resource_link(std::string uri, std::string name, std::optional<std::string> mime_type = {},
                                       std::optional<std::string> description = {});
    /// Builds a block from its JSON form; throws std::invalid_argument on an unknown `type`.
    static content_block from_json(json block);

    content_block& with_annotations(const annotations& a);
    const std::string& type() const;
    const json& to_json() const noexcept { return json_; }

private:
    explicit content_block(json j) : json_(std::move(j)) {}
    json json_;
};

/// What a tool may return instead of a value: content blocks, used verbatim as the result's
/// `content` (no structuredContent). Also the handler form `result<tool_content>`.
using tool_content = std::vector<content_block>;

}  // namespace arcade_mcp
