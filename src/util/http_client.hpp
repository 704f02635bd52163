// One blocking HTTP request with libcurl (loaded with dlopen, util/curl_library.hpp): a method,
// headers and a body out; the status, the body (bounded while it arrives) and a short reason on
// failure back. http and https only, no redirects, TLS peer and host verified, the whole
// transfer bounded in time. Thread-safe; every call has its own handle.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace arcade_mcp::detail {

struct http_request {
    std::string method = "GET";  ///< "GET" or "POST"
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;  ///< names and values without CR/LF
    std::string body;                                          ///< sent with POST
    std::chrono::milliseconds timeout{10000};                  ///< the whole transfer, connect included
    std::size_t max_response_bytes = 1024 * 1024;              ///< a larger body is a failure
    std::string ca_file;  ///< an extra CA bundle (PEM); empty: the system's
};

struct http_response {
    bool transported = false;  ///< an HTTP answer arrived (any status)
    long status = 0;           ///< its status
    std::string body;          ///< its body
    /// When !transported: libcurl's short reason ("Couldn't connect to server"); for a TLS
    /// failure followed by libcurl's details, which say what is wrong with the peer.
    std::string error;
    bool timed_out = false;  ///< when !transported: the time limit passed
};

/// Sends `request`; never throws.
http_response send_http_request(const http_request& request);

}  // namespace arcade_mcp::detail
