// The names a new project derives from `arcade-mcp new <name>`: the project name (folder,
// CMake project, binary, image, Kubernetes objects: a DNS-1123 label), its C++ namespace, and
// the Arcade toolkit name its tools are served under, each validated with a message that says
// what to type instead.
#pragma once

#include <optional>
#include <string>

namespace arcade_mcp_cli {

struct project_names {
    std::string name;        ///< "my-tools": lower case, digits and '-', starts with a letter
    std::string name_snake;  ///< "my_tools": the C++ namespace and library target
    std::string toolkit;     ///< "MyTools": the Arcade toolkit (tools served as MyTools_CountWords)
};

/// Why `name` cannot name a project, or std::nullopt when it can.
std::optional<std::string> invalid_project_name(const std::string& name);
/// Why `toolkit` cannot name a toolkit whose tools get valid Arcade and MCP names (checked with the
/// library's own rules, with the longest generated tool name), or std::nullopt.
std::optional<std::string> invalid_toolkit_name(const std::string& toolkit);
/// "my-tools" -> "MyTools".
std::string toolkit_from_project_name(const std::string& name);

/// The names for `name` and `toolkit` (empty: derived from the name). Throws std::invalid_argument
/// with the reason when either is invalid.
project_names derive_names(const std::string& name, const std::string& toolkit);

}  // namespace arcade_mcp_cli
