// The {{Toolkit}} toolkit's handlers and their registration (see tools.hpp).
#include "tools.hpp"

#include <sstream>

namespace {{name_snake}} {

arcade_mcp::server_info server_description() {
    arcade_mcp::server_info info;
    info.name = "{{name}}";
    info.version = "0.1.0";
    info.toolkit = "{{Toolkit}}";
    info.toolkit_description = "Tools of {{name}}";
    return info;
}

word_count count_words(const count_words_args& in) {
    std::istringstream words(in.text);
    int n = 0;
    for (std::string word; words >> word;) ++n;
    return {n, static_cast<int>(in.text.size())};
}
{{#full}}

arcade_mcp::result<arcade_mcp::json> fetch_json(arcade_mcp::tool_context& ctx, const fetch_json_args& in,
                                                const upstream_client& upstream) {
    if (in.path.empty() || in.path.front() != '/') return arcade_mcp::tool_error::retry("path must start with '/'");
    const upstream_reply reply = upstream(in.path, ctx.stop_token());
    if (reply.status == 0) return arcade_mcp::tool_error::retry("upstream unreachable: " + reply.body);
    if (reply.status >= 400)
        return arcade_mcp::tool_error::upstream(reply.status, "upstream answered " + std::to_string(reply.status));
    auto body = arcade_mcp::json::parse(reply.body, nullptr, false);
    if (body.is_discarded()) return arcade_mcp::tool_error::upstream(502, "upstream answered with invalid JSON");
    return body;
}
{{/full}}

void add_tools(arcade_mcp::server& srv{{#full}}, upstream_client upstream{{/full}}) {
    srv.add_tool<count_words_args>("CountWords", "Count the words and characters of a text.", count_words)
        .non_blocking();  // answers at once: runs inline, no thread switch
{{#full}}
    srv.add_tool<fetch_json_args>(
           "FetchJson", "Fetch a JSON document from the upstream API.",
           [upstream = std::move(upstream)](arcade_mcp::tool_context& ctx, const fetch_json_args& in) {
               return fetch_json(ctx, in, upstream);
           })
        .with_timeout(std::chrono::seconds(30));
{{/full}}
}

}  // namespace {{name_snake}}
