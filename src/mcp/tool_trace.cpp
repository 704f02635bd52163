// tool_context::trace(): the span the handler's thread works for (the tool's span when traces
// are exported, else the caller's context as received), as W3C header values.
#include "arcade_mcp/mcp/tool_context.hpp"
#include "observe/trace_context.hpp"

namespace arcade_mcp {

trace_context tool_context::trace() const {
    trace_context out;
    if (const auto* current = detail::observe::current_span(); current && current->valid()) {
        out.traceparent = detail::observe::format_traceparent(*current);
        out.tracestate = current->tracestate;
    }
    return out;
}

}  // namespace arcade_mcp
