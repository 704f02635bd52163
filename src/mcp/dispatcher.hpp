// The transport-free MCP core: takes one inbound JSON payload of a session (a message, or a
// batch on 2025-03-26), applies the lifecycle rules, routes methods, and reports replies and
// request-related messages to an outbound_sink. Handlers of the application (tools, resource
// readers, prompts, completers) run through the call runner (on the worker pool, or inline for
// non_blocking tools); the rest answers inline. Observes the
// server: rebuilds the tool catalog and tells initialized sessions when a list changes, and
// subscribed sessions when a resource is updated. Thread-safe: one dispatcher serves every
// session and connection.
#pragma once

#include <memory>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "arcade_mcp/json.hpp"
#include "arcade_mcp/jsonrpc/message.hpp"
#include "arcade_mcp/mcp/server.hpp"
#include "mcp/call_runner.hpp"
#include "mcp/call_watchdog.hpp"
#include "mcp/input_round.hpp"
#include "mcp/outbound_sink.hpp"
#include "mcp/request_state.hpp"
#include "mcp/server_access.hpp"
#include "mcp/session_registry.hpp"
#include "mcp/session_state.hpp"
#include "mcp/task_runtime.hpp"
#include "mcp/tool_catalog.hpp"
#include "mcp/tool_invocation.hpp"
#include "mcp/user_authorizer.hpp"
#include "mcp/worker_pool.hpp"
#include "util/json_limits.hpp"

namespace arcade_mcp::detail {

struct dispatcher_options {
    std::optional<std::string> user_id;  ///< ARCADE_USER_ID; else each session's fallback id
    catalog_options catalog;             ///< separator and disabled tools
    /// MCP over HTTP without front-door auth: tools that need an OAuth2 token or secrets are
    /// refused (anyone reaching the port could use them), as arcade-mcp-server does.
    bool refuse_tools_with_requirements = false;
    /// MCP mode: where the OAuth2 tokens of tools that requires_oauth2 come from (the Arcade API
    /// when ARCADE_API_KEY is set); null: such calls are answered "Missing Arcade API key".
    std::shared_ptr<const user_authorizer> authorizer;
    /// 2026-07-28 request state: the HMAC key (empty: a random one per process, which serves a
    /// single replica only), how long a state stays valid, and its largest size.
    std::string request_state_secret;
    std::chrono::seconds request_state_max_age{std::chrono::minutes(10)};
    std::size_t request_state_max_bytes = 64 * 1024;
    /// Limits on untrusted JSON (every transport checks them before parsing).
    json_limits json_input;
    /// A tool (MCP or worker) running longer is signalled to stop and answered with a timeout
    /// error; 0 = no limit. Per tool: tool_spec::timeout.
    std::chrono::milliseconds tool_timeout{std::chrono::minutes(5)};
    /// Requests a session may have sent to the client and not yet had answered.
    std::size_t max_pending_client_requests = 16;
    /// 2025-03-26 batches: members of one batch (more: one -32600 for the whole batch), and the
    /// serialized size of its reply (members whose replies do not fit get -32603 instead).
    std::size_t max_batch_members = 128;
    std::size_t max_batch_reply_bytes = 4 * 1024 * 1024;
    /// Where MCP tasks live (docs/tasks.md); unset: in memory with the default limits.
    std::shared_ptr<tasks::task_store> task_store;
    /// Threads of the pool task handlers (and 2025 tasks/result waits) run on, apart from the
    /// worker pool, so long tasks never starve plain calls; made at the first task.
    std::size_t task_worker_threads = 16;

    static dispatcher_options with_user(std::optional<std::string> user) {
        dispatcher_options o;
        o.user_id = std::move(user);
        return o;
    }
};

class request_scope;

class dispatcher final : public server_observer {
public:
    dispatcher(server& srv, worker_pool& pool, dispatcher_options options);
    ~dispatcher() override;
    dispatcher(const dispatcher&) = delete;
    dispatcher& operator=(const dispatcher&) = delete;

    /// Handles one payload (taken by value: its params move on to the handler). `sink->finish` is
    /// called exactly once (maybe from a worker thread).
    void handle(const std::shared_ptr<session_state>& session, json payload,
                const std::shared_ptr<outbound_sink>& sink);

