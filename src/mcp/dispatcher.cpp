// Lifecycle, method routing and batching of the MCP core (see dispatcher.hpp). tools/call lives
// in tool_call.cpp.
#include "mcp/dispatcher.hpp"
#include "mcp/task_wire.hpp"
#include "mcp/access_log.hpp"
#include "mcp/request_hooks.hpp"
#include "mcp/request_observer.hpp"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "log/logger.hpp"
#include "mcp/paging.hpp"
#include "mcp/protocol_version.hpp"
#include "mcp/request_meta.hpp"
#include "util/json_text.hpp"
#include "util/random.hpp"

namespace arcade_mcp::detail {

std::string supported_revisions_text() {
    std::string out;
    for (auto r : supported_revisions) {
        if (!out.empty()) out += ", ";
        out += r;
    }
    return out;
}

namespace {

jsonrpc::error make_err(int code, std::string message) {
    return jsonrpc::error{code, std::move(message), std::nullopt};
}

/// Collects the replies of a batch's members and finishes the outer sink once all are in. The
/// reply is bounded: a member whose serialized reply would take the total past `budget` bytes is
/// answered with a short -32603 instead (a client could otherwise make us hold a reply many times
/// its request, e.g. thousands of tools/list).
class batch_sink final : public outbound_sink {
public:
    batch_sink(std::shared_ptr<outbound_sink> outer, std::size_t members, std::size_t budget)
        : outer_(std::move(outer)), pending_(members), budget_(budget) {}
    void send(json message) override { outer_->send(std::move(message)); }
    void finish(std::optional<json> reply) override {
        std::size_t size = 0;
        if (reply) size = to_json_text(*reply).size();
        bool last = false;
        {
            std::lock_guard l(mu_);
            if (reply) {
                if (used_ + size <= budget_) {
                    used_ += size;
                    replies_.push_back(std::move(*reply));
                } else {
                    replies_.push_back(over_budget(*reply));
                }
            }
            last = --pending_ == 0;
        }
        if (!last) return;
        if (replies_.empty()) outer_->finish(std::nullopt);
        else outer_->finish(json(std::move(replies_)));
    }

private:
    json over_budget(const json& reply) const {
        std::optional<jsonrpc::request_id> id;
        if (auto i = reply.find("id"); i != reply.end()) id = jsonrpc::request_id::from_json(*i);
        return jsonrpc::make_error(
            id, make_err(jsonrpc::error_code::internal_error, "Internal error: the batch reply is over its " +
                                                                  std::to_string(budget_) +
                                                                  "-byte limit; send this request on its own"));
    }

    std::shared_ptr<outbound_sink> outer_;
    std::mutex mu_;
    std::size_t pending_;
    const std::size_t budget_;
    std::size_t used_ = 0;
    std::vector<json> replies_;
};

}  // namespace

dispatcher::dispatcher(server& srv, worker_pool& pool, dispatcher_options options)
    : server_(srv),
      pool_(pool),
      options_(std::move(options)),
      catalog_(std::make_shared<const tool_catalog>(srv, options_.catalog)),
      state_codec_(options_.request_state_secret.empty() ? random_hex(32) : options_.request_state_secret,
                   options_.request_state_max_age, options_.request_state_max_bytes),
      tasks_(std::make_shared<task_runtime>(options_.task_store ? options_.task_store
                                                                 : std::shared_ptr<tasks::task_store>(
                                                                       tasks::make_memory_task_store({})))),
      runner_(pool, watchdog_) {
    // The batch bound is applied before parsing too: an oversized batch is refused from a byte
    // scan, never built as a JSON tree first.
    options_.json_input.max_batch_members = options_.max_batch_members;
    if (log_enabled(log_level::info)) chain_.push_back(make_access_log());
    server_access::mark_served(server_);
    request_chain_ = server_.middlewares();
    chain_.insert(chain_.end(), request_chain_.begin(), request_chain_.end());
    capabilities_ = std::make_shared<const json>(server_capabilities());
    server_info_meta_ = std::make_shared<const json>(build_server_info_meta());
    server_access::add_observer(server_, this);
    tasks_->set_change_listener([this](const std::string& id) { notify_task_listeners(id); });
}

dispatcher::~dispatcher() {
    server_access::remove_observer(server_, this);
    tasks_->set_change_listener(nullptr);  // links outlive this dispatcher; the listener does not
    tasks_->fail_all("The server shut down before the task finished");
    if (!task_pool_) return;
    runner_.stop_all();
    // Task handlers were told to stop; one that ignores it keeps its pool (never freed under it).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (task_pool_->busy() > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (task_pool_->busy() > 0) {
        log(log_level::warning, "task handlers still running at shutdown; leaving them behind");
        (void)task_pool_.release();
        return;
    }
    task_pool_->shutdown();
}

