// Content blocks, resource contents and annotations as JSON (see content.hpp).
#include "arcade_mcp/mcp/content.hpp"

#include <stdexcept>

namespace arcade_mcp {

json annotations::to_json() const {
    json j = json::object();
    if (!audience.empty()) j["audience"] = audience;
    if (priority) j["priority"] = *priority;
    if (last_modified) j["lastModified"] = *last_modified;
    return j;
}

resource_contents resource_contents::text_of(std::string uri, std::string text, std::optional<std::string> mime_type) {
    resource_contents c;
    c.uri = std::move(uri);
    c.mime_type = std::move(mime_type);
    c.text = std::move(text);
    return c;
}

resource_contents resource_contents::blob_of(std::string uri, std::string base64,
                                             std::optional<std::string> mime_type) {
    resource_contents c;
    c.uri = std::move(uri);
    c.mime_type = std::move(mime_type);
    c.blob_base64 = std::move(base64);
    return c;
}

json resource_contents::to_json() const {
    json j{{"uri", uri}};
    if (mime_type) j["mimeType"] = *mime_type;
    if (blob_base64) j["blob"] = *blob_base64;
    else j["text"] = text.value_or("");
    return j;
}

content_block content_block::text(std::string text) {
    return content_block(json{{"type", "text"}, {"text", std::move(text)}});
}

content_block content_block::image(std::string base64, std::string mime_type) {
    return content_block(json{{"type", "image"}, {"data", std::move(base64)}, {"mimeType", std::move(mime_type)}});
}

content_block content_block::audio(std::string base64, std::string mime_type) {
    return content_block(json{{"type", "audio"}, {"data", std::move(base64)}, {"mimeType", std::move(mime_type)}});
}

content_block content_block::embedded(resource_contents resource) {
    return content_block(json{{"type", "resource"}, {"resource", resource.to_json()}});
}

content_block content_block::resource_link(std::string uri, std::string name, std::optional<std::string> mime_type,
                                           std::optional<std::string> description) {
    json j{{"type", "resource_link"}, {"uri", std::move(uri)}, {"name", std::move(name)}};
    if (mime_type) j["mimeType"] = *mime_type;
    if (description) j["description"] = *description;
    return content_block(std::move(j));
}

content_block content_block::from_json(json block) {
    static constexpr std::string_view known[] = {"text", "image", "audio", "resource", "resource_link"};
    const auto type =
        block.is_object() && block.value("type", json()).is_string() ? block["type"].get<std::string>() : std::string();
    for (auto k : known)
        if (type == k) return content_block(std::move(block));
    throw std::invalid_argument("unknown content block type '" + type + "'");
}

content_block& content_block::with_annotations(const annotations& a) {
    json j = a.to_json();
    if (!j.empty()) json_["annotations"] = std::move(j);
    return *this;
}

const std::string& content_block::type() const { return json_["type"].get_ref<const std::string&>(); }

}  // namespace arcade_mcp
