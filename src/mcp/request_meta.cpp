// Reading the per-request `_meta` of MCP 2026-07-28 (see request_meta.hpp).
#include "mcp/request_meta.hpp"

#include "jsonrpc/errors.hpp"

#include "mcp/protocol_version.hpp"

namespace arcade_mcp::detail {
namespace {

}  // namespace

std::optional<mcp_log_level> parse_mcp_level(const json& j) {
    static constexpr std::pair<std::string_view, mcp_log_level> names[] = {
        {"debug", mcp_log_level::debug},   {"info", mcp_log_level::info},
        {"notice", mcp_log_level::notice}, {"warning", mcp_log_level::warning},
        {"error", mcp_log_level::error},   {"critical", mcp_log_level::critical},
        {"alert", mcp_log_level::alert},   {"emergency", mcp_log_level::emergency}};
    if (!j.is_string()) return std::nullopt;
    for (const auto& [name, level] : names)
        if (name == j.get_ref<const std::string&>()) return level;
    return std::nullopt;
}

bool carries_request_meta(const json& message) {
    if (!message.is_object()) return false;
    const auto params = message.find("params");
    if (params == message.end() || !params->is_object()) return false;
    const auto meta = params->find("_meta");
    return meta != params->end() && meta->is_object() && meta->contains(meta_protocol_version);
}

std::variant<checked_request_meta, jsonrpc::error> check_request_meta(const json& params) {
    const auto meta = params.is_object() ? params.find("_meta") : params.end();
    if (!params.is_object() || meta == params.end() || !meta->is_object())
        return invalid_params("Invalid params: _meta is required and must be an object");
    checked_request_meta out;
    const auto version = meta->find(meta_protocol_version);
    if (version == meta->end() || !version->is_string())
        return invalid_params("Invalid params: _meta[\"" + std::string(meta_protocol_version) +
                              "\"] (string) is required");
    out.revision = version->get_ref<const std::string&>();
    const auto caps = meta->find(meta_client_capabilities);
    if (caps == meta->end() || !caps->is_object())
        return invalid_params("Invalid params: _meta[\"" + std::string(meta_client_capabilities) +
                              "\"] (object) is required");
    out.client_capabilities = &*caps;
    if (const auto info = meta->find(meta_client_info); info != meta->end()) {
        if (!info->is_object())
            return invalid_params("Invalid params: _meta[\"" + std::string(meta_client_info) +
                                        "\"] must be an object");
        out.client_info = &*info;
    }
    if (const auto level = meta->find(meta_log_level); level != meta->end()) {
        out.log_level = parse_mcp_level(*level);
        if (!out.log_level)
            return invalid_params("Invalid params: _meta[\"" + std::string(meta_log_level) +
                                  "\"] must be one of debug, info, notice, warning, error, critical, alert, emergency");
    }
    return out;
}

std::variant<request_meta, jsonrpc::error> read_request_meta(const json& params) {
    auto checked = check_request_meta(params);
    if (auto* err = std::get_if<jsonrpc::error>(&checked)) return std::move(*err);
    const auto& c = std::get<checked_request_meta>(checked);
    request_meta out;
    out.revision = std::string(c.revision);
    out.client_capabilities = *c.client_capabilities;
    out.client_info = c.client_info ? *c.client_info : json::object();
    out.log_level = c.log_level;
    return out;
}

std::optional<jsonrpc::error> check_served_revision(std::string_view revision) {
    if (is_modern_revision(revision)) return std::nullopt;
    return unsupported_version_error(revision);
}

jsonrpc::error unsupported_version_error(std::string_view requested) {
    json supported = json::array();
    std::string list;
    for (auto r : all_revisions_newest_first) {
        supported.push_back(r);
        list += (list.empty() ? "" : ", ") + std::string(r);
    }
    return jsonrpc::error{
        modern_error::unsupported_protocol_version,
        "Unsupported protocol version: " + std::string(requested) + " (supported versions: " + list + ")",
        json{{"supported", std::move(supported)}, {"requested", std::string(requested)}}};
}

}  // namespace arcade_mcp::detail
