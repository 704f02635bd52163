// Private pieces of the metrics exposition shared by metrics.cpp and process_metrics.cpp: a writer
// for one metric family in the Prometheus text format 0.0.4 (label escaping, number formatting),
// and the process_* metrics read from Linux /proc.
#pragma once

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "util/utf8.hpp"

namespace arcade_mcp::detail::observe {

inline bool is_valid_utf8(std::string_view s) noexcept {
    while (!s.empty()) {
        const auto length = utf8_sequence_length(s);
        if (length == 0) return false;
        s.remove_prefix(length);
    }
    return true;
}

/// Appends a label value escaped as the exposition format asks (backslash, double quote,
/// newline); a byte that is not valid UTF-8 becomes U+FFFD, since Prometheus refuses the scrape.
inline void append_escaped_label_value(std::string& out, std::string_view value) {
    constexpr std::string_view replacement_character = "\xEF\xBF\xBD";
    while (!value.empty()) {
        std::size_t consumed = 1;
        switch (value.front()) {
            case '\\': out += "\\\\"; break;
            case '"': out += "\\\""; break;
            case '\n': out += "\\n"; break;
            default:
                consumed = utf8_sequence_length(value);
                if (consumed == 0) {
                    out += replacement_character;
                    consumed = 1;
                } else {
                    out += value.substr(0, consumed);
                }
        }
        value.remove_prefix(consumed);
    }
}

template <typename Integer>
void append_integer(std::string& out, Integer value) {
    std::array<char, 24> digits{};
    const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), value).ptr;
    out.append(digits.data(), end);
}

/// Shortest text that reads back as `value`; NaN and infinities as Prometheus writes them.
inline void append_double(std::string& out, double value) {
    if (std::isnan(value)) {
        out += "NaN";
    } else if (std::isinf(value)) {
        out += value > 0 ? "+Inf" : "-Inf";
    } else {
        std::array<char, 32> digits{};
        const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), value).ptr;
        out.append(digits.data(), end);
    }
}

struct label {
    std::string_view name;
    std::string_view value;  ///< written by append_escaped_label_value
};

/// Writes the samples of one metric family. The # HELP and # TYPE lines are written before the
/// first sample, so a family that gets no sample leaves no trace in the output.
class family_writer {
public:
    /// `type` is "counter", "gauge" or "histogram"; `help` is plain text (no backslash or newline).
    family_writer(std::string& out, std::string_view name, std::string_view type, std::string_view help) noexcept
        : out_(out), name_(name), type_(type), help_(help) {}

    void sample(std::initializer_list<label> labels, std::uint64_t value, std::string_view suffix = {}) {
        begin_sample(labels, suffix);
        append_integer(out_, value);
        out_ += '\n';
    }
    void sample(std::initializer_list<label> labels, std::int64_t value, std::string_view suffix = {}) {
        begin_sample(labels, suffix);
        append_integer(out_, value);
        out_ += '\n';
    }
    void sample(std::initializer_list<label> labels, double value, std::string_view suffix = {}) {
        begin_sample(labels, suffix);
        append_double(out_, value);
        out_ += '\n';
    }
    /// A value already in exposition form ("1", "0.25", "+Inf").
    void sample_text(std::initializer_list<label> labels, std::string_view value, std::string_view suffix = {}) {
        begin_sample(labels, suffix);
        out_.append(value).append("\n");
    }

private:
    void begin_sample(std::initializer_list<label> labels, std::string_view suffix) {
        if (!header_written_) {
            out_.append("# HELP ").append(name_).append(" ").append(help_).append("\n");
            out_.append("# TYPE ").append(name_).append(" ").append(type_).append("\n");
            header_written_ = true;
        }
        out_.append(name_).append(suffix);
        char separator = '{';
        for (const auto& [name, value] : labels) {
            out_.append(1, separator).append(name).append("=\"");
            append_escaped_label_value(out_, value);
            out_ += '"';
            separator = ',';
        }
        if (labels.size() != 0) out_ += '}';
        out_ += ' ';
    }

    std::string& out_;
    std::string_view name_;
    std::string_view type_;
    std::string_view help_;
    bool header_written_ = false;
};

/// Appends the standard process_* metrics (CPU seconds, resident and virtual memory, open and
/// maximum file descriptors, start time) read from Linux /proc; a metric that cannot be read is
/// left out. Throws nothing but std::bad_alloc from `out`.
void render_process_metrics(std::string& out);

}  // namespace arcade_mcp::detail::observe
