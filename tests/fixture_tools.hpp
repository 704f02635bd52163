// A test-only toolkit ("Fixture") exercising typed arguments (enum, optional, array, nested
// struct, defaults, constraints), structured object results, notifications and failures.
#pragma once

#include <arcade_mcp/mcp.hpp>

namespace fixture {

/// A server with toolkit "Fixture" and the tools below, with `page_size` tools per page.
arcade_mcp::server_info fixture_server_info(std::size_t page_size = 100);
void add_fixture_tools(arcade_mcp::server& srv);

}  // namespace fixture
