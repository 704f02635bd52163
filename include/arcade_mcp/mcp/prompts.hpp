/// @file prompts.hpp
/// Prompts: message templates the client lists and fills (`prompts/list`, `prompts/get`).
/// `make_prompt<Args>` derives the argument list from a described struct whose members are
/// `std::string` (required) or `std::optional<std::string>` (optional); the handler receives
/// the caller's `tool_context` (if it takes one) and the decoded struct and returns messages with
/// any content (text, image, audio, resources).
///
/// Example:
/// @code
/// struct review_args {
///     std::string code;
///     std::optional<std::string> focus;
///     static auto describe() {
///         return fields(field("code", &review_args::code, "Code to review"),
///                       field("focus", &review_args::focus, "What to look at"));
///     }
/// };
/// srv.add_prompt<review_args>("code_review", "Review a piece of code", [](tool_context&, const review_args& a) {
///     return prompt_result{{}, {prompt_message::user(content_block::text("Review:\n" + a.code))}};
/// });
/// @endcode
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "arcade_mcp/mcp/completion.hpp"
#include "arcade_mcp/mcp/content.hpp"
#include "arcade_mcp/mcp/fields.hpp"
#include "arcade_mcp/mcp/result.hpp"
#include "arcade_mcp/mcp/tool_context.hpp"

namespace arcade_mcp {

/// One argument of a prompt, as prompts/list shows it.
struct prompt_argument {
    std::string name;                        ///< the argument's name (the field's JSON name)
    std::optional<std::string> description;  ///< the field's description
    bool required = false;                   ///< false for `std::optional<std::string>` fields
};

/// One message of a filled prompt.
struct prompt_message {
    std::string role;  ///< "user" or "assistant"
    content_block content;  ///< any content: text, image, audio, an embedded resource

    /// A message from the user.
    static prompt_message user(content_block c) { return prompt_message{"user", std::move(c)}; }
    /// A message from the assistant.
    static prompt_message assistant(content_block c) { return prompt_message{"assistant", std::move(c)}; }
};

/// What a prompt handler returns (`GetPromptResult`).
struct prompt_result {
    std::optional<std::string> description;  ///< of this filled prompt, if wanted
    std::vector<prompt_message> messages;     ///< the conversation to start with
};

/// A prompt, type-erased: `get` receives the client's arguments as JSON (an object of strings)
/// and returns messages, a tool_error, or a decode_error for bad arguments.
struct prompt_spec {
    std::string name;                        ///< unique among the server's prompts
    std::optional<std::string> title;        ///< display name (2025-06-18+)
    std::string description;                 ///< what the prompt is for
    std::vector<prompt_argument> arguments;  ///< listed in prompts/list
    /// Fills the prompt (make_prompt builds it); runs on the worker pool and may block.
    std::function<std::variant<prompt_result, tool_error, decode_error>(tool_context&, const json& arguments)> get;
    std::map<std::string, completer> completers;  ///< by argument name

    /// Sets `title`.
    prompt_spec& with_title(std::string t) { title = std::move(t); return *this; }
    /// Suggests values for an argument in completion/complete.
    prompt_spec& complete(std::string argument, completer c) {
        completers[std::move(argument)] = std::move(c);
        return *this;
    }
};

/// Builds a prompt from a described argument struct and a handler of either form (as
/// arcade-mcp-server 1.26 takes `(context, args)` and `(args)` handlers):
/// @code
/// prompt_result|result<prompt_result> handler(tool_context&, const Args&)   // the caller's context
/// prompt_result|result<prompt_result> handler(const Args&)
/// @endcode
/// The context is the caller's, as a tool's: user id, protocol revision, logging and progress to
/// the client, requests to the client (sampling, elicitation), cancellation.
template <described Args, class Handler>
prompt_spec make_prompt(std::string name, std::string description, Handler handler) {
    constexpr bool takes_context = std::is_invocable_v<Handler&, tool_context&, const Args&>;
    static_assert(takes_context || std::is_invocable_v<Handler&, const Args&>,
                  "a prompt handler takes (tool_context&, const Args&) or (const Args&)");
    prompt_spec spec;
    spec.name = std::move(name);
    spec.description = std::move(description);
    const json schema = value_codec<Args>::schema();
    const json required = schema.value("required", json::array());
    const json properties = schema.value("properties", json::object());
    for (const auto& [arg, prop] : properties.items()) {
        prompt_argument a;
        a.name = arg;
        if (prop.contains("description")) a.description = prop["description"].template get<std::string>();
        for (const auto& r : required) a.required = a.required || r == arg;
        spec.arguments.push_back(std::move(a));
    }
    spec.get = [h = std::move(handler)](tool_context& ctx, const json& arguments) mutable
        -> std::variant<prompt_result, tool_error, decode_error> {
        Args args{};
        decode_error err;
        if (!value_codec<Args>::decode(arguments, args, "", err)) return err;
        auto call = [&]() -> decltype(auto) {
            if constexpr (takes_context) return std::invoke(h, ctx, args);
            else return std::invoke(h, args);
        };
        using R = std::decay_t<decltype(call())>;
        if constexpr (is_result<R>::value) {
            auto r = call();
            if (!r) return std::move(r).error();
            return std::move(r).value();
        } else {
            return call();
        }
    };
    return spec;
}

}  // namespace arcade_mcp
