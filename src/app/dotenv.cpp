// Implementation of the python-dotenv compatible .env parser, finder and loader.
#include "app/dotenv.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <system_error>

namespace arcade_mcp::detail {
namespace {

// Python's \s (ASCII): space, \t, \n, \r, \f, \v.
bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool is_newline(char c) { return c == '\n' || c == '\r'; }
bool is_inline_space(char c) { return is_space(c) && !is_newline(c); }

struct parse_failure {
    std::string reason;
};

// Printable rendering of a key for messages (keys are not secret, values may be).
std::string printable_key(std::string_view key) {
    std::string out;
    for (const char c : key) {
        const auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 || u == 0x7F) ? '?' : c;
    }
    return out;
}

class dotenv_parser {
public:
    explicit dotenv_parser(std::string_view text) : text_(text) {
        if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // UTF-8 byte order mark
    }

    dotenv_parse_result run() {
        dotenv_parse_result result;
        while (true) {
            while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
            if (pos_ >= text_.size()) break;
            const std::size_t line = line_at(pos_);
            std::string key;
            try {
                parse_statement(result, key);
            } catch (const parse_failure& failure) {
                std::string message = "line " + std::to_string(line) + ": " + failure.reason;
                if (!key.empty()) message += " (key " + printable_key(key) + ")";
                result.errors.push_back(std::move(message));
                skip_rest_of_line();
            }
        }
        return result;
    }

private:
    [[nodiscard]] bool at_end() const { return pos_ >= text_.size(); }
    [[nodiscard]] char peek() const { return at_end() ? '\0' : text_[pos_]; }

    std::size_t line_at(std::size_t pos) {
        for (; counted_pos_ < pos; ++counted_pos_) {
            const char c = text_[counted_pos_];
            if (c == '\n') {
                ++counted_line_;
            } else if (c == '\r' &&
                       (counted_pos_ + 1 >= text_.size() || text_[counted_pos_ + 1] != '\n')) {
                ++counted_line_;
            }
        }
        return counted_line_;
    }

    void skip_inline_space() {
        while (!at_end() && is_inline_space(text_[pos_])) ++pos_;
    }
    void skip_to_line_end() {
        while (!at_end() && !is_newline(text_[pos_])) ++pos_;
    }
    void skip_rest_of_line() {
        skip_to_line_end();
        consume_newline();
    }
    bool consume_newline() {
        if (text_.substr(pos_, 2) == "\r\n") {
            pos_ += 2;
            return true;
        }
        if (!at_end() && is_newline(text_[pos_])) {
            ++pos_;
            return true;
        }
        return false;
    }

    void parse_statement(dotenv_parse_result& result, std::string& key) {
        if (peek() == '#') {
            skip_rest_of_line();
            return;
        }
        if (text_.substr(pos_, 6) == "export" && pos_ + 6 < text_.size() &&
            is_inline_space(text_[pos_ + 6])) {
            pos_ += 6;
            skip_inline_space();
        }
        bool has_key = true;
        if (peek() == '#') {
            has_key = false;  // python-dotenv: no key, the rest is a comment
        } else if (peek() == '\'') {
            const std::size_t close = text_.find('\'', pos_ + 1);
            if (close == std::string_view::npos || close == pos_ + 1) {
                throw parse_failure{"invalid quoted key"};
            }
            key = std::string(text_.substr(pos_ + 1, close - pos_ - 1));
            pos_ = close + 1;
        } else {
            const std::size_t start = pos_;
            while (!at_end() && text_[pos_] != '=' && text_[pos_] != '#' && !is_space(text_[pos_])) {
                ++pos_;
            }
            if (pos_ == start) throw parse_failure{"expected KEY=VALUE"};
            key = std::string(text_.substr(start, pos_ - start));
        }
        skip_inline_space();
        std::optional<std::string> value;
        if (peek() == '=') {
            ++pos_;
            skip_inline_space();
            value = parse_value();
        }
        skip_inline_space();
        if (peek() == '#') skip_to_line_end();
        if (!at_end() && !consume_newline()) {
            throw parse_failure{"unexpected characters after the value"};
        }
        if (!has_key || !value) return;  // bare `KEY` lines set nothing
        if (key.find('\0') != std::string::npos || value->find('\0') != std::string::npos) {
            throw parse_failure{"NUL byte in key or value"};
        }
        result.entries.push_back({std::move(key), std::move(*value)});
    }

    // Finds the closing quote like python-dotenv's `q((?:\\q|[^q])*)q` regex, including
    // its backtracking when the only candidate is an escaped quote.
    std::size_t find_closing_quote(char quote) const {
        std::size_t last_escaped = std::string_view::npos;
        for (std::size_t i = pos_ + 1; i < text_.size(); ++i) {
            if (text_[i] == '\\' && i + 1 < text_.size() && text_[i + 1] == quote) {
                last_escaped = i + 1;
                ++i;
            } else if (text_[i] == quote) {
                return i;
            }
        }
        return last_escaped;
    }

