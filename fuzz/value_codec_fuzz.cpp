// Fuzz target: the typed argument decoder, value_codec<T>::decode (include/arcade_mcp/mcp/
// value_codec.hpp, fields.hpp), on a described struct with strings, integers of several widths,
// doubles, a float, bools, an enum, optionals, vectors, nested structs and free-form JSON
// (fuzz/fuzz_types.hpp), plus a few bare container types.
// Input: JSON text (inputs that do not parse are skipped). Oracles: decode never throws or
// crashes; a failure names a JSON pointer that starts with '/' (or is empty); a success encodes
// to a value that decodes again and encodes to the same JSON (round trip).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "fuzz_types.hpp"

namespace {

using arcade_mcp::decode_error;
using arcade_mcp::json;
using arcade_mcp::value_codec;

[[noreturn]] void fail(const char* what, const json& input) {
    std::fprintf(stderr, "value_codec_fuzz: %s\ninput: %s\n", what,
                 input.dump(-1, ' ', false, json::error_handler_t::replace).c_str());
    std::abort();
}

template <class T>
void check(const json& j) {
    T value{};
    decode_error err;
    if (!value_codec<T>::decode(j, value, "", err)) {
        if (!err.path.empty() && err.path.front() != '/') fail("decode error path is not a JSON pointer", j);
        if (err.message.empty()) fail("decode error without a message", j);
        return;
    }
    const json encoded = value_codec<T>::encode(value);
    T again{};
    decode_error err2;
    if (!value_codec<T>::decode(encoded, again, "", err2)) {
        // Not an error when the value holds what JSON cannot carry back (inf from a float
        // overflow encodes as a number that decodes fine; nothing else is expected here).
        fail(("re-decoding the encoded value failed: " + err2.path + ": " + err2.message).c_str(), j);
    }
    if (value_codec<T>::encode(again) != encoded) fail("round trip changed the value", j);
    (void)encoded.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    // Schemas are static per type; build them once so a broken schema shows up immediately.
    (void)value_codec<fuzz::args>::schema().dump();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return -1;  // not JSON: keep it out of the corpus
    check<fuzz::args>(j);
    check<fuzz::item>(j);
    check<std::vector<fuzz::color>>(j);
    check<std::optional<std::uint16_t>>(j);
    check<std::vector<std::optional<std::int8_t>>>(j);
    check<std::vector<double>>(j);
    if (j.is_object()) {
        // The usual tool-call shape: {"name":..., "arguments":{...}}.
        if (auto it = j.find("arguments"); it != j.end()) check<fuzz::args>(*it);
    }
    return 0;
}
