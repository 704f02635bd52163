// Per-session protocol state (negotiated revision, client capabilities, log level, resource
// subscriptions, requests sent to the client and awaiting an answer, and the channel for
// messages unrelated to any request) kept apart from per-request state (request_scope in
// tool_call.cpp). A stdio process has one session; Streamable HTTP has one per Mcp-Session-Id,
// or a throwaway one per request in stateless mode.
// Thread-safety: all members behind `mu`; use the accessors.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <variant>

#include "arcade_mcp/json.hpp"
#include "arcade_mcp/jsonrpc/message.hpp"
#include "arcade_mcp/mcp/tool_context.hpp"
#include "mcp/outbound_sink.hpp"

namespace arcade_mcp::detail {

/// A tools/call in progress: cancelled by notifications/cancelled or shutdown.
struct in_flight_call {
    std::stop_source stop;
    std::atomic<bool> cancelled{false};  ///< the client cancelled: send no response
    std::atomic<bool> answered{false};   ///< the reply (or the timeout error) went out
    std::atomic<bool> timed_out{false};  ///< stopped because its time limit passed
};

/// A request this server sent to the client, waiting for its response.
struct pending_client_request {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<std::variant<json, jsonrpc::error>> outcome;  ///< set once: result or error
    void settle(std::variant<json, jsonrpc::error> o) {
        {
            std::lock_guard l(mu);
            if (outcome) return;
            outcome = std::move(o);
        }
        cv.notify_all();
    }
};

class session_state : public std::enable_shared_from_this<session_state> {
public:
    explicit session_state(std::string id, std::string fallback_user_id)
        : id_(std::move(id)), fallback_user_id_(std::move(fallback_user_id)) {}

    const std::string& id() const noexcept { return id_; }
    /// Per-session random user id used when no ARCADE_USER_ID is configured.
    const std::string& fallback_user_id() const noexcept { return fallback_user_id_; }
    /// Front-door authorization: the caller this session (or 2026-07-28 request) belongs to. The
    /// token's `sub` is the user id tools see; `principal` (issuer and subject) says who may use
    /// the session, so that two authorization servers' equal subjects stay apart. Set by the
    /// transport before the session is shared; both empty when nobody was authenticated.
    void bind_subject(std::string subject, std::string principal) {
        subject_ = std::move(subject);
        principal_ = std::move(principal);
    }
    const std::string& subject() const noexcept { return subject_; }
    const std::string& principal() const noexcept { return principal_; }

    /// The negotiated revision; empty until `initialize` succeeded.
    std::string revision() const { std::lock_guard l(mu_); return revision_; }
    bool initialize_done() const { std::lock_guard l(mu_); return !revision_.empty(); }
    void set_initialized(std::string revision, json client_capabilities, json client_info) {
        std::lock_guard l(mu_);
        revision_ = std::move(revision);
        client_capabilities_ = std::move(client_capabilities);
        client_info_ = std::move(client_info);
    }
    /// Stateless HTTP: no initialize; the revision comes from the request header.
    void assume_revision(std::string revision) {
        std::lock_guard l(mu_);
        revision_ = std::move(revision);
        initialized_ = true;
    }

    /// Stateless HTTP: no later request can reach this session, so it cannot ask the client.
    void set_stateless() { std::lock_guard l(mu_); stateless_ = true; }
    bool stateless() const { std::lock_guard l(mu_); return stateless_; }

    void mark_initialized_notification() { std::lock_guard l(mu_); initialized_ = true; }
    bool initialized_notification_received() const { std::lock_guard l(mu_); return initialized_; }
    json client_capabilities() const { std::lock_guard l(mu_); return client_capabilities_; }
    /// What initialize advertised to this client (list_changed goes only where it was declared).
    void set_server_capabilities(json caps) { set_server_capabilities(std::make_shared<const json>(std::move(caps))); }
    /// Shared with the dispatcher's current capabilities (no copy per request).
    void set_server_capabilities(std::shared_ptr<const json> caps) {
        std::lock_guard l(mu_);
        server_capabilities_ = std::move(caps);
    }
    json advertised_capabilities() const { std::lock_guard l(mu_); return *server_capabilities_; }
    bool advertised(std::string_view capability) const {
        std::lock_guard l(mu_);
        return server_capabilities_->contains(std::string(capability));
    }

    mcp_log_level log_level() const { std::lock_guard l(mu_); return log_level_; }
    void set_log_level(mcp_log_level level) { std::lock_guard l(mu_); log_level_ = level; logs_on_ = true; }
    /// False for a 2026-07-28 request that set no log level: no notifications/message at all.
    bool logs_enabled() const { std::lock_guard l(mu_); return logs_on_; }

    /// 2026-07-28: this session serves one request, configured from its `_meta` (revision,
    /// capabilities, client info, log level). A parent (stdio: the process's session) also
    /// registers its calls, so notifications/cancelled there reaches them.
    void set_modern(std::string revision, json client_capabilities, json client_info,
                    std::optional<mcp_log_level> level) {
        std::lock_guard l(mu_);
        modern_ = true;
        initialized_ = true;
        revision_ = std::move(revision);
        client_capabilities_ = std::move(client_capabilities);
        client_info_ = std::move(client_info);
        logs_on_ = level.has_value();
        if (level) log_level_ = *level;
    }
    void set_parent(std::shared_ptr<session_state> parent) { std::lock_guard l(mu_); parent_ = std::move(parent); }
    bool modern() const { std::lock_guard l(mu_); return modern_; }

