// The tool-call access log (see access_log.hpp).
#include "mcp/access_log.hpp"

#include <array>
#include <chrono>
#include <string>
#include <string_view>

#include "arcade_mcp/mcp/tool_context.hpp"
#include "log/logger.hpp"

namespace arcade_mcp::detail {
namespace {

std::string_view outcome_of(const tool_call_result& r) {
    if (r.stopped) return "stopped";
    switch (r.status) {
        case tool_call_status::ok:
            return "ok";
        case tool_call_status::bad_arguments:
            return "bad_arguments";
        case tool_call_status::exception:
            return "exception";
        case tool_call_status::refused:
            return "refused";
        case tool_call_status::input_required:
            return "input_required";
        case tool_call_status::tool_error:
            break;
    }
    return r.error ? std::string_view(to_string(r.error->kind)) : std::string_view("tool_error");
}

/// A duration in milliseconds with three decimals ("0.009"), without printf.
std::string milliseconds_text(std::chrono::microseconds d) {
    const auto us = d.count() < 0 ? 0 : d.count();
    std::string out = std::to_string(us / 1000);
    const auto frac = us % 1000;
    out += '.';
    out += static_cast<char>('0' + frac / 100);
    out += static_cast<char>('0' + frac / 10 % 10);
    out += static_cast<char>('0' + frac % 10);
    return out;
}

class access_log final : public middleware {
public:
    void after_tool_call(const tool_call_info& call, const tool_call_result& result) override {
        if (!log_enabled(log_level::info)) return;
        // A failed call's developer_message is for the operator: logged here, never shown to the model.
        const std::string_view developer_message = result.error && result.error->developer_message
                                                       ? std::string_view(*result.error->developer_message)
                                                       : std::string_view();
        // Fields are views: the strings they show are held here for the call.
        const std::string request_id = call.context.request_id();
        const auto outcome = outcome_of(result);
        const std::string duration = milliseconds_text(result.duration);
        const std::array<log_field, 7> fields{log_field{"tool", call.tool},
                                              log_field{"request_id", request_id},
                                              log_field{"session_id", call.session_id},
                                              log_field{"protocol", call.context.protocol_version()},
                                              log_field{"outcome", outcome},
                                              log_field{"duration_ms", duration},
                                              log_field{"developer_message", developer_message}};
        // Without a developer_message the line ends at the duration.
        log(log_level::info, "tool call",
            std::span<const log_field>(fields.data(), developer_message.empty() ? fields.size() - 1 : fields.size()));
    }
};

}  // namespace

std::shared_ptr<middleware> make_access_log() {
    return std::make_shared<access_log>();
}

}  // namespace arcade_mcp::detail
