// The tasks this replica runs: creation and announcement, questions through the store, outcomes,
// cancellation and shutdown, heartbeats for shared stores (task_runtime.hpp).
#include "mcp/task_runtime.hpp"

#include "log/logger.hpp"
#include "util/random.hpp"

namespace arcade_mcp::detail {
namespace {

constexpr auto watch_period = std::chrono::milliseconds(250);
constexpr int heartbeat_every = 4;  // watch periods: one heartbeat a second

json error_outcome(int code, std::string message) {
    json error = json::object();
    error["code"] = code;
    error["message"] = std::move(message);
    json outcome = json::object();
    outcome["error"] = std::move(error);
    return outcome;
}

jsonrpc::error store_unavailable_error() {
    return jsonrpc::error{jsonrpc::error_code::internal_error, "Task store unavailable: try again later", std::nullopt};
}

}  // namespace

json outcome_of_reply(const json& reply) {
    json outcome = json::object();
    if (auto error = reply.find("error"); error != reply.end()) outcome["error"] = *error;
    else if (auto result = reply.find("result"); result != reply.end()) outcome["result"] = *result;
    else outcome = error_outcome(jsonrpc::error_code::internal_error, "Internal error");
    return outcome;
}

tasks::task_status status_of_outcome(const json& outcome, bool modern) {
    if (outcome.contains("error")) return tasks::task_status::failed;
    const json& result = outcome["result"];
    const bool is_error = result.is_object() && result.value("isError", false);
    return is_error && !modern ? tasks::task_status::failed : tasks::task_status::completed;
}

// ---- task_link ----------------------------------------------------------------------------

std::optional<jsonrpc::error> task_link::start(const std::shared_ptr<in_flight_call>& call) {
    std::optional<tasks::task_record> created;
    {
        std::lock_guard l(mu_);
        if (!id_.empty()) return std::nullopt;
        tasks::create_result made;
        try {
            made = runtime_->store().create(owner_, ttl_, runtime_->replica_id());
        } catch (const tasks::task_store_unavailable& e) {
            log(log_level::error, "task store unavailable", {{"error", e.what()}});
            return store_unavailable_error();
        }
        if (!made.task) {
            const auto& limits = runtime_->store().limits();
            const bool owner_cap = made.refused == tasks::create_refusal::owner_cap;
            return jsonrpc::error{
                jsonrpc::error_code::internal_error,
                owner_cap ? "Too many tasks for this caller (at most " + std::to_string(limits.max_per_owner) +
                                "); retry once some have expired"
                          : "Too many tasks on this server (at most " + std::to_string(limits.max_total) +
                                "); retry later",
                std::nullopt};
        }
        id_ = made.task->id;
        created = std::move(made.task);
    }
    runtime_->track(created->id, call);
    announce_(*created);
    runtime_->changed(created->id);
    if (on_status_) on_status_(*created);
    return std::nullopt;
}

void task_link::report(const std::string& task) {
    runtime_->changed(task);
    if (!on_status_) return;
    if (auto now = runtime_->store().load(task)) on_status_(*now);
}

bool task_link::started() const {
    std::lock_guard l(mu_);
    return !id_.empty();
}

std::string task_link::id() const {
    std::lock_guard l(mu_);
    return id_;
}

std::map<std::string, json> task_link::ask(const std::vector<input_request>& requests, const std::stop_token& stop) {
    const std::string task = id();
    json stored = json::object();
    std::map<std::string, std::string> original;  // stored key -> the handler's key
    {
        std::lock_guard l(mu_);
        for (const auto& r : requests) {
            const std::string base = r.key.empty() ? r.method : r.key;
            std::string key = base;
            while (keys_used_.count(key)) key = base + "-" + std::to_string(++keys_used_[base]);
            keys_used_.emplace(key, 0);
            stored[key] = json{{"method", r.method}, {"params", r.params}};
            original[key] = r.key;
        }
    }
    const auto fail = [](const std::string& why) {
        throw client_request_error(jsonrpc::error_code::internal_error, why);
    };
    std::map<std::string, json> answers;
    try {
        if (!runtime_->store().ask(task, stored)) fail("The task has ended");
        report(task);
        std::uint64_t seen = 0;
        while (answers.size() < original.size()) {
            if (stop.stop_requested()) fail("The task was cancelled");
            json got = runtime_->store().take_answers(task);
            for (auto& [key, value] : got.items())
                if (auto it = original.find(key); it != original.end()) answers[it->second] = std::move(value);
            if (answers.size() == original.size()) break;
            auto now = runtime_->store().wait_for_change(task, seen, std::chrono::steady_clock::now() + watch_period);
            if (!now) fail("The task expired");
            if (tasks::is_terminal(now->status)) fail("The task has ended");
            seen = now->version;
        }
    } catch (const tasks::task_store_unavailable& e) {
        log(log_level::error, "task store unavailable", {{"error", e.what()}});
        fail("Task store unavailable");
    }
    return answers;
}

void task_link::set_status_message(std::string message) {
    const std::string task = id();
    if (task.empty()) return;
    try {
        if (runtime_->store().set_status_message(task, std::move(message))) report(task);
    } catch (const tasks::task_store_unavailable& e) {
        log(log_level::warning, "task status message not stored", {{"error", e.what()}});
    }
}

void task_link::finish(std::optional<json> reply, call_end end) {
    const std::string task = id();
    if (task.empty()) return;
    json outcome;
    tasks::task_status status = tasks::task_status::cancelled;
    if (end == call_end::cancelled || !reply) {
        outcome = error_outcome(-32800, "Task cancelled");
    } else {
        outcome = outcome_of_reply(*reply);
        status = status_of_outcome(outcome, modern_);
    }
    try {
        if (runtime_->store().finish(task, status, std::move(outcome))) report(task);
    } catch (const tasks::task_store_unavailable& e) {
        // Readers of a shared store fail the task once its heartbeats stop; nothing else to do.
        log(log_level::error, "task outcome not stored", {{"task", task}, {"error", e.what()}});
    }
    runtime_->untrack(task);
}

// ---- task_runtime -------------------------------------------------------------------------

task_runtime::task_runtime(std::shared_ptr<tasks::task_store> store)
    : store_(std::move(store)), replica_(random_hex(8)) {
    if (store_->shared()) watcher_ = std::thread([this] { watch_loop(); });
}

task_runtime::~task_runtime() {
    {
        std::lock_guard l(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (watcher_.joinable()) watcher_.join();
}

void task_runtime::track(const std::string& id, std::shared_ptr<in_flight_call> call) {
    std::lock_guard l(mu_);
    running_[id] = std::move(call);
}

void task_runtime::untrack(const std::string& id) {
    std::lock_guard l(mu_);
    running_.erase(id);
}

void task_runtime::stop_local(const std::string& id) {
    std::shared_ptr<in_flight_call> call;
    {
        std::lock_guard l(mu_);
        if (auto it = running_.find(id); it != running_.end()) call = it->second;
    }
    if (call) call->stop.request_stop();
}

void task_runtime::fail_all(const std::string& why) {
    std::unordered_map<std::string, std::shared_ptr<in_flight_call>> running;
    {
        std::lock_guard l(mu_);
        running = running_;
    }
    for (const auto& [id, call] : running) {
        try {
            if (store_->finish(id, tasks::task_status::failed, error_outcome(jsonrpc::error_code::internal_error, why)))
                changed(id);
        } catch (const tasks::task_store_unavailable& e) {
            log(log_level::error, "task outcome not stored", {{"task", id}, {"error", e.what()}});
        }
        call->stop.request_stop();
    }
}

void task_runtime::set_change_listener(std::function<void(const std::string& id)> listener) {
    std::lock_guard l(listener_mu_);
    listener_ = std::move(listener);
}

void task_runtime::changed(const std::string& id) {
    std::lock_guard l(listener_mu_);  // held while it runs: set_change_listener(nullptr) waits for it
    if (listener_) listener_(id);
}

std::size_t task_runtime::running() const {
    std::lock_guard l(mu_);
    return running_.size();
}

void task_runtime::watch_loop() {
    int tick = 0;
    std::unique_lock l(mu_);
    while (!cv_.wait_for(l, watch_period, [this] { return stopping_; })) {
        std::vector<std::string> ids;
        for (const auto& entry : running_) ids.push_back(entry.first);
        l.unlock();
        try {
            if (!ids.empty() && ++tick % heartbeat_every == 0) store_->heartbeat(ids);
            for (const auto& id : ids) {
                auto rec = store_->load(id);
                if (!rec || rec->cancel_requested || tasks::is_terminal(rec->status)) stop_local(id);
            }
        } catch (const tasks::task_store_unavailable& e) {
            log(log_level::warning, "task store unavailable", {{"error", e.what()}});
        }
        l.lock();
    }
}

}  // namespace arcade_mcp::detail
