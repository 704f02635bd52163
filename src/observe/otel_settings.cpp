// otlp_settings_from_env: the trace exporter's settings from the OpenTelemetry SDK environment
// variables (OTEL_SDK_DISABLED, OTEL_TRACES_EXPORTER, OTEL_EXPORTER_OTLP_*, OTEL_SERVICE_NAME,
// OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER[_ARG], OTEL_BSP_*). An empty variable counts as
// unset, as the specification says. Errors name the variable and never quote its value (headers
// carry API keys).
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "observe/otlp_exporter.hpp"
#include "util/ascii.hpp"

namespace arcade_mcp::detail::observe {
namespace {

using env_function = std::function<std::optional<std::string>(std::string_view)>;

constexpr std::size_t max_url_chars = 2048;
constexpr std::uint64_t max_millis = 600000;  // 10 minutes, for the timeout and the schedule delay
constexpr std::uint64_t max_queue_spans = 1000000;

/// The variable's value without surrounding blanks; nullopt when unset or empty.
std::optional<std::string> get(const env_function& env, std::string_view name) {
    auto value = env(name);
    if (!value) return std::nullopt;
    const auto trimmed = trim_blanks(*value);
    if (trimmed.empty()) return std::nullopt;
    return std::string(trimmed);
}

/// Sets `error` to "<variable>: <what>" and returns nullopt, for `return fail(...)`.
std::nullopt_t fail(std::string& error, std::string_view variable, std::string_view what) {
    error.assign(variable).append(": ").append(what);
    return std::nullopt;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

bool all_digits(std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

/// http:// or https://, a host (name, IPv4 or [IPv6]), an optional port; no blanks, controls,
/// non-ASCII or user info (credentials belong in OTEL_EXPORTER_OTLP_HEADERS).
bool valid_endpoint(std::string_view url) {
    if (url.size() > max_url_chars) return false;
    for (const char c : url) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7F || c == '\\') return false;
    }
    if (starts_with_ci(url, "https://"))
        url.remove_prefix(8);
    else if (starts_with_ci(url, "http://"))
        url.remove_prefix(7);
    else
        return false;
    const auto authority = url.substr(0, url.find_first_of("/?#"));
    if (authority.empty() || authority.find('@') != std::string_view::npos) return false;
    std::string_view host = authority;
    std::string_view port;
    bool has_port = false;
    if (authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos || close == 1) return false;
        host = authority.substr(0, close + 1);
        const auto rest = authority.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return false;
            has_port = true;
            port = rest.substr(1);
        }
    } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        has_port = true;
        port = authority.substr(colon + 1);
    }
    if (host.empty()) return false;
    if (has_port) {
        if (!all_digits(port) || port.size() > 5) return false;
        unsigned value = 0;
        std::from_chars(port.data(), port.data() + port.size(), value);
        if (value == 0 || value > 65535) return false;
    }
    return true;
}

/// A whole decimal number in [min, max].
bool parse_number(std::string_view text, std::uint64_t min, std::uint64_t max, std::uint64_t& out) {
    if (!all_digits(text)) return false;
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) return false;
    out = value;
    return true;
}

/// Percent-decodes `in` ("%41" -> "A"; "+" stays "+"); false on a '%' without two hex digits.
bool percent_decode(std::string_view in, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out.push_back(in[i]);
            continue;
        }
        if (i + 2 >= in.size()) return false;
        const int hi = hex_digit_value(in[i + 1]);
        const int lo = hex_digit_value(in[i + 2]);
        if (hi < 0 || lo < 0) return false;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return true;
}

/// An HTTP field name (RFC 9110 token).
bool header_name_ok(std::string_view name) {
    if (name.empty()) return false;
    for (const char c : name) {
        const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) return false;
    }
    return true;
}

/// An HTTP field value: no control characters but tab (no CR or LF: no header injection).
bool header_value_ok(std::string_view value) {
    for (const char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7F) return false;
    }
    return true;
}

enum class list_kind { headers, attributes };

