// Parsing and validation of one runtime-configuration value (a flag's or an environment variable's
// text), for runtime_config.cpp: numbers in a range, transport and log words, booleans, bind
// addresses and Host/Origin allow-list entries. Errors name the setting; secrets are redacted.
#pragma once

#include "app/runtime_config.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace arcade_mcp::detail::config_values {

/// An invalid configuration; `message` is shown as is (the process exits with status 2).
struct config_error {
    std::string message;
};

// A supplied setting: where it came from ("--port" or "ARCADE_SERVER_PORT") and its text.
struct raw_value {
    std::string name;
    std::string text;
};

std::string_view trim(std::string_view s);

/// Throws config_error "invalid <name> <value>: expected <expected>" (value shown safely).
[[noreturn]] void fail(std::string_view name, std::string_view value, std::string_view expected);

/// An integer in [min, max]; `unit` ("seconds", "bytes") is named in the error.
std::uint64_t parse_uint(const raw_value& v, std::uint64_t min, std::uint64_t max, std::string_view unit = {});
transport_kind parse_transport(const raw_value& v);
/// A bind address: `localhost` or an IPv4/IPv6 literal (brackets allowed around IPv6). Names
/// are not resolved: a server binds one address, and a name could resolve to several.
std::string parse_host(const raw_value& v);
/// Why `host` cannot be bound on this machine (empty when it can): tried once with port 0, so a
/// typo'd or foreign address stops the server with the other configuration errors.
std::string bind_problem(const std::string& host);
log_format parse_format(const raw_value& v);
log_level parse_level(const raw_value& v);
/// Pydantic's boolean words (true/false, 1/0, yes/no, on/off, t/f, y/n).
bool parse_bool(const raw_value& v);
/// One --allowed-host / MCP_TRANSPORT_ALLOWED_HOSTS entry (host[:port]).
std::string parse_allowed_host(const raw_value& v, std::string_view entry);
/// One --allowed-origin / MCP_TRANSPORT_ALLOWED_ORIGINS entry (scheme://host[:port]), trailing '/' dropped.
std::string parse_allowed_origin(const raw_value& v, std::string_view entry);

/// Every comma-separated, non-empty entry of `values`, each parsed by `parse_entry(value, entry)`.
template <typename Parse>
std::vector<std::string> parse_list(const std::vector<raw_value>& values, Parse parse_entry) {
    std::vector<std::string> out;
    for (const auto& v : values) {
        std::string_view rest = v.text;
        while (true) {
            const auto comma = rest.find(',');
            const std::string_view entry = trim(rest.substr(0, comma));
            if (!entry.empty()) out.push_back(parse_entry(v, entry));
            if (comma == std::string_view::npos) break;
            rest = rest.substr(comma + 1);
        }
    }
    return out;
}

}  // namespace arcade_mcp::detail::config_values
