// testing::invoke and tool_result::text (arcade_mcp/testing.hpp): one tool run directly on the
// test's thread, its outcome typed as the server would report it.
#include <stdexcept>

#include "arcade_mcp/testing.hpp"
#include "mcp/tool_catalog.hpp"
#include "mcp/tool_errors.hpp"
#include "mcp/tool_invocation.hpp"

namespace arcade_mcp::testing {
namespace {

/// The spec served as `name` (MCP name or FQN) or declared as `name`; nullptr when none.
std::shared_ptr<const tool_spec> find_tool(const server& srv, std::string_view name) {
    const detail::tool_catalog catalog(srv);
    if (const auto* entry = catalog.find(name)) return entry->spec;
    for (const auto& spec : srv.tools())
        if (spec->name == name) return spec;
    return nullptr;
}

}  // namespace

std::string tool_result::text() const {
    std::string out;
    for (const auto& block : raw.value("content", json::array())) {
        if (block.value("type", std::string()) != "text") continue;
        if (!out.empty()) out += '\n';
        out += block.value("text", std::string());
    }
    return out;
}

invocation invoke(const server& srv, std::string_view name, const json& arguments, tool_context& ctx) {
    const auto spec = find_tool(srv, name);
    if (!spec) throw std::invalid_argument("no tool named '" + std::string(name) + "'");
    invocation out;
    try {
        auto outcome = detail::invoke_outcome(*spec, ctx, arguments);
        if (auto* value = std::get_if<json>(&outcome.value)) out.value = std::move(*value);
        else if (auto* error = std::get_if<tool_error>(&outcome.value)) out.error = std::move(*error);
        else out.error = detail::bad_input_error(std::get<decode_error>(outcome.value));
    } catch (const tool_exception& e) {
        out.error = e.error();
    } catch (const client_request_error& e) {
        out.error = tool_error::execution(e.what());
    }
    return out;
}

}  // namespace arcade_mcp::testing
