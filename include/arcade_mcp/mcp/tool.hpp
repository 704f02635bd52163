/// @file tool.hpp
/// A tool, type-erased: its name, description, schemas and an `invoke` that decodes the
/// arguments and runs the typed handler. `make_tool<Args>(...)` builds one from a described
/// argument struct (fields.hpp) and a handler; the server registers it.
///
/// Handler forms (R is any type with a value_codec, e.g. std::string, std::int64_t, a described
/// struct, or `tool_content` for rich content blocks used verbatim):
/// @code
/// R handler(tool_context&, const Args&)          result<R> handler(tool_context&, const Args&)
/// R handler(const Args&)                         result<R> handler(const Args&)
/// @endcode
/// A handler that throws `tool_exception` reports its `tool_error`; any other exception becomes a
/// TOOL_RUNTIME_FATAL error whose text names no internals. Handlers may block: they run on the
/// worker pool, under the tool's time limit and concurrency limit, with the middleware's tool
/// hooks around them (middleware.hpp); only a tool marked `non_blocking()` runs on the thread that
/// read the request (an I/O thread over HTTP), so it must never block.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "arcade_mcp/mcp/content.hpp"
#include "arcade_mcp/mcp/fields.hpp"
#include "arcade_mcp/mcp/result.hpp"
#include "arcade_mcp/mcp/tool_context.hpp"
#include "arcade_mcp/mcp/tool_error.hpp"
#include "arcade_mcp/mcp/tool_requirements.hpp"

namespace arcade_mcp {

/// Where a tool's `invoke` puts what one call produced: exactly one of these, once. The library
/// passes its own; `make_tool` and `make_raw_tool` write to it, so only a hand-built tool_spec
/// calls it directly.
class tool_output {
public:
    /// The call's result, already encoded (the structured value of a typed handler).
    virtual void value(json encoded) = 0;
    /// The call's result as an array of content blocks, sent verbatim (tool_content).
    virtual void content(json blocks) = 0;
    /// The call failed with a tool error.
    virtual void error(tool_error e) = 0;
    /// The arguments did not decode into the handler's argument type.
    virtual void invalid_arguments(decode_error e) = 0;

