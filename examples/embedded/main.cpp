// Example: two MCP servers in one process, served over HTTP from this program's own thread.
// One event_loop (one io_context) run by a thread we start; on it a "greeter" and a "calculator"
// service, each on its own free loopback port (port 0, read back after start). It prints both
// URLs, serves until a line "stop" (or end of input) arrives on stdin, then stops both gracefully.
// Run: build/release/bin/embedded_example   Check: examples/embedded/check.sh <binary>
#include <arcade_mcp/http_service.hpp>
#include <arcade_mcp/mcp.hpp>

#include <iostream>
#include <string>
#include <thread>

namespace {

struct greet_args {
    std::string name;
    static auto describe() {
        return arcade_mcp::fields(arcade_mcp::field("name", &greet_args::name, "Who to greet").min_length(1));
    }
};

struct add_args {
    double a = 0;
    double b = 0;
    static auto describe() {
        return arcade_mcp::fields(arcade_mcp::field("a", &add_args::a, "First addend"),
                                  arcade_mcp::field("b", &add_args::b, "Second addend"));
    }
};

arcade_mcp::server_info info(std::string name, std::string toolkit) {
    arcade_mcp::server_info i;
    i.name = std::move(name);
    i.version = "1.0.0";
    i.toolkit = std::move(toolkit);
    return i;
}

}  // namespace

int main() {
    arcade_mcp::server greeter(info("greeter", "Greeter"));
    greeter.add_tool<greet_args>("greet", "Greet someone.",
                                 [](const greet_args& in) { return "Hello, " + in.name + "!"; });
    arcade_mcp::server calculator(info("calculator", "Calc"));
    calculator.add_tool<add_args>("add", "Add two numbers.", [](const add_args& in) { return in.a + in.b; })
        .non_blocking();

    // One I/O thread, so one io_context; event_loop(N) holds one per thread, each run() thread
    // serving its share of the connections of both services.
    arcade_mcp::event_loop loop(1);
    arcade_mcp::http_service_options stateless;
    stateless.stateless = true;  // every request stands alone: no initialize needed first
    arcade_mcp::http_service greeter_http(greeter, loop, stateless);
    arcade_mcp::http_service calculator_http(calculator, loop, stateless);
    try {
        greeter_http.start();
        calculator_http.start();
    } catch (const std::exception& e) {
        std::cerr << "cannot serve: " << e.what() << '\n';
        return 1;
    }
    std::thread io([&loop] { loop.run(); });
    std::cout << "greeter " << greeter_http.url() << '\n' << "calculator " << calculator_http.url() << std::endl;

    for (std::string line; std::getline(std::cin, line) && line != "stop";) {
    }
    greeter_http.stop();  // in-flight requests finish; sessions and connections close
    calculator_http.stop();
    loop.stop();
    io.join();
    std::cout << "stopped" << std::endl;
    return 0;
}
