// The template language of `arcade-mcp new`, kept tiny: `{{key}}` is replaced by its value
// (unknown keys, such as GitHub's `${{ expr }}`, are left as they are); `{{#flag}}...{{/flag}}`
// keeps its text only when the flag is on, and a line holding nothing but such a marker
// disappears with it.
#pragma once

#include <map>
#include <string>

namespace arcade_mcp_cli {

struct template_values {
    std::map<std::string, std::string> values;  ///< key -> replacement
    std::map<std::string, bool> flags;          ///< flag -> on (absent: off)
};

/// Renders `text`. Throws std::invalid_argument on a section that is not closed.
std::string render_template(const std::string& text, const template_values& v);

}  // namespace arcade_mcp_cli
