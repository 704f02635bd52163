// The process-wide metric store behind observe/metrics.hpp: fixed arrays of relaxed atomics for
// every label set known in advance, a read-mostly table of per-tool series, and the Prometheus
// text exposition (format 0.0.4) of all of it.
#include "observe/metrics.hpp"

#include "observe/metrics_internal.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>
#include <utility>
#include <vector>

namespace arcade_mcp::detail::observe {
namespace {

using counter = std::atomic<std::uint64_t>;
constexpr auto relaxed = std::memory_order_relaxed;

// --- Label sets --------------------------------------------------------------------------------

constexpr std::array<std::string_view, 9> route_labels = {
    "/mcp", "/healthz", "/metrics", "/worker/health", "/worker/tools", "/worker/tools/invoke",
    "/.well-known/oauth-protected-resource", "other", "none",
};
constexpr std::size_t route_well_known = 6;  // matched as a path prefix; the routes before it match exactly
constexpr std::size_t route_other = 7;
constexpr std::size_t route_none = 8;

constexpr unsigned lowest_status = 100;
constexpr std::size_t status_count = 500;  // 100..599
constexpr unsigned invalid_status_as = 500;

constexpr std::array<std::string_view, 20> method_labels = {
    "initialize", "ping", "tools/list", "tools/call", "resources/list", "resources/templates/list",
    "resources/read", "resources/subscribe", "resources/unsubscribe", "prompts/list", "prompts/get",
    "completion/complete", "logging/setLevel", "server/discover", "subscriptions/listen", "tasks/get",
    "tasks/result", "tasks/list", "tasks/cancel", "other",
};
constexpr std::array<std::string_view, 2> era_labels = {"legacy", "modern"};
constexpr std::array<std::string_view, 4> request_outcome_labels = {"ok", "error", "input_required", "cancelled"};

constexpr std::array<std::string_view, 10> tool_outcome_labels = {
    "ok", "tool_error", "bad_arguments", "exception", "refused", "input_required", "timeout", "cancelled", "busy",
    "unknown_tool",
};
constexpr std::string_view other_tool = "_other";
constexpr std::string_view unknown_tool = "_unknown";

constexpr std::array<std::uint64_t, 16> bucket_bounds_us = {
    500, 1'000, 2'500, 5'000, 10'000, 25'000, 50'000, 100'000, 250'000, 500'000,
    1'000'000, 2'500'000, 5'000'000, 10'000'000, 30'000'000, 60'000'000,
};
constexpr std::array<std::string_view, bucket_bounds_us.size() + 1> bucket_le_labels = {
    "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
    "0.5", "1", "2.5", "5", "10", "30", "60", "+Inf",
};

constexpr std::array<std::string_view, 5> gauge_names = {
    "arcade_mcp_sessions_open", "arcade_mcp_tool_calls_in_flight", "arcade_mcp_pool_queue_depth",
    "arcade_mcp_sse_streams_open", "arcade_mcp_http_connections_open",
};
constexpr std::array<std::string_view, 5> gauge_help = {
    "Legacy Streamable HTTP sessions in the session table.",
    "Handler calls admitted and not yet answered.",
    "Jobs waiting for a worker-pool thread.",
    "Server-sent event streams being written.",
    "Open TCP connections of every listener.",
};

constexpr std::array<std::string_view, 2> token_kind_labels = {"worker", "bearer"};
constexpr std::array<std::string_view, 13> refusal_reason_labels = {
    "missing", "malformed", "bad_signature", "expired", "not_yet_valid", "wrong_audience", "wrong_issuer",
    "wrong_version", "unknown_key", "insufficient_scope", "unavailable", "invalid_request", "other",
};

constexpr std::array<std::string_view, 7> limit_kind_labels = {
    "body_too_large", "headers_too_large", "too_many_requests", "connections", "sessions", "tool_busy",
    "pending_client_requests",
};
constexpr std::array<std::string_view, 3> drop_reason_labels = {"queue_full", "export_failed", "shutdown"};

/// The array index of an enumerator; a value outside the array (a corrupted enum) takes the last slot.
template <typename Enum>
std::size_t index_of(Enum value, std::size_t slots) noexcept {
    return std::min(static_cast<std::size_t>(value), slots - 1);
}

/// The index of `name` in `labels`, or of the last label ("other") when it is not there.
template <std::size_t N>
std::size_t label_index_or_other(const std::array<std::string_view, N>& labels, std::string_view name) noexcept {
    const auto found = std::find(labels.begin(), labels.end() - 1, name);
    return static_cast<std::size_t>(found - labels.begin());
}

// --- Storage -----------------------------------------------------------------------------------

/// One tool's counts by outcome and its latency histogram (bucket hits not cumulative; the last
/// bucket holds only the samples above every bound).
struct tool_series {
    std::array<counter, tool_outcome_labels.size()> calls{};
    std::array<counter, bucket_le_labels.size()> bucket_hits{};
    counter duration_sum_us{0};
};

constinit std::atomic<bool> requests_observed_flag{false};
constinit std::array<std::array<counter, status_count>, route_labels.size()> http_responses{};
constinit std::array<std::array<std::array<counter, request_outcome_labels.size()>, era_labels.size()>,
                     method_labels.size()>
    mcp_requests{};
constinit tool_series other_tool_series{};
constinit tool_series unknown_tool_series{};
constinit std::array<std::atomic<std::int64_t>, gauge_names.size()> gauges{};
constinit counter sse_events_replayed{0};
constinit std::array<std::array<counter, refusal_reason_labels.size()>, token_kind_labels.size()> token_refusals{};
constinit std::array<counter, limit_kind_labels.size()> limits_hit{};
constinit counter connection_failures{0};
constinit counter spans_exported{0};
constinit std::array<counter, drop_reason_labels.size()> spans_dropped{};

struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

/// The served tools' series by name, read-mostly: a lookup takes the shared lock and allocates
/// nothing; only a name seen for the first time takes the exclusive lock.
struct tool_table {
    std::shared_mutex mutex;
    std::unordered_map<std::string, std::unique_ptr<tool_series>, string_hash, std::equal_to<>> series;
};

tool_table& tools() {
    static auto* const instance = new tool_table;  // never destroyed: threads may count during exit
    return *instance;
}

void bump(counter& c, std::uint64_t n = 1) noexcept { c.fetch_add(n, relaxed); }

template <typename T>
void zero(std::atomic<T>& value) noexcept {
    value.store(T{}, relaxed);
}

template <typename T, std::size_t N>
void zero(std::array<T, N>& values) noexcept {
    for (auto& value : values) zero(value);
}

void zero(tool_series& series) noexcept {
    zero(series.calls);
    zero(series.bucket_hits);
    zero(series.duration_sum_us);
}

// --- Classification ----------------------------------------------------------------------------

std::size_t route_index(std::string_view target) noexcept {
    const auto path = target.substr(0, target.find('?'));
    if (path == "/mcp/") return 0;
    for (std::size_t i = 0; i < route_well_known; ++i) {
        if (path == route_labels[i]) return i;
    }
    if (path.starts_with(route_labels[route_well_known])) return route_well_known;
    return route_other;
}

std::size_t status_index(unsigned status) noexcept {
    if (status < lowest_status || status >= lowest_status + status_count) status = invalid_status_as;
    return status - lowest_status;
}

std::size_t bucket_index(std::uint64_t duration_us) noexcept {
    const auto bound = std::lower_bound(bucket_bounds_us.begin(), bucket_bounds_us.end(), duration_us);
    return static_cast<std::size_t>(bound - bucket_bounds_us.begin());
}

/// A name that would make an unusable or ambiguous label gets no series of its own.
bool may_have_own_series(std::string_view tool) noexcept {
    return !tool.empty() && tool != other_tool && tool != unknown_tool && is_valid_utf8(tool);
}

tool_series& add_tool_series(tool_table& table, std::string_view tool) {
    if (!may_have_own_series(tool)) return other_tool_series;
    std::unique_lock lock(table.mutex);
    if (const auto found = table.series.find(tool); found != table.series.end()) return *found->second;
    if (table.series.size() >= max_tool_series) return other_tool_series;
    const auto added = table.series.emplace(std::string(tool), std::make_unique<tool_series>()).first;
    return *added->second;
}

tool_series& series_for(std::string_view tool) noexcept {
    auto& table = tools();
    try {
        {
            std::shared_lock lock(table.mutex);
            if (const auto found = table.series.find(tool); found != table.series.end()) return *found->second;
            if (table.series.size() >= max_tool_series) return other_tool_series;
        }
        return add_tool_series(table, tool);
    } catch (...) {  // out of memory, or a lock that could not be taken: count it anyway
        return other_tool_series;
    }
}

// --- Exposition --------------------------------------------------------------------------------

/// Microseconds as exact decimal seconds: 20002300 -> "20.0023", 500 -> "0.0005", 0 -> "0".
std::string micros_as_seconds(std::uint64_t micros) {
    std::string text;
    append_integer(text, micros / 1'000'000);
    auto fraction = micros % 1'000'000;
    if (fraction == 0) return text;
    std::string fraction_digits(6, '0');
    for (auto digit = fraction_digits.rbegin(); digit != fraction_digits.rend(); ++digit, fraction /= 10) {
        *digit = static_cast<char>('0' + fraction % 10);
    }
    fraction_digits.erase(fraction_digits.find_last_not_of('0') + 1);
    return text + "." + fraction_digits;
}

void render_http_responses(std::string& out) {
    family_writer family(out, "arcade_mcp_http_requests_total", "counter",
                         "HTTP responses written, by route and status.");
    for (std::size_t route = 0; route < route_labels.size(); ++route) {
        for (std::size_t status = 0; status < status_count; ++status) {
            const auto count = http_responses[route][status].load(relaxed);
            if (count == 0) continue;
            const auto status_text = std::to_string(lowest_status + status);
            family.sample({{"route", route_labels[route]}, {"status", status_text}}, count);
        }
    }
}

void render_mcp_requests(std::string& out) {
    family_writer family(out, "arcade_mcp_requests_total", "counter",
                         "MCP requests answered, by method, era and outcome.");
    for (std::size_t method = 0; method < method_labels.size(); ++method) {
        for (std::size_t e = 0; e < era_labels.size(); ++e) {
            for (std::size_t outcome = 0; outcome < request_outcome_labels.size(); ++outcome) {
                const auto count = mcp_requests[method][e][outcome].load(relaxed);
                if (count == 0) continue;
                family.sample({{"method", method_labels[method]}, {"era", era_labels[e]},
                               {"outcome", request_outcome_labels[outcome]}},
                              count);
            }
        }
    }
}

using named_series = std::pair<std::string_view, const tool_series*>;

/// Every tool series, served tools by name first, then "_other" and "_unknown". The names and
/// series live until reset_metrics_for_testing.
std::vector<named_series> all_tool_series() {
    std::vector<named_series> all;
    {
        auto& table = tools();
        std::shared_lock lock(table.mutex);
        all.reserve(table.series.size() + 2);
        for (const auto& [name, series] : table.series) all.emplace_back(name, series.get());
    }
    std::sort(all.begin(), all.end());
    all.emplace_back(other_tool, &other_tool_series);
    all.emplace_back(unknown_tool, &unknown_tool_series);
    return all;
}

void render_tool_calls(std::string& out, const std::vector<named_series>& all) {
    family_writer family(out, "arcade_mcp_tool_calls_total", "counter", "Tool calls, by tool and outcome.");
    for (const auto& [name, series] : all) {
        for (std::size_t outcome = 0; outcome < tool_outcome_labels.size(); ++outcome) {
            const auto count = series->calls[outcome].load(relaxed);
            if (count != 0) family.sample({{"tool", name}, {"outcome", tool_outcome_labels[outcome]}}, count);
        }
    }
}

void render_tool_durations(std::string& out, const std::vector<named_series>& all) {
    family_writer family(out, "arcade_mcp_tool_call_duration_seconds", "histogram", "Tool call run time in seconds.");
    for (const auto& [name, series] : all) {
        std::array<std::uint64_t, bucket_le_labels.size()> cumulative{};
        std::uint64_t total = 0;
        for (std::size_t bucket = 0; bucket < cumulative.size(); ++bucket) {
            total += series->bucket_hits[bucket].load(relaxed);
            cumulative[bucket] = total;
        }
        if (total == 0) continue;
        for (std::size_t bucket = 0; bucket < cumulative.size(); ++bucket) {
            family.sample({{"tool", name}, {"le", bucket_le_labels[bucket]}}, cumulative[bucket], "_bucket");
        }
        family.sample_text({{"tool", name}}, micros_as_seconds(series->duration_sum_us.load(relaxed)), "_sum");
        family.sample({{"tool", name}}, total, "_count");
    }
}

void render_gauges(std::string& out) {
    for (std::size_t g = 0; g < gauge_names.size(); ++g) {
        family_writer(out, gauge_names[g], "gauge", gauge_help[g]).sample({}, gauges[g].load(relaxed));
    }
}

void render_sse_replays(std::string& out) {
    family_writer(out, "arcade_mcp_sse_events_replayed_total", "counter",
                  "Server-sent events sent again to a client resuming a stream.")
        .sample({}, sse_events_replayed.load(relaxed));
}

void render_token_refusals(std::string& out) {
    family_writer family(out, "arcade_mcp_token_refusals_total", "counter", "Tokens refused, by kind and reason.");
    for (std::size_t kind = 0; kind < token_kind_labels.size(); ++kind) {
        for (std::size_t reason = 0; reason < refusal_reason_labels.size(); ++reason) {
            const auto count = token_refusals[kind][reason].load(relaxed);
            if (count == 0) continue;
            family.sample({{"token", token_kind_labels[kind]}, {"reason", refusal_reason_labels[reason]}}, count);
        }
    }
}

void render_limits_and_failures(std::string& out) {
    family_writer limits(out, "arcade_mcp_limits_hit_total", "counter",
                         "Requests or calls refused at a limit, by kind.");
    for (std::size_t kind = 0; kind < limit_kind_labels.size(); ++kind) {
        limits.sample({{"kind", limit_kind_labels[kind]}}, limits_hit[kind].load(relaxed));
    }
    family_writer(out, "arcade_mcp_connection_failures_total", "counter", "Connections ended by an exception.")
        .sample({}, connection_failures.load(relaxed));
}

void render_trace_counters(std::string& out) {
    family_writer(out, "arcade_mcp_trace_spans_exported_total", "counter", "Trace spans exported.")
        .sample({}, spans_exported.load(relaxed));
    family_writer dropped(out, "arcade_mcp_trace_spans_dropped_total", "counter", "Trace spans dropped, by reason.");
    for (std::size_t reason = 0; reason < drop_reason_labels.size(); ++reason) {
        dropped.sample({{"reason", drop_reason_labels[reason]}}, spans_dropped[reason].load(relaxed));
    }
}

void render_build_info(std::string& out, std::string_view version) {
    family_writer(out, "arcade_mcp_build_info", "gauge", "Always 1; the version label names the server build.")
        .sample({{"version", version}}, std::uint64_t{1});
}

}  // namespace

// --- The public interface ----------------------------------------------------------------------

void set_requests_observed(bool on) noexcept { requests_observed_flag.store(on, relaxed); }
bool requests_observed() noexcept { return requests_observed_flag.load(relaxed); }

void count_http_response(std::string_view target, unsigned status) noexcept {
    bump(http_responses[route_index(target)][status_index(status)]);
}

void count_http_response_without_route(unsigned status) noexcept {
    bump(http_responses[route_none][status_index(status)]);
}

void count_limit_hit(limit_kind kind) noexcept { bump(limits_hit[index_of(kind, limits_hit.size())]); }

void count_connection_failure() noexcept { bump(connection_failures); }

void count_mcp_request(std::string_view method, era e, request_outcome outcome) noexcept {
    auto& by_era = mcp_requests[label_index_or_other(method_labels, method)];
    auto& by_outcome = by_era[index_of(e, by_era.size())];
    bump(by_outcome[index_of(outcome, by_outcome.size())]);
}

void record_tool_call(std::string_view tool, tool_outcome outcome, std::chrono::microseconds duration) noexcept {
    auto& series = series_for(tool);
    bump(series.calls[index_of(outcome, series.calls.size())]);
    if (outcome == tool_outcome::unknown_tool) return;
    const auto duration_us = static_cast<std::uint64_t>(std::max<std::int64_t>(duration.count(), 0));
    bump(series.bucket_hits[bucket_index(duration_us)]);
    bump(series.duration_sum_us, duration_us);
}

void count_unknown_tool_call() noexcept {
    bump(unknown_tool_series.calls[static_cast<std::size_t>(tool_outcome::unknown_tool)]);
}

void gauge_add(gauge g, std::int64_t delta) noexcept { gauges[index_of(g, gauges.size())].fetch_add(delta, relaxed); }

std::int64_t gauge_value(gauge g) noexcept { return gauges[index_of(g, gauges.size())].load(relaxed); }

void count_sse_events_replayed(std::size_t n) noexcept { bump(sse_events_replayed, n); }

void count_token_refusal(token_kind kind, std::string_view reason) noexcept {
    auto& by_reason = token_refusals[index_of(kind, token_refusals.size())];
    bump(by_reason[label_index_or_other(refusal_reason_labels, reason)]);
}

void count_spans_exported(std::size_t n) noexcept { bump(spans_exported, n); }

void count_spans_dropped(span_drop_reason reason, std::size_t n) noexcept {
    bump(spans_dropped[index_of(reason, spans_dropped.size())], n);
}

void render_prometheus(std::string& out, std::string_view version) {
    render_http_responses(out);
    render_mcp_requests(out);
    const auto tool_series_list = all_tool_series();
    render_tool_calls(out, tool_series_list);
    render_tool_durations(out, tool_series_list);
    render_gauges(out);
    render_sse_replays(out);
    render_token_refusals(out);
    render_limits_and_failures(out);
    render_trace_counters(out);
    render_process_metrics(out);
    render_build_info(out, version);
}

void reset_metrics_for_testing() noexcept {
    zero(http_responses);
    zero(mcp_requests);
    zero(other_tool_series);
    zero(unknown_tool_series);
    zero(gauges);
    zero(sse_events_replayed);
    zero(token_refusals);
    zero(limits_hit);
    zero(connection_failures);
    zero(spans_exported);
    zero(spans_dropped);
    auto& table = tools();
    std::unique_lock lock(table.mutex);
    table.series.clear();
}

}  // namespace arcade_mcp::detail::observe
