// encode_otlp_json: one ExportTraceServiceRequest in the OTLP JSON mapping (opentelemetry-proto):
// hex ids, 64-bit integers and nanosecond times as decimal strings, enums as integers, fields
// in lowerCamelCase. Written straight into one string (no JSON tree: the exporter encodes every
// sampled span). Any bytes in names and values give valid JSON (invalid UTF-8 is replaced).
#include <charconv>
#include <cmath>
#include <set>
#include <string_view>

#include "observe/otlp_exporter.hpp"
#include "util/utf8.hpp"

namespace arcade_mcp::detail::observe {
namespace {

constexpr std::string_view scope_name = "arcade-mcp-cpp";

/// `"name":` for a member name that needs no escaping.
void member(std::string& out, std::string_view name) {
    out += '"';
    out += name;
    out += "\":";
}

template <std::size_t N>
void hex_member(std::string& out, std::string_view name, const std::array<std::uint8_t, N>& id) {
    member(out, name);
    out += '"';
    append_hex(out, id.data(), id.size());
    out += "\",";
}

void decimal_string(std::string& out, std::uint64_t value) {
    out += '"';
    out += std::to_string(value);
    out += '"';
}

void append_double(std::string& out, double d) {
    // proto3 JSON writes the non-finite doubles as these strings (JSON numbers cannot).
    if (std::isnan(d)) {
        out += "\"NaN\"";
    } else if (std::isinf(d)) {
        out += d > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    } else {
        char buffer[32];
        const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, d);
        out.append(buffer, ec == std::errc() ? static_cast<std::size_t>(end - buffer) : 0);
    }
}

/// An AnyValue: {"stringValue": ...} | {"intValue": "<decimal>"} | {"doubleValue": ...} | {"boolValue": ...}.
void append_any_value(std::string& out, const attribute_value& value) {
    out += '{';
    if (const auto* s = std::get_if<std::string>(&value)) {
        member(out, "stringValue");
        append_json_string(out, *s);
    } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
        member(out, "intValue");
        out += '"';
        out += std::to_string(*i);
        out += '"';
    } else if (const auto* d = std::get_if<double>(&value)) {
        member(out, "doubleValue");
        append_double(out, *d);
    } else if (const auto* b = std::get_if<bool>(&value)) {
        member(out, "boolValue");
        out += *b ? "true" : "false";
    }
    out += '}';
}

void append_attribute(std::string& out, std::string_view key, const attribute_value& value) {
    out += "{\"key\":";
    append_json_string(out, key);
    out += ",\"value\":";
    append_any_value(out, value);
    out += '}';
}

void append_resource_attributes(std::string& out, const otlp_settings& settings) {
    std::set<std::string, std::less<>> seen;
    bool first = true;
    const auto add = [&](std::string_view key, std::string_view value) {
        if (!seen.emplace(key).second) return;
        if (!first) out += ',';
        first = false;
        append_attribute(out, key, attribute_value(std::string(value)));
    };
    add("service.name", settings.service_name);
    if (!settings.service_version.empty()) add("service.version", settings.service_version);
    add("telemetry.sdk.name", scope_name);
    add("telemetry.sdk.language", "cpp");
    if (!settings.service_version.empty()) add("telemetry.sdk.version", settings.service_version);
    for (const auto& [key, value] : settings.resource_attributes) add(key, value);
}

void append_span(std::string& out, const span_record& span) {
    out += '{';
    hex_member(out, "traceId", span.context.trace_id);
    hex_member(out, "spanId", span.context.span_id);
    bool root = true;
    for (const auto b : span.parent_span_id) root = root && b == 0;
    if (!root) hex_member(out, "parentSpanId", span.parent_span_id);
    if (!span.context.tracestate.empty()) {
        member(out, "traceState");
        append_json_string(out, span.context.tracestate);
        out += ',';
    }
    member(out, "name");
    append_json_string(out, span.name);
    out += ",\"kind\":";
    out += std::to_string(static_cast<int>(span.kind));
    out += ",\"startTimeUnixNano\":";
    decimal_string(out, span.start_unix_nanos);
    out += ",\"endTimeUnixNano\":";
    decimal_string(out, span.end_unix_nanos);
    if (!span.attributes.empty()) {
        out += ",\"attributes\":[";
        for (std::size_t i = 0; i < span.attributes.size(); ++i) {
            if (i) out += ',';
            append_attribute(out, span.attributes[i].key, span.attributes[i].value);
        }
        out += ']';
    }
    if (span.error) {
        out += ",\"status\":{\"code\":2";  // STATUS_CODE_ERROR
        if (!span.status_message.empty()) {
            out += ",\"message\":";
            append_json_string(out, span.status_message);
        }
        out += '}';
    }
    out += '}';
}

}  // namespace

std::string encode_otlp_json(const otlp_settings& settings, const std::vector<span_record>& spans) {
    std::string out;
    out.reserve(512 + 700 * spans.size());
    out += "{\"resourceSpans\":[{\"resource\":{\"attributes\":[";
    append_resource_attributes(out, settings);
    out += "]},\"scopeSpans\":[{\"scope\":{\"name\":";
    append_json_string(out, scope_name);
    if (!settings.service_version.empty()) {
        out += ",\"version\":";
        append_json_string(out, settings.service_version);
    }
    out += "},\"spans\":[";
    for (std::size_t i = 0; i < spans.size(); ++i) {
        if (i) out += ',';
        append_span(out, spans[i]);
    }
    out += "]}]}]}";
    return out;
}

}  // namespace arcade_mcp::detail::observe
