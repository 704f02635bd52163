// tool_error constructors and Arcade error-kind names (see tool_error.hpp).
#include "arcade_mcp/mcp/tool_error.hpp"

#include "mcp/tool_errors.hpp"

namespace arcade_mcp {

std::string_view to_string(error_kind kind) noexcept {
    switch (kind) {
        case error_kind::tool_runtime_bad_input_value: return "TOOL_RUNTIME_BAD_INPUT_VALUE";
        case error_kind::tool_runtime_bad_output_value: return "TOOL_RUNTIME_BAD_OUTPUT_VALUE";
        case error_kind::tool_runtime_retry: return "TOOL_RUNTIME_RETRY";
        case error_kind::tool_runtime_context_required: return "TOOL_RUNTIME_CONTEXT_REQUIRED";
        case error_kind::tool_runtime_fatal: return "TOOL_RUNTIME_FATAL";
        case error_kind::upstream_runtime_bad_request: return "UPSTREAM_RUNTIME_BAD_REQUEST";
        case error_kind::upstream_runtime_auth_error: return "UPSTREAM_RUNTIME_AUTH_ERROR";
        case error_kind::upstream_runtime_not_found: return "UPSTREAM_RUNTIME_NOT_FOUND";
        case error_kind::upstream_runtime_rate_limit: return "UPSTREAM_RUNTIME_RATE_LIMIT";
        case error_kind::upstream_runtime_server_error: return "UPSTREAM_RUNTIME_SERVER_ERROR";
        case error_kind::upstream_runtime_unmapped: return "UPSTREAM_RUNTIME_UNMAPPED";
    }
    return "UNKNOWN";
}

tool_error tool_error::execution(std::string message) {
    return tool_error{error_kind::tool_runtime_fatal,
                      std::move(message),
                      "ToolExecutionError",
                      false,
                      std::nullopt,
                      std::nullopt,
                      std::nullopt};
}

tool_error tool_error::fatal(std::string message) {
    return tool_error{
        error_kind::tool_runtime_fatal, std::move(message), "FatalToolError", false, 500, std::nullopt, std::nullopt};
}

tool_error tool_error::retry(std::string message, std::optional<std::string> additional_prompt_content,
                             std::optional<std::int64_t> retry_after_ms) {
    return tool_error{error_kind::tool_runtime_retry, std::move(message), "RetryableToolError", true, std::nullopt,
                      std::move(additional_prompt_content), retry_after_ms};
}

tool_error tool_error::context_required(std::string message, std::string additional_prompt_content) {
    return tool_error{error_kind::tool_runtime_context_required, std::move(message), "ContextRequiredToolError", false,
                      std::nullopt, std::move(additional_prompt_content), std::nullopt};
}

tool_error tool_error::upstream(int status, std::string message) {
    error_kind kind = error_kind::upstream_runtime_unmapped;
    if (status == 401 || status == 403) {
        kind = error_kind::upstream_runtime_auth_error;
    } else if (status == 404) {
        kind = error_kind::upstream_runtime_not_found;
    } else if (status == 429) {
        kind = error_kind::upstream_runtime_rate_limit;
    } else if (status >= 500) {
        kind = error_kind::upstream_runtime_server_error;
    } else if (status >= 400) {
        kind = error_kind::upstream_runtime_bad_request;
    }
    const bool retry = status >= 500 || status == 429;
    return tool_error{
        kind,         std::move(message), status == 429 ? "UpstreamRateLimitError" : "UpstreamError", retry, status,
        std::nullopt, std::nullopt};
}

}  // namespace arcade_mcp

namespace arcade_mcp::detail {

std::string arcade_error_message(const tool_error& e, std::string_view source_tool) {
    return "[" + std::string(to_string(e.kind)) + "] " + e.error_class + " during execution of tool '" +
           std::string(source_tool) + "': " + (e.message.empty() ? std::string("(no details provided)") : e.message);
}

tool_error bad_input_error(const decode_error& e) {
    return tool_error{error_kind::tool_runtime_bad_input_value,
                      "Invalid input: " + (e.path.empty() ? std::string("/") : e.path) + ": " + e.message,
                      "ToolInputError", false, 400, std::nullopt, std::nullopt};
}

tool_error timeout_error(std::chrono::milliseconds limit) {
    return tool_error{error_kind::tool_runtime_retry,
                      "The tool did not finish within " + std::to_string(limit.count()) + " ms and was stopped",
                      "ToolTimeoutError",
                      true,
                      504,
                      std::nullopt,
                      std::nullopt};
}

}  // namespace arcade_mcp::detail
