// Replays golden transcripts against the dispatcher (see transcript_runner.hpp).
#include "transcript_runner.hpp"

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <stdexcept>

#include "eval_ref_tools.hpp"
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
        if (!cv_.wait_for(l, std::chrono::seconds(10), [&] { return done_; })) throw std::runtime_error("no reply within 10 s");
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

std::vector<std::string> replay(const transcript_file& t) {
    arcade_mcp::server srv(t.server == "fixture" ? fixture::fixture_server_info(2) : eval_ref::reference_server_info());
    if (t.server == "fixture") fixture::add_fixture_tools(srv);
    else eval_ref::add_reference_tools(srv);
    d::worker_pool pool(2);
    d::dispatcher core(srv, pool, d::dispatcher_options::with_user("transcript-user"));
    auto session = std::make_shared<d::session_state>(std::string(), "fallback-user");
    std::vector<std::string> out;
    for (const auto& line : t.client) {
        auto sink = std::make_shared<recording_sink>(out);
        d::handle_stdio_line(core, session, line, sink);
        sink->wait();
    }
    pool.shutdown();
    return out;
}

}  // namespace transcript
