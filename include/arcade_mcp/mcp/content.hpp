/// @file content.hpp
/// Rich MCP content: the blocks a tool result or a prompt message carries (text, image, audio,
/// an embedded resource, a resource link), with optional annotations, and the contents of a
/// resource read (text or base64 blob). Plain values; build them with the static factories.
///
/// Example (a tool that returns a picture and its caption):
/// @code
/// tool_content look(const no_arguments&) {
///     return {content_block::text("A red pixel"), content_block::image(png_base64, "image/png")};
/// }
/// srv.add_tool<no_arguments>("look", "A picture and its caption", look);
/// @endcode
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

    /// The MCP `Annotations` object (only the members that are set).
    json to_json() const;
};

/// One item of a resource read (`TextResourceContents` or `BlobResourceContents`).
struct resource_contents {
    std::string uri;                         ///< the URI read (for a template: the concrete URI)
    std::optional<std::string> mime_type;    ///< e.g. "text/plain"
    std::optional<std::string> text;         ///< set for text contents
    std::optional<std::string> blob_base64;  ///< set for binary contents (standard base64)

    /// Text contents.
    static resource_contents text_of(std::string uri, std::string text, std::optional<std::string> mime_type = {});
    /// Binary contents, already standard base64.
    static resource_contents blob_of(std::string uri, std::string base64, std::optional<std::string> mime_type = {});
    /// `TextResourceContents` or `BlobResourceContents`.
    json to_json() const;
};

/// A content block (`TextContent`, `ImageContent`, `AudioContent`, `EmbeddedResource`,
/// `ResourceLink`). Media data is standard base64.
class content_block {
public:
    /// `TextContent`.
    static content_block text(std::string text);
    /// `ImageContent`, e.g. `image(png_base64, "image/png")`.
    static content_block image(std::string base64, std::string mime_type);
    /// `AudioContent`, e.g. `audio(wav_base64, "audio/wav")`.
    static content_block audio(std::string base64, std::string mime_type);
    /// `EmbeddedResource`: a resource's contents carried inline.
    static content_block embedded(resource_contents resource);
    /// A link to a resource the client may read or subscribe to (2025-06-18 and later).
    static content_block resource_link(std::string uri, std::string name, std::optional<std::string> mime_type = {},
                                       std::optional<std::string> description = {});
    /// Builds a block from its JSON form; throws std::invalid_argument on an unknown `type`.
    static content_block from_json(json block);

    /// Sets the block's `annotations`; returns this block.
    content_block& with_annotations(const annotations& a);
    /// "text", "image", "audio", "resource" or "resource_link".
    const std::string& type() const;
    /// The block's JSON form, as sent.
    const json& to_json() const noexcept { return json_; }

private:
    explicit content_block(json j) : json_(std::move(j)) {}
    json json_;
};

/// What a tool may return instead of a value: content blocks, used verbatim as the result's
/// `content` (no structuredContent). Also the handler form `result<tool_content>`.
using tool_content = std::vector<content_block>;

}  // namespace arcade_mcp
