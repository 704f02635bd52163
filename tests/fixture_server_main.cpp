// fixture-server: the Fixture toolkit (tests/fixture_tools.cpp) behind arcade_mcp::run, for the
// end-to-end tests of notifications over SSE, progress, stateless mode and failures.
#include "fixture_tools.hpp"

int main(int argc, char** argv) {
    arcade_mcp::server srv(fixture::fixture_server_info());
    fixture::add_fixture_tools(srv);
    return arcade_mcp::run(srv, argc, argv);
}
