/// @file server.hpp
/// An MCP server: identity, instructions, and what it offers: tools, resources, resource
/// templates and prompts. Register them before serving, or while serving: every method is
/// thread-safe, and connected clients get `notifications/{tools,resources,prompts}/list_changed`
/// when a list changes at run time (configure a spec fully before adding it at run time).
/// `notify_resource_updated` tells subscribed clients a resource changed. Serving is done by
/// `arcade_mcp::run` (run.hpp) or by an `arcade_mcp::http_service` (http_service.hpp).
///
/// Example:
/// @code
/// arcade_mcp::server srv({.name = "arcade-eval-ref", .version = "1.0.0", .toolkit = "ArcadeEvalRef"});
/// srv.add_tool<echo_args>("echo", "Echo the message back.", echo);
/// return arcade_mcp::run(srv, argc, argv);
/// @endcode
///
/// Several toolkits in one server (as `arcade mcp -p gmail -p slack` loads them): tools added to
/// the server belong to the toolkit of server_info; add_toolkit() returns another one.
/// @code
/// auto& gmail = srv.add_toolkit({"Gmail", "1.2.0", "Read and send mail"});
/// gmail.add_tool<send_args>("send_email", "Sends an email.", send_email);  // MCP name Gmail_SendEmail
/// @endcode
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "arcade_mcp/mcp/caching.hpp"
#include "arcade_mcp/mcp/middleware.hpp"
#include "arcade_mcp/mcp/prompts.hpp"
#include "arcade_mcp/mcp/resources.hpp"
#include "arcade_mcp/mcp/tool.hpp"

namespace arcade_mcp {

/// A server's identity and server-wide settings, fixed at construction.
struct server_info {
    std::string name = "ArcadeMCP";      ///< serverInfo.name; letters, digits, '_' and '-'
    std::string version = "0.1.0";       ///< semver; "v1", "1" and "1.2" are normalized to x.y.z
    std::optional<std::string> title;    ///< serverInfo.title (2025-06-18+)
    std::optional<std::string> instructions;  ///< InitializeResult.instructions
    /// Arcade toolkit name (`^[A-Za-z0-9_]+$`) of the tools added with server::add_tool (more
    /// toolkits: server::add_toolkit), with the server's version. When set, tools get Arcade names:
    /// the author's name in PascalCase, MCP name `Toolkit_Tool`, also callable as `Toolkit.Tool`.
    /// When empty, tool names are used verbatim.
    std::string toolkit;
    std::string toolkit_description;     ///< the toolkit's description (Arcade worker routes)
    std::size_t page_size = 100;         ///< items per page of tools/list, resources/list, ...
    /// Declare the resources / prompts capability even while none is registered, for servers that
    /// add them at run time (clients hear `list_changed` only for capabilities declared to them).
    bool advertise_resources = false;
    bool advertise_prompts = false;  ///< as advertise_resources, for prompts
    /// 2026-07-28 caching hints: tools/list, prompts/list, resources/list and
    /// resources/templates/list (public lists, 5 minutes), server/discover (1 hour), and
    /// resources/read unless the resource sets its own (private, not reused).
    cache_hint list_cache = cache_hint::shared(std::chrono::minutes(5));
    cache_hint discover_cache = cache_hint::shared(std::chrono::hours(1));  ///< of server/discover
    cache_hint read_cache = cache_hint::none();  ///< of resources/read, unless the resource sets one
};

/// An Arcade toolkit: the name, version and description the tools registered under it carry in
/// both protocols (MCP name `Name_Tool`, ToolDefinition `toolkit` and `fully_qualified_name`).
struct toolkit_info {
    std::string name;               ///< `^[A-Za-z0-9_]+$`, unique in the server (case-insensitive)
    std::string version = "0.1.0";  ///< semver; normalized as server_info::version is
    std::string description;        ///< ToolDefinition `toolkit.description` (null when empty)
};

class server;

/// The tools of one toolkit of a server (server::add_toolkit). Tool names are unique within a
/// toolkit; two toolkits may each have a tool of the same name. Owned by the server.
class toolkit {
public:
    toolkit(const toolkit&) = delete;
    toolkit& operator=(const toolkit&) = delete;

