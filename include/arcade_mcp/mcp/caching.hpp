/// @file caching.hpp
/// Caching hints of MCP 2026-07-28: list results, `resources/read` and `server/discover` tell the
/// client how long it may reuse them (`ttlMs`) and whether a cache shared between users may
/// (`cacheScope: "public"`) or only the same authorization context (`"private"`). Earlier
/// revisions carry no hints; the library adds them only to 2026-07-28 answers.
///
/// Example:
/// @code
/// arcade_mcp::server_info info{.name = "docs"};
/// info.list_cache = arcade_mcp::cache_hint::shared(std::chrono::minutes(10));
/// arcade_mcp::server srv(info);
/// srv.add_resource({.uri = "docs://index", .name = "index"}, read_index).cache =
///     arcade_mcp::cache_hint::per_caller(std::chrono::seconds(30));
/// @endcode
#pragma once

#include <chrono>

namespace arcade_mcp {

/// Who may reuse a cached answer.
enum class cache_scope {
    shared,      ///< "public": holds nothing user-specific; any cache may reuse it for anyone
    per_caller,  ///< "private": reuse only within the same authorization context
};

/// A caching hint: how long an answer may be reused (`ttlMs`) and by whom (`cacheScope`).
struct cache_hint {
    std::chrono::milliseconds ttl{0};  ///< 0: stale at once
    cache_scope scope = cache_scope::per_caller;  ///< who may reuse it

    /// Reusable by anyone for `ttl` (`cacheScope: "public"`).
    static cache_hint shared(std::chrono::milliseconds ttl) { return cache_hint{ttl, cache_scope::shared}; }
    /// Reusable for `ttl` within the same authorization context only (`"private"`).
    static cache_hint per_caller(std::chrono::milliseconds ttl) { return cache_hint{ttl, cache_scope::per_caller}; }
    /// Do not reuse (ttl 0, private).
    static cache_hint none() { return cache_hint{}; }
};

}  // namespace arcade_mcp