worker_pool& dispatcher::task_pool() {
    std::call_once(task_pool_once_, [this] {
        task_pool_ = std::make_unique<worker_pool>(std::max<std::size_t>(1, options_.task_worker_threads));
    });
    return *task_pool_;
}

void dispatcher::stop_all_calls() {
    tasks_->fail_all("The server shut down before the task finished");
    runner_.stop_all();
}

std::optional<json> dispatcher::parse_limited(std::string_view text, std::string& why) const {
    if (auto exceeded = exceeds_json_limits(text, options_.json_input)) {
        why = "Invalid Request: " + *exceeded;
        return std::nullopt;
    }
    json value = json::parse(text, nullptr, false);
    if (value.is_discarded()) {
        why = "Parse error: invalid JSON";
        return std::nullopt;
    }
    return value;
}

std::shared_ptr<const tool_catalog> dispatcher::catalog() const {
    std::lock_guard l(catalog_mu_);
    return catalog_;
}

std::shared_ptr<const json> dispatcher::offered_capabilities() const {
    std::lock_guard l(catalog_mu_);
    return capabilities_;
}

void dispatcher::forget_ended_sessions() {
    forget_ended_listens();
    sessions_.forget_ended();
}

void dispatcher::list_changed(list_kind kind) {
    // Capabilities are rebuilt on every change: resources or prompts may have appeared.
    auto capabilities = std::make_shared<const json>(server_capabilities());
    std::shared_ptr<const tool_catalog> rebuilt;
    if (kind == list_kind::tools) rebuilt = std::make_shared<const tool_catalog>(server_, options_.catalog);
    {
        std::lock_guard l(catalog_mu_);
        if (rebuilt) catalog_ = std::move(rebuilt);
        capabilities_ = std::move(capabilities);
    }
    struct change {
        std::string_view method, capability;
    };
    const change c = kind == list_kind::tools       ? change{"notifications/tools/list_changed", "tools"}
                     : kind == list_kind::resources ? change{"notifications/resources/list_changed", "resources"}
                                                    : change{"notifications/prompts/list_changed", "prompts"};
    const std::string_view capability = c.capability;
    sessions_.broadcast(jsonrpc::make_notification(c.method, json::object()),
                        [&](const session_state& s) { return s.advertised(capability); });
}

void dispatcher::resource_updated(const std::string& uri) {
    sessions_.broadcast(jsonrpc::make_notification("notifications/resources/updated", json{{"uri", uri}}),
                        [&](const session_state& s) { return s.subscribed(uri); });
}

bool dispatcher::is_initialize_request(const json& payload) {
    if (!payload.is_object()) return false;
    auto m = payload.find("method");
    return m != payload.end() && m->is_string() && m->get_ref<const std::string&>() == "initialize" &&
           payload.contains("id");
}

void dispatcher::handle(const std::shared_ptr<session_state>& session, json payload,
                        const std::shared_ptr<outbound_sink>& sink) {
    // Notifications (notifications/cancelled in particular) act on the channel's session in
    // either era; a 2026-07-28 call is registered there too.
    if (is_modern_message(payload) && payload.contains("id")) {
        // One channel (stdio) carrying a 2026-07-28 request: it gets a session of its own, whose
        // calls the channel's session also knows (notifications/cancelled arrives there).
        auto request_session = std::make_shared<session_state>(std::string(), session->fallback_user_id());
        request_session->set_parent(session);
        if (!session->principal().empty()) request_session->bind_subject(session->subject(), session->principal());
        serve_modern(request_session, std::move(payload), sink);
        return;
    }
    if (payload.is_array()) {
        handle_batch(session, std::move(payload), sink);
        return;
    }
    handle_one(session, std::move(payload), sink);
}

