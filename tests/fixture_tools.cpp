// The Fixture toolkit (see fixture_tools.hpp).
#include "fixture_tools.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

namespace fixture {
using namespace arcade_mcp;

enum class mode { fast, thorough };
}  // namespace fixture

template <>
struct arcade_mcp::enum_names<fixture::mode> {
    static constexpr std::pair<fixture::mode, std::string_view> values[] = {{fixture::mode::fast, "fast"},
                                                                            {fixture::mode::thorough, "thorough"}};
};

namespace fixture {
namespace {

struct filter {
    std::string key;
    std::string value;
    static auto describe() {
        return fields(field("field", &filter::key, "Field name").min_length(1),
                      field("value", &filter::value, "Value to match"));
    }
};

struct search_args {
    std::string query;
    std::optional<int> limit;
    mode how = mode::fast;
    std::vector<std::string> tags;
    std::optional<filter> where;
    double boost = 1.0;
    static auto describe() {
        return fields(field("query", &search_args::query, "What to look for").min_length(1).max_length(20),
                      field("limit", &search_args::limit, "Most results").minimum(1).maximum(50),
                      field("mode", &search_args::how, "Search mode").default_value(mode::fast),
                      field("tags", &search_args::tags, "Tags to match").max_items(3).default_value({}),
                      field("where", &search_args::where, "Optional filter"),
                      field("boost", &search_args::boost, "Score multiplier").default_value(1.0));
    }
};

struct search_result {
    int count = 0;
    std::vector<std::string> items;
    mode how = mode::fast;
    static auto describe() {
        return fields(field("count", &search_result::count, "Number of items"),
                      field("items", &search_result::items, "The items"),
                      field("mode", &search_result::how, "Mode used"));
    }
};

struct steps_args {
    int steps = 2;
    static auto describe() {
        return fields(field("steps", &steps_args::steps, "How many progress steps").minimum(0).maximum(10));
    }
};

}  // namespace

server_info fixture_server_info(std::size_t page_size) {
    server_info info;
    info.name = "fixture";
    info.version = "v2";
    info.toolkit = "Fixture";
    info.page_size = page_size;
    return info;
}

void add_fixture_tools(server& srv) {
    srv.add_tool<search_args>("search", "Search with every kind of argument.", [](const search_args& in) {
        search_result out;
        out.how = in.how;
        out.items.push_back(in.query + (in.where ? " where " + in.where->key + "=" + in.where->value : std::string()));
        for (const auto& t : in.tags) out.items.push_back("#" + t);
        if (in.limit && static_cast<int>(out.items.size()) > *in.limit)
            out.items.resize(static_cast<std::size_t>(*in.limit));
        out.count = static_cast<int>(out.items.size());
        return out;
    });
    srv.add_tool<steps_args>("progress", "Report progress and log while working.",
                             [](tool_context& ctx, const steps_args& in) {
                                 for (int i = 1; i <= in.steps; ++i)
                                     ctx.report_progress(i, in.steps, "step " + std::to_string(i));
                                 ctx.log(mcp_log_level::debug, "debug detail");
                                 ctx.log(mcp_log_level::info, json{{"msg", "done"}}, std::string("fixture"));
                                 return in.steps;
                             });
    srv.add_tool<no_arguments>("throws", "Throw an exception.", [](const no_arguments&) -> std::string {
        throw std::runtime_error("secret internal detail");
    });
    srv.add_tool<no_arguments>("retry_later", "Ask the model to retry.",
                               [](const no_arguments&) -> result<std::string> {
                                   return tool_error::retry("busy", std::string("try again in a minute"), 60000);
                               });
    srv.add_tool<no_arguments>("secret_length", "Report the length of a declared secret (never its value).",
                               [](tool_context& ctx, const no_arguments&) -> result<std::string> {
                                   auto s = ctx.secret("fixture_api_token");
                                   if (!s)
                                       return tool_error::context_required("FIXTURE_API_TOKEN is not available",
                                                                           "Configure it.");
                                   return std::to_string(s->size()) + " characters; metadata tenant=" +
                                          ctx.metadata("TENANT").value_or("none");
                               })
        .requires_secret("FIXTURE_API_TOKEN")
        .requires_metadata("tenant");
    srv.add_tool<no_arguments>("reserved_secret", "Declares the worker secret, which is never handed out.",
                               [](tool_context& ctx, const no_arguments&) -> std::string {
                                   if (auto s = ctx.secret("ARCADE_WORKER_SECRET")) return *s;
                                   // Nor is it in the environment: run() takes it out once read.
                                   if (std::getenv("ARCADE_WORKER_SECRET") || std::getenv("ARCADE_API_KEY"))
                                       return "(found in the environment)";
                                   return "(not available)";
                               })
        .requires_secret("ARCADE_WORKER_SECRET");
    srv.add_tool<no_arguments>("throws_tool_error", "Throw a tool_exception.", [](const no_arguments&) -> bool {
        throw tool_exception(tool_error::upstream(429, "rate limited"));
    });
}

void add_eliciting_tools(server& srv) {
    srv.add_tool<no_arguments>(
        "confirm", "Ask the user to confirm (ctx.elicit).", [](tool_context& ctx, const no_arguments&) {
            const json form{{"type", "object"}, {"properties", {{"ok", {{"type", "boolean"}}}}}, {"required", {"ok"}}};
            const elicitation_result answer = ctx.elicit("Proceed?", form);
            return answer.action + " " + answer.content.dump();
        });
    srv.add_tool<no_arguments>(
        "two_steps", "Ask for a name, then a color (ctx.ask_client twice).",
        [](tool_context& ctx, const no_arguments&) {
            const auto form = [](const char* property) {
                return json{
                    {"type", "object"}, {"properties", {{property, {{"type", "string"}}}}}, {"required", {property}}};
            };
            const auto first = ctx.ask_client({input_request::elicitation("name", "Your name?", form("name"))});
            const auto second =
                ctx.ask_client({input_request::elicitation("color", "Your favorite color?", form("color"))});
            const auto text = [](const json& answer, const char* field) {
                return answer.value("content", json::object()).value(field, std::string());
            };
            return text(first.at("name"), "name") + " likes " + text(second.at("color"), "color");
        });
}

}  // namespace fixture
