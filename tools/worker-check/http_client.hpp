// A small blocking HTTP/1.1 client for arcade-worker-check: one request per connection, http and
// https (certificate and host name verified against the system trust store), a deadline for the
// whole request, a cap on the response body, and no redirect following. Boost stays inside
// http_client.cpp; this header is Boost-free.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace arcade_worker_check {

/// An absolute http(s) URL split for the client. The worker base URL may carry a path prefix.
struct parsed_url {
    std::string scheme;     ///< "http" or "https"
    std::string host;       ///< lower-case name or IP literal, without brackets
    std::string port;       ///< explicit, or "80" / "443"
    std::string base_path;  ///< path without trailing '/', "" for the root

    /// The Host header value: "name", "name:port" or "[v6]:port" (port only when not the default).
    std::string host_header() const;
    /// base_path + suffix, where suffix starts with '/'.
    std::string target(std::string_view suffix) const;
};

/// Parses "http(s)://host[:port][/path]". User info, query and fragment are refused; on failure
/// returns std::nullopt and sets `error`.
std::optional<parsed_url> parse_url(std::string_view url, std::string& error);

enum class http_method { get, post, del };

using header_list = std::vector<std::pair<std::string, std::string>>;

struct request_options {
    std::chrono::milliseconds timeout{10'000};  ///< deadline for connect + TLS + write + read
    bool insecure = false;                      ///< https: skip certificate and host name checks
    std::size_t body_limit = 4 * 1024 * 1024;   ///< larger responses fail
    /// Numeric addresses to connect to, in order (from resolve_host). Empty: resolve url.host.
    std::vector<std::string> addresses;
};

struct http_result {
    int status = 0;                              ///< 0 when `error` is set
    std::map<std::string, std::string> headers;  ///< lower-case names; repeated fields joined by ", "
    std::string body;
    double ms = 0;      ///< wall time of the whole request
    std::string error;  ///< transport failure (DNS, connect, TLS, timeout, limit); empty on success
    std::string peer;   ///< the address that answered
};

struct resolve_result {
    std::vector<std::string> addresses;  ///< numeric, in getaddrinfo order, without duplicates
    double ms = 0;
    std::string error;
};

/// All addresses of `host` (IPv4 and IPv6). A lookup slower than `timeout` is abandoned.
resolve_result resolve_host(const std::string& host, const std::string& port, std::chrono::milliseconds timeout);

/// Sends one request and reads the response. Never throws for network errors (see
/// http_result::error); 3xx responses are returned as they are, never followed.
http_result request(const parsed_url& url, http_method method, std::string_view target, const header_list& headers,
                    std::string_view body, const request_options& options);

}  // namespace arcade_worker_check