void dispatcher::handle_batch(const std::shared_ptr<session_state>& session, json&& batch,
                              const std::shared_ptr<outbound_sink>& sink) {
    // Batches exist only in 2025-03-26; initialize is never batched (so a batch needs a session
    // that already negotiated 2025-03-26).
    if (session->revision() != rev_2025_03_26) {
        sink->finish(jsonrpc::make_error(
            std::nullopt, make_err(jsonrpc::error_code::invalid_request,
                                   "Invalid Request: batches are only supported in protocol revision 2025-03-26")));
        return;
    }
    if (batch.empty()) {
        sink->finish(jsonrpc::make_error(
            std::nullopt, make_err(jsonrpc::error_code::invalid_request, "Invalid Request: empty batch")));
        return;
    }
    if (batch.size() > options_.max_batch_members) {
        sink->finish(jsonrpc::make_error(
            std::nullopt,
            make_err(jsonrpc::error_code::invalid_request,
                     "Invalid Request: a batch holds at most " + std::to_string(options_.max_batch_members) +
                         " messages; this one has " + std::to_string(batch.size()))));
        return;
    }
    auto collector = std::make_shared<batch_sink>(sink, batch.size(), options_.max_batch_reply_bytes);
    for (auto& member : batch) {
        if (is_initialize_request(member)) {
            collector->finish(jsonrpc::make_error(jsonrpc::request_id::from_json(member["id"]),
                                                  make_err(jsonrpc::error_code::invalid_request,
                                                           "Invalid Request: initialize must not be part of a batch")));
            continue;
        }
        handle_one(session, std::move(member), collector);
    }
}

void dispatcher::handle_one(const std::shared_ptr<session_state>& session, json&& value,
                            const std::shared_ptr<outbound_sink>& sink) {
    auto msg = jsonrpc::decode(std::move(value));
    if (auto* bad = std::get_if<jsonrpc::invalid_message>(&msg)) {
        sink->finish(jsonrpc::make_error(bad->id, bad->err));
    } else if (auto* n = std::get_if<jsonrpc::notification>(&msg)) {
        handle_notification(*session, *n);
        sink->finish(std::nullopt);
    } else if (auto* r = std::get_if<jsonrpc::response>(&msg)) {
        // The client answered a request of ours (sampling, elicitation); unknown ids are ignored.
        if (!session->settle_client_request(*r))
            log(log_level::debug, "response to no pending request ignored", {{"session_id", session->id()}});
        sink->finish(std::nullopt);
    } else {
        handle_request(session, std::move(std::get<jsonrpc::request>(msg)), sink);
    }
}

void dispatcher::handle_notification(session_state& session, const jsonrpc::notification& n) {
    if (n.method == "notifications/initialized") {
        session.mark_initialized_notification();
    } else if (n.method == "notifications/cancelled") {
        if (auto id = n.params.find("requestId"); id != n.params.end())
            if (auto rid = jsonrpc::request_id::from_json(*id)) session.cancel_call(rid->key());
    }
    // Unknown notifications are ignored, as JSON-RPC requires.
}

void dispatcher::handle_request(const std::shared_ptr<session_state>& session, jsonrpc::request req,
                                const std::shared_ptr<outbound_sink>& given_sink) {
    const observe::span_context* trace = observe::current_span();
    const auto observed = observe_request(given_sink, *session, req, observe::era::legacy, trace);
    const observe::current_span_scope trace_scope(trace);  // the request's span, for logs and the pool
    const auto& base = observed ? observed : given_sink;
    std::shared_ptr<outbound_sink> hooked;
    if (!request_chain_.empty()) {
        hooked = open_request_hooks(request_chain_, *session, req, base);
        if (!hooked) return;  // a hook refused the request and answered it
    }
    const auto& sink = hooked ? hooked : base;
    std::optional<jsonrpc::error> err;
    json result;
    const auto& methods = legacy_methods();
    const auto found = methods.find(req.method);
    const method_entry* method = found == methods.end() ? nullptr : &found->second;
    if (!(method && method->before_initialize) && !session->initialize_done()) {
        err = make_err(jsonrpc::error_code::invalid_request,
                       "Invalid Request: the session is not initialized; send initialize first");
    } else if (!method) {
        err = make_err(jsonrpc::error_code::method_not_found, "Method not found: " + req.method);
    } else if (method->serve) {
        return method->serve(*this, session, std::move(req), sink);
    } else {
        result = method->answer(*this, *session, req, err);
    }
    sink->finish(err ? jsonrpc::make_error(req.id, *err) : jsonrpc::make_result(req.id, std::move(result)));
}

