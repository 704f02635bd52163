// subscriptions/listen (MCP 2026-07-28): the client opts in to notification types on a
// long-lived answer stream, which replaces the 2025 era's GET stream and resources/subscribe.
// The stream's session is registered for broadcasts like a legacy session; it "advertises" only
// the capabilities whose notifications the client asked for and subscribes only to the asked
// URIs, so the broadcast filters apply unchanged. Every notification on it carries the listen
// request's id as `_meta["io.modelcontextprotocol/subscriptionId"]`, the acknowledgement first.
// With the tasks extension, `notifications.taskIds` names tasks of the caller whose changes made on
// this replica arrive as notifications/tasks (the detailed task, as tasks/get shows it).
// It ends when the client goes (HTTP: the stream closes; stdio: notifications/cancelled) or,
// with a final result, when the server shuts down (end_listens).
#include <algorithm>
#include <atomic>

#include "jsonrpc/errors.hpp"
#include "mcp/dispatcher.hpp"
#include "mcp/request_meta.hpp"
#include "mcp/task_wire.hpp"

namespace arcade_mcp::detail {

struct dispatcher::listen_record {
    std::shared_ptr<session_state> session;
    std::shared_ptr<outbound_sink> stream;
    std::shared_ptr<outbound_sink> notifier;  ///< tags the subscription id
    std::vector<std::string> task_ids;        ///< tasks whose changes it reports
    json id;
    std::string call_key;
    std::shared_ptr<in_flight_call> call;
    std::atomic<bool> ended{false};
    std::optional<std::stop_callback<std::function<void()>>> on_stop;
};

namespace {

/// Tags notifications with the subscription id and drops them once the listen ended.
class listen_notifier final : public outbound_sink {
public:
    listen_notifier(std::shared_ptr<outbound_sink> stream, json id, std::shared_ptr<std::atomic<bool>> ended)
        : stream_(std::move(stream)), id_(std::move(id)), ended_(std::move(ended)) {}
    void send(json message) override {
        if (ended_->load()) return;
        json& params = message["params"];
        if (!params.is_object()) params = json::object();
        json& meta = params["_meta"];
        if (!meta.is_object()) meta = json::object();
        meta[std::string(meta_subscription_id)] = id_;
        stream_->send(std::move(message));
    }
    void finish(std::optional<json>) override {}

private:
    std::shared_ptr<outbound_sink> stream_;
    json id_;
    std::shared_ptr<std::atomic<bool>> ended_;
};

bool asked(const json& filter, const char* key) {
    const auto it = filter.find(key);
    return it != filter.end() && it->is_boolean() && it->get<bool>();
}

}  // namespace

void dispatcher::listen(const std::shared_ptr<session_state>& session, const jsonrpc::request& req,
                        const std::shared_ptr<outbound_sink>& sink) {
    const auto fail = [&](std::string message) {
        sink->finish(jsonrpc::make_error(req.id, invalid_params(std::move(message))));
    };
    const auto filter = req.params.find("notifications");
    if (filter == req.params.end() || !filter->is_object())
        return fail("Invalid params: notifications (object) is required");
    const json caps = session->advertised_capabilities();
    json agreed = json::object();
    json honoured_caps = json::object();
    const auto agree = [&](const char* key, const char* capability) {
        if (!asked(*filter, key) || !caps.contains(capability) || !caps[capability].value("listChanged", false)) return;
        agreed[key] = true;
        honoured_caps[capability] = json::object();
    };
    agree("toolsListChanged", "tools");
    agree("promptsListChanged", "prompts");
    agree("resourcesListChanged", "resources");
    if (auto uris = filter->find("resourceSubscriptions"); uris != filter->end()) {
        if (!uris->is_array())
            return fail("Invalid params: notifications.resourceSubscriptions must be an array of URIs");
        json kept = json::array();
        for (const auto& uri : *uris) {
            if (!uri.is_string())
                return fail("Invalid params: notifications.resourceSubscriptions must be an array of URIs");
            if (!caps.contains("resources")) continue;
            session->subscribe(uri.get<std::string>());
            kept.push_back(uri);
        }
        if (!kept.empty()) agreed["resourceSubscriptions"] = std::move(kept);
    }
    std::vector<std::string> task_ids;
    if (auto ids = filter->find("taskIds"); ids != filter->end()) {
        if (!ids->is_array()) return fail("Invalid params: notifications.taskIds must be an array of task ids");
        json kept = json::array();
        const std::string owner = task_owner(*session);
        for (const auto& id : *ids) {
            if (!id.is_string()) return fail("Invalid params: notifications.taskIds must be an array of task ids");
            if (!declares_tasks_extension(*session)) continue;
            try {
                if (!tasks_->store().get(id.get_ref<const std::string&>(), owner)) continue;
            } catch (const tasks::task_store_unavailable&) {
                continue;
            }
            task_ids.push_back(id.get<std::string>());
            kept.push_back(id);
        }
        if (!kept.empty()) agreed["taskIds"] = std::move(kept);
    }
    session->set_server_capabilities(std::move(honoured_caps));

    auto record = std::make_shared<listen_record>();
    record->session = session;
    record->stream = sink;
    record->id = req.id.to_json();
    record->call_key = req.id.key();
    record->call = std::make_shared<in_flight_call>();
    auto ended = std::make_shared<std::atomic<bool>>(false);
    auto notifier = std::make_shared<listen_notifier>(sink, record->id, ended);
    record->notifier = notifier;
    record->task_ids = std::move(task_ids);
    // The acknowledgement first, then whatever the broadcasts bring.
    notifier->send(jsonrpc::make_notification("notifications/subscriptions/acknowledged",
                                              json{{"notifications", std::move(agreed)}}));
    if (!session->add_call(record->call_key, record->call)) {
        ended->store(true);
        return fail("Invalid Request: request id is already in use");
    }
    // The client went away (stream closed) or cancelled (stdio): no result, nothing more sent.
    record->on_stop.emplace(record->call->stop.get_token(),
                            std::function<void()>([w = std::weak_ptr<listen_record>(record), ended] {
                                ended->store(true);
                                if (auto r = w.lock(); r && !r->ended.exchange(true)) r->stream->finish(std::nullopt);
                            }));
    session->set_notifier(std::move(notifier));
    sessions_.add(session);
    std::lock_guard l(listens_mu_);
    std::erase_if(listens_, [](const std::shared_ptr<listen_record>& r) { return r->ended.load(); });
    listens_.push_back(std::move(record));
}

void dispatcher::notify_task_listeners(const std::string& task_id) {
    std::vector<std::shared_ptr<listen_record>> watching;
    {
        std::lock_guard l(listens_mu_);
        for (const auto& r : listens_)
            if (!r->ended.load() && std::find(r->task_ids.begin(), r->task_ids.end(), task_id) != r->task_ids.end())
                watching.push_back(r);
    }
    if (watching.empty()) return;
    std::optional<tasks::task_record> task;
    try {
        task = tasks_->store().load(task_id);
    } catch (const tasks::task_store_unavailable&) {
        return;
    }
    if (!task) return;
    const json params = modern_detailed_task(*task);
    for (const auto& r : watching) r->notifier->send(jsonrpc::make_notification("notifications/tasks", params));
}

void dispatcher::end_listens() {
    std::vector<std::shared_ptr<listen_record>> open;
    {
        std::lock_guard l(listens_mu_);
        open.swap(listens_);
    }
    for (const auto& r : open) {
        if (r->ended.exchange(true)) continue;
        r->session->remove_call(r->call_key);
        json meta{{std::string(meta_subscription_id), r->id}, {std::string(meta_server_info), *server_info_meta()}};
        r->stream->finish(json{
            {"jsonrpc", "2.0"}, {"id", r->id}, {"result", {{"resultType", "complete"}, {"_meta", std::move(meta)}}}});
        r->session->close();
    }
}

void dispatcher::forget_ended_listens() {
    std::lock_guard l(listens_mu_);
    std::erase_if(listens_,
                  [](const std::shared_ptr<listen_record>& r) { return r->ended.load() || r->session->closed(); });
}

}  // namespace arcade_mcp::detail
