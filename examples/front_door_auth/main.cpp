// Example: front-door authorization. The server is an OAuth 2.1 resource server: `/mcp` needs an
// `Authorization: Bearer <JWT>` issued by the configured authorization server for this server's
// URL; clients discover where to get one from the RFC 9728 metadata at
// `/.well-known/oauth-protected-resource/mcp` and from the 401's `WWW-Authenticate` challenge.
// Tools see the token's `sub` as the user id; `read_report` also needs the scope `reports:read`
// (a token without it: 403 insufficient_scope, naming the scope to ask for).
// Configured in code on http_service_options::resource_server; `run()` reads the same settings
// from MCP_RESOURCE_SERVER_* (README, "Front-door authorization").
// Run: front_door_auth_example PORT ISSUER JWKS_URI   (serves http://127.0.0.1:PORT/mcp until a
//      line "stop" or end of input)   Check: examples/front_door_auth/check.sh <binary>
#include <arcade_mcp/http_service.hpp>
#include <arcade_mcp/mcp.hpp>

#include <cstdint>
#include <iostream>
#include <string>
#include <thread>

namespace {

struct no_args {
    static auto describe() { return arcade_mcp::fields(); }
};

struct report_args {
    std::string quarter;
    static auto describe() {
        return arcade_mcp::fields(arcade_mcp::field("quarter", &report_args::quarter, "e.g. 2026-Q3").min_length(1));
    }
};

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::cerr << "usage: " << argv[0] << " PORT ISSUER JWKS_URI\n";
        return 2;
    }
    const std::string port = argv[1];
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(port) < 1 || std::stoi(port) > 65535) {
        std::cerr << "PORT must be a number from 1 to 65535, got '" << port << "'\n";
        return 2;
    }

    arcade_mcp::server_info info;
    info.name = "reports";
    info.version = "1.0.0";
    info.toolkit = "Reports";
    arcade_mcp::server srv(info);
    // The caller is the token's subject, never a header or an argument the client chose.
    srv.add_tool<no_args>("whoami", "Who is calling.",
                          [](arcade_mcp::tool_context& ctx, const no_args&) { return std::string(ctx.user_id()); });
    srv.add_tool<report_args>("read_report", "Read a quarterly report.",
                              [](const report_args& in) { return "Revenue for " + in.quarter + ": 42"; })
        .requires_scopes({"reports:read"});  // checked before the tool runs, only over HTTP

    arcade_mcp::resource_server_options auth;
    // The URL clients use for /mcp: the tokens' audience (RFC 8707) and the metadata's `resource`.
    // https off loopback; http is accepted only for loopback hosts like this one.
    auth.canonical_url = "http://127.0.0.1:" + port + "/mcp";
    arcade_mcp::authorization_server_entry as;
    as.authorization_server_url = argv[2];  // advertised in the metadata
    as.issuer = argv[2];                    // `iss` of its tokens, compared exactly
    as.jwks_uri = argv[3];                  // its signing keys (empty: discovered from the issuer)
    as.algorithms = {"RS256", "ES256"};     // never none or HS*
    auth.authorization_servers.push_back(as);
    auth.scopes_supported = {"mcp", "reports:read"};
    auth.default_challenge_scopes = {"mcp"};  // `scope` of the 401 without a token
    auth.resource_name = "Quarterly reports";

    arcade_mcp::event_loop loop(1);
    arcade_mcp::http_service_options options;
    options.port = static_cast<std::uint16_t>(std::stoi(port));
    options.resource_server = auth;
    arcade_mcp::http_service api(srv, loop, options);
    try {
        api.start();  // invalid settings throw std::invalid_argument, a taken port std::runtime_error
    } catch (const std::exception& e) {
        std::cerr << "cannot serve: " << e.what() << '\n';
        return 1;
    }
    std::thread io([&loop] { loop.run(); });
    std::cout << "serving " << api.url() << std::endl;

    for (std::string line; std::getline(std::cin, line) && line != "stop";) {
    }
    api.stop();
    loop.stop();
    io.join();
    std::cout << "stopped" << std::endl;
    return 0;
}
