// The MCP revisions this library serves. Legacy revisions (an initialize handshake and sessions)
// are negotiated: answer the client's revision when supported, else the latest legacy one. The
// modern revision (2026-07-28: no handshake, every request names its revision in `_meta`) is
// chosen per request and never through initialize.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace arcade_mcp::detail {

inline constexpr std::string_view rev_2025_03_26 = "2025-03-26";
inline constexpr std::string_view rev_2025_06_18 = "2025-06-18";
inline constexpr std::string_view rev_2025_11_25 = "2025-11-25";
inline constexpr std::string_view rev_2026_07_28 = "2026-07-28";
/// The newest revision served (per request, in `_meta`).
inline constexpr std::string_view latest_revision = rev_2026_07_28;
/// The newest revision initialize can negotiate (the answer to a revision not served).
inline constexpr std::string_view latest_legacy_revision = rev_2025_11_25;
/// Legacy revisions (negotiated by initialize), oldest first. Dates compare correctly as strings.
inline constexpr std::array<std::string_view, 3> supported_revisions{rev_2025_03_26, rev_2025_06_18, rev_2025_11_25};
/// Modern (per-request) revisions.
inline constexpr std::array<std::string_view, 1> modern_revisions{rev_2026_07_28};
/// Every revision served, newest first (server/discover's supportedVersions, -32022's data).
inline constexpr std::array<std::string_view, 4> all_revisions_newest_first{rev_2026_07_28, rev_2025_11_25,
                                                                            rev_2025_06_18, rev_2025_03_26};

inline bool is_modern_revision(std::string_view v) {
    for (auto r : modern_revisions)
        if (r == v) return true;
    return false;
}

inline bool is_supported_revision(std::string_view v) {
    for (auto r : supported_revisions)
        if (r == v) return true;
    return false;
}

inline std::string negotiate_revision(std::string_view requested) {
    return std::string(is_supported_revision(requested) ? requested : latest_legacy_revision);
}

/// True when revision `v` is `at_least` or newer (both must be supported revisions).
inline bool revision_at_least(std::string_view v, std::string_view at_least) { return v >= at_least; }

/// "2025-03-26, 2025-06-18, 2025-11-25"
std::string supported_revisions_text();

}  // namespace arcade_mcp::detail
