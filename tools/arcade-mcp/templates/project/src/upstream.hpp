// The upstream HTTP API FetchJson calls: an interface (so tests pass a fake) and its libcurl
// implementation, configured by UPSTREAM_URL (default https://jsonplaceholder.typicode.com).
#pragma once

#include <functional>
#include <stop_token>
#include <string>

namespace {{name_snake}} {

/// An upstream answer: the HTTP status (0 when no answer came: unreachable, timed out or
/// cancelled; `body` then says why) and the body.
struct upstream_reply {
    int status = 0;
    std::string body;
};

/// GETs a path of the upstream API; blocks; returns early when `stop` is signalled.
using upstream_client = std::function<upstream_reply(const std::string& path, std::stop_token stop)>;

/// The libcurl client: connect timeout 5 s, whole request 20 s, body at most 1 MiB.
upstream_client curl_upstream();

}  // namespace {{name_snake}}
