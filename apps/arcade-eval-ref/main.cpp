// arcade-eval-ref: the reference MCP server and Arcade worker built on arcade-mcp-cpp.
// Run: ARCADE_SERVER_TRANSPORT=http arcade-eval-ref   (or --help for every setting)
#include <exception>
#include <iostream>

#include "eval_ref_tools.hpp"

int main(int argc, char** argv) {
    try {
        arcade_mcp::server srv(eval_ref::reference_server_info());
        eval_ref::add_reference_tools(srv);
        return arcade_mcp::run(srv, argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "arcade-eval-ref: " << e.what() << '\n';
        return 1;
    }
}
