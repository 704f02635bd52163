// Secret-name rules shared by both protocols: the server's own secrets are reserved and never
// reach tool code; tools only see secrets they declared; keys compare case-insensitively.
#pragma once

#include <algorithm>
#include <cctype>
#include <string_view>

#include "arcade_mcp/mcp/tool.hpp"

namespace arcade_mcp::detail {

inline bool iequals(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
    });
}

/// ARCADE_WORKER_SECRET and ARCADE_API_KEY (any case).
inline bool is_reserved_secret(std::string_view key) {
    return iequals(key, "ARCADE_WORKER_SECRET") || iequals(key, "ARCADE_API_KEY");
}

inline bool declares_secret(const tool_spec& spec, std::string_view key) {
    return std::any_of(spec.requirements.secrets.begin(), spec.requirements.secrets.end(),
                       [&](const std::string& s) { return iequals(s, key); });
}

}  // namespace arcade_mcp::detail
