// stdio transport implementation (see stdio_transport.hpp).
#include "transport/stdio/stdio_transport.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>
#include <string>
#include <thread>

#include "log/logger.hpp"
#include "util/json_text.hpp"
#include "util/random.hpp"

namespace arcade_mcp::detail {
namespace {

/// Writes whole lines to the output descriptor; shared by every reply of the process.
class line_writer {
public:
    explicit line_writer(int fd) : fd_(fd) {}
    void write_line(const json& message) {
        std::string line = to_json_text(message);
        line += '\n';
        std::lock_guard l(mu_);
        std::size_t off = 0;
        while (off < line.size()) {
            const ssize_t n = ::write(fd_, line.data() + off, line.size() - off);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                if (!broken_) log(log_level::warning, "stdout closed; dropping output");
                broken_ = true;
                return;
            }
            off += static_cast<std::size_t>(n);
        }
    }

private:
    std::mutex mu_;
    int fd_;
    bool broken_ = false;
};

class stdio_sink final : public outbound_sink {
public:
    explicit stdio_sink(std::shared_ptr<line_writer> out) : out_(std::move(out)) {}
    void send(json message) override { out_->write_line(message); }
    void finish(std::optional<json> reply) override {
        if (reply) out_->write_line(*reply);
    }

private:
    std::shared_ptr<line_writer> out_;
};

}  // namespace

void handle_stdio_line(dispatcher& core, const std::shared_ptr<session_state>& session, std::string_view line,
                       const std::shared_ptr<outbound_sink>& sink) {
    std::string why;
    auto payload = core.parse_limited(line, why);
    if (!payload) {
        const int code =
            why.rfind("Parse error", 0) == 0 ? jsonrpc::error_code::parse_error : jsonrpc::error_code::invalid_request;
        sink->finish(jsonrpc::make_error(std::nullopt, {code, why, std::nullopt}));
        return;
    }
    core.handle(session, std::move(*payload), sink);
}

int serve_stdio(dispatcher& core, worker_pool& pool, const stdio_options& options, const std::atomic<bool>& stop) {
    auto out = std::make_shared<line_writer>(options.out_fd);
    auto session = std::make_shared<session_state>(std::string(), random_uuid_v4());
    session->set_notifier(std::make_shared<stdio_sink>(out));  // list_changed, resources/updated
    std::string pending;
    bool discarding = false;  // inside an over-long line: skip to its newline
    char buf[64 * 1024];
    log(log_level::info, "serving MCP over stdio");
    while (!stop.load()) {
        pollfd pfd{options.in_fd, POLLIN, 0};
        const int ready = ::poll(&pfd, 1, 100);
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) break;
        if (ready == 0) continue;
        const ssize_t n = ::read(options.in_fd, buf, sizeof buf);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n <= 0) break;  // EOF or error: the client is gone
        std::string_view chunk(buf, static_cast<std::size_t>(n));
        while (!chunk.empty()) {
            const auto nl = chunk.find('\n');
            const auto part = chunk.substr(0, nl);
            if (!discarding) pending.append(part);
            if (pending.size() > options.max_line_bytes) {
                if (!discarding)
                    out->write_line(jsonrpc::make_error(
                        std::nullopt,
                        {jsonrpc::error_code::invalid_request,
                         "Invalid Request: message exceeds " + std::to_string(options.max_line_bytes) + " bytes",
                         std::nullopt}));
                discarding = true;
                pending.clear();
            }
            if (nl == std::string_view::npos) break;
            chunk.remove_prefix(nl + 1);
            if (!discarding) {
                if (!pending.empty() && pending.back() == '\r') pending.pop_back();
                if (pending.find_first_not_of(" \t") != std::string::npos)
                    handle_stdio_line(core, session, pending, std::make_shared<stdio_sink>(out));
            }
            discarding = false;
            pending.clear();
        }
    }
    // Drain: let running tool calls and tasks finish within the grace period, then signal their
    // stop tokens (tasks still running end `failed`).
    // Requests to the client can no longer be answered; 2026-07-28 listen streams end.
    core.end_listens();
    session->fail_client_requests();
    const auto deadline = std::chrono::steady_clock::now() + options.shutdown_grace;
    const auto busy = [&] { return pool.busy() > 0 || core.tasks().running() > 0; };
    while (busy() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (busy()) {
        log(log_level::warning, "grace period over; cancelling running tool calls and tasks");
        core.stop_all_calls();
    }
    session->close();
    log(log_level::info, "stdio session ended");
    return 0;
}

}  // namespace arcade_mcp::detail
