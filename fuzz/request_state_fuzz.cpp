// Fuzz target: opening 2026-07-28 request state (the attacker-controlled `requestState` a client
// sends back). Any input must be refused or accepted without a crash, and a state this codec
// seals from fuzzed parts must open to the same parts (and fail once a byte is changed).
// Input: the first line is offered to open() as a state; the rest is JSON for the sealed body.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mcp/request_state.hpp"

namespace {

[[noreturn]] void die(const char* what) {
    std::fprintf(stderr, "request_state_fuzz: %s\n", what);
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace arcade_mcp;
    static const detail::request_state_codec codec("fuzz-key", std::chrono::seconds(600), 4096);
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    const auto nl = in.find('\n');
    std::string why;
    (void)codec.open(in.substr(0, nl), 1000, why);

    if (nl == std::string_view::npos) return 0;
    const json parts = json::parse(in.substr(nl + 1), nullptr, false);
    if (parts.is_discarded()) return 0;
    detail::request_state_body body;
    body.method = "tools/call";
    body.digest = codec.digest("tools/call", parts);
    // The fuzzed JSON may hold any type under any key: read only what has the expected type
    // (json::value() throws type_error.302 on a mismatch, which would be a harness crash).
    if (parts.is_object()) {
        if (const auto p = parts.find("p"); p != parts.end() && p->is_string()) body.principal = p->get<std::string>();
        if (const auto a = parts.find("a"); a != parts.end() && a->is_object()) body.answers = *a;
    }
    body.app = parts;
    const auto sealed = codec.seal(body, 1000);
    if (!sealed) return 0;  // too large: refused, fine
    const auto opened = codec.open(*sealed, 1000, why);
    if (!opened) die("a state this codec sealed did not open");
    if (opened->digest != body.digest || opened->principal != body.principal || opened->answers != body.answers ||
        opened->app != body.app)
        die("a sealed state opened to different contents");
    std::string altered = *sealed;
    altered[altered.size() / 2] ^= 0x01;
    if (codec.open(altered, 1000, why)) die("an altered state opened");
    return 0;
}
