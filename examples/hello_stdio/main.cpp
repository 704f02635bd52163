// Example: the smallest typed tool server. One struct, one handler, served over stdio (or HTTP
// with ARCADE_SERVER_TRANSPORT=http). Run: build/release/bin/hello_stdio
// Try: examples/hello_stdio/check.sh build/release/bin/hello_stdio  (initialize, then a call of
//      '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"Greeter_Greet","arguments":{"name":"Ada"}}}')
#include <arcade_mcp/mcp.hpp>

// [flagship]
struct greet_args {
    std::string name;
    int times = 1;
    static auto describe() {
        return arcade_mcp::fields(
            arcade_mcp::field("name", &greet_args::name, "Who to greet").min_length(1),
            arcade_mcp::field("times", &greet_args::times, "Repetitions").minimum(1).maximum(5).default_value(1));
    }
};

std::string greet(const greet_args& in) {
    std::string out;
    for (int i = 0; i < in.times; ++i) out += "Hello, " + in.name + "! ";
    return out;
}

int main(int argc, char** argv) {
    arcade_mcp::server_info info;
    info.name = "hello";
    info.version = "1.0.0";
    info.toolkit = "Greeter";
    arcade_mcp::server srv(info);
    srv.add_tool<greet_args>("greet", "Greet someone by name.", greet);
    return arcade_mcp::run(srv, argc, argv);
}
// [flagship]