    std::string parse_value() {
        const char c = peek();
        if (c == '\'' || c == '"') {
            const std::size_t close = find_closing_quote(c);
            if (close == std::string_view::npos) throw parse_failure{"unterminated quoted value"};
            const std::string_view raw = text_.substr(pos_ + 1, close - pos_ - 1);
            pos_ = close + 1;
            return c == '\'' ? decode_single(raw) : decode_double(raw);
        }
        if (at_end() || is_newline(c)) return {};
        const std::size_t start = pos_;
        skip_to_line_end();
        std::string_view raw = text_.substr(start, pos_ - start);
        // re.sub(r"\s+#.*", "", value).rstrip()
        for (std::size_t i = 1; i < raw.size(); ++i) {
            if (raw[i] == '#' && is_space(raw[i - 1])) {
                raw = raw.substr(0, i);
                break;
            }
        }
        while (!raw.empty() && is_space(raw.back())) raw.remove_suffix(1);
        return std::string(raw);
    }

    static std::string decode_single(std::string_view raw) {
        std::string out;
        for (std::size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] == '\\' && i + 1 < raw.size() && (raw[i + 1] == '\\' || raw[i + 1] == '\'')) {
                out += raw[++i];
            } else {
                out += raw[i];
            }
        }
        return out;
    }

    static std::string decode_double(std::string_view raw) {
        std::string out;
        for (std::size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] != '\\' || i + 1 >= raw.size()) {
                out += raw[i];
                continue;
            }
            char decoded = 0;
            switch (raw[i + 1]) {
                case '\\': decoded = '\\'; break;
                case '\'': decoded = '\''; break;
                case '"': decoded = '"'; break;
                case 'a': decoded = '\a'; break;
                case 'b': decoded = '\b'; break;
                case 'f': decoded = '\f'; break;
                case 'n': decoded = '\n'; break;
                case 'r': decoded = '\r'; break;
                case 't': decoded = '\t'; break;
                case 'v': decoded = '\v'; break;
                default: break;
            }
            if (decoded == 0) {
                out += raw[i];
            } else {
                out += decoded;
                ++i;
            }
        }
        return out;
    }

    std::string_view text_;
    std::size_t pos_ = 0;
    std::size_t counted_pos_ = 0;
    std::size_t counted_line_ = 1;
};

std::string join(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& part : parts) out += (out.empty() ? "" : "; ") + part;
    return out;
}

bool exists_no_throw(const std::filesystem::path& p) {
    std::error_code ec;
    return std::filesystem::exists(p, ec);
}

}  // namespace

dotenv_parse_result parse_dotenv(std::string_view text) { return dotenv_parser(text).run(); }

std::optional<std::filesystem::path> find_dotenv(const std::filesystem::path& start_dir) {
    std::error_code ec;
    std::filesystem::path dir = std::filesystem::absolute(start_dir, ec);
    if (ec) return std::nullopt;
    dir = dir.lexically_normal();
    if (!dir.has_filename() && dir.has_parent_path() && dir != dir.root_path()) {
        dir = dir.parent_path();  // strip a trailing separator
    }
    while (true) {
        const auto candidate = dir / ".env";
        if (std::filesystem::is_regular_file(candidate, ec)) return candidate;
        if (exists_no_throw(dir / "pyproject.toml") || exists_no_throw(dir / ".git")) break;
        const auto parent = dir.parent_path();
        if (parent.empty() || parent == dir) break;
        dir = parent;
    }
    return std::nullopt;
}

dotenv_file_result read_dotenv_file(const std::filesystem::path& path) {
    dotenv_file_result result;
    const std::string shown = "'" + path.string() + "'";
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        result.error = "cannot read .env file " + shown + ": is a directory";
        return result;
    }
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in.is_open()) {
        const int err = errno;
        result.error = "cannot read .env file " + shown + ": " +
                       (err != 0 ? std::strerror(err) : "open failed");
        return result;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) {
        result.error = "cannot read .env file " + shown + ": read error";
        return result;
    }
    auto parsed = parse_dotenv(buffer.str());
    result.entries = std::move(parsed.entries);
    if (!parsed.errors.empty()) result.error = "invalid .env file " + shown + ": " + join(parsed.errors);
    return result;
}

std::optional<std::string> load_dotenv_file(const std::filesystem::path& path) {
    dotenv_file_result file = read_dotenv_file(path);
    std::vector<std::string> problems;
    // python-dotenv builds a dict, so the last occurrence of a key wins within the file.
    std::map<std::string, std::size_t> last_index;
    for (std::size_t i = 0; i < file.entries.size(); ++i) last_index[file.entries[i].key] = i;
    for (std::size_t i = 0; i < file.entries.size(); ++i) {
        const auto& entry = file.entries[i];
        if (last_index[entry.key] != i) continue;
        if (::setenv(entry.key.c_str(), entry.value.c_str(), 0) != 0) {
            problems.push_back("key " + printable_key(entry.key) + " could not be set");
        }
    }
    if (problems.empty()) return file.error;
    const std::string suffix = join(problems);
    if (file.error) return *file.error + "; " + suffix;
    return "invalid .env file '" + path.string() + "': " + suffix;
}

}  // namespace arcade_mcp::detail