    /// A handler's return value: tool_content as content blocks, anything else encoded by its
    /// value_codec.
    template <class R>
    void put(R&& returned) {
        using T = std::decay_t<R>;
        if constexpr (std::is_same_v<T, tool_content>) {
            json blocks = json::array();
            for (const auto& b : returned) blocks.push_back(b.to_json());
            content(std::move(blocks));
        } else {
            value(value_codec<T>::encode(returned));
        }
    }

protected:
    ~tool_output() = default;
};

/// MCP tasks (a call answers at once with a handle and runs on; the client polls it): whether a
/// call of a tool may run as one when the client asks or supports it, must, or never does.
enum class task_support {
    forbidden,  ///< never a task (the default)
    optional,   ///< a task when the client asks (2025-11-25) or supports tasks (2026-07-28)
    required    ///< always a task; calls that cannot run as one are refused
};

/// When a call of a task-capable tool becomes a task: before its handler runs (the usual case), or
/// only when the handler calls `tool_context::start_task()`, for example after gathering input from the
/// client in the multi-round requests of 2026-07-28.
enum class task_start {
    before_handler,  ///< the call is a task before the handler starts
    by_handler       ///< the handler decides, with tool_context::start_task()
};

/// A registered tool: what tools/list shows and how a call runs. Built by make_tool (usually
/// through server::add_tool) and refined with the chainable setters:
/// @code
/// srv.add_tool<export_args>("export_table", "Exports a table to CSV", export_table)
///     .with_timeout(std::chrono::minutes(30))
///     .with_max_concurrency(2)
///     .with_task_support(task_support::optional);
/// @endcode
struct tool_spec {
    std::string name;                 ///< author's name, e.g. "add" (Arcade naming makes it "Add")
    std::string description;          ///< required by clients; shown to the model
    std::optional<std::string> title;  ///< display name; defaults to the PascalCase name
    std::optional<std::string> output_description;  ///< what the result means (Arcade output.description)
    std::optional<std::string> deprecation_message;  ///< set: the tool is deprecated
    tool_requirements requirements;   ///< secrets, metadata keys and OAuth2 it needs (requires_*)
    tool_metadata metadata;           ///< behaviour, service domains, extras (with_*)
    std::vector<std::string> non_inferrable;  ///< parameters the model must not guess (Arcade `inferrable: false`)
    json input_schema;                 ///< object schema of the arguments
    /// The parameters in declaration order (make_tool fills it): the order of the ToolDefinition's
    /// `input.parameters` and of `required`, since JSON objects here keep their keys sorted. Empty:
    /// by name; parameters not listed follow by name.
    std::vector<std::string> parameter_order;
    std::optional<json> output_schema;  ///< object schema of structuredContent, when typed
    bool wraps_result = false;         ///< structuredContent is `{"result": value}` (non-object returns)
    /// The handler returns a `std::optional`: an empty one is a result too (Arcade output
    /// `available_modes` then lists "null"). `output_schema` describes the value when there is one.
    bool output_nullable = false;
    /// Time limit of one call; unset: the server's (ARCADE_TOOL_TIMEOUT_SECONDS). Past it the stop
    /// token is signalled and the caller gets a retryable timeout error.
    std::optional<std::chrono::milliseconds> timeout;
    /// The handler never blocks (no I/O, no waits, no requests to the client, bounded CPU): it
    /// runs on the thread that read the request instead of hopping to the worker pool, which
    /// saves two thread switches per call. Such a call has no time limit and cannot be cancelled.
    bool runs_inline = false;
    /// Calls of this tool queued or running at once, MCP and worker together; one more is answered
    /// at once with a retryable "busy" tool error. 0: no limit.
    std::size_t max_concurrency = 0;
    /// OAuth scopes a caller's bearer token must carry to call this tool over HTTP when the server
    /// is an OAuth resource server (front-door authorization); a call without them is answered 403
    /// `insufficient_scope` naming exactly these scopes. Ignored over stdio and the worker routes.
    std::vector<std::string> required_scopes;
    /// Whether calls run as MCP tasks (docs/tasks.md), and when a call becomes one.
    task_support tasks = task_support::forbidden;
    task_start task_begins = task_start::before_handler;  ///< when a task-capable call becomes a task
    /// Decodes `arguments`, runs the handler and reports to the output (make_tool builds it). An
    /// exception it throws is the call's outcome too (tool_exception: its error; else fatal).
    std::function<void(tool_context&, const json& arguments, tool_output&)> invoke;

