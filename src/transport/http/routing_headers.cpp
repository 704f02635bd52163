// Routing-header checks of MCP 2026-07-28 (see routing_headers.hpp).
#include "transport/http/routing_headers.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "mcp/request_meta.hpp"
#include "util/json_text.hpp"

namespace arcade_mcp::detail {
namespace {

std::string_view trim_ows(std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    return v;
}

int base64_digit(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/// Strict RFC 4648 §4 base64: length a multiple of 4, '=' only as one or two final pads.
std::optional<std::string> strict_base64(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    std::size_t pads = 0;
    while (pads < 2 && pads < text.size() && text[text.size() - 1 - pads] == '=') ++pads;
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (std::size_t i = 0; i < text.size() - pads; ++i) {
        const int d = base64_digit(text[i]);
        if (d < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(d);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xFF));
        }
    }
    if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;  // non-canonical trailing bits
    return out;
}

bool plain_visible(std::string_view v) {
    for (unsigned char c : v)
        if (c < 0x20 || c > 0x7E) return false;
    return true;
}

jsonrpc::error mismatch(std::string message) {
    return jsonrpc::error{modern_error::header_mismatch, "Header mismatch: " + std::move(message), std::nullopt};
}

/// The header form of a body value: strings as they are, integers in decimal, booleans as
/// true/false; std::nullopt for values a header cannot carry.
bool header_matches(const std::string& header, const json& body) {
    if (body.is_string()) return header == body.get_ref<const std::string&>();
    if (body.is_boolean()) return header == (body.get<bool>() ? "true" : "false");
    if (body.is_number()) {
        if (header.empty() || header.find_first_not_of("0123456789+-.eE") != std::string::npos) return false;
        char* end = nullptr;
        const double parsed = std::strtod(header.c_str(), &end);
        if (end != header.c_str() + header.size()) return false;
        return std::fabs(parsed - body.get<double>()) <= 1e-9 * std::max(1.0, std::fabs(parsed));
    }
    return false;
}

}  // namespace

std::optional<std::string> decode_header_value(std::string_view raw) {
    const auto v = trim_ows(raw);
    constexpr std::string_view open = "=?base64?", close = "?=";
    if (v.size() >= open.size() + close.size() && v.substr(0, open.size()) == open &&
        v.substr(v.size() - close.size()) == close)
        return strict_base64(v.substr(open.size(), v.size() - open.size() - close.size()));
    if (!plain_visible(v)) return std::nullopt;
    return std::string(v);
}

std::optional<jsonrpc::error> check_routing_headers(const header_lookup& header, const json& request,
                                                    const json* input_schema) {
    // Views into the request: nothing of it is copied.
    const auto method_member = request.find("method");
    const std::string_view method = method_member != request.end() && method_member->is_string()
                                        ? std::string_view(method_member->get_ref<const std::string&>())
                                        : std::string_view();
    const auto sent_method = header("Mcp-Method");
    if (!sent_method) return mismatch("the Mcp-Method header is required");
    const auto decoded_method = decode_header_value(*sent_method);
    if (!decoded_method || *decoded_method != method)
        return mismatch("Mcp-Method header value '" + std::string(trim_ows(*sent_method)) +
                        "' does not match body value '" + std::string(method) + "'");

    const json& params = member_or_null(request, "params");
    const bool task_method = method == "tasks/get" || method == "tasks/update" || method == "tasks/cancel";
    const char* name_member = method == "tools/call" || method == "prompts/get" ? "name"
                              : method == "resources/read"                      ? "uri"
                              : task_method                                     ? "taskId"
                                                                                : nullptr;
    if (name_member) {
        const json& body_name = member_or_null(params, name_member);
        const auto sent_name = header("Mcp-Name");
        if (!sent_name) return mismatch("the Mcp-Name header is required for " + std::string(method));
        const auto decoded = decode_header_value(*sent_name);
        if (!decoded || !body_name.is_string() || *decoded != body_name.get_ref<const std::string&>())
            return mismatch("Mcp-Name header value '" + std::string(trim_ows(*sent_name)) +
                            "' does not match body value '" +
                            (body_name.is_string() ? body_name.get<std::string>() : std::string()) + "'");
    }

    if (method != "tools/call" || input_schema == nullptr || !input_schema->is_object()) return std::nullopt;
    const auto props = input_schema->find("properties");
    if (props == input_schema->end() || !props->is_object()) return std::nullopt;
    const json& arguments = member_or_null(params, "arguments");
    for (const auto& [property, schema] : props->items()) {
        if (!schema.is_object()) continue;
        const auto annotation = schema.find("x-mcp-header");
        if (annotation == schema.end() || !annotation->is_string()) continue;
        const std::string header_name = "Mcp-Param-" + annotation->get<std::string>();
        const auto value = arguments.is_object() ? arguments.find(property) : arguments.end();
        const bool present = arguments.is_object() && value != arguments.end() && !value->is_null();
        const auto sent = header(header_name);
        if (!present) continue;  // no value: no header expected (one sent anyway is ignored)
        if (!sent)
            return mismatch("the " + header_name + " header is required when arguments." + property + " is present");
        const auto decoded = decode_header_value(*sent);
        if (!decoded)
            return mismatch(header_name + " header value is not valid (plain visible ASCII, or =?base64?...?=)");
        if (!header_matches(*decoded, *value))
            return mismatch(header_name + " header value does not match arguments." + property);
    }
    return std::nullopt;
}

}  // namespace arcade_mcp::detail