/// Parses "k=v,k2=v2" (W3C Baggage-like: blanks around keys and values trimmed, both
/// percent-decoded, empty members skipped) into `out`, where a later key replaces an earlier one
/// (header names compared without case). False when malformed.
bool parse_pairs(std::string_view text, list_kind kind, std::vector<std::pair<std::string, std::string>>& out) {
    std::string key;
    std::string value;
    while (true) {
        const auto comma = text.find(',');
        const auto member = trim_blanks(text.substr(0, comma));
        if (!member.empty()) {
            const auto eq = member.find('=');
            if (eq == std::string_view::npos) return false;
            if (!percent_decode(trim_blanks(member.substr(0, eq)), key) ||
                !percent_decode(trim_blanks(member.substr(eq + 1)), value))
                return false;
            if (kind == list_kind::headers ? !header_name_ok(key) || !header_value_ok(value) : key.empty())
                return false;
            bool replaced = false;
            for (auto& [k, v] : out) {
                if (kind == list_kind::headers ? iequals(k, key) : k == key) {
                    v = value;
                    replaced = true;
                    break;
                }
            }
            if (!replaced) out.emplace_back(key, value);
        }
        if (comma == std::string_view::npos) return true;
        text.remove_prefix(comma + 1);
    }
}

/// OTEL_TRACES_SAMPLER (and its argument) into `out`; false with `error` set when invalid.
bool read_sampler(const env_function& env, sampler_settings& out, std::string& error) {
    const auto name = get(env, "OTEL_TRACES_SAMPLER");
    if (!name) return true;  // the default: parentbased_always_on
    using k = sampler_settings::kind;
    const auto lower = ascii_lower(*name);
    if (lower == "always_on") {
        out.sampler = k::always_on;
    } else if (lower == "always_off") {
        out.sampler = k::always_off;
    } else if (lower == "traceidratio") {
        out.sampler = k::traceidratio;
    } else if (lower == "parentbased_always_on") {
        out.sampler = k::parentbased_always_on;
    } else if (lower == "parentbased_always_off") {
        out.sampler = k::parentbased_always_off;
    } else if (lower == "parentbased_traceidratio") {
        out.sampler = k::parentbased_traceidratio;
    } else {
        fail(error, "OTEL_TRACES_SAMPLER",
             "unsupported sampler (supported: always_on, always_off, traceidratio, parentbased_always_on, "
             "parentbased_always_off, parentbased_traceidratio)");
        return false;
    }
    out.ratio = 1.0;
    if (out.sampler != k::traceidratio && out.sampler != k::parentbased_traceidratio) return true;
    const auto arg = get(env, "OTEL_TRACES_SAMPLER_ARG");
    if (!arg) return true;
    double ratio = -1.0;
    const char* first = arg->data();
    const char* last = first + arg->size();
    const auto [end, ec] = std::from_chars(first, last, ratio);
    if (ec != std::errc{} || end != last || !(ratio >= 0.0 && ratio <= 1.0)) {
        fail(error, "OTEL_TRACES_SAMPLER_ARG", "not a sampling ratio between 0 and 1");
        return false;
    }
    out.ratio = ratio;
    return true;
}

/// The effective protocol variable is valid: unset or http/json.
bool read_protocol(const env_function& env, std::string& error) {
    const char* name = "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL";
    auto value = get(env, name);
    if (!value) {
        name = "OTEL_EXPORTER_OTLP_PROTOCOL";
        value = get(env, name);
    }
    if (!value || ascii_lower(*value) == "http/json") return true;
    fail(error, name,
         "this server exports OTLP/HTTP with JSON encoding only; set it to http/json (a collector's OTLP/HTTP "
         "receiver accepts JSON)");
    return false;
}

}  // namespace