    /// Registers a call under its request id key; false when that id is already in flight.
    bool add_call(const std::string& key, const std::shared_ptr<in_flight_call>& call) {
        std::shared_ptr<session_state> parent;
        {
            std::lock_guard l(mu_);
            if (!calls_.emplace(key, call).second) return false;
            parent = parent_;
        }
        if (parent && !parent->add_call(key, call)) {
            std::lock_guard l(mu_);
            calls_.erase(key);
            return false;
        }
        return true;
    }
    void remove_call(const std::string& key) {
        std::shared_ptr<session_state> parent;
        {
            std::lock_guard l(mu_);
            calls_.erase(key);
            parent = parent_;
        }
        if (parent) parent->remove_call(key);
    }
    /// notifications/cancelled: stop the call and suppress its response.
    void cancel_call(const std::string& key) {
        std::lock_guard l(mu_);
        if (auto it = calls_.find(key); it != calls_.end()) {
            it->second->cancelled = true;
            it->second->stop.request_stop();
        }
    }
    /// Shutdown or session end: signal every running call's stop token.
    void stop_all_calls() {
        std::lock_guard l(mu_);
        for (auto& [key, call] : calls_) call->stop.request_stop();
    }
    std::size_t calls_in_flight() const { std::lock_guard l(mu_); return calls_.size(); }

    /// Where messages unrelated to a request go (list_changed, resources/updated): stdout for
    /// stdio, the standalone GET stream's buffer for HTTP. Unset: such messages are dropped.
    void set_notifier(std::shared_ptr<outbound_sink> notifier) {
        std::lock_guard l(mu_);
        notifier_ = std::move(notifier);
    }
    void notify(json message) {
        std::shared_ptr<outbound_sink> n;
        {
            std::lock_guard l(mu_);
            if (closed_) return;
            n = notifier_;
        }
        if (n) n->send(std::move(message));
    }

    void subscribe(const std::string& uri) { std::lock_guard l(mu_); subscriptions_.insert(uri); }
    void unsubscribe(const std::string& uri) { std::lock_guard l(mu_); subscriptions_.erase(uri); }
    bool subscribed(const std::string& uri) const { std::lock_guard l(mu_); return subscriptions_.count(uri) > 0; }

    /// Registers a request to the client under a fresh integer id; nullptr once the session closed.
    /// Also nullptr when `max_pending` requests already wait.
    std::pair<jsonrpc::request_id, std::shared_ptr<pending_client_request>> open_client_request(
        std::size_t max_pending) {
        std::lock_guard l(mu_);
        jsonrpc::request_id id(next_client_request_id_++);
        if (closed_ || pending_.size() >= max_pending) return {id, nullptr};
        auto pending = std::make_shared<pending_client_request>();
        pending_.emplace(id.key(), pending);
        return {id, pending};
    }
    void forget_client_request(const jsonrpc::request_id& id) { std::lock_guard l(mu_); pending_.erase(id.key()); }
    /// The client answered one of our requests; false when no such request is waiting.
    bool settle_client_request(const jsonrpc::response& r) {
        if (!r.id) return false;
        std::shared_ptr<pending_client_request> pending;
        {
            std::lock_guard l(mu_);
            auto it = pending_.find(r.id->key());
            if (it == pending_.end()) return false;
            pending = std::move(it->second);
            pending_.erase(it);
        }
        pending->settle(r.outcome);
        return true;
    }

    /// The session ended (DELETE, expiry, eviction, EOF): running calls are stopped, requests
    /// waiting for the client fail, and nothing more is sent.
    void close() {
        {
            std::lock_guard l(mu_);
            closed_ = true;
            notifier_.reset();
        }
        fail_client_requests();  // first, so a waiting handler learns why: the session ended
        std::lock_guard l(mu_);
        for (auto& [key, call] : calls_) call->stop.request_stop();
    }
    /// The client can no longer answer (stdio EOF): requests waiting for it fail now.
    void fail_client_requests() {
        std::unordered_map<std::string, std::shared_ptr<pending_client_request>> pending;
        {
            std::lock_guard l(mu_);
            pending.swap(pending_);
        }
        for (auto& [key, p] : pending)
            p->settle(jsonrpc::error{jsonrpc::error_code::internal_error, "The session ended", std::nullopt});
    }
    bool closed() const { std::lock_guard l(mu_); return closed_; }

    /// Counts a request being answered on this session (HTTP: a POST or GET in progress); false
    /// when `max` are already in progress.
    bool begin_request(std::size_t max) {
        std::lock_guard l(mu_);
        if (active_requests_ >= max) return false;
        ++active_requests_;
        return true;
    }
    void end_request() { std::lock_guard l(mu_); --active_requests_; }

private:
    mutable std::mutex mu_;
    const std::string id_;
    const std::string fallback_user_id_;
    std::string subject_;    ///< written once before the session is shared (bind_subject)
    std::string principal_;  ///< likewise
    std::string revision_;
    bool initialized_ = false;
    json client_capabilities_ = json::object();
    json client_info_ = json::object();
    std::shared_ptr<const json> server_capabilities_ = no_capabilities();
    static std::shared_ptr<const json> no_capabilities() {
        static const auto none = std::make_shared<const json>(json::object());
        return none;
    }
    mcp_log_level log_level_ = mcp_log_level::info;
    bool logs_on_ = true;
    bool modern_ = false;
    std::shared_ptr<session_state> parent_;
    std::unordered_map<std::string, std::shared_ptr<in_flight_call>> calls_;
    bool closed_ = false;
    bool stateless_ = false;
    std::shared_ptr<outbound_sink> notifier_;
    std::unordered_set<std::string> subscriptions_;
    std::int64_t next_client_request_id_ = 0;
    std::size_t active_requests_ = 0;
    std::unordered_map<std::string, std::shared_ptr<pending_client_request>> pending_;
};

}  // namespace arcade_mcp::detail
