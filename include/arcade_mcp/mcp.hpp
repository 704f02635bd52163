/// @file mcp.hpp
/// Umbrella header for server authors: typed tools, resources, prompts, completion, content,
/// the server and `run`. Includes no Boost.
///
/// The smallest server (examples/hello_stdio/main.cpp):
/// @code
/// #include <arcade_mcp/mcp.hpp>
///
/// struct greet_args {
///     std::string name;
///     int times = 1;
///     static auto describe() {
///         return arcade_mcp::fields(
///             arcade_mcp::field("name", &greet_args::name, "Who to greet").min_length(1),
///             arcade_mcp::field("times", &greet_args::times, "Repetitions").minimum(1).maximum(5).default_value(1));
///     }
/// };
///
/// std::string greet(const greet_args& in) {
///     std::string out;
///     for (int i = 0; i < in.times; ++i) out += "Hello, " + in.name + "! ";
///     return out;
/// }
///
/// int main(int argc, char** argv) {
///     arcade_mcp::server_info info;
///     info.name = "hello";
///     info.version = "1.0.0";
///     info.toolkit = "Greeter";
///     arcade_mcp::server srv(info);
///     srv.add_tool<greet_args>("greet", "Greet someone by name.", greet);
///     return arcade_mcp::run(srv, argc, argv);
/// }
/// @endcode
#pragma once

#include "arcade_mcp/json.hpp"
#include "arcade_mcp/jsonrpc/message.hpp"
#include "arcade_mcp/mcp/client_requests.hpp"
#include "arcade_mcp/mcp/completion.hpp"
#include "arcade_mcp/mcp/content.hpp"
#include "arcade_mcp/mcp/fields.hpp"
#include "arcade_mcp/mcp/prompts.hpp"
#include "arcade_mcp/mcp/resources.hpp"
#include "arcade_mcp/mcp/result.hpp"
#include "arcade_mcp/mcp/server.hpp"
#include "arcade_mcp/mcp/tool.hpp"
#include "arcade_mcp/mcp/tool_context.hpp"
#include "arcade_mcp/mcp/tool_error.hpp"
#include "arcade_mcp/mcp/upstream_error.hpp"
#include "arcade_mcp/mcp/value_codec.hpp"
#include "arcade_mcp/run.hpp"

/// @namespace arcade_mcp
/// The whole public API: `server` and what it offers (tools, resources, prompts), the typed
/// argument machinery (`fields`, `value_codec`), `tool_context`, `run` and `http_service`.
