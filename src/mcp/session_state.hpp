// Per-session protocol state (negotiated revision, client capabilities, log level) kept apart from
// per-request state (request_scope in tool_call.cpp). A stdio process has one session; Streamable
// HTTP has one per Mcp-Session-Id, or a throwaway one per request in stateless mode.
// Thread-safety: all members behind `mu`; use the accessors.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <unordered_map>

#include "arcade_mcp/json.hpp"
#include "arcade_mcp/mcp/tool_context.hpp"

namespace arcade_mcp::detail {

/// A tools/call in progress: cancelled by notifications/cancelled or shutdown.
struct in_flight_call {
    std::stop_source stop;
    std::atomic<bool> cancelled{false};  ///< the client cancelled: send no response
};

class session_state {
public:
    explicit session_state(std::string id, std::string fallback_user_id)
        : id_(std::move(id)), fallback_user_id_(std::move(fallback_user_id)) {}

    const std::string& id() const noexcept { return id_; }
    /// Per-session random user id used when no ARCADE_USER_ID is configured.
    const std::string& fallback_user_id() const noexcept { return fallback_user_id_; }

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
    void assume_revision(std::string revision) { std::lock_guard l(mu_); revision_ = std::move(revision); initialized_ = true; }

    void mark_initialized_notification() { std::lock_guard l(mu_); initialized_ = true; }
    bool initialized_notification_received() const { std::lock_guard l(mu_); return initialized_; }
    json client_capabilities() const { std::lock_guard l(mu_); return client_capabilities_; }

    mcp_log_level log_level() const { std::lock_guard l(mu_); return log_level_; }
    void set_log_level(mcp_log_level level) { std::lock_guard l(mu_); log_level_ = level; }

    /// Registers a call under its request id key; false when that id is already in flight.
    bool add_call(const std::string& key, std::shared_ptr<in_flight_call> call) {
        std::lock_guard l(mu_);
        return calls_.emplace(key, std::move(call)).second;
    }
    void remove_call(const std::string& key) { std::lock_guard l(mu_); calls_.erase(key); }
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

private:
    mutable std::mutex mu_;
    const std::string id_;
    const std::string fallback_user_id_;
    std::string revision_;
    bool initialized_ = false;
    json client_capabilities_ = json::object();
    json client_info_ = json::object();
    mcp_log_level log_level_ = mcp_log_level::info;
    std::unordered_map<std::string, std::shared_ptr<in_flight_call>> calls_;
};

}  // namespace arcade_mcp::detail
