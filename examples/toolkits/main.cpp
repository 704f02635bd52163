// Example: several toolkits in one server, and a tool calling others. Mail 1.4.0 and Calendar
// 0.9.0 each have a `search` tool (Mail_Search, Calendar_Search); the server's own toolkit,
// Assistant, has `brief`, which calls both through the context (ctx.call_tool_as) for the same
// user and combines what they found. Over the worker routes each tool keeps its toolkit's name
// and version in its ToolDefinition.
// Run: build/release/bin/toolkits_example   Check: examples/toolkits/check.sh <binary>
#include <arcade_mcp/mcp.hpp>

#include <string>
#include <vector>

namespace {

struct query_args {
    std::string query;
    static auto describe() {
        return arcade_mcp::fields(arcade_mcp::field("query", &query_args::query, "Words to look for").min_length(1));
    }
};

/// The entries of `items` that contain `query`.
std::vector<std::string> matching(const std::vector<std::string>& items, const std::string& query) {
    std::vector<std::string> out;
    for (const auto& item : items)
        if (item.find(query) != std::string::npos) out.push_back(item);
    return out;
}

std::vector<std::string> search_mail(const query_args& in) {
    return matching({"Launch plan v2", "Lunch on Friday", "Launch retro notes"}, in.query);
}

std::vector<std::string> search_calendar(const query_args& in) {
    return matching({"Launch review, Tue 10:00", "1:1 with Ada, Wed 14:00"}, in.query);
}

arcade_mcp::result<std::string> brief(arcade_mcp::tool_context& ctx, const query_args& in) {
    // By fully qualified name; "Mail_Search" (the MCP name) works too. A plain "Search" would be
    // ambiguous here: both toolkits have one.
    auto mails = ctx.call_tool_as<std::vector<std::string>>("Mail.Search", {{"query", in.query}});
    if (!mails) return std::move(mails).error();
    auto events = ctx.call_tool_as<std::vector<std::string>>("Calendar.Search", {{"query", in.query}});
    if (!events) return std::move(events).error();
    std::string text = std::to_string(mails.value().size()) + " mail(s), " + std::to_string(events.value().size()) +
                       " event(s) for " + std::string(ctx.user_id()) + ":";
    for (const auto& m : mails.value()) text += " [mail] " + m + ";";
    for (const auto& e : events.value()) text += " [event] " + e + ";";
    return text;
}

}  // namespace

int main(int argc, char** argv) {
    arcade_mcp::server_info info;
    info.name = "assistant";
    info.version = "1.0.0";
    info.toolkit = "Assistant";  // the toolkit of srv.add_tool
    info.toolkit_description = "Answers that combine the other toolkits";
    arcade_mcp::server srv(info);
    srv.add_tool<query_args>("brief", "Mail and events about a topic.", brief);  // Assistant_Brief

    auto& mail = srv.add_toolkit({"Mail", "1.4.0", "Read the user's mail"});
    mail.add_tool<query_args>("search", "Subjects of mails that mention the query.", search_mail);
    auto& calendar = srv.add_toolkit({"Calendar", "0.9.0", "Read the user's calendar"});
    calendar.add_tool<query_args>("search", "Events that mention the query.", search_calendar);
    return arcade_mcp::run(srv, argc, argv);
}
