// The engine check steps (see engine_check.hpp). Each step sends what the engine or `arcade
// deploy` sends and explains a mismatch in operator terms. Secrets and tokens are redacted from
// every line before it is reported.
#include "engine_check.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "address_class.hpp"
#include "arcade_mcp/json.hpp"
#include "util/random.hpp"

namespace arcade_worker_check {
namespace {

using arcade_mcp::json;
using ordered_json = nlohmann::ordered_json;
using steady = std::chrono::steady_clock;

constexpr std::string_view k_public_only_explanation =
    "the Arcade engine refuses dashboard-registered workers on private addresses (public-only transport) "
    "although /worker/health looks healthy; use a public ingress (see deploy docs) or declare the worker in "
    "the engine's own configuration";
constexpr std::int64_t k_token_ttl_seconds = 300;
constexpr std::string_view k_mcp_protocol = "2025-06-18";  // what `arcade deploy` sends

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

/// The body on one line, control characters replaced, at most `max` bytes.
std::string snippet(std::string_view body, std::size_t max = 200) {
    std::string out;
    for (char c : body.substr(0, max)) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
    if (body.size() > max) out += "...";
    return out.empty() ? "(empty body)" : out;
}

std::string header(const http_result& r, const std::string& name) {
    auto it = r.headers.find(name);
    return it == r.headers.end() ? std::string{} : it->second;
}

/// Explains why `r` is not the expected answer: transport error, redirect, or another status.
std::string unexpected(const http_result& r, int expected, std::string_view hint_404 = {}) {
    if (!r.error.empty()) return r.error;
    const std::string status = "HTTP " + std::to_string(r.status);
    if (r.status >= 300 && r.status < 400) {
        const auto location = header(r, "location");
        return status + " redirect to " + (location.empty() ? std::string("(no Location header)") : location) +
               " -- not followed: register the final URL as the worker URL (the engine appends /worker/... to it)";
    }
    std::string text = status + " (expected " + std::to_string(expected) + ")";
    if (r.status == 404 && !hint_404.empty()) text += ": " + std::string(hint_404);
    return text + ": " + snippet(r.body);
}

std::optional<std::string> string_at(const json& j, std::initializer_list<const char*> path) {
    const json* cur = &j;
    for (const char* key : path) {
        if (!cur->is_object() || !cur->contains(key)) return std::nullopt;
        cur = &(*cur)[key];
    }
    if (!cur->is_string()) return std::nullopt;
    return cur->get<std::string>();
}

std::string format_ms(double ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, ms >= 10 ? "%.0f" : "%.1f", ms);
    return buf;
}

constexpr std::string_view k_worker_404_hint =
    "worker routes not registered (ARCADE_WORKER_SECRET unset or empty on the server) or wrong base URL";

class checker {
public:
    checker(const engine_check_options& options, const std::function<void(const step_result&)>& report)
        : opt_(options), report_(report) {
        http_.timeout = options.timeout;
        http_.insecure = options.insecure;
    }

    std::vector<step_result> run() {
        if (!resolve()) return std::move(results_);
        transport_security();
        health();
        if (unreachable_) {
            for (const char* step : {"tools", "tools-auth", "invoke", "mcp-initialize"}) {
                emit(verdict::fail, step, 0, "not run: /worker/health got no HTTP answer (see the health step)");
            }
            return std::move(results_);
        }
        tools();
        tools_auth();
        invoke();
        mcp_initialize();
        return std::move(results_);
    }

private:
    // ---- reporting ---------------------------------------------------------------------------
    void emit(verdict v, std::string step, double ms, std::string detail) {
        step_result r{v, std::move(step), ms, redact(std::move(detail))};
        results_.push_back(r);
        if (report_) report_(results_.back());
    }

