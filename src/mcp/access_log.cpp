// The tool-call access log (see access_log.hpp).
#include "mcp/access_log.hpp"

#include <cstdio>
#include <string>

#include "arcade_mcp/mcp/tool_context.hpp"
#include "log/logger.hpp"

namespace arcade_mcp::detail {
namespace {

std::string outcome_of(const tool_call_result& r) {
    if (r.stopped) return "stopped";
    switch (r.status) {
        case tool_call_status::ok: return "ok";
        case tool_call_status::bad_arguments: return "bad_arguments";
        case tool_call_status::exception: return "exception";
        case tool_call_status::refused: return "refused";
        case tool_call_status::input_required: return "input_required";
        case tool_call_status::tool_error: break;
    }
    return r.error ? std::string(to_string(r.error->kind)) : "tool_error";
}

class access_log final : public middleware {
public:
    void after_tool_call(const tool_call_info& call, const tool_call_result& result) override {
        char ms[32];
        std::snprintf(ms, sizeof ms, "%.3f", static_cast<double>(result.duration.count()) / 1000.0);
        log(log_level::info, "tool call",
            {{"tool", std::string(call.tool)},
             {"request_id", call.context.request_id()},
             {"session_id", std::string(call.session_id)},
             {"protocol", std::string(call.context.protocol_version())},
             {"outcome", outcome_of(result)},
             {"duration_ms", ms}});
    }
};

}  // namespace

std::shared_ptr<middleware> make_access_log() { return std::make_shared<access_log>(); }

}  // namespace arcade_mcp::detail