    /// True when `payload` is a single `initialize` request.
    static bool is_initialize_request(const json& payload);
    /// True when `payload` is addressed in the 2026-07-28 era: its `_meta` names a revision, or
    /// it is one of the era's own methods (server/discover, subscriptions/listen).
    static bool is_modern_message(const json& payload);
    /// Serves one 2026-07-28 message on `request_session`, a fresh session made for it (its
    /// `_meta` configures it); `sink->finish` is called exactly once, except for
    /// subscriptions/listen, which finishes only when the server ends it (end_listens).
    void serve_modern(const std::shared_ptr<session_state>& request_session, json payload,
                      const std::shared_ptr<outbound_sink>& sink);
    /// Ends every subscriptions/listen stream with its final result (graceful shutdown).
    void end_listens();

    /// Signals every running tool call's stop token (shutdown after the grace period); tasks still
    /// running here end `failed` first.
    void stop_all_calls();
    /// The tasks this replica runs and their store.
    task_runtime& tasks() noexcept { return *tasks_; }
    /// The pool tasks run on (made on first use).
    worker_pool& task_pool();
    /// Task handlers queued or running on the task pool (shutdown waits for them, bounded).
    std::size_t task_jobs() const { return task_pool_ ? task_pool_->busy() : 0; }
    /// Runs handler calls, MCP and worker alike (pool, time limit, registry, concurrency).
    call_runner& runner() noexcept { return runner_; }
    /// The middleware around requests and tool calls: the access log (when info is logged), then
    /// the server's, in registration order. Empty: no hooks run.
    const middleware_chain& middleware() const noexcept { return chain_; }
    /// The current tool catalog; entries stay valid while the snapshot is held.
    std::shared_ptr<const tool_catalog> catalog() const;
    const server& srv() const noexcept { return server_; }
    const dispatcher_options& options() const noexcept { return options_; }
    /// Parses untrusted JSON text within the limits; std::nullopt with `why` set when it is too
    /// deep or long, or not JSON ("Parse error: ...").
    std::optional<json> parse_limited(std::string_view text, std::string& why) const;

    /// Drops the broadcast list's references to ended sessions (after an expiry sweep).
    void forget_ended_sessions();

    // server_observer: the server changed while serving.
    void list_changed(list_kind kind) override;
    void resource_updated(const std::string& uri) override;

private:
    /// Produces the reply of a request handled on the pool (a result or an error message), or
    /// std::nullopt for none.
    using request_work = std::function<std::optional<json>(request_scope&, const jsonrpc::request&)>;
    /// A request whose handler is application code, as run_on_pool runs it.
    struct pool_call {
        request_work work;
        std::shared_ptr<const tool_spec> spec;  ///< the tool, if any (its secrets, for the context)
        std::optional<call_plan> plan;          ///< unset: on the pool, the server's time limit
        /// The reply when the call outlives its time limit (unset: JSON-RPC -32001).
        std::function<json(const jsonrpc::request_id&, std::chrono::milliseconds limit)> on_timeout;
        /// The reply when the tool is at its concurrency limit.
        std::function<json(const jsonrpc::request_id&)> on_busy;
        /// Set when the call may become an MCP task (tools/call of a task-capable tool).
        std::shared_ptr<task_link> task = {};
        /// The task starts (and the request is answered) before the call is queued, so a busy
        /// task pool never delays the answer; else the handler may start it (start_task).
        bool task_first = false;
    };
    /// Runs `call.work` through the call runner as a cancellable call with a request_scope. Past
    /// the time limit the call's stop token is signalled and `on_timeout` answers instead.
    void run_on_pool(const std::shared_ptr<session_state>& session, jsonrpc::request req,
                     const std::shared_ptr<outbound_sink>& sink, pool_call call);

