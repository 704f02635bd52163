/// @file server.hpp
/// An MCP server: identity, instructions and the tool catalog. Register tools before serving;
/// while serving, the server is read-only and safe to share across threads. Serving is done by
/// `arcade_mcp::run` (run.hpp) or directly by the transports (transport/*.hpp).
///
/// Example:
///   arcade_mcp::server srv({.name = "arcade-eval-ref", .version = "1.0.0", .toolkit = "ArcadeEvalRef"});
///   srv.add_tool<echo_args>("echo", "Echo the message back.", echo);
///   return arcade_mcp::run(srv, argc, argv);
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "arcade_mcp/mcp/tool.hpp"

namespace arcade_mcp {

struct server_info {
    std::string name = "ArcadeMCP";      ///< serverInfo.name; letters, digits, '_' and '-'
    std::string version = "0.1.0";       ///< semver; "v1", "1" and "1.2" are normalized to x.y.z
    std::optional<std::string> title;    ///< serverInfo.title (2025-06-18+)
    std::optional<std::string> instructions;  ///< InitializeResult.instructions
    /// Arcade toolkit name (`^[A-Za-z0-9_]+$`). When set, tools get Arcade names: the author's name
    /// in PascalCase, MCP name `Toolkit_Tool`, also callable as `Toolkit.Tool`. When empty, tool
    /// names are used verbatim.
    std::string toolkit;
    std::string toolkit_description;
    std::size_t page_size = 100;         ///< tools per tools/list page
};

class server {
public:
    /// Throws std::invalid_argument when the name, version or toolkit is invalid.
    explicit server(server_info info);

    const server_info& info() const noexcept { return info_; }

    /// Registers a typed tool (see tool.hpp); returns it for further settings (title, annotations).
    /// Throws std::invalid_argument on a duplicate or invalid name.
    template <described Args, class Handler>
    tool_spec& add_tool(std::string name, std::string description, Handler handler) {
        return add_tool(make_tool<Args>(std::move(name), std::move(description), std::move(handler)));
    }
    tool_spec& add_tool(tool_spec spec);

    /// Registered tools, in registration order. References stay valid for the server's life.
    const std::deque<tool_spec>& tools() const noexcept { return tools_; }

private:
    server_info info_;
    std::deque<tool_spec> tools_;
};

/// Arcade's snake_to_pascal_case (e.g. "get_user_id" -> "GetUserId", "myTool" -> "Mytool").
std::string snake_to_pascal_case(std::string_view name);
/// Normalizes a version ("v1" -> "1.0.0"); std::nullopt when it is not semver.
std::optional<std::string> normalize_version(std::string_view version);

}  // namespace arcade_mcp
