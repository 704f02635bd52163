// Project and toolkit name rules of `arcade-mcp new` (see project_names.hpp).
#include "project_names.hpp"

#include <arcade_mcp/mcp.hpp>

#include <cctype>
#include <set>
#include <stdexcept>

namespace arcade_mcp_cli {
namespace {

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

/// The longest tool name a generated project declares (tools.cpp of the template).
constexpr const char* longest_tool = "CountWords";
/// MCP clients commonly refuse tool names longer than 64 characters (Claude's API limit).
constexpr std::size_t max_tool_name = 64;

}  // namespace

std::optional<std::string> invalid_project_name(const std::string& name) {
    if (name.empty()) return "the project name is empty";
    if (name.size() > 50) return "the project name is longer than 50 characters";
    if (name[0] < 'a' || name[0] > 'z') return "the project name must start with a lower-case letter (a-z)";
    for (char c : name)
        if (!is_lower_alnum(c) && c != '-')
            return std::string("the project name may hold only a-z, 0-9 and '-' (it names the binary, the image and "
                               "Kubernetes objects), not '") +
                   c + "'";
    if (name.back() == '-') return "the project name must not end with '-'";
    if (name.find("--") != std::string::npos) return "the project name must not hold \"--\"";
    static const std::set<std::string, std::less<>> keywords = {
        "alignas", "alignof", "and", "asm", "auto", "bool", "break", "case", "catch", "char", "class", "concept",
        "const", "consteval", "constexpr", "constinit", "continue", "default", "delete", "do", "double", "else",
        "enum", "explicit", "export", "extern", "false", "float", "for", "friend", "goto", "if", "inline", "int",
        "long", "mutable", "namespace", "new", "noexcept", "not", "nullptr", "operator", "or", "private",
        "protected", "public", "register", "requires", "return", "short", "signed", "sizeof", "static",
        "struct", "switch", "template", "this", "throw", "true", "try", "typedef", "typeid", "typename",
        "union", "unsigned", "using", "virtual", "void", "volatile", "while", "xor", "std", "arcade_mcp", "testing",
        // the C++ entry point and g++'s predefined macros in its default (GNU) mode
        "main", "linux", "unix", "i386",
        // CMake's reserved target names (policy CMP0037): the binary's target is the project name
        "all", "clean", "help", "install", "preinstall", "test", "package", "depend"};
    std::string snake = name;
    for (auto& c : snake)
        if (c == '-') c = '_';
    if (keywords.contains(snake) || keywords.contains(name))
        return "the project name '" + name + "' is reserved in C++ or CMake; choose another";
    return std::nullopt;
}

std::optional<std::string> invalid_toolkit_name(const std::string& toolkit) {
    if (toolkit.empty()) return "the toolkit name is empty";
    if (!std::isalpha(static_cast<unsigned char>(toolkit[0]))) return "the toolkit name must start with a letter";
    if (toolkit.size() + 1 + std::string(longest_tool).size() > max_tool_name)
        return "the toolkit name is too long: tool names (" + toolkit + "_" + longest_tool + ") would exceed " +
               std::to_string(max_tool_name) + " characters";
    try {  // the library's own rules for a toolkit name and the tool names it gives
        arcade_mcp::server_info info;
        info.name = "probe";
        info.version = "0.1.0";
        info.toolkit = toolkit;
        arcade_mcp::server srv(info);
        (void)srv;
    } catch (const std::invalid_argument& e) {
        return std::string("the toolkit name is not valid for Arcade: ") + e.what();
    }
    return std::nullopt;
}

std::string toolkit_from_project_name(const std::string& name) {
    std::string out;
    bool upper = true;
    for (char c : name) {
        if (c == '-') {
            upper = true;
            continue;
        }
        out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
        upper = false;
    }
    return out;
}

project_names derive_names(const std::string& name, const std::string& toolkit) {
    if (auto why = invalid_project_name(name)) throw std::invalid_argument(*why);
    project_names out;
    out.name = name;
    out.name_snake = name;
    for (auto& c : out.name_snake)
        if (c == '-') c = '_';
    out.toolkit = toolkit.empty() ? toolkit_from_project_name(name) : toolkit;
    if (auto why = invalid_toolkit_name(out.toolkit)) throw std::invalid_argument(*why);
    return out;
}

}  // namespace arcade_mcp_cli
