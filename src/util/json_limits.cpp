// JSON nesting, string-length and batch-size pre-check (see json_limits.hpp).
#include "util/json_limits.hpp"

namespace arcade_mcp::detail {

namespace {

bool is_json_whitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

std::optional<std::string> exceeds_json_limits(std::string_view text, const json_limits& limits) {
    std::size_t depth = 0;
    bool in_string = false;
    bool escaped = false;
    std::size_t string_bytes = 0;
    bool seen_value = false;      // the first non-blank byte has been read
    bool top_is_array = false;    // ... and it opened an array
    std::size_t top_members = 0;  // that array's members: one for its first value, one per depth-1 comma
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
        if (is_json_whitespace(c)) continue;
        if (!seen_value) {
            seen_value = true;
            top_is_array = c == '[';
        } else if (top_is_array && depth == 1) {
            if (c == ',') ++top_members;
            else if (top_members == 0 && c != ']') top_members = 1;
        }
        switch (c) {
            case '"':
                in_string = true;
                string_bytes = 0;
                break;
            case '[':
            case '{':
                if (++depth > limits.max_depth)
                    return "nesting is deeper than " + std::to_string(limits.max_depth) + " levels";
                break;
            case ']':
            case '}':
                if (depth > 0) --depth;
                break;
            default:
                break;
        }
    }
    if (limits.max_batch_members != 0 && top_members > limits.max_batch_members)
        return "a batch holds at most " + std::to_string(limits.max_batch_members) + " messages; this one has " +
               std::to_string(top_members);
    return std::nullopt;
}

}  // namespace arcade_mcp::detail
