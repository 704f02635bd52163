// The {{Toolkit}} toolkit: its tools' argument types and handlers, and add_tools(), which
// registers them. Served as {{Toolkit}}_CountWords{{#full}} and {{Toolkit}}_FetchJson{{/full}}.
#pragma once

#include <arcade_mcp/mcp.hpp>

#include <string>
{{#full}}
#include "upstream.hpp"
{{/full}}

namespace {{name_snake}} {

/// The server's identity: name, version and the toolkit name tools are served under.
arcade_mcp::server_info server_description();

/// CountWords: pure, answers at once.
struct count_words_args {
    std::string text;
    static auto describe() {
        return arcade_mcp::fields(arcade_mcp::field("text", &count_words_args::text, "The text to count words in"));
    }
};
struct word_count {
    int words = 0;
    int characters = 0;
    static auto describe() {
        return arcade_mcp::fields(arcade_mcp::field("words", &word_count::words, "Whitespace-separated words"),
                                  arcade_mcp::field("characters", &word_count::characters, "Bytes of text"));
    }
};
word_count count_words(const count_words_args& in);
{{#full}}

/// FetchJson: blocks on an upstream HTTP call (runs on the worker pool, cancellable).
struct fetch_json_args {
    std::string path;
    static auto describe() {
        return arcade_mcp::fields(
            arcade_mcp::field("path", &fetch_json_args::path, "Path under the upstream API, e.g. /todos/1")
                .min_length(1));
    }
};
/// Fetches `path` from `upstream` and returns the JSON it answered; upstream failures become
/// tool errors of Arcade's upstream kinds (not found, rate limit, server error, ...).
arcade_mcp::result<arcade_mcp::json> fetch_json(arcade_mcp::tool_context& ctx, const fetch_json_args& in,
                                                const upstream_client& upstream);
{{/full}}

/// Registers the toolkit's tools on `srv`{{#full}}; FetchJson calls `upstream` (tests pass a fake){{/full}}.
void add_tools(arcade_mcp::server& srv{{#full}}, upstream_client upstream = curl_upstream(){{/full}});

}  // namespace {{name_snake}}
