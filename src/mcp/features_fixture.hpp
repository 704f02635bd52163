// Test-only: the dispatcher fixture shared by the features_*_test.cpp files (a server, a worker
// pool and a dispatcher per test; sessions initialized through the dispatcher; a sink that
// captures what a request sends and waits, bounded, for its reply), plus small JSON helpers.
#pragma once

#include "mcp/dispatcher.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "mcp/paging.hpp"

namespace arcade_mcp::detail {

using namespace std::chrono_literals;

/// Records what the dispatcher sends for one payload (or what a session's notifier gets).
/// Waits are bounded.
class capture_sink final : public outbound_sink {
public:
    void send(json m) override {
        {
            std::lock_guard l(mu_);
            sent_.push_back(std::move(m));
        }
        cv_.notify_all();
    }
    void finish(std::optional<json> r) override {
        {
            std::lock_guard l(mu_);
            reply_ = std::move(r);
            ++finishes_;
        }
        cv_.notify_all();
    }
    bool wait_finished(std::chrono::milliseconds limit = 10s) {
        std::unique_lock l(mu_);
        return cv_.wait_for(l, limit, [&] { return finishes_ > 0; });
    }
    /// Waits until `n` messages were sent.
    bool wait_sent(std::size_t n, std::chrono::milliseconds limit = 10s) {
        std::unique_lock l(mu_);
        return cv_.wait_for(l, limit, [&] { return sent_.size() >= n; });
    }
    std::vector<json> sent() const {
        std::lock_guard l(mu_);
        return sent_;
    }
    std::optional<json> reply() const {
        std::lock_guard l(mu_);
        return reply_;
    }
    int finishes() const {
        std::lock_guard l(mu_);
        return finishes_;
    }
    void clear() {
        std::lock_guard l(mu_);
        sent_.clear();
    }

private:
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::vector<json> sent_;
    std::optional<json> reply_;
    int finishes_ = 0;
};

inline json rpc(int id, const std::string& method, json params = json::object()) {
    return json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

inline json call_tool(int id, const std::string& tool, json args = json::object()) {
    return rpc(id, "tools/call", json{{"name", tool}, {"arguments", std::move(args)}});
}

inline std::vector<std::string> methods_of(const std::vector<json>& messages) {
    std::vector<std::string> out;
    for (const auto& m : messages) out.push_back(m.value("method", std::string("<no method>")));
    return out;
}

inline resource_info info_of(std::string uri, std::string name) {
    resource_info info;
    info.uri = std::move(uri);
    info.name = std::move(name);
    return info;
}

inline resource_reader text_reader(std::string body) {
    return [body](tool_context&, const std::string& uri) -> result<std::vector<resource_contents>> {
        return std::vector{resource_contents::text_of(uri, body, "text/plain")};
    };
}

/// A template whose reader answers with its variables as JSON text.
inline resource_template_spec echo_template(std::string uri_template, std::string name) {
    resource_template_spec t;
    t.info = info_of(std::move(uri_template), std::move(name));
    t.read = [](tool_context&, const std::string& uri,
                const std::map<std::string, std::string>& vars) -> result<std::vector<resource_contents>> {
        return std::vector{resource_contents::text_of(uri, json(vars).dump(), "application/json")};
    };
    return t;
}

struct review_args {
    std::string code;
    std::optional<std::string> focus;
    static auto describe() {
        return fields(field("code", &review_args::code, "Code to review"),
                      field("focus", &review_args::focus, "What to look at"));
    }
};

struct language_args {
    std::string language;
    std::optional<std::string> style;
    static auto describe() {
        return fields(field("language", &language_args::language, "Programming language"),
                      field("style", &language_args::style, "Style"));
    }
};

inline server_info test_info(std::size_t page_size = 100) {
    server_info info;
    info.name = "features";
    info.version = "1.0.0";
    info.page_size = page_size;
    return info;
}

inline void add_plain_prompt(server& srv) {
    srv.add_prompt<no_arguments>("p", "A prompt", [](tool_context&, const no_arguments&) {
        return prompt_result{{}, {prompt_message::user(content_block::text("p"))}};
    });
}

/// A server, a pool and a dispatcher. The pool is drained before the dispatcher goes away.
class FeaturesTest : public ::testing::Test {
protected:
    FeaturesTest() { reset(test_info()); }
    ~FeaturesTest() override { stop(); }

    void reset(server_info info, dispatcher_options options = dispatcher_options::with_user("tester")) {
        stop();
        srv_ = std::make_unique<server>(std::move(info));
        pool_ = std::make_unique<worker_pool>(2);
        core_ = std::make_unique<dispatcher>(*srv_, *pool_, std::move(options));
    }
    void stop() {
        if (pool_) pool_->shutdown();
        core_.reset();
        pool_.reset();
        srv_.reset();
    }

    server& srv() { return *srv_; }
    dispatcher& core() { return *core_; }

    /// A session after initialize (with `capabilities`) and notifications/initialized.
    std::shared_ptr<session_state> open(json capabilities = json::object(), std::string revision = "2025-11-25") {
        auto s = std::make_shared<session_state>("session-" + std::to_string(++sessions_), "fallback");
        init_result = request(s, rpc(0, "initialize",
                                     json{{"protocolVersion", revision},
                                          {"capabilities", std::move(capabilities)},
                                          {"clientInfo", {{"name", "t"}, {"version", "0"}}}}))
                          .value("result", json());
        auto note = std::make_shared<capture_sink>();
        core().handle(s, json{{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}, note);
        EXPECT_TRUE(note->wait_finished());
        return s;
    }

    /// Handles `payload` and returns the reply (null when there was none or it timed out).
    json request(const std::shared_ptr<session_state>& s, const json& payload, std::vector<json>* sent = nullptr) {
        auto sink = std::make_shared<capture_sink>();
        core().handle(s, payload, sink);
        if (!sink->wait_finished()) {
            ADD_FAILURE() << "no reply within 10 s to " << payload.dump();
            return nullptr;
        }
        EXPECT_EQ(sink->finishes(), 1);
        if (sent) *sent = sink->sent();
        return sink->reply().value_or(json());
    }

    json result_of(const std::shared_ptr<session_state>& s, const json& payload) {
        const json r = request(s, payload);
        EXPECT_TRUE(r.contains("result")) << r.dump();
        return r.value("result", json());
    }

    json error_of(const std::shared_ptr<session_state>& s, const json& payload) {
        const json r = request(s, payload);
        EXPECT_TRUE(r.contains("error")) << r.dump();
        return r.value("error", json());
    }

    /// A session with a capturing notifier (list_changed, resources/updated).
    std::pair<std::shared_ptr<session_state>, std::shared_ptr<capture_sink>> open_with_notifier(
        json capabilities = json::object()) {
        auto s = open(std::move(capabilities));
        auto n = std::make_shared<capture_sink>();
        s->set_notifier(n);
        return {s, n};
    }

    json init_result;

private:
    std::unique_ptr<server> srv_;
    std::unique_ptr<worker_pool> pool_;
    std::unique_ptr<dispatcher> core_;
    int sessions_ = 0;
};

}  // namespace arcade_mcp::detail
