// Echo, Add and Whoami: the tools of the reference server (see eval_ref_tools.hpp).
#include "eval_ref_tools.hpp"

#include <cstdint>
#include <string>

namespace eval_ref {
using namespace arcade_mcp;

namespace {

struct echo_args {
    std::string message;
    static auto describe() { return fields(field("message", &echo_args::message, "The message to echo back")); }
};

struct add_args {
    std::int64_t a = 0;
    std::int64_t b = 0;
    static auto describe() {
        return fields(field("a", &add_args::a, "First addend"),
                      field("b", &add_args::b, "Second addend"));
    }
};

result<std::int64_t> add(const add_args& in) {
    std::int64_t sum = 0;
    if (__builtin_add_overflow(in.a, in.b, &sum))
        return tool_error::fatal("integer overflow: the sum does not fit in a signed 64-bit integer");
    return sum;
}

}  // namespace

server_info reference_server_info() {
    server_info info;
    info.name = "arcade-eval-ref";
    info.version = "1.0.0";
    info.title = "Arcade eval reference";
    info.instructions = "Reference tools for evaluating an Arcade gateway: Echo, Add and Whoami.";
    info.toolkit = "ArcadeEvalRef";
    info.toolkit_description = "Reference tools for evaluating the Arcade gateway.";
    return info;
}

// All three return at once without blocking, so they run inline on the I/O thread.
void add_reference_tools(server& srv) {
    srv.add_tool<echo_args>("echo", "Echo the message back.", [](const echo_args& in) { return in.message; })
        .with_output_description("The same message")
        .non_blocking();
    srv.add_tool<add_args>("add", "Add two integers.", add).with_output_description("The sum a + b").non_blocking();
    srv.add_tool<no_arguments>("whoami", "Return the caller's user id.",
                               [](tool_context& ctx, const no_arguments&) { return std::string(ctx.user_id()); })
        .with_output_description("The caller's user id")
        .non_blocking()
        .with_behavior({.operations = {operation::read},
                        .read_only = true,
                        .destructive = false,
                        .idempotent = true,
                        .open_world = false});
}

}  // namespace eval_ref
