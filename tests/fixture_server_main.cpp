// fixture-server: the Fixture toolkit (tests/fixture_tools.cpp) behind arcade_mcp::run, for the
// end-to-end tests of notifications over SSE, progress, stateless mode and failures; plus
// ScopedEcho, a tool that needs OAuth scopes (front-door authorization tests).
#include "fixture_tools.hpp"

namespace {

struct scoped_echo_args {
    std::string text;
    static auto describe() {
        return arcade_mcp::fields(arcade_mcp::field("text", &scoped_echo_args::text, "Text to echo"));
    }
};

}  // namespace

int main(int argc, char** argv) {
    arcade_mcp::server srv(fixture::fixture_server_info());
    fixture::add_fixture_tools(srv);
    srv.add_tool<scoped_echo_args>("scoped_echo", "Echo, for callers whose token has the reports scopes.",
                                   [](const scoped_echo_args& in) { return in.text; })
        .requires_scopes({"reports:read", "reports:admin"});
    return arcade_mcp::run(srv, argc, argv);
}
