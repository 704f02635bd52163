// Consumer of the installed package: includes only the public umbrella header (which must not
// pull in Boost) and registers one typed tool.
#include <arcade_mcp/mcp.hpp>

#ifdef BOOST_VERSION
#error "public headers must not include Boost"
#endif

struct args {
    std::string text;
    static auto describe() { return arcade_mcp::fields(arcade_mcp::field("text", &args::text, "Text")); }
};

int main() {
    arcade_mcp::server srv(arcade_mcp::server_info{});
    srv.add_tool<args>("upper", "Upper-case the text.", [](const args& a) { return a.text; });
    return srv.tools().size() == 1 ? 0 : 1;
}
