// What only the serving code may do with a server, kept out of the public server.hpp: be told of
// changes while serving (server_observer), fix the middleware once served, and run the lifespan
// hooks, and see each tool's toolkit. Used by the dispatcher, the tool catalog, run() and
// http_service.
#pragma once

#include <string>

#include "arcade_mcp/mcp/server.hpp"

namespace arcade_mcp::detail {

/// Told about changes of a server while it is served (the dispatcher implements it).
class server_observer {
public:
    virtual ~server_observer() = default;
    virtual void list_changed(list_kind kind) = 0;
    virtual void resource_updated(const std::string& uri) = 0;
};

struct server_access {
    /// Fixes the middleware and hooks: use/on_start/before_stop throw after.
    static void mark_served(server& s) noexcept { s.mark_served(); }
    /// Runs the on_start hooks in registration order; an exception propagates.
    static void run_start_hooks(server& s) { s.run_start_hooks(); }
    /// Runs the before_stop hooks in reverse order; exceptions are logged.
    static void run_stop_hooks(server& s) noexcept { s.run_stop_hooks(); }
    /// Observers are told of changes until removed.
    static void add_observer(server& s, server_observer* o) { s.add_observer(o); }
    static void remove_observer(server& s, server_observer* o) { s.remove_observer(o); }
    /// Every tool with its toolkit (the server's own, or one of add_toolkit), in registration order.
    static auto tools_with_toolkits(const server& s) { return s.tools_with_toolkits(); }
};

}  // namespace arcade_mcp::detail
