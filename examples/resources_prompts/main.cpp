// Example: resources, resource templates, prompts and completion. A small documentation server:
// a fixed resource (docs://index), a family of resources behind an RFC 6570 template
// (docs://topics/{topic}), a prompt with a required and an optional argument that embeds a topic's
// page, and completion of the template variable and the prompt argument from what the user typed.
// Run:   build/release/bin/resources_prompts_example   (stdio; ARCADE_SERVER_TRANSPORT=http for HTTP)
// Try:   {"jsonrpc":"2.0","id":2,"method":"resources/read","params":{"uri":"docs://topics/tools"}}
// Check: examples/resources_prompts/check.sh <binary>
#include <arcade_mcp/mcp.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace arcade_mcp;

const std::map<std::string, std::string> topics{
    {"tools", "Tools are typed functions the model calls."},
    {"resources", "Resources are data the client reads by URI."},
    {"prompts", "Prompts are message templates the user picks."},
};

std::vector<std::string> topic_names() {
    std::vector<std::string> names;
    for (const auto& [name, text] : topics) names.push_back(name);
    return names;
}

// Prompt arguments are strings: std::string is required, std::optional<std::string> optional.
struct explain_args {
    std::string topic;
    std::optional<std::string> audience;
    static auto describe() {
        return fields(field("topic", &explain_args::topic, "What to explain"),
                      field("audience", &explain_args::audience, "Who the explanation is for"));
    }
};

// A completer: suggestions for one argument or variable, given the prefix typed so far.
completion_result complete_topic(tool_context&, const completion_request& r) {
    return completion_result::matching(topic_names(), r.value);
}

}  // namespace

int main(int argc, char** argv) {
    server_info info;
    info.name = "docs";
    info.version = "1.0.0";
    server srv(info);

    // A fixed URI. Readers run on the worker pool and may block (files, databases).
    resource_info index;
    index.uri = "docs://index";
    index.name = "index";
    index.title = "Table of contents";
    index.mime_type = "text/markdown";
    srv.add_resource(index, [](tool_context&, const std::string& uri) {
        std::string md = "# Topics\n";
        for (const auto& name : topic_names()) md += "- docs://topics/" + name + "\n";
        return std::vector{resource_contents::text_of(uri, md, "text/markdown")};
    });

    // A template: any URI that matches it is read by this reader, with the variables expanded.
    resource_template_spec page;
    page.info.uri = "docs://topics/{topic}";
    page.info.name = "topic";
    page.info.description = "One topic's page";
    page.info.mime_type = "text/plain";
    page.read = [](tool_context&, const std::string& uri,
                   const std::map<std::string, std::string>& vars) -> result<std::vector<resource_contents>> {
        auto it = topics.find(vars.at("topic"));
        if (it == topics.end()) return resource_not_found(uri);  // JSON-RPC -32002 with the URI
        return std::vector{resource_contents::text_of(uri, it->second, "text/plain")};
    };
    page.complete("topic", complete_topic);  // completion/complete with ref/resource
    srv.add_resource_template(std::move(page));

    // A prompt: the client lists it with its arguments and gets it filled in.
    srv.add_prompt<explain_args>(
           "explain_topic", "Explain a topic of the docs",
           [](tool_context&, const explain_args& a) {
               auto it = topics.find(a.topic);
               // A bad argument value is the request's fault: JSON-RPC -32602, as for a missing one.
               // (A returned tool_error would be answered -32603, an internal error.)
               if (it == topics.end()) throw protocol_error(-32602, "No such topic: " + a.topic);
               const std::string uri = "docs://topics/" + a.topic;
               return prompt_result{
                   "Explains " + a.topic,
                   {// The page itself travels in the prompt as an embedded resource.
                    prompt_message::user(content_block::embedded(resource_contents::text_of(uri, it->second))),
                    prompt_message::user(content_block::text("Explain this to " + a.audience.value_or("a developer") +
                                                             " in two sentences."))}};
           })
        .complete("topic", complete_topic)  // completion/complete with ref/prompt
        .complete("audience", [](tool_context&, const completion_request& r) {
            return completion_result::matching({"a developer", "a manager", "a student"}, r.value);
        });

    return run(srv, argc, argv);
}
