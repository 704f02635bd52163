// The method table of each era: which methods exist, how each is answered (at once, or handed
// on with the request), and, for 2026-07-28, the capability it needs and its caching hint. The
// routing code (dispatcher::handle_request, dispatcher::serve_modern) looks a method up once.
#include "mcp/dispatcher.hpp"

namespace arcade_mcp::detail {

// The two handler shapes, as plain functions over a dispatcher (the table stores pointers).
#define ARCADE_ANSWER(call)                                                                                   \
    method_entry::answered([](dispatcher& d, session_state& s, const jsonrpc::request& r,                     \
                              std::optional<jsonrpc::error>& e) -> json { (void)d, (void)s, (void)r, (void)e; \
                                                                          return call; })
#define ARCADE_TASK(member)                                                                               \
    ARCADE_SERVE(d.serve_task_method(s, std::move(r), k,                                                  \
                                     [](dispatcher& d2, const session_state& s2, const jsonrpc::request& r2, \
                                        std::optional<jsonrpc::error>& e2) { return d2.member(s2, r2, e2); }))
#define ARCADE_SERVE(call)                                                                                    \
    method_entry::served([](dispatcher& d, const std::shared_ptr<session_state>& s, jsonrpc::request r,       \
                            const std::shared_ptr<outbound_sink>& k) { call; })

const dispatcher::method_table& dispatcher::legacy_methods() {
    static const method_table table{
        {"ping", ARCADE_ANSWER(json::object()).allowed_before_initialize()},
        {"initialize", ARCADE_ANSWER(d.initialize(s, r, e)).allowed_before_initialize()},
        {"tools/call", ARCADE_SERVE(d.call_tool(s, std::move(r), k))},
        {"tools/list", ARCADE_ANSWER(d.list_tools(s, r, e))},
        {"resources/list", ARCADE_ANSWER(d.list_resources(s, r, e))},
        {"resources/templates/list", ARCADE_ANSWER(d.list_resource_templates(s, r, e))},
        {"resources/read", ARCADE_SERVE(d.read_resource(s, std::move(r), k))},
        {"resources/subscribe", ARCADE_ANSWER(d.subscribe(s, r, true, e))},
        {"resources/unsubscribe", ARCADE_ANSWER(d.subscribe(s, r, false, e))},
        {"prompts/list", ARCADE_ANSWER(d.list_prompts(s, r, e))},
        {"prompts/get", ARCADE_SERVE(d.get_prompt(s, std::move(r), k))},
        {"completion/complete", ARCADE_SERVE(d.complete(s, std::move(r), k))},
        {"logging/setLevel", ARCADE_ANSWER(d.set_log_level(s, r, e))},
        {"tasks/get", ARCADE_TASK(task_get)},
        {"tasks/cancel", ARCADE_TASK(task_cancel)},
        {"tasks/list", ARCADE_TASK(task_list)},
        {"tasks/result", ARCADE_SERVE(d.task_result(s, std::move(r), k))},
    };
    return table;
}

// 2026-07-28 removed initialize, ping, logging/setLevel and resources/(un)subscribe: not here.
const dispatcher::method_table& dispatcher::modern_methods() {
    using cache = method_entry::cache;
    static const method_table table{
        {"server/discover", ARCADE_ANSWER(d.discover())},
        {"subscriptions/listen", ARCADE_SERVE(d.listen(s, r, k)).raw_sink()},
        {"tools/list", ARCADE_ANSWER(d.list_tools(s, r, e)).cached(cache::list)},
        {"tools/call", ARCADE_SERVE(d.call_tool(s, std::move(r), k))},
        {"resources/list", ARCADE_ANSWER(d.list_resources(s, r, e)).needs("resources").cached(cache::list)},
        {"resources/templates/list",
         ARCADE_ANSWER(d.list_resource_templates(s, r, e)).needs("resources").cached(cache::list)},
        {"resources/read", ARCADE_SERVE(d.read_resource(s, std::move(r), k)).needs("resources").cached(cache::read)},
        {"prompts/list", ARCADE_ANSWER(d.list_prompts(s, r, e)).needs("prompts").cached(cache::list)},
        {"prompts/get", ARCADE_SERVE(d.get_prompt(s, std::move(r), k)).needs("prompts")},
        {"completion/complete", ARCADE_SERVE(d.complete(s, std::move(r), k)).needs("completions")},
        // The tasks extension (tasks/result and tasks/list do not exist in it).
        {"tasks/get", ARCADE_TASK(task_get)},
        {"tasks/update", ARCADE_TASK(task_update)},
        {"tasks/cancel", ARCADE_TASK(task_cancel)},
    };
    return table;
}

#undef ARCADE_ANSWER
#undef ARCADE_SERVE
#undef ARCADE_TASK

}  // namespace arcade_mcp::detail
