// .env file support with the semantics of Arcade's Python server (python-dotenv,
// override=false): parsing, discovery by walking up from a directory, and loading into
// the process environment without overriding variables that are already set.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace arcade_mcp::detail {

struct dotenv_entry {
    std::string key;
    std::string value;
};

struct dotenv_parse_result {
    std::vector<dotenv_entry> entries;  // in file order; a repeated key appears repeatedly
    std::vector<std::string> errors;    // "line N: ..." (never contains values)
};

// Parses KEY=VALUE text like python-dotenv: optional `export ` prefix, `#` comment lines
// and trailing ` #comment` after unquoted values, blank lines, single-quoted values
// (literal except \' and \\) and double-quoted values (\n \t \r \" \\ \' \a \b \f \v
// escapes; both quoted forms may span lines), whitespace around the key and unquoted
// values trimmed. A bare `KEY` line without `=` is accepted and ignored (python-dotenv
// sets nothing for it). Variable interpolation (${VAR}) is not performed.
dotenv_parse_result parse_dotenv(std::string_view text);

// Starts at `start_dir` and walks up; stops at (and includes) the first directory that
// contains `pyproject.toml` or `.git`, or at the filesystem root. Returns the first
// regular file named `.env` found on the way.
std::optional<std::filesystem::path> find_dotenv(const std::filesystem::path& start_dir);

// Reads and parses `path` without touching the environment. `error` is set for an
// unreadable file or invalid lines (path, line numbers and keys only, never values);
// `entries` then still holds the valid lines.
struct dotenv_file_result {
    std::vector<dotenv_entry> entries;
    std::optional<std::string> error;
};
dotenv_file_result read_dotenv_file(const std::filesystem::path& path);

// Loads `path` into the process environment with setenv(..., overwrite=0): variables
// already set win. When a key repeats in the file, the last value is used. Valid lines
// are applied even if other lines are invalid. Returns an error message for an unreadable
// file or invalid lines; messages name only the path, line numbers and keys, never values.
// Not thread-safe (setenv): call before starting threads.
std::optional<std::string> load_dotenv_file(const std::filesystem::path& path);

}  // namespace arcade_mcp::detail
