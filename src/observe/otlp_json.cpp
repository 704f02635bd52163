// encode_otlp_json: one ExportTraceServiceRequest in the OTLP JSON mapping (opentelemetry-proto):
// hex ids, 64-bit integers and nanosecond times as decimal strings, enums as integers, fields
// in lowerCamelCase. Any bytes in names and values give valid JSON (invalid UTF-8 is replaced).
#include <cmath>
#include <set>
#include <string_view>

#include "arcade_mcp/json.hpp"
#include "observe/otlp_exporter.hpp"

namespace arcade_mcp::detail::observe {
namespace {

constexpr std::string_view scope_name = "arcade-mcp-cpp";

json any_value(const attribute_value& value) {
    json out = json::object();
    if (const auto* s = std::get_if<std::string>(&value)) {
        out["stringValue"] = *s;
    } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
        out["intValue"] = std::to_string(*i);
    } else if (const auto* d = std::get_if<double>(&value)) {
        // proto3 JSON writes the non-finite doubles as these strings (JSON numbers cannot).
        if (std::isnan(*d))
            out["doubleValue"] = "NaN";
        else if (std::isinf(*d))
            out["doubleValue"] = *d > 0 ? "Infinity" : "-Infinity";
        else
            out["doubleValue"] = *d;
    } else if (const auto* b = std::get_if<bool>(&value)) {
        out["boolValue"] = *b;
    }
    return out;
}

json string_attribute(std::string_view key, std::string_view value) {
    json out = json::object();
    out["key"] = key;
    out["value"] = json{{"stringValue", value}};
    return out;
}

json resource_attributes(const otlp_settings& settings) {
    json out = json::array();
    std::set<std::string, std::less<>> seen;
    const auto add = [&](std::string_view key, std::string_view value) {
        if (seen.emplace(key).second) out.push_back(string_attribute(key, value));
    };
    add("service.name", settings.service_name);
    if (!settings.service_version.empty()) add("service.version", settings.service_version);
    add("telemetry.sdk.name", scope_name);
    add("telemetry.sdk.language", "cpp");
    if (!settings.service_version.empty()) add("telemetry.sdk.version", settings.service_version);
    for (const auto& [key, value] : settings.resource_attributes) add(key, value);
    return out;
}

json encode_span(const span_record& span) {
    json out = json::object();
    std::string id;
    append_hex(id, span.context.trace_id.data(), span.context.trace_id.size());
    out["traceId"] = std::move(id);
    id.clear();
    append_hex(id, span.context.span_id.data(), span.context.span_id.size());
    out["spanId"] = std::move(id);
    bool root = true;
    for (const auto b : span.parent_span_id) root = root && b == 0;
    if (!root) {
        id.clear();
        append_hex(id, span.parent_span_id.data(), span.parent_span_id.size());
        out["parentSpanId"] = std::move(id);
    }
    if (!span.context.tracestate.empty()) out["traceState"] = span.context.tracestate;
    out["name"] = span.name;
    out["kind"] = static_cast<int>(span.kind);
    out["startTimeUnixNano"] = std::to_string(span.start_unix_nanos);
    out["endTimeUnixNano"] = std::to_string(span.end_unix_nanos);
    if (!span.attributes.empty()) {
        json attributes = json::array();
        for (const auto& attribute : span.attributes) {
            json a = json::object();
            a["key"] = attribute.key;
            a["value"] = any_value(attribute.value);
            attributes.push_back(std::move(a));
        }
        out["attributes"] = std::move(attributes);
    }
    if (span.error) {
        json status = json::object();
        status["code"] = 2;  // STATUS_CODE_ERROR
        if (!span.status_message.empty()) status["message"] = span.status_message;
        out["status"] = std::move(status);
    }
    return out;
}

}  // namespace

std::string encode_otlp_json(const otlp_settings& settings, const std::vector<span_record>& spans) {
    json scope = json::object();
    scope["name"] = scope_name;
    if (!settings.service_version.empty()) scope["version"] = settings.service_version;
    json encoded = json::array();
    for (const auto& span : spans) encoded.push_back(encode_span(span));
    json scope_spans = json::object();
    scope_spans["scope"] = std::move(scope);
    scope_spans["spans"] = std::move(encoded);
    json resource_spans = json::object();
    resource_spans["resource"] = json{{"attributes", resource_attributes(settings)}};
    resource_spans["scopeSpans"] = json::array({std::move(scope_spans)});
    json request = json::object();
    request["resourceSpans"] = json::array({std::move(resource_spans)});
    return request.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace arcade_mcp::detail::observe
