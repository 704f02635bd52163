// Boost-free request policy of the Streamable HTTP transport: which Host and Origin values are
// allowed (DNS-rebinding protection), Accept / Content-Type matching, and the path of the MCP
// endpoint. Pure functions over strings, unit-tested in http_policy_test.cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace arcade_mcp::detail {

/// Allowed Host and Origin values. Built once from the bind address and the configuration.
class origin_policy {
public:
    /// `bind_host` decides the defaults: on a loopback address only loopback names are allowed;
    /// elsewhere the Host header is checked only when `allowed_hosts` is configured.
    origin_policy(std::string_view bind_host, std::vector<std::string> allowed_hosts,
                  std::vector<std::string> allowed_origins);

    /// `Host` header value ("name", "name:port", "[v6]:port").
    bool host_allowed(std::string_view host_header) const;
    /// `Origin` header value ("scheme://host[:port]"); "null" and anything malformed are refused.
    bool origin_allowed(std::string_view origin) const;
    bool checks_host() const noexcept { return check_host_; }

private:
    bool host_name_allowed(std::string_view host, std::string_view port) const;

    bool check_host_ = true;
    std::vector<std::string> hosts_;    ///< "name" (any port) or "name:port", lower-case
    std::vector<std::string> origins_;  ///< exact origins, lower-case, no trailing slash
};

bool is_loopback_host(std::string_view host);
/// Splits "name:port" / "[v6]:port" / "name" into lower-case name and port ("" when absent).
std::optional<std::pair<std::string, std::string>> split_authority(std::string_view authority);

/// Whether an Accept header lists `type` ("application/json"), directly or through a wildcard.
bool accepts(std::string_view accept_header, std::string_view type);
/// Whether a Content-Type header names `type` (parameters such as charset are ignored).
bool content_type_is(std::string_view content_type, std::string_view type);
/// The request target without query string is "/mcp" or "/mcp/".
bool is_mcp_path(std::string_view target);

}  // namespace arcade_mcp::detail
