// URI template parsing and matching (see uri_template.hpp).
#include "mcp/uri_template.hpp"

#include <stdexcept>

#include "util/ascii.hpp"

namespace arcade_mcp::detail {
namespace {

bool valid_var_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
}

std::string percent_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            const int hi = hex_digit_value(s[i + 1]), lo = hex_digit_value(s[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out += static_cast<char>(hi * 16 + lo);
                i += 2;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

}  // namespace

uri_template::uri_template(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto open = text.find('{', i);
        const auto stray_close = text.find('}', i);
        if (stray_close != std::string_view::npos && (open == std::string_view::npos || stray_close < open))
            throw std::invalid_argument("URI template: unbalanced '}'");
        if (open != i) {
            parts_.push_back(
                part{false, false,
                     std::string(text.substr(i, open == std::string_view::npos ? std::string_view::npos : open - i))});
            if (open == std::string_view::npos) break;
        }
        const auto close = text.find('}', open);
        if (close == std::string_view::npos) throw std::invalid_argument("URI template: unbalanced '{'");
        std::string_view expr = text.substr(open + 1, close - open - 1);
        part p{true, false, {}};
        if (!expr.empty() && expr.front() == '+') {
            p.reserved = true;
            expr.remove_prefix(1);
        }
        if (expr.empty()) throw std::invalid_argument("URI template: empty expression");
        for (char c : expr)
            if (!valid_var_char(c))
                throw std::invalid_argument("URI template: unsupported expression {" + std::string(expr) + "}");
        // RFC 6570 varname: '.' only between characters; a leading one is the label operator.
        if (expr.front() == '.' || expr.back() == '.' || expr.find("..") != std::string_view::npos)
            throw std::invalid_argument("URI template: unsupported expression {" + std::string(expr) + "}");
        if (!parts_.empty() && parts_.back().is_variable)
            throw std::invalid_argument("URI template: adjacent expressions are ambiguous");
        p.text = std::string(expr);
        variables_.push_back(p.text);
        parts_.push_back(std::move(p));
        i = close + 1;
    }
    if (parts_.empty()) throw std::invalid_argument("URI template: empty");
}

std::optional<std::map<std::string, std::string>> uri_template::match(std::string_view uri) const {
    // Backtracking with memoized failures: at most parts x length states, each trying at most
    // `length` splits, so a hostile URI costs O(parts * n^2) (milliseconds at the cap), never
    // exponential. Longer URIs are refused outright.
    constexpr std::size_t max_uri_bytes = 2048;
    if (uri.size() > max_uri_bytes) return std::nullopt;
    std::map<std::string, std::string> out;
    std::vector<bool> failed((parts_.size() + 1) * (uri.size() + 1), false);
    if (!match_from(0, uri, out, failed)) return std::nullopt;
    return out;
}

bool uri_template::match_from(std::size_t index, std::string_view rest, std::map<std::string, std::string>& out,
                              std::vector<bool>& failed) const {
    if (index == parts_.size()) return rest.empty();
    const std::size_t state = index * (failed.size() / (parts_.size() + 1)) + rest.size();
    if (failed[state]) return false;
    const bool matched = try_part(index, rest, out, failed);
    if (!matched) failed[state] = true;
    return matched;
}

bool uri_template::try_part(std::size_t index, std::string_view rest, std::map<std::string, std::string>& out,
                            std::vector<bool>& failed) const {
    const part& p = parts_[index];
    if (!p.is_variable) {
        if (rest.substr(0, p.text.size()) != p.text) return false;
        return match_from(index + 1, rest.substr(p.text.size()), out, failed);
    }
    // A variable takes a non-empty prefix of `rest`; try the shortest first, so a literal that
    // follows anchors it. Simple expressions stop at '/', '?' and '#'.
    for (std::size_t len = 1; len <= rest.size(); ++len) {
        const char c = rest[len - 1];
        if (!p.reserved && (c == '/' || c == '?' || c == '#')) break;
        if (match_from(index + 1, rest.substr(len), out, failed)) {
            out[p.text] = percent_decode(rest.substr(0, len));
            return true;
        }
    }
    return false;
}

}  // namespace arcade_mcp::detail
