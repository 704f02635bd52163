// Rendering of `arcade-mcp new` templates (see template_render.hpp).
#include "template_render.hpp"

#include <sstream>
#include <stdexcept>

namespace arcade_mcp_cli {
namespace {

bool flag_on(const template_values& v, const std::string& flag) {
    const auto it = v.flags.find(flag);
    return it != v.flags.end() && it->second;
}

/// Drops `{{#flag}}...{{/flag}}` sections whose flag is off, keeps the text of the others.
std::string sections(const std::string& text, const template_values& v) {
    std::string out;
    std::size_t at = 0;
    for (;;) {
        const auto open = text.find("{{#", at);
        if (open == std::string::npos) break;
        const auto open_end = text.find("}}", open);
        if (open_end == std::string::npos) throw std::invalid_argument("unterminated {{# marker");
        const std::string flag = text.substr(open + 3, open_end - open - 3);
        const std::string closing = "{{/" + flag + "}}";
        const auto close = text.find(closing, open_end);
        if (close == std::string::npos) throw std::invalid_argument("section {{#" + flag + "}} is not closed");
        out.append(text, at, open - at);
        if (flag_on(v, flag)) out += sections(text.substr(open_end + 2, close - open_end - 2), v);
        at = close + closing.size();
    }
    out.append(text, at, std::string::npos);
    return out;
}

bool is_marker_line(const std::string& line) {
    return line.size() > 5 && (line.rfind("{{#", 0) == 0 || line.rfind("{{/", 0) == 0) &&
           line.find("}}") == line.size() - 2;
}

}  // namespace

std::string render_template(const std::string& text, const template_values& v) {
    // Whole-line markers: remove the line break after them, so they leave no empty line.
    std::string joined;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        joined += line;
        if (!is_marker_line(line)) joined += '\n';
    }
    if (!text.empty() && text.back() != '\n' && !joined.empty() && joined.back() == '\n') joined.pop_back();
    std::string out = sections(joined, v);
    for (const auto& [key, value] : v.values) {
        const std::string token = "{{" + key + "}}";
        for (auto pos = out.find(token); pos != std::string::npos; pos = out.find(token, pos + value.size()))
            out.replace(pos, token.size(), value);
    }
    return out;
}

}  // namespace arcade_mcp_cli