    /// Name, version (normalized) and description.
    const toolkit_info& info() const noexcept { return *info_; }
    /// Registers a typed tool under this toolkit (see server::add_tool).
    template <described Args, class Handler>
    tool_spec& add_tool(std::string name, std::string description, Handler handler) {
        return add_tool(make_tool<Args>(std::move(name), std::move(description), std::move(handler)));
    }
    /// Registers a tool built by make_tool, make_raw_tool or by hand under this toolkit. Throws
    /// std::invalid_argument on an invalid name or one already used in this toolkit, or when its
    /// MCP name or fully qualified name is already another toolkit's tool's.
    tool_spec& add_tool(tool_spec spec);
    /// Removes this toolkit's tool by the name it was registered with; false when there is none.
    bool remove_tool(std::string_view name);

private:
    friend class server;
    toolkit(server& owner, std::shared_ptr<const toolkit_info> info) : owner_(&owner), info_(std::move(info)) {}
    server* owner_;
    std::shared_ptr<const toolkit_info> info_;
};

/// Which list changed (notify_list_changed).
enum class list_kind {
    tools,      ///< notifications/tools/list_changed
    resources,  ///< notifications/resources/list_changed
    prompts     ///< notifications/prompts/list_changed
};

namespace detail {
class server_observer;  // the serving code's view of a server (src/mcp/server_access.hpp)
struct server_access;
}  // namespace detail

/// What one MCP server offers: its tools, resources, resource templates and prompts, plus the
/// middleware and lifespan hooks around them. Serve it with run() or an http_service; it must
/// outlive the serving.
class server {
public:
    /// Throws std::invalid_argument when the name, version or toolkit is invalid.
    explicit server(server_info info);

    /// The settings it was built with (version normalized).
    const server_info& info() const noexcept { return info_; }

    /// Registers a typed tool (see tool.hpp) in the server's own toolkit (server_info::toolkit);
    /// returns it for further settings (title, annotations). Throws std::invalid_argument on a
    /// duplicate or invalid name.
    template <described Args, class Handler>
    tool_spec& add_tool(std::string name, std::string description, Handler handler) {
        return add_tool(make_tool<Args>(std::move(name), std::move(description), std::move(handler)));
    }
    /// Registers a tool built by make_tool, make_raw_tool or by hand. Throws as above.
    tool_spec& add_tool(tool_spec spec);
    /// Removes a tool of the server's own toolkit by the name it was registered with; false when
    /// there is none. Calls already running finish normally.
    bool remove_tool(std::string_view name);

    /// Adds a toolkit of its own name, version and description, and returns it for its tools
    /// (valid as long as the server). Asking again for a toolkit already added (the server's own
    /// included) with the same version and description returns that one. Throws
    /// std::invalid_argument on an invalid name or version, or a name already used (compared
    /// case-insensitively) with another version or description.
    toolkit& add_toolkit(toolkit_info info);

    /// Registers a resource (a fixed URI). Throws std::invalid_argument on a duplicate or empty URI
    /// or name, or a missing reader.
    resource_spec& add_resource(resource_spec spec);
    /// Shorthand for add_resource({info, reader}) without a cache hint.
    resource_spec& add_resource(resource_info info, resource_reader reader) {
        return add_resource(resource_spec{std::move(info), std::move(reader), std::nullopt});
    }
    /// Registers a URI template (RFC 6570 `{var}` / `{+var}`). Throws std::invalid_argument on an
    /// invalid or duplicate template.
    resource_template_spec& add_resource_template(resource_template_spec spec);
    /// Removes a resource or template by URI (template text for templates); false when unknown.
    bool remove_resource(std::string_view uri);
    /// Tells the sessions subscribed to `uri` that it changed (`notifications/resources/updated`).
    void notify_resource_updated(const std::string& uri);
    /// Tells clients a list may have changed without a change here (say, what a tool can reach
    /// changed outside the server): `notifications/{tools,resources,prompts}/list_changed`.
    void notify_list_changed(list_kind kind) { changed(kind); }

