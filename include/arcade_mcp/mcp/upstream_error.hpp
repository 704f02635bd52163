/// @file upstream_error.hpp
/// A tool that calls an upstream HTTP API turns a failed exchange into the tool_error Arcade's
/// HTTP error adapter (arcade_tdk `HTTPErrorAdapter`, tdk 3.10) would raise: the same kind, retry
/// flag, status, model-facing message and Retry-After rules, and `extra` of the same shape
/// (docs/errors.md lists where it differs on purpose). Independent of the HTTP client: pass what
/// the response said, or which way the exchange failed.
///
/// Example (libcurl; examples/upstream_http has the whole tool):
/// @code
/// if (rc == CURLE_OPERATION_TIMEDOUT)
///     return arcade_mcp::upstream_transport_error(arcade_mcp::transport_failure::timeout, "GET", url,
///                                                 curl_easy_strerror(rc));
/// if (status >= 400)
///     return arcade_mcp::upstream_http_error({status, headers, "GET", url, body});
/// @endcode
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "arcade_mcp/mcp/tool_error.hpp"

namespace arcade_mcp {

/// What a tool knows of an upstream HTTP response that failed.
struct upstream_response {
    int status = 0;                                            ///< the HTTP status, e.g. 404
    std::vector<std::pair<std::string, std::string>> headers;  ///< response headers, names in any case
    std::string method;                                        ///< the request's method, e.g. "GET"
    std::string url;  ///< the request's URL; `extra.endpoint` keeps scheme, host and path (no user info, query)
    std::string body;  ///< the response body, for developer_message only (never shown to the model)
};

/// The tool_error for a failed upstream response, as Arcade's HTTP adapter maps it:
/// - 429, or 403 with an exhausted quota (an `x-ratelimit-remaining`-style header at 0, or a
///   positive Retry-After with an `x-ratelimit-limit`-style header): UPSTREAM_RUNTIME_RATE_LIMIT,
///   status 429, retryable after Retry-After / x-ratelimit-reset (seconds) / x-ratelimit-reset-ms
///   (1 s when none is readable);
/// - 401, 403: UPSTREAM_RUNTIME_AUTH_ERROR; 404: UPSTREAM_RUNTIME_NOT_FOUND; other 4xx (409,
///   422...): UPSTREAM_RUNTIME_BAD_REQUEST; 5xx: UPSTREAM_RUNTIME_SERVER_ERROR (retryable); below
///   400: UPSTREAM_RUNTIME_UNMAPPED.
///
/// The model reads "Upstream HTTP request failed (Not Found, client error)." (plus "Retry after N
/// second(s)." or "Rate limit encountered." for a rate limit), never the body or the URL;
/// developer_message has "HTTP 404 from GET <url>: <body, at most 1 KiB>"; extra is
/// {"service": "_http", "endpoint": scheme://host/path, "http_method": "GET"}.
tool_error upstream_http_error(const upstream_response& response);

/// How an upstream exchange failed before a complete response.
enum class transport_failure {
    timeout,             ///< connect or read timed out: NETWORK_TRANSPORT_RUNTIME_TIMEOUT, retryable
    unreachable,         ///< DNS, connection refused or reset, proxy: NETWORK_TRANSPORT_RUNTIME_UNREACHABLE, retryable
    too_many_redirects,  ///< the redirect limit was reached: NETWORK_TRANSPORT_RUNTIME_UNMAPPED, not retryable
    undecodable,         ///< the body could not be decoded: NETWORK_TRANSPORT_RUNTIME_UNMAPPED, retryable
    incomplete,          ///< any other failure mid-exchange: NETWORK_TRANSPORT_RUNTIME_UNMAPPED, retryable
    invalid_url,         ///< the URL is malformed: TOOL_RUNTIME_FATAL (the tool's fault)
    unsupported_scheme,  ///< not http or https: TOOL_RUNTIME_FATAL
    tls,                 ///< the TLS handshake failed (certificates, trust): TOOL_RUNTIME_FATAL
};

/// The tool_error for an exchange that failed before a complete response, with Arcade's messages
/// ("HTTP request timed out before a complete response was received."...). `detail` (e.g. the
/// client's own error text) becomes developer_message; extra is as for upstream_http_error plus
/// "error_type" (the failure's name, e.g. "timeout").
tool_error upstream_transport_error(transport_failure failure, std::string_view method, std::string_view url,
                                    std::string detail = {});

/// Milliseconds to wait before retrying, from Retry-After (seconds or an HTTP date),
/// x-ratelimit-reset (seconds) or x-ratelimit-reset-ms, the first present in that order; empty
/// when none is present or readable. A date in the past gives 0.
std::optional<std::int64_t> retry_after_from_headers(const std::vector<std::pair<std::string, std::string>>& headers);

}  // namespace arcade_mcp
