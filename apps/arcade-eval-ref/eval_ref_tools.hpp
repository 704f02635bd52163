// The reference toolkit ArcadeEvalRef: Echo, Add and Whoami, declared once in typed C++.
// Kept apart from main.cpp so the unit test can register the same tools on a test server.
#pragma once

#include <arcade_mcp/mcp.hpp>

namespace eval_ref {

/// Server identity of arcade-eval-ref (toolkit ArcadeEvalRef 1.0.0).
arcade_mcp::server_info reference_server_info();
/// Registers Echo, Add and Whoami on `srv`.
void add_reference_tools(arcade_mcp::server& srv);

}  // namespace eval_ref
