// Fuzz target: the JSON-RPC decoder (jsonrpc::decode) and the MCP dispatcher, fed the way the
// stdio transport feeds them.
// Input: up to 16 lines (split at '\n'; a trailing '\r' is dropped and blank lines are skipped,
// as serve_stdio does). Each line is parsed and classified with jsonrpc::decode (every element
// of an array), then handed to detail::handle_stdio_line with a sink that only counts, into one
// dispatcher serving a small server: a typed tool taking fuzz::args (fuzz_types.hpp), tools that
// fail, throw, wait for cancellation and ask the client, a resource, two URI templates with a
// completer, and a prompt with a completer. 2026-07-28 lines (with `_meta`) take the modern path
// (per-request sessions, multi-round answers, request state, listen streams, which are ended
// before waiting). Every input gets a fresh session; unless its first
// line is itself an `initialize` request, the session is initialized first (2025-11-25, client
// capabilities for sampling/elicitation/roots) so every method is reachable. A line's tool call
// is not awaited before the next line is handled (so later lines can cancel it); at the end of
// the input the target waits for every reply (finish() exactly once, within 3 s) and for the
// worker pool to go idle, then closes the session, so no work crosses inputs.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "fuzz_types.hpp"
#include "log/logger.hpp"
#include "mcp/dispatcher.hpp"
#include "transport/stdio/stdio_transport.hpp"

namespace {

using namespace arcade_mcp;
using namespace std::chrono_literals;
using detail::outbound_sink;

[[noreturn]] void die(const char* what) {
    std::fprintf(stderr, "jsonrpc_dispatch_fuzz: %s\n", what);
    std::abort();
}

/// Counts what the dispatcher sends for one payload; checks the outbound_sink contract
/// (finish exactly once, nothing sent after it).
class counting_sink final : public outbound_sink {
public:
    void send(json) override {
        std::lock_guard l(mu_);
        if (finishes_ > 0) die("send() after finish()");
        ++sent_;
    }
    void finish(std::optional<json> reply) override {
        {
            std::lock_guard l(mu_);
            if (++finishes_ > 1) die("finish() called twice");
            replied_ = reply.has_value();
        }
        cv_.notify_all();
    }
    bool wait_finished(std::chrono::steady_clock::time_point deadline) {
        std::unique_lock l(mu_);
        return cv_.wait_until(l, deadline, [&] { return finishes_ > 0; });
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    int sent_ = 0;
    int finishes_ = 0;
    bool replied_ = false;
};

/// The session's notifier (list_changed, resources/updated): counts only.
class counting_notifier final : public outbound_sink {
public:
    void send(json) override { ++sent_; }
    void finish(std::optional<json>) override {}

private:
    std::atomic<int> sent_{0};
};

/// The first bytes of `s`, at most `n`, not cutting a UTF-8 sequence (a tool returning invalid
/// UTF-8 would take the library's exception path instead of the success path under test).
std::string utf8_prefix(const std::string& s, std::size_t n) {
    if (s.size() <= n) return s;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    return s.substr(0, n);
}

/// A tool's answer: a summary of the decoded arguments (exercises encoding too).
fuzz::item summarize(const fuzz::args& a) {
    fuzz::item out;
    out.name = a.text.empty() ? "empty" : utf8_prefix(a.text, 16);
    out.count = static_cast<std::int32_t>(a.items.size() + a.tags.size());
    out.where = a.origin;
    out.done = a.flag;
    return out;
}

struct review_args {
    std::string code;
    std::optional<std::string> language;
    static auto describe() {
        return fields(field("code", &review_args::code, "Code to review"),
                      field("language", &review_args::language, "Language"));
    }
};

resource_info info_of(std::string uri, std::string name) {
    resource_info info;
    info.uri = std::move(uri);
    info.name = std::move(name);
    return info;
}

completion_result complete_from(const completion_request& r) {
    return completion_result::matching({"alpha", "beta", "c", "cpp", "python", r.value + "!"}, r.value);
}

void build_server(server& srv) {
    srv.add_tool<fuzz::args>("typed", "Decodes rich typed arguments", [](tool_context& ctx, const fuzz::args& a) {
        ctx.log(mcp_log_level::info, json{{"text", a.text}});
        ctx.report_progress(1, 2, "half");
        return summarize(a);
    });
    srv.add_tool<no_arguments>("fails", "Returns a tool error", [](const no_arguments&) -> result<std::string> {
        return tool_error::execution("failing on purpose");
    });
    srv.add_tool<no_arguments>(
        "throws", "Throws", [](const no_arguments&) -> std::string { throw std::runtime_error("thrown on purpose"); });
    srv.add_tool<no_arguments>(
        "waits", "Waits up to 5 ms for cancellation", [](tool_context& ctx, const no_arguments&) {
            const auto until = std::chrono::steady_clock::now() + 5ms;
            while (!ctx.stop_token().stop_requested() && std::chrono::steady_clock::now() < until)
                std::this_thread::sleep_for(200us);
            return ctx.stop_token().stop_requested();
        });
    srv.add_tool<no_arguments>(
        "asks", "Asks the client (times out after 5 ms)", [](tool_context& ctx, const no_arguments&) {
            try {
                return ctx
                    .request_client("sampling/createMessage", json{{"messages", json::array()}, {"maxTokens", 1}}, 5ms)
                    .dump();
            } catch (const client_request_error& e) {
                return std::string(e.what());
            }
        });
    srv.add_resource(info_of("fuzz://static", "static"),
                     [](tool_context&, const std::string& uri) -> result<std::vector<resource_contents>> {
                         return std::vector{resource_contents::text_of(uri, "static body", "text/plain")};
                     });
    resource_template_spec items;
    items.info = info_of("fuzz://items/{id}/{+rest}", "items");
    items.read = [](tool_context&, const std::string& uri,
                    const std::map<std::string, std::string>& vars) -> result<std::vector<resource_contents>> {
        if (vars.count("id") && vars.at("id") == "missing") return resource_not_found(uri);
        // Variables are percent-decoded from a fuzzed URI: any bytes, so not necessarily UTF-8.
        return std::vector{resource_contents::text_of(
            uri, json(vars).dump(-1, ' ', false, json::error_handler_t::replace), "application/json")};
    };
    items.complete("id", [](tool_context&, const completion_request& r) { return complete_from(r); });
    srv.add_resource_template(std::move(items));
    resource_template_spec files;
    files.info = info_of("file:///{+path}", "files");
    files.read = [](tool_context&, const std::string& uri,
                    const std::map<std::string, std::string>&) -> result<std::vector<resource_contents>> {
        return std::vector{resource_contents::text_of(uri, "file", "text/plain")};
    };
    srv.add_resource_template(std::move(files));
    srv.add_prompt<review_args>(
           "review", "A prompt with a required and an optional argument",
           [](tool_context&, const review_args& a) {
               return prompt_result{
                   {},
                   {prompt_message::user(content_block::text("Review " + a.code + " in " + a.language.value_or("?")))}};
           })
        .complete("language", [](tool_context&, const completion_request& r) { return complete_from(r); });
}

struct harness {
    harness() : srv(info()), pool(2), core(srv, pool, detail::dispatcher_options::with_user("fuzzer")) {
        build_server(srv);
    }
    ~harness() { pool.shutdown(); }
    static server_info info() {
        server_info i;
        i.name = "fuzz";
        i.version = "1.0.0";
        i.page_size = 2;  // small pages: list cursors are reachable
        return i;
    }
    server srv;
    detail::worker_pool pool;
    detail::dispatcher core;
};

harness* the_harness = nullptr;

const std::string& init_line() {
    static const std::string line = json{
        {"jsonrpc", "2.0"},
        {"id", 0},
        {"method", "initialize"},
        {"params",
         {{"protocolVersion", "2025-11-25"},
          {"capabilities", {{"sampling", json::object()}, {"elicitation", json::object()}, {"roots", json::object()}}},
          {"clientInfo",
           {{"name", "fuzz"},
            {"version", "0"}}}}}}.dump();
    return line;
}

/// The lines serve_stdio would hand over (at most 16).
std::vector<std::string_view> lines_of(std::string_view in) {
    std::vector<std::string_view> out;
    while (!in.empty() && out.size() < 16) {
        const auto nl = in.find('\n');
        auto line = in.substr(0, nl);
        in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.find_first_not_of(" \t") != std::string_view::npos) out.push_back(line);
    }
    return out;
}

/// Classifies `line` directly (the decoder alone) and exercises the encoders on what it finds.
void decode_directly(std::string_view line) {
    const json value = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) return;
    const auto one = [](const json& v) {
        const jsonrpc::message m = jsonrpc::decode(v);
        if (const auto* r = std::get_if<jsonrpc::request>(&m)) {
            if (!r->params.is_object()) die("request params not an object");
            (void)r->id.key();
            (void)jsonrpc::make_result(r->id, r->params).dump();
        } else if (const auto* n = std::get_if<jsonrpc::notification>(&m)) {
            if (!n->params.is_object()) die("notification params not an object");
            (void)jsonrpc::make_notification(n->method, n->params).dump();
        } else if (const auto* inv = std::get_if<jsonrpc::invalid_message>(&m)) {
            (void)jsonrpc::make_error(inv->id, inv->err).dump();
        }
    };
    if (value.is_array()) {
        for (const auto& v : value) one(v);
    } else {
        one(value);
    }
}