    /// Registers a typed prompt (see prompts.hpp). Throws std::invalid_argument on a duplicate name.
    template <described Args, class Handler>
    prompt_spec& add_prompt(std::string name, std::string description, Handler handler) {
        return add_prompt(make_prompt<Args>(std::move(name), std::move(description), std::move(handler)));
    }
    /// Registers a prompt built by make_prompt or by hand. Throws as above.
    prompt_spec& add_prompt(prompt_spec spec);
    /// Removes a prompt by name; false when there is none.
    bool remove_prompt(std::string_view name);

    /// The tools of every toolkit, in registration order; the specs stay valid while the snapshot
    /// is held.
    std::vector<std::shared_ptr<const tool_spec>> tools() const;
    /// The resources (fixed URIs), as tools() does.
    std::vector<std::shared_ptr<const resource_spec>> resources() const;
    /// The resource templates, as tools() does.
    std::vector<std::shared_ptr<const resource_template_spec>> resource_templates() const;
    /// The prompts, as tools() does.
    std::vector<std::shared_ptr<const prompt_spec>> prompts() const;

    /// Adds middleware around every request and tool call (see middleware.hpp), after those
    /// already added. Only before serving: throws std::logic_error once the server is served.
    void use(std::shared_ptr<middleware> m);
    /// Lifespan hooks, for resources the tools share (connection pools, clients). `on_start`
    /// hooks run in registration order before the first request is accepted; when one throws,
    /// serving does not start (`run` logs it and returns 1). `before_stop` hooks run in reverse
    /// order once serving ends, after the last call was answered or stopped, before `run`
    /// returns; a throwing one is logged and the others still run. Only before serving.
    ///
    /// @code
    /// srv.on_start([&] { pool.open(); });      // before the first request
    /// srv.before_stop([&] { pool.close(); });  // after the last call, in reverse order
    /// @endcode
    void on_start(std::function<void()> hook);
    /// Adds a hook run once serving ends (see on_start).
    void before_stop(std::function<void()> hook);
    /// The middleware, in registration order (fixed once served).
    const std::vector<std::shared_ptr<middleware>>& middlewares() const noexcept { return middleware_; }
private:
    friend struct detail::server_access;  // what only the serving code may do
    friend class toolkit;
    /// A registered tool and the toolkit it belongs to.
    struct registered_tool {
        std::shared_ptr<tool_spec> spec;
        std::shared_ptr<const toolkit_info> kit;
    };
    tool_spec& add_tool_to(const std::shared_ptr<const toolkit_info>& kit, tool_spec spec);
    bool remove_tool_from(const toolkit_info& kit, std::string_view name);
    std::vector<std::pair<std::shared_ptr<const tool_spec>, std::shared_ptr<const toolkit_info>>>
    tools_with_toolkits() const;
    void mark_served() noexcept { served_ = true; }
    void run_start_hooks();
    void run_stop_hooks() noexcept;
    void add_observer(detail::server_observer* observer);
    void remove_observer(detail::server_observer* observer);
    void changed(list_kind kind);
    std::vector<detail::server_observer*> observers() const;

    server_info info_;
    mutable std::mutex mu_;
    std::vector<registered_tool> tools_;
    std::vector<std::unique_ptr<toolkit>> toolkits_;  ///< the server's own first
    std::vector<std::shared_ptr<resource_spec>> resources_;
    std::vector<std::shared_ptr<resource_template_spec>> templates_;
    std::vector<std::shared_ptr<prompt_spec>> prompts_;
    std::vector<detail::server_observer*> observers_;
    std::vector<std::shared_ptr<middleware>> middleware_;
    std::vector<std::function<void()>> start_hooks_;
    std::vector<std::function<void()>> stop_hooks_;
    std::atomic<bool> served_{false};
};

/// Arcade's snake_to_pascal_case (e.g. "get_user_id" -> "GetUserId", "myTool" -> "Mytool").
std::string snake_to_pascal_case(std::string_view name);
/// Normalizes a version ("v1" -> "1.0.0"); std::nullopt when it is not semver.
std::optional<std::string> normalize_version(std::string_view version);

}  // namespace arcade_mcp