json dispatcher::initialize(session_state& session, const jsonrpc::request& req, std::optional<jsonrpc::error>& err) {
    if (session.initialize_done()) {
        err = make_err(jsonrpc::error_code::invalid_request, "Invalid Request: Server already initialized");
        return {};
    }
    const auto version = req.params.find("protocolVersion");
    if (version == req.params.end() || !version->is_string()) {
        err = make_err(jsonrpc::error_code::invalid_params, "Invalid params: protocolVersion (string) is required");
        return {};
    }
    json capabilities = req.params.value("capabilities", json::object());
    json client_info = req.params.value("clientInfo", json::object());
    if (!capabilities.is_object() || !client_info.is_object()) {
        err = make_err(jsonrpc::error_code::invalid_params,
                       "Invalid params: capabilities and clientInfo must be objects");
        return {};
    }
    const std::string revision = negotiate_revision(version->get<std::string>());
    session.set_initialized(revision, std::move(capabilities), std::move(client_info));
    if (revision == rev_2025_11_25 && offers_tasks()) {  // only this revision has it (2026-07-28: an extension)
        json caps = *offered_capabilities();
        caps["tasks"] = legacy_tasks_capability();
        session.set_server_capabilities(std::move(caps));
    } else {
        session.set_server_capabilities(offered_capabilities());
    }
    if (!session.stateless()) sessions_.add(session.shared_from_this());

    const auto& info = server_.info();
    json server_info{{"name", info.name}, {"version", info.version}};
    if (revision_at_least(revision, rev_2025_06_18)) server_info["title"] = info.title.value_or(info.name);
    json result{{"protocolVersion", revision},
                {"capabilities", session.advertised_capabilities()},
                {"serverInfo", std::move(server_info)}};
    if (info.instructions) result["instructions"] = *info.instructions;
    return result;
}

json dispatcher::server_capabilities() const {
    json caps{{"tools", {{"listChanged", true}}}, {"logging", json::object()}};
    const bool has_resources =
        server_.info().advertise_resources || !server_.resources().empty() || !server_.resource_templates().empty();
    const bool has_prompts = server_.info().advertise_prompts || !server_.prompts().empty();
    if (has_resources) caps["resources"] = json{{"subscribe", true}, {"listChanged", true}};
    if (has_prompts) caps["prompts"] = json{{"listChanged", true}};
    if (has_resources || has_prompts) caps["completions"] = json::object();
    return caps;
}

json dispatcher::list_tools(const session_state& session, const jsonrpc::request& req,
                            std::optional<jsonrpc::error>& err) const {
    const auto snapshot = catalog();
    const auto& entries = snapshot->entries();
    const std::string revision = session.revision();
    bool bad = false;
    json result = page_of(req.params, "tools", "tools", entries.size(), server_.info().page_size,
                          [&](std::size_t i) { return snapshot->to_mcp_tool(entries[i], revision); }, bad);
    if (bad) err = make_err(jsonrpc::error_code::invalid_params, "Invalid params: invalid cursor");
    return result;
}

json dispatcher::set_log_level(session_state& session, const jsonrpc::request& req,
                               std::optional<jsonrpc::error>& err) const {
    const auto level = parse_mcp_level(req.params.value("level", json()));
    if (!level) {
        err = make_err(
            jsonrpc::error_code::invalid_params,
            "Invalid params: level must be one of debug, info, notice, warning, error, critical, alert, emergency");
        return {};
    }
    session.set_log_level(*level);
    return json::object();
}

}  // namespace arcade_mcp::detail
