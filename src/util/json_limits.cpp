// JSON nesting and string-length pre-check (see json_limits.hpp).
#include "util/json_limits.hpp"

namespace arcade_mcp::detail {

std::optional<std::string> exceeds_json_limits(std::string_view text, const json_limits& limits) {
    std::size_t depth = 0;
    bool in_string = false;
    bool escaped = false;
    std::size_t string_bytes = 0;
    for (const char c : text) {
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') {
                in_string = false;  // the closing quote is not part of the string
                continue;
            }
            if (++string_bytes > limits.max_string_bytes)
                return "a string is longer than " + std::to_string(limits.max_string_bytes) + " bytes";
            continue;
        }
        switch (c) {
            case '"':
                in_string = true;
                string_bytes = 0;
                break;
            case '[':
            case '{':
                if (++depth > limits.max_depth) return "nesting is deeper than " + std::to_string(limits.max_depth) + " levels";
                break;
            case ']':
            case '}':
                if (depth > 0) --depth;
                break;
            default:
                break;
        }
    }
    return std::nullopt;
}

}  // namespace arcade_mcp::detail
