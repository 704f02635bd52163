// Shared by the fuzz targets: a described argument struct with every kind of field value_codec
// supports (strings, integers of several widths, doubles, float, bools, an enum, optionals,
// vectors, vectors of vectors, nested described structs, free-form JSON) and constraints
// (minimum/maximum, min/max length, min/max items, defaults). value_codec_fuzz decodes into it
// directly; jsonrpc_dispatch_fuzz serves a typed tool taking it.
#pragma once

#include <arcade_mcp/mcp.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fuzz {

enum class color { red, green, blue };

}  // namespace fuzz

template <>
struct arcade_mcp::enum_names<fuzz::color> {
    static constexpr std::pair<fuzz::color, std::string_view> values[] = {
        {fuzz::color::red, "red"}, {fuzz::color::green, "green"}, {fuzz::color::blue, "blue"}};
};

namespace fuzz {

using arcade_mcp::field;
using arcade_mcp::fields;

struct point {
    double x = 0;
    double y = 0;
    static auto describe() {
        return fields(field("x", &point::x, "X").minimum(-1e6).maximum(1e6), field("y", &point::y, "Y"));
    }
};

struct item {
    std::string name;
    std::int32_t count = 1;
    std::optional<point> where;
    std::optional<bool> done;
    static auto describe() {
        return fields(field("name", &item::name, "Name").min_length(1).max_length(32),
                      field("count", &item::count, "Count").minimum(0).default_value(1),
                      field("where", &item::where, "Where"), field("done", &item::done, "Done"));
    }
};

struct args {
    std::string text;
    std::int64_t big = 0;
    std::uint8_t small = 0;
    std::uint64_t ubig = 0;
    std::optional<std::int16_t> maybe_short;
    double ratio = 0.5;
    float single = 0;
    bool flag = false;
    color hue = color::red;
    std::optional<std::string> note;
    std::vector<std::string> tags;
    std::vector<item> items;
    std::vector<std::vector<std::int64_t>> matrix;
    std::optional<std::vector<color>> palette;
    point origin;
    std::optional<arcade_mcp::json> extra;

    static auto describe() {
        return fields(field("text", &args::text, "Required text").max_length(256),
                      field("big", &args::big, "int64").default_value(0),
                      field("small", &args::small, "uint8").default_value(0),
                      field("ubig", &args::ubig, "uint64").default_value(0),
                      field("maybe_short", &args::maybe_short, "optional int16").minimum(-100).maximum(100),
                      field("ratio", &args::ratio, "A ratio").minimum(0).maximum(1).default_value(0.5),
                      field("single", &args::single, "A float").default_value(0.0f),
                      field("flag", &args::flag, "A flag").default_value(false),
                      field("hue", &args::hue, "An enum").default_value(color::red),
                      field("note", &args::note, "Optional note").min_length(1),
                      field("tags", &args::tags, "Tags").max_items(16).default_value({}),
                      field("items", &args::items, "Items").min_items(0).max_items(8).default_value({}),
                      field("matrix", &args::matrix, "Rows of integers").default_value({}),
                      field("palette", &args::palette, "Optional colors").min_items(1),
                      field("origin", &args::origin, "Required nested struct"),
                      field("extra", &args::extra, "Free-form JSON"));
    }
};

/// The input split at its first '\n' (the second part is empty when there is none).
inline std::pair<std::string_view, std::string_view> split_first_line(std::string_view in) {
    const auto nl = in.find('\n');
    if (nl == std::string_view::npos) return {in, {}};
    return {in.substr(0, nl), in.substr(nl + 1)};
}

}  // namespace fuzz
