// Secret-name rules shared by both protocols: the server's own secrets are reserved and never
// reach tool code; tools only see secrets they declared; keys compare case-insensitively.
#pragma once

#include <algorithm>
#include "util/ascii.hpp"
#include <cctype>
#include <string_view>

#include "arcade_mcp/mcp/tool.hpp"

namespace arcade_mcp::detail {

/// ARCADE_WORKER_SECRET and ARCADE_API_KEY (any case).
inline bool is_reserved_secret(std::string_view key) {
    return iequals(key, "ARCADE_WORKER_SECRET") || iequals(key, "ARCADE_API_KEY");
}

inline bool declares_secret(const tool_spec& spec, std::string_view key) {
    return std::any_of(spec.requirements.secrets.begin(), spec.requirements.secrets.end(),
                       [&](const std::string& s) { return iequals(s, key); });
}

}  // namespace arcade_mcp::detail
