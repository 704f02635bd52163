// testing::client (arcade_mcp/testing.hpp): an MCP client in memory. Each request goes through
// the stdio transport's line handling into a dispatcher of its own; what the server sends back
// (notifications, its own requests, the reply) is queued, and the calling thread answers the
// server's requests from the scripts while it waits, bounded by client_options::timeout.
#include <condition_variable>
#include <deque>
#include <cstdio>
#include <mutex>
#include <thread>

#include "arcade_mcp/testing.hpp"
#include "mcp/dispatcher.hpp"
#include "transport/stdio/stdio_transport.hpp"

namespace arcade_mcp::testing {
namespace d = arcade_mcp::detail;

namespace {

/// What the server sends for one request, queued for the waiting test thread.
class queue_sink final : public d::outbound_sink {
public:
    void send(json message) override {
        std::lock_guard l(mu_);
        queue_.push_back(std::move(message));
        cv_.notify_all();
    }
    void finish(std::optional<json> reply) override {
        std::lock_guard l(mu_);
        reply_ = std::move(reply);
        finished_ = true;
        cv_.notify_all();
    }
    /// Waits (until `deadline`) for a message or the end; returns the messages so far and whether
    /// the request finished. Throws std::runtime_error at the deadline.
    std::pair<std::deque<json>, bool> next(std::chrono::steady_clock::time_point deadline) {
        std::unique_lock l(mu_);
        if (!cv_.wait_until(l, deadline, [&] { return finished_ || !queue_.empty(); }))
            throw std::runtime_error("arcade_mcp::testing::client: no answer within the timeout");
        return {std::exchange(queue_, {}), finished_};
    }
    std::optional<json> reply() {
        std::lock_guard l(mu_);
        return reply_;
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<json> queue_;
    std::optional<json> reply_;
    bool finished_ = false;
};

/// Where the server's out-of-request messages (list_changed, resources/updated) land.
class notifier_sink final : public d::outbound_sink {
public:
    explicit notifier_sink(client::state& s) : state_(s) {}
    void send(json message) override;
    void finish(std::optional<json> reply) override {
        if (reply) send(std::move(*reply));
    }

private:
    client::state& state_;
};

std::string default_revision(era e) { return e == era::stateless ? "2026-07-28" : "2025-11-25"; }

}  // namespace

struct client::state {
    state(server& srv, client_options o)
        : options(std::move(o)),
          pool(2),
          core(srv, pool, d::dispatcher_options::with_user(options.user_id)),
          session(std::make_shared<d::session_state>(std::string(), options.user_id)) {
        if (options.protocol_version.empty()) options.protocol_version = default_revision(options.protocol);
        session->set_notifier(std::make_shared<notifier_sink>(*this));
    }
    ~state() { pool.shutdown(); }

