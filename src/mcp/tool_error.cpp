// tool_error constructors and Arcade error-kind names (see tool_error.hpp).
#include "arcade_mcp/mcp/tool_error.hpp"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <typeinfo>

#include "mcp/tool_errors.hpp"

namespace arcade_mcp {

namespace {

tool_error make_tool_error(error_kind kind, std::string message, const char* error_class, bool can_retry,
                std::optional<int> status_code) {
    tool_error e;
    e.kind = kind;
    e.message = std::move(message);
    e.error_class = error_class;
    e.can_retry = can_retry;
    e.status_code = status_code;
    return e;
}

}  // namespace

std::string_view to_string(error_kind kind) noexcept {
    switch (kind) {
        case error_kind::toolkit_load_failed: return "TOOLKIT_LOAD_FAILED";
        case error_kind::tool_definition_bad_definition: return "TOOL_DEFINITION_BAD_DEFINITION";
        case error_kind::tool_definition_bad_input_schema: return "TOOL_DEFINITION_BAD_INPUT_SCHEMA";
        case error_kind::tool_definition_bad_output_schema: return "TOOL_DEFINITION_BAD_OUTPUT_SCHEMA";
        case error_kind::tool_runtime_bad_input_value: return "TOOL_RUNTIME_BAD_INPUT_VALUE";
        case error_kind::tool_runtime_bad_output_value: return "TOOL_RUNTIME_BAD_OUTPUT_VALUE";
        case error_kind::tool_runtime_retry: return "TOOL_RUNTIME_RETRY";
        case error_kind::tool_runtime_context_required: return "TOOL_RUNTIME_CONTEXT_REQUIRED";
        case error_kind::tool_runtime_fatal: return "TOOL_RUNTIME_FATAL";
        case error_kind::upstream_runtime_bad_request: return "UPSTREAM_RUNTIME_BAD_REQUEST";
        case error_kind::upstream_runtime_auth_error: return "UPSTREAM_RUNTIME_AUTH_ERROR";
        case error_kind::upstream_runtime_not_found: return "UPSTREAM_RUNTIME_NOT_FOUND";
        case error_kind::upstream_runtime_validation_error: return "UPSTREAM_RUNTIME_VALIDATION_ERROR";
        case error_kind::upstream_runtime_rate_limit: return "UPSTREAM_RUNTIME_RATE_LIMIT";
        case error_kind::upstream_runtime_server_error: return "UPSTREAM_RUNTIME_SERVER_ERROR";
        case error_kind::upstream_runtime_unmapped: return "UPSTREAM_RUNTIME_UNMAPPED";
        case error_kind::network_transport_runtime_timeout: return "NETWORK_TRANSPORT_RUNTIME_TIMEOUT";
        case error_kind::network_transport_runtime_unreachable: return "NETWORK_TRANSPORT_RUNTIME_UNREACHABLE";
        case error_kind::network_transport_runtime_unmapped: return "NETWORK_TRANSPORT_RUNTIME_UNMAPPED";
        case error_kind::unknown: break;
    }
    return "UNKNOWN";
}

bool is_network_transport(error_kind kind) noexcept {
    return kind == error_kind::network_transport_runtime_timeout ||
           kind == error_kind::network_transport_runtime_unreachable ||
           kind == error_kind::network_transport_runtime_unmapped;
}

tool_error tool_error::execution(std::string message) {
    return make_tool_error(error_kind::tool_runtime_fatal, std::move(message), "ToolExecutionError", false,
                           std::nullopt);
}

tool_error tool_error::fatal(std::string message) {
    return make_tool_error(error_kind::tool_runtime_fatal, std::move(message), "FatalToolError", false, 500);
}

tool_error tool_error::retry(std::string message, std::optional<std::string> additional_prompt_content,
                             std::optional<std::int64_t> retry_after_ms) {
    tool_error e =
        make_tool_error(error_kind::tool_runtime_retry, std::move(message), "RetryableToolError", true, std::nullopt);
    e.additional_prompt_content = std::move(additional_prompt_content);
    e.retry_after_ms = retry_after_ms;
    return e;
}

tool_error tool_error::context_required(std::string message, std::string additional_prompt_content) {
    tool_error e = make_tool_error(error_kind::tool_runtime_context_required, std::move(message),
                                   "ContextRequiredToolError", false, std::nullopt);
    e.additional_prompt_content = std::move(additional_prompt_content);
    return e;
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
    return make_tool_error(kind, std::move(message), status == 429 ? "UpstreamRateLimitError" : "UpstreamError", retry,
                           status);
}

tool_error tool_error::upstream_rate_limit(std::string message, std::int64_t retry_after_ms) {
    tool_error e = make_tool_error(error_kind::upstream_runtime_rate_limit, std::move(message),
                                   "UpstreamRateLimitError", true, 429);
    e.retry_after_ms = retry_after_ms < 0 ? 0 : retry_after_ms;
    return e;
}

tool_error tool_error::upstream_validation(std::string message, std::optional<int> status) {
    return make_tool_error(error_kind::upstream_runtime_validation_error, std::move(message), "UpstreamError", false,
                           status);
}

tool_error tool_error::network(error_kind kind, std::string message, bool can_retry) {
    if (!is_network_transport(kind))
        throw std::invalid_argument("tool_error::network needs a NETWORK_TRANSPORT_RUNTIME_* kind, got " +
                                    std::string(to_string(kind)));
    return make_tool_error(kind, std::move(message), "NetworkTransportError", can_retry, std::nullopt);
}

tool_error& tool_error::with_developer_message(std::string text) & {
    developer_message = std::move(text);
    return *this;
}

tool_error tool_error::with_developer_message(std::string text) && {
    developer_message = std::move(text);
    return std::move(*this);
}

tool_error& tool_error::with_extra(json object) & {
    if (!object.is_object() && !object.is_null())
        throw std::invalid_argument("tool_error::with_extra needs a JSON object (or null), got " +
                                    std::string(object.type_name()));
    extra = std::move(object);
    return *this;
}

tool_error tool_error::with_extra(json object) && {
    return std::move(with_extra(std::move(object)));
}

}  // namespace arcade_mcp