    /// One method of an era: answered at once (`answer`), or handed on with the request (`serve`:
    /// handlers that run through the call runner, or streams).
    struct method_entry {
        using answer_fn = json (*)(dispatcher&, session_state&, const jsonrpc::request&,
                                   std::optional<jsonrpc::error>&);
        using serve_fn = void (*)(dispatcher&, const std::shared_ptr<session_state>&, jsonrpc::request,
                                  const std::shared_ptr<outbound_sink>&);
        enum class cache { none, list, read };
        answer_fn answer = nullptr;
        serve_fn serve = nullptr;
        bool before_initialize = false;  ///< 2025 era: allowed before initialize completed
        std::string_view capability;     ///< 2026 era: the server capability it needs ("": none)
        cache hint = cache::none;        ///< 2026 era: which caching hint its result carries
        bool unshaped = false;           ///< 2026 era: gets the raw sink (subscriptions/listen)

        static method_entry answered(answer_fn f) { method_entry e; e.answer = f; return e; }
        static method_entry served(serve_fn f) { method_entry e; e.serve = f; return e; }
        method_entry allowed_before_initialize() const { auto e = *this; e.before_initialize = true; return e; }
        method_entry needs(std::string_view cap) const { auto e = *this; e.capability = cap; return e; }
        method_entry cached(cache c) const { auto e = *this; e.hint = c; return e; }
        method_entry raw_sink() const { auto e = *this; e.unshaped = true; return e; }
    };
    using method_table = std::unordered_map<std::string_view, method_entry>;
    /// The methods of each era (method_tables.cpp).
    static const method_table& legacy_methods();
    static const method_table& modern_methods();

    void handle_one(const std::shared_ptr<session_state>& session, json&& value,
                    const std::shared_ptr<outbound_sink>& sink);
    void handle_request(const std::shared_ptr<session_state>& session, jsonrpc::request req,
                        const std::shared_ptr<outbound_sink>& sink);
    void handle_notification(session_state& session, const jsonrpc::notification& n);
    void handle_batch(const std::shared_ptr<session_state>& session, json&& batch,
                      const std::shared_ptr<outbound_sink>& sink);

