// logged_in_user_email (see arcade_credentials.hpp): a reader for the credentials file's nested
// mappings of scalars, and the ISO 8601 times of its expires_at.
#include "app/arcade_credentials.hpp"

#include <fstream>
#include <map>
#include <vector>

namespace arcade_mcp::detail {
namespace {

constexpr std::size_t max_file_bytes = 64 * 1024;

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

std::string unquoted(std::string_view value) {
    if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') && value.back() == value.front())
        return std::string(value.substr(1, value.size() - 2));
    if (const auto comment = value.find(" #"); comment != std::string_view::npos)
        value = trimmed(value.substr(0, comment));
    return std::string(value);
}

/// Every `a.b.c: scalar` of a block mapping (indentation by spaces; lists and flow styles are
/// skipped, the file has none).
std::map<std::string, std::string> scalars_by_path(std::string_view yaml) {
    std::map<std::string, std::string> out;
    std::vector<std::pair<std::size_t, std::string>> parents;  // indentation, key
    std::size_t start = 0;
    while (start < yaml.size()) {
        auto end = yaml.find('\n', start);
        if (end == std::string_view::npos) end = yaml.size();
        std::string_view line = yaml.substr(start, end - start);
        start = end + 1;
        const std::size_t indent = line.find_first_not_of(' ');
        if (indent == std::string_view::npos) continue;
        line = trimmed(line);
        if (line.empty() || line.front() == '#' || line.front() == '-') continue;
        const auto colon = line.find(": ") != std::string_view::npos
                               ? line.find(": ")
                               : (line.ends_with(':') ? line.size() - 1 : std::string_view::npos);
        if (colon == std::string_view::npos) continue;
        while (!parents.empty() && parents.back().first >= indent) parents.pop_back();
        std::string path;
        for (const auto& p : parents) path.append(p.second).append(".");
        const std::string key = unquoted(trimmed(line.substr(0, colon)));
        const auto value = trimmed(line.substr(colon + 1));
        if (value.empty())
            parents.emplace_back(indent, key);
        else
            out[path + key] = unquoted(value);
    }
    return out;
}

int digits(std::string_view s, std::size_t pos, std::size_t n, bool& ok) {
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (i >= s.size() || s[i] < '0' || s[i] > '9') {
            ok = false;
            return 0;
        }
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/// `YYYY-MM-DD[T ]HH:MM:SS[.ffffff][Z|±HH:MM]`; without an offset the time is taken as UTC.
std::optional<std::chrono::system_clock::time_point> iso_time(std::string_view s) {
    bool ok =
        s.size() >= 19 && s[4] == '-' && s[7] == '-' && (s[10] == 'T' || s[10] == ' ') && s[13] == ':' && s[16] == ':';
    const int year = digits(s, 0, 4, ok), month = digits(s, 5, 2, ok), day = digits(s, 8, 2, ok);
    const int hour = digits(s, 11, 2, ok), minute = digits(s, 14, 2, ok), second = digits(s, 17, 2, ok);
    if (!ok) return std::nullopt;
    const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                                           std::chrono::day(static_cast<unsigned>(day))};
    // system_clock counts nanoseconds in 64 bits: years past 2262 would overflow.
    if (!date.ok() || year < 1970 || year > 2200 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
    std::size_t pos = 19;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    }
    std::chrono::minutes offset{0};
    if (pos < s.size()) {
        const std::string_view zone = s.substr(pos);
        if (zone == "Z" || zone == "z") {
        } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
            const int oh = digits(zone, 1, 2, ok), om = digits(zone, 4, 2, ok);
            if (!ok) return std::nullopt;
            offset = std::chrono::minutes(oh * 60 + om) * (zone[0] == '-' ? -1 : 1);
        } else {
            return std::nullopt;
        }
    }
    return std::chrono::sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
           std::chrono::seconds(second) - offset;
}

}  // namespace

login_email login_email_from_yaml(std::string_view yaml, std::chrono::system_clock::time_point now) {
    login_email out;
    const auto values = scalars_by_path(yaml);
    const auto find = [&](const char* path) {
        const auto it = values.find(path);
        return it == values.end() ? std::string() : it->second;
    };
    if (find("cloud.auth.access_token").empty()) {
        out.why_not = "the Arcade CLI is not logged in (no access token)";
        return out;
    }
    const auto expires = iso_time(find("cloud.auth.expires_at"));
    if (!expires) {
        out.why_not = "the Arcade CLI login has no readable expires_at";
        return out;
    }
    if (now >= *expires - std::chrono::minutes(5)) {
        out.why_not = "the Arcade CLI login has expired (run `arcade login`)";
        return out;
    }
    const std::string email = find("cloud.user.email");
    if (email.empty() || email == "null" || email == "~") {
        out.why_not = "the Arcade CLI login names no user e-mail";
        return out;
    }
    out.email = email;
    return out;
}

login_email logged_in_user_email(const env_lookup& env, std::chrono::system_clock::time_point now) {
    std::string dir;
    if (auto work = env("ARCADE_WORK_DIR"); work && !work->empty())
        dir = *work;
    else if (auto home = env("HOME"); home && !home->empty())
        dir = *home + "/.arcade";
    else
        return {};
    std::ifstream file(dir + "/credentials.yaml", std::ios::binary);
    if (!file) return {};
    std::string text(max_file_bytes + 1, '\0');
    file.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(file.gcount()));
    if (text.size() > max_file_bytes) return {std::nullopt, "the Arcade CLI credentials file is too large"};
    return login_email_from_yaml(text, now);
}

}  // namespace arcade_mcp::detail