    /// Sets `title`.
    tool_spec& with_title(std::string t) { title = std::move(t); return *this; }
    /// Sets `timeout`, this tool's time limit per call.
    tool_spec& with_timeout(std::chrono::milliseconds limit) { timeout = limit; return *this; }
    /// See `runs_inline`: only for handlers that return at once without blocking.
    tool_spec& non_blocking() { runs_inline = true; return *this; }
    /// See `tasks`: `optional` runs a call as a task when the client asks (2025-11-25) or supports
    /// tasks (2026-07-28); `required` refuses calls that cannot run as one.
    tool_spec& with_task_support(task_support s, task_start begins = task_start::before_handler) {
        tasks = s;
        task_begins = begins;
        return *this;
    }
    /// See `max_concurrency`.
    tool_spec& with_max_concurrency(std::size_t n) { max_concurrency = n; return *this; }
    /// See `required_scopes`: the bearer token must carry every one of `scopes`.
    tool_spec& requires_scopes(std::vector<std::string> scopes) {
        required_scopes = std::move(scopes);
        return *this;
    }
    /// Sets `output_description`.
    tool_spec& with_output_description(std::string d) { output_description = std::move(d); return *this; }
    /// Behaviour hints: MCP annotations and Arcade metadata.behavior. Throws std::invalid_argument
    /// when the metadata becomes contradictory (see metadata_contradiction and lenient_metadata).
    tool_spec& with_behavior(tool_behavior b) {
        metadata.behavior = std::move(b);
        return checked_metadata();
    }
    /// Sets the service domains of `metadata`; throws like with_behavior.
    tool_spec& with_service_domains(std::vector<service_domain> d) {
        metadata.service_domains = std::move(d);
        return checked_metadata();
    }
    /// Sets the author extras of `metadata`: a JSON object of JSON-safe values (no NaN or
    /// infinity); throws std::invalid_argument otherwise.
    tool_spec& with_extras(json extras) {
        metadata.extras = std::move(extras);
        return checked_metadata();
    }
    /// Sets all of `metadata` at once (its `strict` flag included); throws like with_behavior.
    tool_spec& with_metadata(tool_metadata m) {
        metadata = std::move(m);
        return checked_metadata();
    }
    /// Python's `ToolMetadata(strict=False)`: keeps behaviour and service domains that contradict
    /// each other (a "read" tool that counts views). Call it before the setters it should allow.
    tool_spec& lenient_metadata() {
        metadata.strict = false;
        return *this;
    }
    /// Throws std::invalid_argument naming the tool when `metadata` is refused by
    /// metadata_contradiction; server::add_tool calls it too.
    tool_spec& checked_metadata() {
        if (auto why = metadata_contradiction(metadata)) throw std::invalid_argument("tool '" + name + "': " + *why);
        return *this;
    }
    /// The tool reads this secret through `tool_context::secret` (worker: from the engine; MCP:
    /// from the environment). Reserved names (ARCADE_WORKER_SECRET, ARCADE_API_KEY) are refused.
    tool_spec& requires_secret(std::string key) { requirements.secrets.push_back(std::move(key)); return *this; }
    /// The tool reads this metadata key through `tool_context::metadata` (worker mode).
    tool_spec& requires_metadata(std::string key) {
        requirements.metadata_keys.push_back(std::move(key));
        return *this;
    }
    /// The engine obtains an OAuth2 token for the user (a known provider id such as "github").
    tool_spec& requires_oauth2(std::string provider_id, std::vector<std::string> scopes = {}) {
        requirements.oauth2 = oauth2_requirement{std::move(provider_id), std::nullopt, std::move(scopes)};
        return *this;
    }
    /// The engine obtains an OAuth2 token from the provider `requirement` names: a known provider
    /// (`provider_id`), a custom provider configured in Arcade (`id`, as Python's `OAuth2(id=...)`),
    /// or a given one of a known provider's configurations (both). Throws std::invalid_argument when
    /// it names neither.
    /// @code
    /// srv.add_tool<args>("ping", "Ping the intranet.", ping).requires_oauth2({.provider_id = std::nullopt,
    ///                                                                        .id = "acme-sso",
    ///                                                                        .scopes = {"read"}});
    /// @endcode
    tool_spec& requires_oauth2(oauth2_requirement requirement) {
        const auto blank = [](const std::optional<std::string>& s) { return !s || s->empty(); };
        if (blank(requirement.provider_id) && blank(requirement.id))
            throw std::invalid_argument("tool '" + name + "': an OAuth2 requirement needs a provider_id or an id");
        requirements.oauth2 = std::move(requirement);
        return *this;
    }
    /// A custom OAuth2 provider configured in Arcade, by its id (Python's `OAuth2(id=..., scopes=...)`):
    /// the requirement carries `id` and no `provider_id`.
    tool_spec& requires_custom_oauth2(std::string id, std::vector<std::string> scopes = {}) {
        return requires_oauth2(oauth2_requirement{std::nullopt, std::move(id), std::move(scopes)});
    }
    /// Marks the tool deprecated: `message` goes in Arcade's deprecation_message and prefixes the
    /// MCP description with `[DEPRECATED: ...]`.
    tool_spec& deprecated(std::string message) { deprecation_message = std::move(message); return *this; }
    /// The engine must not let the model infer this parameter (it asks the user instead).
    /// Throws std::invalid_argument when the tool has no such parameter.
    tool_spec& not_inferrable(std::string parameter) {
        if (!input_schema.value("properties", json::object()).contains(parameter))
            throw std::invalid_argument("tool '" + name + "': not_inferrable names no parameter: " + parameter);
        non_inferrable.push_back(std::move(parameter));
        return *this;
    }
};

namespace detail {

/// The input schema as arcade-mcp-server shows a tool's parameters: an optional parameter's own
/// schema does not admit null (nested optional members do), and `required` follows `order`.
void as_parameter_schema(json& input_schema, const std::vector<std::string>& order);

/// The schema of a handler's result type; of T for `std::optional<T>`.
template <class V>
json output_value_schema() {
    if constexpr (is_optional<V>::value) return value_codec<typename V::value_type>::schema();
    else return value_codec<V>::schema();
}

}  // namespace detail

/// Builds a tool from a described argument struct and a handler (see the handler forms above);
/// server::add_tool<Args> calls it. A handler of another shape is a compile error.
template <described Args, class Handler>
tool_spec make_tool(std::string name, std::string description, Handler handler) {
    constexpr bool takes_context = std::is_invocable_v<Handler&, tool_context&, const Args&>;
    static_assert(takes_context || std::is_invocable_v<Handler&, const Args&>,
                  "a tool handler takes (tool_context&, const Args&) or (const Args&)");
    auto call = [](Handler& h, tool_context& ctx, const Args& args) -> decltype(auto) {
        if constexpr (takes_context) return std::invoke(h, ctx, args);
        else return std::invoke(h, args);
    };
    using returned = std::decay_t<decltype(call(handler, std::declval<tool_context&>(), std::declval<const Args&>()))>;
    using value_type = typename success_type<returned>::type;

    tool_spec spec;
    spec.name = std::move(name);
    spec.description = std::move(description);
    spec.input_schema = value_codec<Args>::schema();
    spec.parameter_order = value_codec<Args>::field_names();
    detail::as_parameter_schema(spec.input_schema, spec.parameter_order);
    if constexpr (!std::is_same_v<value_type, tool_content>) {
        // structuredContent: objects as they are, anything else wrapped in `result`. An optional
        // result is described by its value's schema (as Python unwraps Optional[T]).
        spec.output_nullable = is_optional<value_type>::value;
        json schema = detail::output_value_schema<value_type>();
        spec.wraps_result = schema.value("type", json()) != "object";
        spec.output_schema = spec.wraps_result
                                 ? json{{"type", "object"}, {"properties", {{"result", std::move(schema)}}}}
                                 : std::move(schema);
    }
    spec.invoke = [h = std::move(handler), call](tool_context& ctx, const json& arguments, tool_output& out) mutable {
        Args args{};
        decode_error err;
        if (!value_codec<Args>::decode(arguments, args, "", err)) return out.invalid_arguments(std::move(err));
        if constexpr (is_result<returned>::value) {
            auto r = call(h, ctx, args);
            if (!r) return out.error(std::move(r).error());
            out.put(std::move(r).value());
        } else {
            out.put(call(h, ctx, args));
        }
    };
    return spec;
}

/// The handler of make_raw_tool: the raw arguments object in, content blocks or a tool_error out.
using raw_tool_handler = std::function<result<tool_content>(tool_context&, const json& arguments)>;
/// A tool whose input schema is given verbatim (any JSON Schema, such as 2020-12 with `$defs` and
/// `$ref`) and whose handler receives the raw arguments object. The handler checks them itself.
/// @code
/// srv.add_tool(make_raw_tool("sum", "Adds numbers.",
///     {{"type", "object"}, {"properties", {{"xs", {{"type", "array"}, {"items", {{"type", "number"}}}}}}}},
///     [](tool_context&, const json& args) -> result<tool_content> {
///         double s = 0;
///         for (const auto& x : args.value("xs", json::array())) s += x.is_number() ? x.get<double>() : 0;
///         return tool_content{content_block::text(std::to_string(s))};
///     }));
/// @endcode
tool_spec make_raw_tool(std::string name, std::string description, json input_schema, raw_tool_handler handler);

}  // namespace arcade_mcp