    std::string redact(std::string text) const {
        auto replace_all = [&text](const std::string& needle) {
            if (needle.empty()) return;
            for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos)) {
                text.replace(pos, needle.size(), "<redacted>");
                pos += 10;
            }
        };
        for (const auto& t : tokens_) replace_all(t);
        if (opt_.secret.size() >= 4) replace_all(opt_.secret);
        return text;
    }

    /// A fresh token per request, as the engine does; remembered only for redaction.
    std::string bearer() {
        tokens_.push_back(arcade_mcp::detail::mint_worker_token(opt_.secret, unix_now(), k_token_ttl_seconds));
        return "Bearer " + tokens_.back();
    }

    http_result send(http_method m, std::string_view suffix, const header_list& headers, std::string_view body = {}) {
        return request(opt_.url, m, opt_.url.target(suffix), headers, body, http_);
    }

    // ---- step 1: resolve and classify ----------------------------------------------------------
    bool resolve() {
        auto r = resolve_host(opt_.url.host, opt_.url.port, opt_.timeout);
        if (!r.error.empty()) {
            emit(verdict::fail, "resolve", r.ms, "cannot resolve " + opt_.url.host + ": " + r.error);
            return false;
        }
        std::string list;
        for (const auto& a : r.addresses) list += (list.empty() ? "" : ", ") + a;
        emit(verdict::pass, "resolve", r.ms, opt_.url.host + " -> " + list);
        http_.addresses = r.addresses;

        bool any_internal = false;
        for (const auto& a : r.addresses) {
            const auto c = classify_address(a);
            if (!c) continue;
            if (is_internal(*c)) {
                any_internal = true;
                emit(verdict::warn, "public-only", 0,
                     a + " is a " + std::string(describe(*c)) + " address: " + std::string(k_public_only_explanation));
            } else {
                any_public_ = true;
            }
        }
        if (!any_internal) emit(verdict::pass, "public-only", 0, "every address is public");
        return true;
    }

    void transport_security() {
        if (opt_.url.scheme == "https" && opt_.insecure) {
            emit(verdict::warn, "tls", 0,
                 "certificate verification disabled (--insecure); the engine verifies the certificate");
        } else if (opt_.url.scheme == "http" && any_public_) {
            emit(verdict::warn, "tls", 0,
                 "plain http to a public address: worker tokens and tool data cross the network unencrypted; "
                 "put TLS in front (https)");
        }
    }

    // ---- step 2: GET /worker/health -------------------------------------------------------------
    void health() {
        const auto r = send(http_method::get, "/worker/health", {});
        if (r.status == 0) unreachable_ = true;
        if (r.status != 200) return emit(verdict::fail, "health", r.ms, unexpected(r, 200, k_worker_404_hint));
        const auto j = json::parse(r.body, nullptr, false);
        if (j.is_discarded() || !j.is_object())
            return emit(verdict::fail, "health", r.ms, "body is not a JSON object: " + snippet(r.body));
        if (string_at(j, {"status"}) != "ok")
            return emit(verdict::fail, "health", r.ms, "status is not \"ok\": " + snippet(r.body));
        const auto count = string_at(j, {"tool_count"});
        if (!count) {
            return emit(verdict::fail, "health", r.ms,
                        "tool_count must be a string (e.g. \"3\"), got: " + snippet(r.body));
        }
        health_tool_count_ = *count;
        emit(verdict::pass, "health", r.ms, "200 {\"status\":\"ok\",\"tool_count\":\"" + *count + "\"} from " + r.peer);
    }

    // ---- step 3: GET /worker/tools with a token ----------------------------------------------------
    void tools() {
        const auto r = send(http_method::get, "/worker/tools", {{"Authorization", bearer()}});
        if (r.status == 401) {
            return emit(
                verdict::fail, "tools", r.ms,
                "401 with a freshly minted token (Bearer <redacted>): the server's ARCADE_WORKER_SECRET differs "
                "from the secret given here, or its clock is off: " +
                    snippet(r.body));
        }
        if (r.status != 200) return emit(verdict::fail, "tools", r.ms, unexpected(r, 200, k_worker_404_hint));
        const auto j = json::parse(r.body, nullptr, false);
        if (j.is_discarded() || !j.is_array())
            return emit(verdict::fail, "tools", r.ms, "body is not a JSON array: " + snippet(r.body));

        std::string fqns;
        std::vector<std::string> problems;
        for (std::size_t i = 0; i < j.size(); ++i) {
            const auto& t = j[i];
            const auto name = string_at(t, {"name"});
            const auto fqn = string_at(t, {"fully_qualified_name"});
            const auto toolkit = string_at(t, {"toolkit", "name"});
            const bool params = t.is_object() && t.contains("input") && t["input"].is_object() &&
                                t["input"].contains("parameters") && t["input"]["parameters"].is_array();
            std::string missing;
            if (!name) missing += " name";
            if (!fqn) missing += " fully_qualified_name";
            if (!toolkit) missing += " toolkit.name";
            if (!params) missing += " input.parameters";
            if (!missing.empty()) {
                problems.push_back("tool #" + std::to_string(i) + " lacks" + missing);
                continue;
            }
            fqns += (fqns.empty() ? "" : ", ") + *fqn;
            if (whoami_toolkit_.empty() && iequals(*name, "Whoami")) whoami_toolkit_ = *toolkit;
        }
        if (!problems.empty()) {
            std::string text;
            for (std::size_t i = 0; i < problems.size() && i < 3; ++i) text += (i ? "; " : "") + problems[i];
            if (problems.size() > 3) text += "; ...";
            return emit(verdict::fail, "tools", r.ms, "invalid ToolDefinition: " + text);
        }
        tools_listed_ = true;
        std::string detail =
            std::to_string(j.size()) + (j.size() == 1 ? " tool: " : " tools: ") + (fqns.empty() ? "(none)" : fqns);
        if (j.empty()) {
            return emit(verdict::warn, "tools", r.ms,
                        detail + " -- the engine will show a healthy worker with 0 tools");
        }
        if (!health_tool_count_.empty() && health_tool_count_ != std::to_string(j.size())) {
            return emit(verdict::warn, "tools", r.ms,
                        detail + " (but /worker/health says tool_count " + health_tool_count_ + ")");
        }
        emit(verdict::pass, "tools", r.ms, detail);
    }

    // ---- step 4: GET /worker/tools without a token ---------------------------------------------------
    void tools_auth() {
        const auto r = send(http_method::get, "/worker/tools", {});
        if (r.status == 401) {
            const auto www = header(r, "www-authenticate");
            return emit(verdict::pass, "tools-auth", r.ms,
                        "401 without a token" + (www.empty() ? std::string{} : " (WWW-Authenticate: " + www + ")"));
        }
        if (r.status == 403) {
            return emit(
                verdict::warn, "tools-auth", r.ms,
                "403 without a token: authentication is on, but current servers answer 401 (older FastAPI answer)");
        }
        if (r.status == 200) {
            return emit(verdict::fail, "tools-auth", r.ms,
                        "200 without a token: authentication is off (ARCADE_AUTH_DISABLED=true?) -- anyone who can "
                        "reach this URL can list and invoke the tools");
        }
        emit(verdict::fail, "tools-auth", r.ms, unexpected(r, 401, k_worker_404_hint));
    }

    // ---- step 5: POST /worker/tools/invoke -------------------------------------------------------------
    void invoke() {
        if (!tools_listed_)
            return emit(verdict::warn, "invoke", 0, "skipped: the tool list is unknown (see the tools step)");
        if (whoami_toolkit_.empty()) {
            return emit(verdict::warn, "invoke", 0, "skipped: no tool named Whoami in /worker/tools");
        }
        const std::string execution_id = "engine-check-" + arcade_mcp::detail::random_hex(8);
        const ordered_json body = {
            {"execution_id", execution_id},
            {"tool", {{"name", "Whoami"}, {"toolkit", whoami_toolkit_}, {"version", nullptr}}},
            {"inputs", ordered_json::object()},
            {"context",
             {{"user_id", opt_.user_id},
              {"secrets", ordered_json::array()},
              {"metadata", ordered_json::array()},
              {"authorization", nullptr}}},
        };
        const auto r = send(http_method::post, "/worker/tools/invoke",
                            {{"Authorization", bearer()}, {"Content-Type", "application/json"}}, body.dump());
        if (r.status != 200) return emit(verdict::fail, "invoke", r.ms, unexpected(r, 200, k_worker_404_hint));
        const auto j = json::parse(r.body, nullptr, false);
        if (j.is_discarded() || !j.is_object())
            return emit(verdict::fail, "invoke", r.ms, "body is not a JSON object: " + snippet(r.body));
        if (!j.contains("success") || j["success"] != true) {
            const auto message = string_at(j, {"output", "error", "message"});
            return emit(verdict::fail, "invoke", r.ms,
                        "success is not true: " + (message ? *message : snippet(r.body)));
        }
        const auto value = j.contains("output") && j["output"].is_object() && j["output"].contains("value")
                               ? j["output"]["value"]
                               : json();
        if (value != opt_.user_id) {
            return emit(verdict::fail, "invoke", r.ms,
                        "output.value is " + value.dump() + ", expected the user id \"" + opt_.user_id +
                            "\" (context.user_id must reach the tool verbatim)");
        }
        if (string_at(j, {"execution_id"}) != execution_id) {
            return emit(verdict::fail, "invoke", r.ms, "execution_id not echoed: " + snippet(r.body));
        }
        emit(verdict::pass, "invoke", r.ms,
             whoami_toolkit_ + ".Whoami returned \"" + opt_.user_id + "\", execution_id echoed");
    }

    // ---- step 6: POST /mcp initialize, as `arcade deploy` does ---------------------------------------
    void mcp_initialize() {
        const ordered_json body = {
            {"jsonrpc", "2.0"},
            {"id", 1},
            {"method", "initialize"},
            {"params",
             {{"protocolVersion", k_mcp_protocol},
              {"capabilities", ordered_json::object()},
              {"clientInfo", {{"name", "arcade-worker-check"}, {"version", "0.1.0"}}}}},
        };
        const auto r = send(http_method::post, "/mcp",
                            {{"Accept", "application/json, text/event-stream"}, {"Content-Type", "application/json"}},
                            body.dump());
        if (r.status != 200)
            return emit(verdict::fail, "mcp-initialize", r.ms, unexpected(r, 200, "no MCP endpoint at /mcp"));
        const auto content_type = header(r, "content-type");
        if (content_type.rfind("application/json", 0) != 0) {
            return emit(
                verdict::fail, "mcp-initialize", r.ms,
                "Content-Type is '" + content_type +
                    "', expected application/json (arcade deploy JSON-decodes the initialize answer; never SSE)");
        }
        const auto j = json::parse(r.body, nullptr, false);
        if (j.is_discarded() || !j.is_object())
            return emit(verdict::fail, "mcp-initialize", r.ms, "body is not a JSON object: " + snippet(r.body));
        if (j.contains("error"))
            return emit(verdict::fail, "mcp-initialize", r.ms, "JSON-RPC error: " + snippet(j["error"].dump()));
        const auto name = string_at(j, {"result", "serverInfo", "name"});
        const auto version = string_at(j, {"result", "serverInfo", "version"});
        if (!name || !version) {
            return emit(verdict::fail, "mcp-initialize", r.ms,
                        "result.serverInfo.name/version missing: " + snippet(r.body));
        }
        const auto session = header(r, "mcp-session-id");
        const auto protocol = string_at(j, {"result", "protocolVersion"}).value_or("?");
        if (session.empty()) {
            return emit(verdict::fail, "mcp-initialize", r.ms,
                        "serverInfo " + *name + " " + *version + " but no Mcp-Session-Id header");
        }
        const auto del =
            send(http_method::del, "/mcp", {{"Mcp-Session-Id", session}, {"MCP-Protocol-Version", protocol}});
        const std::string closed =
            del.status != 0 ? "DELETE " + std::to_string(del.status) : "DELETE failed: " + del.error;
        emit(verdict::pass, "mcp-initialize", r.ms + del.ms,
             "serverInfo " + *name + " " + *version + ", protocol " + protocol + ", Mcp-Session-Id received (" +
                 closed + ")");
    }

    const engine_check_options& opt_;
    const std::function<void(const step_result&)>& report_;
    request_options http_;
    std::vector<step_result> results_;
    std::vector<std::string> tokens_;
    std::string health_tool_count_;
    std::string whoami_toolkit_;
    bool tools_listed_ = false;
    bool any_public_ = false;
    bool unreachable_ = false;
};

}  // namespace