    /// Tells running handlers to stop and waits up to `grace` for the pool to be idle.
    bool stop_and_drain(std::chrono::milliseconds grace) {
        core.stop_all_calls();
        const auto deadline = std::chrono::steady_clock::now() + grace;
        while (pool.busy() > 0) {
            if (std::chrono::steady_clock::now() >= deadline) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return true;
    }

    client_options options;
    d::worker_pool pool;
    d::dispatcher core;
    std::shared_ptr<d::session_state> session;
    std::map<std::string, reply_script, std::less<>> scripts;  // by method
    std::optional<json> server_description;
    long next_id = 0;

    mutable std::mutex mu;  // guards what follows (notifier_sink writes from server threads)
    std::vector<json> notifications;
    std::vector<json> server_requests;

    void record(json message) {
        std::lock_guard l(mu);
        notifications.push_back(std::move(message));
    }

    json capabilities() const {
        json caps = json::object();
        if (scripts.contains("elicitation/create")) caps["elicitation"] = json{{"form", json::object()}};
        if (scripts.contains("sampling/createMessage")) caps["sampling"] = json::object();
        if (scripts.contains("roots/list")) caps["roots"] = json{{"listChanged", false}};
        return caps;
    }

    /// The result of the server's request `method`, from its script (an error when none).
    json answer_of(const std::string& method, const json& params) {
        {
            std::lock_guard l(mu);
            server_requests.push_back(json{{"method", method}, {"params", params}});
        }
        const auto it = scripts.find(method);
        if (it == scripts.end()) throw client_request_error(-32601, "Method not found: " + method);
        return it->second(params);
    }

    /// The JSON-RPC response to the server's request `message`.
    json respond(const json& message) {
        json response{{"jsonrpc", "2.0"}, {"id", message["id"]}};
        try {
            response["result"] = answer_of(message.value("method", std::string()), message.value("params", json()));
        } catch (const client_request_error& e) {
            response["error"] = json{{"code", e.code()}, {"message", e.what()}};
        }
        return response;
    }

    /// Sends one message as a stdio line and returns the reply (null for a notification), answering
    /// the server's requests and recording notifications while it waits.
    json exchange(const json& message) {
        auto sink = std::make_shared<queue_sink>();
        d::handle_stdio_line(core, session, message.dump(), sink);
        const auto deadline = std::chrono::steady_clock::now() + options.timeout;
        for (bool finished = false; !finished;) {
            auto [messages, done] = sink->next(deadline);
            finished = done;
            for (auto& m : messages) {
                if (m.contains("method") && m.contains("id")) {
                    auto answer_sink = std::make_shared<queue_sink>();
                    d::handle_stdio_line(core, session, respond(m).dump(), answer_sink);
                } else {
                    record(std::move(m));
                }
            }
        }
        return sink->reply().value_or(json());
    }

    json envelope(const std::string& method, json params) {
        json m{{"jsonrpc", "2.0"}, {"id", ++next_id}, {"method", method}};
        if (options.protocol == era::stateless) {
            json& meta = params["_meta"];
            meta["io.modelcontextprotocol/protocolVersion"] = options.protocol_version;
            meta["io.modelcontextprotocol/clientCapabilities"] = capabilities();
            meta["io.modelcontextprotocol/clientInfo"] = json{{"name", "arcade-mcp-testing"}, {"version", "1.0.0"}};
            if (!options.log_level.empty()) meta["io.modelcontextprotocol/logLevel"] = options.log_level;
        }
        m["params"] = std::move(params);
        return m;
    }

    /// The result of a request, or request_failed.
    static json result_of(const json& reply) {
        if (reply.contains("error")) {
            const json& e = reply["error"];
            throw request_failed(e.value("code", 0), e.value("message", std::string()), e.value("data", json()));
        }
        if (!reply.contains("result"))
            throw std::runtime_error("arcade_mcp::testing::client: no result in " + reply.dump());
        return reply["result"];
    }

    void ensure_initialized() {
        if (options.protocol == era::stateless || server_description) return;
        server_description = result_of(exchange(envelope(
            "initialize", json{{"protocolVersion", options.protocol_version},
                               {"capabilities", capabilities()},
                               {"clientInfo", {{"name", "arcade-mcp-testing"}, {"version", "1.0.0"}}}})));
        exchange(json{{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
        if (!options.log_level.empty()) exchange(envelope("logging/setLevel", json{{"level", options.log_level}}));
    }

    /// A request with the era's envelope; 2026-07-28 input rounds are answered from the scripts.
    json request(const std::string& method, json params) {
        ensure_initialized();
        json message = envelope(method, std::move(params));
        for (int round = 0; round < 16; ++round) {
            json result = result_of(exchange(message));
            if (result.value("resultType", std::string()) != "input_required") return result;
            json responses = json::object();
            const json asks = result.value("inputRequests", json::object());
            for (const auto& [key, ask] : asks.items()) {
                try {
                    responses[key] = answer_of(ask.value("method", std::string()), ask.value("params", json()));
                } catch (const client_request_error& e) {
                    throw request_failed(e.code(), e.what(), json());
                }
            }
            message["id"] = ++next_id;
            message["params"]["inputResponses"] = std::move(responses);
            if (result.contains("requestState")) message["params"]["requestState"] = result["requestState"];
            else message["params"].erase("requestState");
        }
        throw std::runtime_error("arcade_mcp::testing::client: more than 16 rounds of input requests");
    }
};

namespace {
void notifier_sink::send(json message) { state_.record(std::move(message)); }
}  // namespace

client::client(server& srv, client_options options) : s_(std::make_unique<state>(srv, std::move(options))) {}
client::~client() {
    // A handler that ignores its stop token would hang the test in pool.shutdown(): after the grace
    // period the state is left behind on purpose (its threads still use it), and the test goes on.
    if (!s_->stop_and_drain(std::chrono::seconds(5))) {
        std::fprintf(stderr, "arcade_mcp::testing::client: a handler ignored its stop token for 5 s; left running\n");
        (void)s_.release();
    }
}

void client::on_elicitation(reply_script answer) { s_->scripts["elicitation/create"] = std::move(answer); }
void client::on_sampling(reply_script answer) { s_->scripts["sampling/createMessage"] = std::move(answer); }
void client::on_roots(std::vector<std::string> uris) {
    json roots = json::array();
    for (auto& uri : uris) roots.push_back(json{{"uri", std::move(uri)}});
    s_->scripts["roots/list"] = [roots](const json&) { return json{{"roots", roots}}; };
}

json client::server_description() {
    if (s_->options.protocol == era::stateless) return request("server/discover");
    s_->ensure_initialized();
    return *s_->server_description;
}

std::vector<json> client::list_tools() {
    std::vector<json> tools;
    json params = json::object();
    for (int page = 0; page < 10000; ++page) {
        const json result = request("tools/list", params);
        for (const auto& tool : result.value("tools", json::array())) tools.push_back(tool);
        const auto cursor = result.find("nextCursor");
        if (cursor == result.end() || !cursor->is_string()) return tools;
        params["cursor"] = *cursor;
    }
    throw std::runtime_error("arcade_mcp::testing::client: tools/list did not end after 10000 pages");
}

tool_result client::call_tool(const std::string& name, json arguments) {
    json params{{"name", name}, {"arguments", std::move(arguments)}};
    params["_meta"]["progressToken"] = "call-" + std::to_string(s_->next_id + 1);
    return tool_result{request("tools/call", std::move(params))};
}

json client::request(const std::string& method, json params) { return s_->request(method, std::move(params)); }

std::vector<json> client::notifications(std::string_view method) const {
    std::lock_guard l(s_->mu);
    if (method.empty()) return s_->notifications;
    std::vector<json> out;
    for (const auto& n : s_->notifications)
        if (n.value("method", std::string()) == method) out.push_back(n);
    return out;
}

std::vector<json> client::progress() const {
    std::vector<json> out;
    for (auto& n : notifications("notifications/progress")) out.push_back(n.value("params", json()));
    return out;
}

std::vector<json> client::logs() const {
    std::vector<json> out;
    for (auto& n : notifications("notifications/message")) out.push_back(n.value("params", json()));
    return out;
}

std::vector<json> client::server_requests() const {
    std::lock_guard l(s_->mu);
    return s_->server_requests;
}

void client::clear() {
    std::lock_guard l(s_->mu);
    s_->notifications.clear();
    s_->server_requests.clear();
}

}  // namespace arcade_mcp::testing
