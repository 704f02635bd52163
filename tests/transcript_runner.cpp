// Replays golden transcripts against the dispatcher (see transcript_runner.hpp).
#include "transcript_runner.hpp"

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "eval_ref_tools.hpp"
#include "error_kind_tools.hpp"
#include "fixture_tools.hpp"
#include "mcp/dispatcher.hpp"
#include "transport/stdio/stdio_transport.hpp"

namespace transcript {
using arcade_mcp::json;
namespace d = arcade_mcp::detail;

namespace {

/// Records what the server sends for one line and lets the test wait for the reply.
class recording_sink final : public d::outbound_sink {
public:
    explicit recording_sink(std::vector<std::string>& out) : out_(out) {}
    void send(json message) override {
        std::lock_guard l(mu_);
        out_.push_back(message.dump());
    }
    void finish(std::optional<json> reply) override {
        std::lock_guard l(mu_);
        if (reply) out_.push_back(reply->dump());
        done_ = true;
        cv_.notify_all();
    }
    void wait() {
        std::unique_lock l(mu_);
        if (!cv_.wait_for(l, std::chrono::seconds(10), [&] { return done_; }))
            throw std::runtime_error("no reply within 10 s");
    }

private:
    std::vector<std::string>& out_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool done_ = false;
};

}  // namespace

transcript_file parse(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot read " + file.string());
    transcript_file t;
    std::vector<std::string>* section = nullptr;
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("#! server=", 0) == 0) t.server = line.substr(10);
        else if (line == "-- client --") section = &t.client;
        else if (line == "-- server --") section = &t.server_lines;
        else if (section != nullptr && !line.empty() && line[0] != '#') section->push_back(line);
    }
    return t;
}

bool matches(const json& expected, const json& actual) {
    if (expected.is_string() && expected.get_ref<const std::string&>() == request_state_placeholder)
        return actual.is_string();
    if (expected.type() != actual.type()) return expected == actual;  // e.g. 1 == 1.0
    if (expected.is_object()) {
        if (expected.size() != actual.size()) return false;
        for (const auto& [key, value] : expected.items()) {
            const auto it = actual.find(key);
            if (it == actual.end() || !matches(value, *it)) return false;
        }
        return true;
    }
    if (expected.is_array()) {
        if (expected.size() != actual.size()) return false;
        for (std::size_t i = 0; i < expected.size(); ++i)
            if (!matches(expected[i], actual[i])) return false;
        return true;
    }
    return expected == actual;
}

namespace {

/// The client line with every "<requestState>" string replaced by `last`.
std::string with_request_state(std::string line, const std::optional<std::string>& last) {
    const std::string quoted = "\"" + std::string(request_state_placeholder) + "\"";
    for (auto at = line.find(quoted); at != std::string::npos; at = line.find(quoted, at)) {
        if (!last) throw std::runtime_error("a client line uses <requestState> before the server sent one");
        const std::string value = json(*last).dump();
        line.replace(at, quoted.size(), value);
        at += value.size();
    }
    return line;
}

/// The requestState of a server line's result, if it has one.
std::optional<std::string> request_state_of(const std::string& server_line) {
    const json j = json::parse(server_line, nullptr, false);
    if (!j.is_object() || !j.contains("result") || !j["result"].is_object()) return std::nullopt;
    const auto it = j["result"].find("requestState");
    if (it == j["result"].end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

}  // namespace

std::vector<std::string> replay(const transcript_file& t) {
    const bool fixture_tools = t.server == "fixture" || t.server == "fixture-eliciting";
    const bool error_kinds = t.server == "error-kinds";
    if (!fixture_tools && !error_kinds && t.server != "eval-ref")
        throw std::runtime_error("unknown transcript server '" + t.server + "'");
    arcade_mcp::server srv(fixture_tools ? fixture::fixture_server_info(2)
                           : error_kinds ? fixture::error_kinds_server_info()
                                         : eval_ref::reference_server_info());
    if (fixture_tools) fixture::add_fixture_tools(srv);
    else if (error_kinds) fixture::add_error_kind_tools(srv);
    else eval_ref::add_reference_tools(srv);
    if (t.server == "fixture-eliciting") fixture::add_eliciting_tools(srv);
    d::worker_pool pool(2);
    d::dispatcher core(srv, pool, d::dispatcher_options::with_user("transcript-user"));
    auto session = std::make_shared<d::session_state>(std::string(), "fallback-user");
    std::vector<std::string> out;
    std::optional<std::string> last_state;
    for (const auto& line : t.client) {
        const std::size_t before = out.size();
        auto sink = std::make_shared<recording_sink>(out);
        d::handle_stdio_line(core, session, with_request_state(line, last_state), sink);
        sink->wait();
        for (std::size_t i = before; i < out.size(); ++i)
            if (auto state = request_state_of(out[i])) last_state = std::move(state);
    }
    pool.shutdown();
    return out;
}

}  // namespace transcript
