// The served tool catalog: each registered tool with its toolkit and Arcade names (PascalCase
// name, FQN `Toolkit.Tool`, MCP name `Toolkit_Tool`), sorted by FQN, looked up by MCP name or FQN, and
// rendered as MCP `Tool` objects per revision. A snapshot: built when serving starts and again
// whenever the server's tools change; read-only after construction.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "arcade_mcp/json.hpp"
#include "arcade_mcp/mcp/server.hpp"

namespace arcade_mcp::detail {

struct catalog_entry {
    std::shared_ptr<const tool_spec> spec;  ///< kept alive while any catalog snapshot holds it
    std::shared_ptr<const toolkit_info> toolkit;  ///< its toolkit (name "" without Arcade naming)
    std::string tool_name;  ///< PascalCase name (or the verbatim name without a toolkit)
    std::string fqn;        ///< "Toolkit.Tool" (or the name without a toolkit)
    std::string mcp_name;   ///< "Toolkit_Tool" (or the name without a toolkit)
    std::string title;
    std::size_t registration_index = 0;
};

/// Naming and filtering settings (ARCADE_TOOL_NAME_SEPARATOR, ARCADE_DISABLED_TOOLS,
/// ARCADE_DISABLED_TOOLKITS).
struct catalog_options {
    std::string separator = ".";
    std::vector<std::string> disabled_tools;     ///< "Toolkit.Tool", case-insensitive
    std::vector<std::string> disabled_toolkits;  ///< "Toolkit", case-insensitive
};

class tool_catalog {
public:
    explicit tool_catalog(const server& srv, const catalog_options& options = {});

    /// Enabled tools, sorted by FQN (the MCP order).
    const std::vector<catalog_entry>& entries() const noexcept { return entries_; }
    /// Enabled tools in registration order (the worker protocol's order).
    std::vector<const catalog_entry*> in_registration_order() const;
    /// By MCP name or FQN, exact case; nullptr when unknown.
    const catalog_entry* find(std::string_view name) const;
    /// Worker lookup: toolkit and name case-insensitive; a version, when given, must equal the
    /// version of the tool's toolkit (case-insensitive). nullptr when unknown.
    const catalog_entry* find_for_worker(std::string_view toolkit, std::string_view name,
                                         const std::optional<std::string>& version) const;
    /// The MCP `Tool` object for `revision` (fields newer than the revision are left out).
    json to_mcp_tool(const catalog_entry& e, std::string_view revision) const;

private:
    std::vector<catalog_entry> entries_;
    std::unordered_map<std::string, std::size_t> by_name_;
    std::unordered_map<std::string, std::size_t> by_lower_fqn_;  ///< "toolkit.tool" lower-cased
};

/// Arcade `ToolMetadata` (nulls included), or null when nothing was declared.
json arcade_metadata_json(const tool_metadata& m);
/// Arcade `requirements` {authorization, secrets, metadata} (nulls included).
json arcade_requirements_json(const tool_requirements& r);

}  // namespace arcade_mcp::detail
