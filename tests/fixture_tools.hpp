// A test-only toolkit ("Fixture") exercising typed arguments (enum, optional, array, nested
// struct, defaults, constraints), structured object results, notifications and failures.
#pragma once

#include <arcade_mcp/mcp.hpp>

namespace fixture {

/// A server with toolkit "Fixture" and the tools below, with `page_size` tools per page.
arcade_mcp::server_info fixture_server_info(std::size_t page_size = 100);
void add_fixture_tools(arcade_mcp::server& srv);
/// Tools that ask the client (Fixture_Confirm: one elicitation; Fixture_TwoSteps: two, one after
/// the other), written once for every era: 2025 sessions get real requests, 2026-07-28 requests
/// an input_required result. Not part of add_fixture_tools (fixture-server's list stays as is).
void add_eliciting_tools(arcade_mcp::server& srv);

}  // namespace fixture
