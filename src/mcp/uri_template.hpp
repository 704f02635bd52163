// RFC 6570 URI templates as resource templates use them: literal text, simple `{var}`
// expressions (a value without '/', '?', '#') and reserved `{+var}` expressions (any value).
// Parses once, then matches concrete URIs and extracts the variables. Thread-safe after parse.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace arcade_mcp::detail {

class uri_template {
public:
    /// Throws std::invalid_argument on an unbalanced brace, an empty or unsupported expression
    /// (operators other than '+', lists), or two adjacent expressions.
    explicit uri_template(std::string_view text);

    /// The variables when `uri` matches (values percent-decoded), else std::nullopt.
    std::optional<std::map<std::string, std::string>> match(std::string_view uri) const;
    const std::vector<std::string>& variables() const noexcept { return variables_; }

private:
    struct part {
        bool is_variable = false;
        bool reserved = false;  ///< {+var}: may contain '/', '?' and '#'
        std::string text;       ///< the literal, or the variable name
    };
    /// Matches parts[part_index..] against `rest` (a suffix of the URI); `failed` memoizes the
    /// (part, suffix length) states known not to match.
    bool match_from(std::size_t part_index, std::string_view rest, std::map<std::string, std::string>& out,
                    std::vector<bool>& failed) const;
    bool try_part(std::size_t part_index, std::string_view rest, std::map<std::string, std::string>& out,
                  std::vector<bool>& failed) const;

    std::vector<part> parts_;
    std::vector<std::string> variables_;
};

}  // namespace arcade_mcp::detail