namespace arcade_mcp::detail {
namespace {

/// "std::runtime_error" for typeid(std::runtime_error) (the mangled name if demangling fails).
std::string demangled_type_name(const std::type_info& type) {
    int status = 0;
    const std::unique_ptr<char, void (*)(void*)> name(abi::__cxa_demangle(type.name(), nullptr, nullptr, &status),
                                                      std::free);
    if (status != 0 || !name) return type.name();
    // Without the standard libraries' ABI namespaces and tags ("std::__cxx11::", "std::__1::",
    // "[abi:cxx11]"): the model reads the name.
    std::string out = name.get();
    for (const std::string_view noise : {"__cxx11::", "__1::"}) {
        for (auto at = out.find(noise); at != std::string::npos; at = out.find(noise)) out.erase(at, noise.size());
    }
    for (auto at = out.find("[abi:"); at != std::string::npos; at = out.find("[abi:")) {
        const auto end = out.find(']', at);
        if (end == std::string::npos) break;
        out.erase(at, end - at + 1);
    }
    return out;
}

}  // namespace

std::string arcade_error_message(const tool_error& e, std::string_view source_tool) {
    return error_prefix(e, source_tool) + (e.message.empty() ? std::string("(no details provided)") : e.message);
}

std::string error_prefix(const tool_error& e, std::string_view source_tool) {
    std::string out = "[";
    out.append(to_string(e.kind)).append("] ").append(e.error_class).append(" during execution of tool '");
    out.append(source_tool).append("': ");
    return out;
}

std::optional<std::string> arcade_developer_message(const tool_error& e, std::string_view source_tool) {
    if (!e.developer_message || e.developer_message->empty()) return std::nullopt;
    return error_prefix(e, source_tool) + *e.developer_message;
}

tool_error bad_input_error(const decode_error& e) {
    return make_tool_error(error_kind::tool_runtime_bad_input_value,
                           "Invalid input: " + (e.path.empty() ? std::string("/") : e.path) + ": " + e.message,
                           "ToolInputError", false, 400);
}

tool_error timeout_error(std::chrono::milliseconds limit) {
    return make_tool_error(error_kind::tool_runtime_retry,
                "The tool did not finish within " + std::to_string(limit.count()) + " ms and was stopped",
                "ToolTimeoutError", true, 504);
}

tool_error unhandled_exception_error(const std::exception& e) {
    const std::string type = demangled_type_name(typeid(e));
    const std::string what = e.what();
    return tool_error::fatal("An unhandled " + type + " was raised by the tool.")
        .with_developer_message(what.empty() ? type + " (no exception message)" : type + ": " + what);
}

tool_error unhandled_exception_error() {
    return tool_error::fatal("An unhandled exception was raised by the tool.")
        .with_developer_message("an exception of a type not derived from std::exception");
}

}  // namespace arcade_mcp::detail
