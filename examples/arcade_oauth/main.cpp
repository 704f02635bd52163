// Example: a tool that acts for the user with their own GitHub token, over MCP. The tool declares
// what it needs (requires_oauth2); the server gets the token for the calling user through the
// Arcade API, as arcade-mcp-server does: set ARCADE_API_KEY (and ARCADE_API_URL for another
// deployment), and ARCADE_USER_ID or `arcade login` for who the user is. When the user has not
// authorized yet, a client that takes URL elicitations (MCP 2025-11-25) is asked to open the
// authorization link and the call runs once the user is done; other clients get the link in a
// tool error. In worker mode the Arcade engine gets the token instead, with no code change.
// Run: ARCADE_API_KEY=arc_... ARCADE_USER_ID=you@example.com build/release/bin/arcade_oauth_example
// Try: examples/arcade_oauth/check.sh build/release/bin/arcade_oauth_example (against a stand-in
//      of the Arcade API, arcade_api_double.mjs)
#include <arcade_mcp/mcp.hpp>

using namespace arcade_mcp;

int main(int argc, char** argv) {
    server_info info;
    info.name = "github_helper";
    info.version = "1.0.0";
    info.toolkit = "GithubHelper";
    server srv(info);
    srv.add_tool<no_arguments>("who_am_i", "Tell which GitHub account the tool acts for.",
                               [](tool_context& ctx, const no_arguments&) -> result<std::string> {
                                   const auto token = ctx.authorization_token();
                                   if (!token) return tool_error::fatal("No GitHub token was provided");
                                   // A real tool calls https://api.github.com/user with the token;
                                   // the provider's user info already names the account.
                                   const json info = ctx.user_info();
                                   const std::string login = info.value("login", std::string("unknown"));
                                   return "Acting as GitHub user " + login + " (token of " +
                                          std::to_string(token->size()) + " characters)";
                               })
        .requires_oauth2("github", {"read:user"});
    return run(srv, argc, argv);
}
