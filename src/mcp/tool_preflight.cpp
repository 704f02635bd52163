// check_before_tool (see tool_preflight.hpp). The message texts are arcade-mcp-server 1.26's,
// character for character, except those of the URL elicitation, which Python does not have.
#include "mcp/tool_preflight.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <vector>

#include "log/logger.hpp"
#include "mcp/protocol_version.hpp"
#include "mcp/secrets.hpp"

namespace arcade_mcp::detail {
namespace {

using fields = std::vector<std::pair<std::string, std::string>>;

/// How long a user may take at the provider once the client opened the link (besides the call's
/// own time limit).
constexpr std::chrono::minutes max_authorization_wait{10};

constexpr std::string_view compare_server_types_url =
    "https://docs.arcade.dev/en/guides/create-tools/tool-basics/compare-server-types";

std::string json_string(const std::string& s) {
    return json(s).dump(-1, ' ', false, json::error_handler_t::replace);
}

json text_content(std::string text) {
    json block = json::object();
    block["type"] = "text";
    block["text"] = std::move(text);
    return block;
}

preflight_refusal refusal(tool_error error, std::string message, const fields& extra) {
    json content = json::array();
    content.push_back(text_content(std::move(message)));
    if (!extra.empty()) content.push_back(text_content(python_json_dumps(extra)));
    json result = json::object();
    result["content"] = std::move(content);
    result["isError"] = true;
    return preflight_refusal{std::move(error), std::move(result)};
}

std::optional<preflight_refusal> transport_refusal(const tool_spec& spec, const std::string& name) {
    const auto& r = spec.requirements;
    const std::string needs = r.oauth2 ? "authorization" : "secrets";
    std::string message = "✗ Unsupported transport\n\n";
    message += "  Tool '" + name + "' cannot run over HTTP transport for security reasons.\n";
    message += "  This tool requires " + needs + ".\n\n";
    message += "  To fix:\n";
    message += "  1. Use STDIO transport instead of HTTP\n";
    message.append("  2. See documentation: ").append(compare_server_types_url).append("\n\n");
    message += "  HTTP transport doesn't support tools needing user authorization or secrets.";
    std::string instructions =
        "Please show the following link to the end user formatted as markdown: [Compare Server Types](";
    instructions.append(compare_server_types_url).append(")\n");
    instructions +=
        "Inform the end user that the provided link contains documentation on how to configure the server "
        "to use the correct transport.";
    return refusal(tool_error::context_required("Unsupported transport: this tool requires " + needs,
                                                "Use the stdio transport, or front-door authorization over HTTP."),
                   std::move(message), {{"llm_instructions", std::move(instructions)}});
}

preflight_refusal missing_api_key(const std::string& name) {
    std::string message = "✗ Missing Arcade API key\n\n";
    message += "  Tool '" + name + "' requires authorization but no API key is configured.\n\n";
    message += "  To fix, either:\n";
    message += "  1. Run arcade login:     arcade login\n";
    message += "  2. Set environment var:  export ARCADE_API_KEY=your_key_here\n";
    message += "  3. Add to .env file:     ARCADE_API_KEY=your_key_here\n\n";
    message += "  Then restart the server.";
    std::string instructions = "The MCP server cannot execute the '" + name +
                               "' tool because it requires authorization but the Arcade API key is not configured. "
                               "The developer needs to: 1) Run 'arcade login' to authenticate, or 2) Set the "
                               "ARCADE_API_KEY environment variable with a valid API key, or 3) Add ARCADE_API_KEY "
                               "to the .env file. Once the API key is configured, restart the MCP server for the "
                               "changes to take effect.";
    return refusal(tool_error::fatal("Missing Arcade API key: the tool requires authorization"), std::move(message),
                   {{"llm_instructions", std::move(instructions)}});
}

preflight_refusal authorization_required(const std::string& name, const std::string& url) {
    std::string message = "⚠ Authorization required\n\n";
    message += "  Tool '" + name + "' needs your permission to access your account.\n\n";
    message += "  To authorize:\n";
    message += "  1. Click this link: " + url + "\n";
    message += "  2. Grant the requested permissions\n";
    message += "  3. Return here and try again\n\n";
    message += "  This is a one-time setup for this tool.";
    std::string instructions = "Please show the following link to the end user formatted as markdown: " + url +
                               " \nInform the end user that the tool requires their authorization to be completed "
                               "before the tool can be executed.";
    return refusal(tool_error::context_required("Authorization required", "The user must authorize the tool at " + url),
                   std::move(message), {{"llm_instructions", std::move(instructions)}, {"authorization_url", url}});
}

preflight_refusal authorization_error(const std::string& name, const std::string& error) {
    std::string message = "✗ Authorization error\n\n";
    message += "  Tool '" + name + "' failed to authorize.\n\n";
    message += "  Error: " + error + "\n\n";
    message += "  To fix:\n";
    message += "  1. Check your API key is valid\n";
    message += "  2. Verify you have necessary permissions\n";
    message += "  3. Try running: arcade login\n\n";
    message += "  Then restart the server.";
    std::string instructions = "The '" + name + "' tool failed authorization. Error: " + error +
                               ". The developer should check their API key and permissions.";
    return refusal(tool_error::fatal(error), std::move(message), {{"llm_instructions", std::move(instructions)}});
}

/// The user answered the link's elicitation with decline or cancel (no Python counterpart).
preflight_refusal authorization_declined(const std::string& name, const std::string& url) {
    std::string message = "✗ Authorization declined\n\n";
    message += "  Tool '" + name + "' was not authorized: the authorization link was declined.\n\n";
    message += "  To authorize later:\n";
    message += "  1. Click this link: " + url + "\n";
    message += "  2. Grant the requested permissions\n";
    message += "  3. Return here and try again";
    std::string instructions = "The end user declined to authorize the '" + name +
                               "' tool. Do not retry the tool unless the end user asks to; if they do, show them this "
                               "link formatted as markdown: " +
                               url;
    return refusal(tool_error::context_required("Authorization declined by the user", "The user declined to authorize"),
                   std::move(message), {{"llm_instructions", std::move(instructions)}, {"authorization_url", url}});
}

/// The provider reported the authorization as failed after the user opened the link.
preflight_refusal authorization_failed(const std::string& name) {
    std::string message = "✗ Authorization failed\n\n";
    message += "  Tool '" + name + "' was not authorized: the provider reported the authorization as failed.\n\n";
    message += "  Try the tool again to start a new authorization.";
    std::string instructions = "Authorization of the '" + name +
                               "' tool failed at the provider. Tell the end user; calling the tool again starts a "
                               "new authorization.";
    return refusal(tool_error::context_required("Authorization failed at the provider", "Retry to authorize again"),
                   std::move(message), {{"llm_instructions", std::move(instructions)}});
}

std::string plural(std::size_t n, const char* one, const char* many) {
    return n == 1 ? one : many;
}

std::optional<preflight_refusal> secrets_refusal(const tool_spec& spec, const std::string& name) {
    std::vector<std::string> reserved, missing;
    for (const auto& key : spec.requirements.secrets) {
        if (is_reserved_secret(key))
            reserved.push_back(key);
        else if (std::getenv(key.c_str()) == nullptr)
            missing.push_back(key);
    }
    if (reserved.empty() && missing.empty()) return std::nullopt;
    const auto joined = [](const std::vector<std::string>& keys) {
        std::string out;
        for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k;
        return out;
    };
    std::string message, instructions;
    if (!reserved.empty()) {
        const bool one = reserved.size() == 1;
        const std::string it = one ? "it" : "them";
        message += "✗ Reserved " + plural(reserved.size(), "secret", "secrets") + ": " + joined(reserved) + "\n\n";
        message += "  Tool '" + name + "' declares " + plural(reserved.size(), "this secret", "these secrets") +
                   ", but Arcade reserves " + it + " as " +
                   plural(reserved.size(), "a framework credential", "framework credentials") +
                   " for the server's own authentication and never exposes " + it + " to tools.\n\n";
        message += "  To fix, remove " + it + " from the tool's required secrets.";
        instructions += "The '" + name + "' tool declares reserved secret(s) " + joined(reserved) +
                        " that the Arcade MCP server never exposes to tools. The developer must remove " + it +
                        " from the tool's requires_secrets; setting the environment variable will not help. ";
    }
    if (!missing.empty()) {
        if (!message.empty()) message += "\n\n";
        const bool one = missing.size() == 1;
        std::string fix = "\n\n  To fix, either:\n  1. Add to .env file:\n";
        for (const auto& k : missing) fix += "       " + k + "=your_value_here\n";
        fix += "  2. Set environment variable:\n";
        for (const auto& k : missing) fix += "       export " + k + "=your_value_here\n";
        fix += "\n  Then restart the server.";
        message += "✗ Missing " + plural(missing.size(), "secret", "secrets") + ": " + joined(missing) + "\n\n";
        message += "  Tool '" + name + "' requires " + plural(missing.size(), "this secret", "these secrets") +
                   " but " + plural(missing.size(), "it is", "they are") + " not configured.";
        message += fix;
        const std::string them = one ? "it" : "them";
        instructions += "The MCP server is missing required secrets for the '" + name +
                        "' tool. The developer needs to provide " +
                        plural(missing.size(), "this secret", "these secrets") + " by either: 1) Adding " + them +
                        " to a .env file in the server's working directory (e.g., " + missing.front() +
                        "=your_secret_value), or 2) Setting " + them + " as environment variable" + (one ? "" : "s") +
                        " before starting the server (e.g., export " + missing.front() +
                        "=your_secret_value). Once the secrets are configured, restart the MCP server for the "
                        "changes to take effect.";
    }
    while (!instructions.empty() && instructions.back() == ' ') instructions.pop_back();
    tool_error error = reserved.empty()
                           ? tool_error::context_required("Missing secret(s): " + joined(missing),
                                                          "Set them in the server's environment or .env file.")
                           : tool_error::fatal("Reserved secret(s) declared: " + joined(reserved));
    return refusal(std::move(error), std::move(message), {{"llm_instructions", std::move(instructions)}});
}

/// Asks the client to open the link (URL-mode elicitation), then waits for the user to finish.
/// nullopt: authorized (the token is set on ctx).
std::optional<preflight_refusal> authorize_through_client(const std::string& name, const user_authorization& pending,
                                                          request_scope& ctx, const preflight_settings& settings) {
    json params = json::object();
    params["mode"] = "url";
    params["message"] = "Tool '" + name +
                        "' needs your permission to access your account. Open the link, grant the "
                        "requested permissions, then come back: the tool runs once you are done.";
    params["url"] = pending.url;
    params["elicitationId"] = pending.id.empty() ? pending.url : pending.id;
    std::string action;
    try {
        const json reply = ctx.request_client("elicitation/create", params, max_authorization_wait);
        // The client's answer, whatever its shape: only a well-formed "accept" goes on.
        if (const auto it = reply.is_object() ? reply.find("action") : reply.end();
            it != reply.end() && it->is_string())
            action = it->get<std::string>();
    } catch (const client_request_error&) {
        return authorization_required(name, pending.url);  // the link, as Python shows it
    }
    if (action != "accept") return authorization_declined(name, pending.url);
    if (pending.id.empty()) return authorization_required(name, pending.url);
    // Accepted: the user is at the provider. Wait until the authorization completes, fails, or
    // the call is stopped (its time limit, a cancellation, shutdown).
    // Also bounded on its own (a call may have no time limit), and never faster than one status
    // request a second, even if the API answers at once.
    const auto stop = ctx.stop_token();
    const auto deadline = std::chrono::steady_clock::now() + max_authorization_wait;
    std::mutex pause_mutex;
    std::condition_variable_any pause;
    while (!stop.stop_requested() && std::chrono::steady_clock::now() < deadline) {
        const auto asked = std::chrono::steady_clock::now();
        auto state = settings.authorizer->wait_for(pending.id, settings.poll_wait);
        if (!state.authorization) return authorization_error(name, "Authorization failed: " + state.error);
        if (state.authorization->completed()) {
            ctx.set_authorization(std::move(state.authorization->token), std::move(state.authorization->user_info));
            ctx.notify("notifications/elicitation/complete", json{{"elicitationId", params["elicitationId"]}});
            return std::nullopt;
        }
        if (state.authorization->failed()) return authorization_failed(name);
        std::unique_lock lock(pause_mutex);
        pause.wait_until(lock, stop, asked + settings.min_poll_interval, [] { return false; });
    }
    return authorization_required(name, pending.url);
}

std::optional<preflight_refusal> authorization_refusal(const tool_spec& spec, const std::string& name,
                                                       request_scope& ctx, const preflight_settings& settings) {
    if (settings.authorizer == nullptr) return missing_api_key(name);
    std::string user(ctx.user_id());
    if (user.empty()) {
        user = "anonymous";
        log(log_level::warning,
            "No user_id available for authorization, defaulting to 'anonymous'. Set ARCADE_USER_ID as environment "
            "variable or run 'arcade login'.");
    }
    auto answer = settings.authorizer->authorize(*spec.requirements.oauth2, user);
    if (!answer.authorization) return authorization_error(name, "Authorization failed: " + answer.error);
    auto& authorization = *answer.authorization;
    if (authorization.completed()) {
        ctx.set_authorization(std::move(authorization.token), std::move(authorization.user_info));
        return std::nullopt;
    }
    if (!authorization.url.empty() && revision_at_least(ctx.protocol_version(), rev_2025_11_25) &&
        ctx.client_supports_url_elicitation())
        return authorize_through_client(name, authorization, ctx, settings);
    return authorization_required(name, authorization.url);
}

}  // namespace

std::string python_json_dumps(const fields& members) {
    std::string out = "{";
    for (const auto& [key, value] : members) {
        if (out.size() > 1) out += ", ";
        out.append(json_string(key)).append(": ").append(json_string(value));
    }
    out += "}";
    return out;
}

std::optional<tool_error> chained_call_refusal(const tool_spec& callee, bool refuse_requirements) {
    const auto& r = callee.requirements;
    if (!r.oauth2 && r.secrets.empty()) return std::nullopt;
    std::optional<preflight_refusal> refused =
        refuse_requirements ? transport_refusal(callee, callee.name) : secrets_refusal(callee, callee.name);
    if (!refused) return std::nullopt;
    return std::move(refused->error);
}

std::optional<preflight_refusal> check_before_tool(const tool_spec& spec, std::string_view tool_name,
                                                   request_scope& ctx, const preflight_settings& settings) {
    const auto& r = spec.requirements;
    if (!r.oauth2 && r.secrets.empty()) return std::nullopt;
    const std::string name(tool_name);
    if (settings.refuse_requirements) return transport_refusal(spec, name);
    if (r.oauth2)
        if (auto refused = authorization_refusal(spec, name, ctx, settings)) return refused;
    return secrets_refusal(spec, name);
}

}  // namespace arcade_mcp::detail
