/// @file resources.hpp
/// Resources: data the client can list, read and subscribe to. A `resource_spec` is one URI; a
/// `resource_template_spec` serves a family of URIs described by an RFC 6570 template (level 1
/// `{var}` and reserved `{+var}` expressions), with optional completion of its variables.
/// Readers run on the worker pool and may block; they return one or more contents.
///
/// Example:
/// @code
/// srv.add_resource({.uri = "config://app", .name = "app-config", .mime_type = "application/json"},
///                  [](tool_context&, const std::string& uri) {
///                      return std::vector{resource_contents::text_of(uri, R"({"debug":false})", "application/json")};
///                  });
/// resource_template_spec notes;
/// notes.info = {.uri = "notes://{topic}", .name = "notes"};
/// notes.read = [](tool_context&, const std::string& uri, const std::map<std::string, std::string>& vars)
///     -> result<std::vector<resource_contents>> {
///     if (!has_notes(vars.at("topic"))) return resource_not_found(uri);
///     return std::vector{resource_contents::text_of(uri, notes_on(vars.at("topic")), "text/markdown")};
/// };
/// srv.add_resource_template(std::move(notes)).complete("topic", [](tool_context&, const completion_request& r) {
///     return completion_result::matching({"cpp", "mcp", "oauth"}, r.value);
/// });
/// @endcode
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "arcade_mcp/mcp/caching.hpp"
#include "arcade_mcp/mcp/completion.hpp"
#include "arcade_mcp/mcp/content.hpp"
#include "arcade_mcp/mcp/result.hpp"
#include "arcade_mcp/mcp/tool_context.hpp"

namespace arcade_mcp {

/// What resources/list shows of a resource (and a template shows in resources/templates/list).
struct resource_info {
    std::string uri;                          ///< for a template: the URI template
    std::string name;                         ///< programmatic name
    std::optional<std::string> title;         ///< display name (2025-06-18+)
    std::optional<std::string> description;  ///< what it holds
    std::optional<std::string> mime_type;    ///< e.g. "application/json"
    std::optional<std::uint64_t> size;        ///< bytes, when known (not for templates)
    std::optional<annotations> notes;         ///< annotations
};

/// Reads one resource; `uri` is the requested URI. Return a tool_error (e.g. not found) to fail.
using resource_reader = std::function<result<std::vector<resource_contents>>(tool_context&, const std::string& uri)>;
/// Reads a URI that matched a template; `variables` holds the expanded values.
using template_reader = std::function<result<std::vector<resource_contents>>(
    tool_context&, const std::string& uri, const std::map<std::string, std::string>& variables)>;

/// A resource with a fixed URI: what is listed and how it is read.
struct resource_spec {
    resource_info info;    ///< info.uri is the resource's URI
    resource_reader read;  ///< runs on the worker pool; may block
    std::optional<cache_hint> cache;  ///< 2026-07-28 hint for reads; default: server_info::read_cache
};

/// A family of resources whose URIs match an RFC 6570 template.
struct resource_template_spec {
    resource_info info;  ///< info.uri is the template, e.g. "file:///{path}"
    template_reader read;  ///< runs on the worker pool for a URI that matched; may block
    std::map<std::string, completer> completers;  ///< by variable name
    std::optional<cache_hint> cache;  ///< 2026-07-28 hint for reads; default: server_info::read_cache

    /// Suggests values for a template variable in completion/complete.
    resource_template_spec& complete(std::string variable, completer c) {
        completers[std::move(variable)] = std::move(c);
        return *this;
    }
};

}  // namespace arcade_mcp

namespace arcade_mcp {

/// What a reader returns for a URI it does not have: answered as JSON-RPC -32002 (resource not
/// found) with the URI in `data`. Any other tool_error is answered as -32603 with its message.
inline tool_error resource_not_found(const std::string& uri) {
    return tool_error::upstream(404, "Resource not found: " + uri);
}

}  // namespace arcade_mcp