std::vector<step_result> run_engine_check(const engine_check_options& options,
                                          const std::function<void(const step_result&)>& report) {
    return checker(options, report).run();
}

std::string format_step(const step_result& r) {
    const char* word = r.outcome == verdict::pass ? "PASS" : r.outcome == verdict::warn ? "WARN" : "FAIL";
    return std::string(word) + " " + r.step + " (" + format_ms(r.ms) + " ms): " + r.detail;
}

std::string format_summary(const std::vector<step_result>& results) {
    std::size_t pass = 0, warn = 0, fail = 0;
    for (const auto& r : results) {
        (r.outcome == verdict::pass ? pass : r.outcome == verdict::warn ? warn : fail) += 1;
    }
    std::string text = "summary: " + std::to_string(pass) + " PASS, " + std::to_string(warn) + " WARN, " +
                       std::to_string(fail) + " FAIL -> ";
    if (fail > 0) return text + "the worker is NOT ready for the engine (see FAIL lines)";
    if (warn > 0) return text + "the worker answers like an engine expects (read the WARN lines)";
    return text + "the worker is ready for the engine";
}

bool all_passed(const std::vector<step_result>& results) {
    return std::none_of(results.begin(), results.end(),
                        [](const step_result& r) { return r.outcome == verdict::fail; });
}

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace arcade_worker_check
