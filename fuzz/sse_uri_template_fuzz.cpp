// Fuzz target: SSE resumption ids and resource URI templates.
//  - event_stream::parse_event_id (src/transport/http/event_stream.hpp) on the whole input and on
//    each of its two parts: a Last-Event-ID header value is client-controlled;
//  - uri_template (src/mcp/uri_template.hpp): the first line is the template text, the rest the
//    URI to match. std::invalid_argument from the constructor is the documented rejection;
//    anything else escaping is a finding.
// Oracles: a parsed event id re-formats to an id that parses to the same pair; a match only
// returns variables the template declares.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "mcp/uri_template.hpp"
#include "transport/http/event_stream.hpp"

namespace {

using arcade_mcp::detail::event_stream;
using arcade_mcp::detail::uri_template;

[[noreturn]] void die(const char* what, std::string_view in) {
    std::fprintf(stderr, "sse_uri_template_fuzz: %s\ninput: %.*s\n", what, static_cast<int>(in.size()), in.data());
    std::abort();
}

void event_id(std::string_view text) {
    const auto parsed = event_stream::parse_event_id(text);
    if (!parsed) return;
    const std::string again = parsed->first + "-" + std::to_string(parsed->second);
    const auto reparsed = event_stream::parse_event_id(again);
    if (!reparsed || *reparsed != *parsed) die("a parsed event id does not round-trip", text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    const auto nl = in.find('\n');
    const std::string_view first = in.substr(0, nl);
    const std::string_view rest = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);

    event_id(in);
    event_id(first);
    event_id(rest);

    try {
        const uri_template t(first);
        const auto vars = t.match(rest);
        if (vars) {
            for (const auto& [name, value] : *vars) {
                bool declared = false;
                for (const auto& v : t.variables()) declared = declared || v == name;
                if (!declared) die("match returned an undeclared variable", in);
            }
        }
        (void)t.match(first);  // a template rarely matches itself; cheap extra coverage
    } catch (const std::invalid_argument&) {
        // the documented rejection of a malformed template
    }
    return 0;
}
