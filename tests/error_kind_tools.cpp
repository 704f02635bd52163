// The Errors toolkit (see error_kind_tools.hpp).
#include "error_kind_tools.hpp"

#include <stdexcept>
#include <string>

namespace fixture {
using namespace arcade_mcp;

namespace {

struct fail_as_args {
    std::string kind;
    static auto describe() { return fields(field("kind", &fail_as_args::kind, "An Arcade ErrorKind name")); }
};

/// The error a tool reporting `kind` makes, as a tool author would write it.
tool_error error_of_kind(error_kind kind) {
    using k = error_kind;
    switch (kind) {
        case k::tool_runtime_retry:
            return tool_error::retry("The index is rebuilding", "Retry in a few seconds.", 1500);
        case k::tool_runtime_context_required:
            return tool_error::context_required("Which calendar?", "Ask the user which calendar to use.");
        case k::tool_runtime_fatal:
            return tool_error::fatal("The export cannot be written");
        case k::upstream_runtime_bad_request:
            return tool_error::upstream(400, "Upstream HTTP request failed (Bad Request, client error).");
        case k::upstream_runtime_auth_error:
            return tool_error::upstream(401, "Upstream HTTP request failed (Unauthorized, client error).");
        case k::upstream_runtime_not_found:
            return tool_error::upstream(404, "Upstream HTTP request failed (Not Found, client error).");
        case k::upstream_runtime_validation_error:
            return tool_error::upstream_validation("The title is too long", 422);
        case k::upstream_runtime_rate_limit:
            return tool_error::upstream_rate_limit(
                "Upstream HTTP request failed (Too Many Requests, client error). Retry after 2 second(s).", 2000);
        case k::upstream_runtime_server_error:
            return tool_error::upstream(503, "Upstream HTTP request failed (Service Unavailable, server error).");
        case k::upstream_runtime_unmapped:
            return tool_error::upstream(302, "Upstream HTTP request failed (Found, redirection).");
        case k::network_transport_runtime_timeout:
            return tool_error::network(kind, "HTTP request timed out before a complete response was received.");
        case k::network_transport_runtime_unreachable:
            return tool_error::network(kind, "HTTP request failed before reaching the upstream service.");
        case k::network_transport_runtime_unmapped:
            return tool_error::network(kind, "HTTP redirect limit exceeded before a final response was received.",
                                       false);
        default:
            break;  // kinds no factory makes (load, definition, output and unknown): set by hand
    }
    tool_error e = tool_error::execution("Failed as " + std::string(to_string(kind)));
    e.kind = kind;
    return e;
}

}  // namespace

server_info error_kinds_server_info() {
    server_info info;
    info.name = "errors";
    info.version = "1.0.0";
    info.toolkit = "Errors";
    return info;
}

void add_error_kind_tools(server& srv) {
    srv.add_tool<fail_as_args>(
        "fail_as", "Fails with the error kind asked for.", [](const fail_as_args& in) -> result<std::string> {
            for (int n = 0; n < 20; ++n) {
                const auto kind = static_cast<error_kind>(n);
                if (to_string(kind) != in.kind) continue;
                return error_of_kind(kind)
                    .with_developer_message("upstream said: " + in.kind + " (request r-17)")
                    .with_extra(json{{"service", "_http"}, {"endpoint", "https://api.example/items"}});
            }
            return tool_error::retry("Unknown kind " + in.kind, "Use an ErrorKind name.");
        });
    srv.add_tool<no_arguments>("throws", "Throws.",
                               [](const no_arguments&) -> int { throw std::out_of_range("index 7 past the end"); });
}

}  // namespace fixture
