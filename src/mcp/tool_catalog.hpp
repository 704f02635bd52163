// The served tool catalog: each registered tool with its Arcade names (PascalCase name, FQN
// `Toolkit.Tool`, MCP name `Toolkit_Tool`), sorted by FQN, looked up by MCP name or FQN, and
// rendered as MCP `Tool` objects per revision. Built once when serving starts; read-only after.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "arcade_mcp/json.hpp"
#include "arcade_mcp/mcp/server.hpp"

namespace arcade_mcp::detail {

struct catalog_entry {
    const tool_spec* spec = nullptr;
    std::string tool_name;  ///< PascalCase name (or the verbatim name without a toolkit)
    std::string fqn;        ///< "Toolkit.Tool" (or the name without a toolkit)
    std::string mcp_name;   ///< "Toolkit_Tool" (or the name without a toolkit)
    std::string title;
};

class tool_catalog {
public:
    explicit tool_catalog(const server& srv, std::string_view separator = ".");

    const std::vector<catalog_entry>& entries() const noexcept { return entries_; }
    /// By MCP name or FQN, exact case; nullptr when unknown.
    const catalog_entry* find(std::string_view name) const;
    /// The MCP `Tool` object for `revision` (fields newer than the revision are left out).
    json to_mcp_tool(const catalog_entry& e, std::string_view revision) const;

private:
    std::vector<catalog_entry> entries_;
    std::unordered_map<std::string, std::size_t> by_name_;
};

}  // namespace arcade_mcp::detail