    json initialize(session_state& session, const jsonrpc::request& req, std::optional<jsonrpc::error>& err);
    json list_tools(const session_state& session, const jsonrpc::request& req,
                    std::optional<jsonrpc::error>& err) const;
    json set_log_level(session_state& session, const jsonrpc::request& req, std::optional<jsonrpc::error>& err) const;
    json server_capabilities() const;
    /// server_capabilities() as of the last change of the registries (shared, not rebuilt per request).
    std::shared_ptr<const json> offered_capabilities() const;
    // modern_requests.cpp
    json discover() const;
    /// `_meta` serverInfo of 2026-07-28 results, built once (the server's info does not change
    /// once it serves).
    const std::shared_ptr<const json>& server_info_meta() const { return server_info_meta_; }
    json build_server_info_meta() const;
    std::shared_ptr<input_round> open_input_round(const jsonrpc::request& req, const session_state& session,
                                                  std::optional<jsonrpc::error>& err) const;
    json input_required_result(const jsonrpc::request& req, const session_state& session, const input_round& round,
                               json requests, std::optional<jsonrpc::error>& err) const;
    /// Whom a 2026-07-28 request state is sealed for: the authenticated principal (issuer and
    /// subject), else ARCADE_USER_ID.
    std::string state_principal(const session_state& session) const;
    /// The user id tools see: the bearer token's subject when the transport authenticated one,
    /// else ARCADE_USER_ID, else the session's own random id.
    const std::string& user_id_of(const session_state& session) const {
        if (!session.subject().empty()) return session.subject();
        return options_.user_id ? *options_.user_id : session.fallback_user_id();
    }
    // subscriptions_listen.cpp
    void listen(const std::shared_ptr<session_state>& session, const jsonrpc::request& req,
                const std::shared_ptr<outbound_sink>& sink);
    void forget_ended_listens();
    /// notifications/tasks to the listen streams watching `task_id` (a change made here).
    void notify_task_listeners(const std::string& task_id);
    void call_tool(const std::shared_ptr<session_state>& session, jsonrpc::request req,
                   const std::shared_ptr<outbound_sink>& sink);
    /// Whether this tools/call becomes a task: the link, nullptr for a plain call, or the error
    /// that answers it (tool_call_tasks.cpp).
    std::shared_ptr<task_link> task_link_for(const tool_spec& spec, const std::shared_ptr<session_state>& session,
                                             const jsonrpc::request& req, const std::shared_ptr<outbound_sink>& sink,
                                             std::optional<jsonrpc::error>& err);
    /// True when a registered tool supports tasks: only then are the 2025-11-25 `tasks`
    /// capability and the 2026-07-28 extension advertised.
    bool offers_tasks() const;
    // task_methods.cpp: tasks/get, tasks/result, tasks/list, tasks/cancel, tasks/update
    /// Whom tasks are bound to: the authenticated principal, else ARCADE_USER_ID, else (2025
    /// sessions) the session itself; anonymous 2026-07-28 requests share "" (ids are unguessable).
    std::string task_owner(const session_state& session) const;
    using task_answer = json (*)(dispatcher&, const session_state&, const jsonrpc::request&,
                                 std::optional<jsonrpc::error>&);
    /// Answers a task method from the store: inline for the in-memory store, on the pool for a
    /// shared (remote) one; -32021 first for a 2026-07-28 request without the tasks extension.
    void serve_task_method(const std::shared_ptr<session_state>& session, jsonrpc::request req,
                           const std::shared_ptr<outbound_sink>& sink, task_answer answer);
    json task_get(const session_state& session, const jsonrpc::request& req, std::optional<jsonrpc::error>& err);
    json task_cancel(const session_state& session, const jsonrpc::request& req, std::optional<jsonrpc::error>& err);
    json task_update(const session_state& session, const jsonrpc::request& req, std::optional<jsonrpc::error>& err);
    json task_list(const session_state& session, const jsonrpc::request& req, std::optional<jsonrpc::error>& err);
    /// 2025-11-25 tasks/result: waits for the end on the pool, forwarding the task's questions to
    /// the client on this request's stream.
    void task_result(const std::shared_ptr<session_state>& session, jsonrpc::request req,
                     const std::shared_ptr<outbound_sink>& sink);
    // resource_methods.cpp
    json list_resources(const session_state& session, const jsonrpc::request& req,
                        std::optional<jsonrpc::error>& err) const;
    json list_resource_templates(const session_state& session, const jsonrpc::request& req,
                                 std::optional<jsonrpc::error>& err) const;
    void read_resource(const std::shared_ptr<session_state>& session, jsonrpc::request req,
                       const std::shared_ptr<outbound_sink>& sink);
    json subscribe(session_state& session, const jsonrpc::request& req, bool on,
                   std::optional<jsonrpc::error>& err) const;
    // prompt_methods.cpp
    json list_prompts(const session_state& session, const jsonrpc::request& req,
                      std::optional<jsonrpc::error>& err) const;
    void get_prompt(const std::shared_ptr<session_state>& session, jsonrpc::request req,
                    const std::shared_ptr<outbound_sink>& sink);
    void complete(const std::shared_ptr<session_state>& session, jsonrpc::request req,
                  const std::shared_ptr<outbound_sink>& sink);

    server& server_;
    worker_pool& pool_;
    dispatcher_options options_;
    mutable std::mutex catalog_mu_;
    std::shared_ptr<const tool_catalog> catalog_;
    std::shared_ptr<const json> capabilities_;  ///< under catalog_mu_; rebuilt by list_changed
    std::shared_ptr<const json> server_info_meta_;
    session_registry sessions_;  ///< initialized sessions and listen streams, for broadcasts
    middleware_chain chain_;          ///< tool-call hooks: the access log, then the server's middleware
    middleware_chain request_chain_;  ///< request hooks: the server's middleware only
    request_state_codec state_codec_;
    struct listen_record;
    std::mutex listens_mu_;
    std::vector<std::shared_ptr<listen_record>> listens_;  ///< open subscriptions/listen streams
    std::shared_ptr<task_runtime> tasks_;  ///< shared with running tasks' links
    std::once_flag task_pool_once_;
    std::unique_ptr<worker_pool> task_pool_;
    call_runner runner_;      ///< uses watchdog_ only while calls run
    call_watchdog watchdog_;  ///< last: stopped before anything its callbacks might touch
};

}  // namespace arcade_mcp::detail