std::optional<otlp_settings> otlp_settings_from_env(const env_function& env, std::string_view program_name,
                                                    std::string& error) {
    error.clear();
    if (const auto disabled = get(env, "OTEL_SDK_DISABLED"); disabled && iequals(*disabled, "true"))
        return std::nullopt;
    bool exporter_otlp = false;
    if (const auto exporter = get(env, "OTEL_TRACES_EXPORTER")) {
        if (iequals(*exporter, "none")) return std::nullopt;
        if (!iequals(*exporter, "otlp"))
            return fail(error, "OTEL_TRACES_EXPORTER", "unsupported exporter (supported: otlp, none)");
        exporter_otlp = true;
    }
    const auto traces_endpoint = get(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    const auto endpoint = get(env, "OTEL_EXPORTER_OTLP_ENDPOINT");
    if (!traces_endpoint && !endpoint && !exporter_otlp) return std::nullopt;

    otlp_settings settings;
    if (traces_endpoint) {
        if (!valid_endpoint(*traces_endpoint))
            return fail(error, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                        "not an http:// or https:// URL with a host (and no user info), at most 2048 characters");
        settings.endpoint = *traces_endpoint;
    } else if (endpoint) {
        std::string url = *endpoint;
        url.append(url.back() == '/' ? "v1/traces" : "/v1/traces");
        if (!valid_endpoint(*endpoint) || !valid_endpoint(url))
            return fail(error, "OTEL_EXPORTER_OTLP_ENDPOINT",
                        "not an http:// or https:// URL with a host (and no user info), at most 2048 characters");
        settings.endpoint = std::move(url);
    }
    if (!read_protocol(env, error)) return std::nullopt;

    for (const char* name : {"OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS"}) {
        const auto value = get(env, name);
        if (value && !parse_pairs(*value, list_kind::headers, settings.headers))
            return fail(error, name,
                        "malformed; expected comma-separated name=value pairs with percent-encoded values and "
                        "valid HTTP header names (the value is not shown)");
    }
    if (const auto value = get(env, "OTEL_RESOURCE_ATTRIBUTES")) {
        if (!parse_pairs(*value, list_kind::attributes, settings.resource_attributes))
            return fail(error, "OTEL_RESOURCE_ATTRIBUTES",
                        "malformed; expected comma-separated key=value pairs with percent-encoded values");
    }
    std::optional<std::string> service_name = get(env, "OTEL_SERVICE_NAME");
    for (auto it = settings.resource_attributes.begin(); it != settings.resource_attributes.end(); ++it) {
        if (it->first == "service.name") {
            if (!service_name) service_name = it->second;
            settings.resource_attributes.erase(it);
            break;
        }
    }
    if (service_name)
        settings.service_name = std::move(*service_name);
    else
        settings.service_name = program_name.empty() ? std::string("unknown_service") : std::string(program_name);

    std::uint64_t number = 0;
    {
        const char* name = "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT";
        auto value = get(env, name);
        if (!value) {
            name = "OTEL_EXPORTER_OTLP_TIMEOUT";
            value = get(env, name);
        }
        if (value) {
            if (!parse_number(*value, 1, max_millis, number))
                return fail(error, name, "not a whole number of milliseconds between 1 and 600000");
            settings.timeout = std::chrono::milliseconds(number);
        }
    }
    if (const auto value = get(env, "OTEL_BSP_SCHEDULE_DELAY")) {
        if (!parse_number(*value, 1, max_millis, number))
            return fail(error, "OTEL_BSP_SCHEDULE_DELAY", "not a whole number of milliseconds between 1 and 600000");
        settings.schedule_delay = std::chrono::milliseconds(number);
    }
    if (const auto value = get(env, "OTEL_BSP_MAX_QUEUE_SIZE")) {
        if (!parse_number(*value, 1, max_queue_spans, number))
            return fail(error, "OTEL_BSP_MAX_QUEUE_SIZE", "not a whole number between 1 and 1000000");
        settings.max_queue = static_cast<std::size_t>(number);
    }
    if (const auto value = get(env, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE")) {
        if (!parse_number(*value, 1, settings.max_queue, number))
            return fail(error, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
                        "not a whole number between 1 and the queue size (OTEL_BSP_MAX_QUEUE_SIZE, default 2048)");
        settings.max_batch = static_cast<std::size_t>(number);
    } else if (settings.max_batch > settings.max_queue) {
        settings.max_batch = settings.max_queue;  // the default batch never exceeds a smaller queue
    }
    if (!read_sampler(env, settings.sampler, error)) return std::nullopt;
    return settings;
}

}  // namespace arcade_mcp::detail::observe
