// Strict UTF-8 for writers that must never emit invalid UTF-8 (the logger, the Prometheus
// exposition, the OTLP JSON): the length of the well-formed sequence a text starts with (no
// overlong forms, no surrogates, nothing above U+10FFFF), and escaping into a JSON string body
// with invalid bytes replaced by U+FFFD.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace arcade_mcp::detail {

/// Length of the valid UTF-8 sequence that starts `s` (not empty), or 0 when it does not start with one.
inline std::size_t utf8_sequence_length(std::string_view s) noexcept {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    const unsigned char lead = byte(0);
    if (lead < 0x80) return 1;
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) low = 0xA0;   // no overlong forms
        if (lead == 0xED) high = 0x9F;  // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) low = 0x90;   // no overlong forms
        if (lead == 0xF4) high = 0x8F;  // nothing above U+10FFFF
    } else {
        return 0;
    }
    if (s.size() < length || byte(1) < low || byte(1) > high) return 0;
    for (std::size_t i = 2; i < length; ++i) {
        if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
    }
    return length;
}

inline constexpr std::string_view replacement_char = "\xEF\xBF\xBD";  // U+FFFD

inline void append_hex_escape(std::string& out, unsigned char c) {
    static constexpr char digits[] = "0123456789abcdef";
    out += "\\u00";
    out += digits[c >> 4];
    out += digits[c & 0x0F];
}

// Appends `s` with control characters escaped (\n, \t, \u00XX...) and invalid UTF-8
// bytes replaced by U+FFFD. With `escape_quotes`, '"' and '\\' are escaped too (JSON
// string bodies and quoted text values); otherwise they pass through (text messages).
inline void append_escaped(std::string& out, std::string_view s, bool escape_quotes) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            const std::size_t len = utf8_sequence_length(s.substr(i));
            if (len == 0) {
                out += replacement_char;
                ++i;
            } else {
                out.append(s.substr(i, len));
                i += len;
            }
            continue;
        }
        switch (c) {
            case '"':
                out += escape_quotes ? "\\\"" : "\"";
                break;
            case '\\':
                out += escape_quotes ? "\\\\" : "\\";
                break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (c < 0x20 || c == 0x7F) {
                    append_hex_escape(out, c);
                } else {
                    out += static_cast<char>(c);
                }
        }
        ++i;
    }
}

inline void append_json_string(std::string& out, std::string_view s) {
    out += '"';
    append_escaped(out, s, true);
    out += '"';
}

}  // namespace arcade_mcp::detail