/// One input: a fresh session, its lines, then wait until everything it started is done.
void run_input(harness& h, const std::vector<std::string_view>& lines) {
    auto session = std::make_shared<detail::session_state>("fuzz-session", "fuzz-user");
    session->set_notifier(std::make_shared<counting_notifier>());
    std::vector<std::shared_ptr<counting_sink>> sinks;
    const auto feed = [&](std::string_view line) {
        auto sink = std::make_shared<counting_sink>();
        sinks.push_back(sink);
        detail::handle_stdio_line(h.core, session, line, sink);
    };
    const bool fuzzed_initialize =
        !lines.empty() && detail::dispatcher::is_initialize_request(json::parse(lines.front(), nullptr, false));
    if (!fuzzed_initialize) {
        feed(init_line());
        feed(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
    }
    for (const auto line : lines) {
        decode_directly(line);
        feed(line);
    }

    h.core.end_listens();  // 2026-07-28 subscriptions/listen streams finish only when ended
    const auto deadline = std::chrono::steady_clock::now() + 3s;
    for (const auto& sink : sinks)
        if (!sink->wait_finished(deadline)) die("a payload was never finished (no reply within 3 s)");
    session->close();
    while (h.pool.busy() > 0) {
        if (std::chrono::steady_clock::now() > deadline + 1s) die("the worker pool did not go idle");
        std::this_thread::yield();
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    detail::configure_logging(detail::log_format::text, detail::log_level::off);
    the_harness = new harness();  // lives for the process (worker threads keep running)
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    harness& h = *the_harness;
    run_input(h, lines_of(std::string_view(reinterpret_cast<const char*>(data), size)));
    // dispatcher::sessions_ keeps a weak_ptr per initialized session (pinning the session's
    // make_shared block) and prunes them only on a broadcast: broadcast after every input, so
    // nothing outlives it (libFuzzer runs a full leak scan after any input whose allocations
    // are not all freed, which costs ~15 ms) and a long run does not grow without bound.
    h.srv.notify_resource_updated("fuzz://prune");
    return 0;
}
