// The request-smuggling guard for Beast 1.74 (design/cpp-stack.md §3.6): framings that Beast
// accepts but a front proxy may read differently are refused with 400 + Connection: close.
// Boost-free: `framing_of` is a template over the header type, so the connection loop, the unit
// tests and the HTTP fuzz target (fuzz/http_request_fuzz.cpp) run the same rule.
#pragma once

#include <string_view>
#include <vector>

namespace arcade_mcp::detail {

/// The framing-relevant parts of one request header. Views point into the header.
struct request_framing {
    unsigned version = 11;                            ///< 10 = HTTP/1.0, 11 = HTTP/1.1
    std::vector<std::string_view> transfer_encoding;  ///< every Transfer-Encoding value, in order
    std::vector<std::string_view> content_length;     ///< every Content-Length value, in order
};

/// True (refuse the request) when: both Transfer-Encoding and Content-Length are present; either
/// appears more than once; Transfer-Encoding is on HTTP/1.0 or is not exactly "chunked"
/// (case-insensitive, blanks trimmed); Content-Length is empty or not plain decimal digits.
bool ambiguous_framing(const request_framing& framing);

/// Collects the framing of a Beast request header (anything with `version()` and
/// `equal_range(name)` whose items have `value()` with `data()`/`size()`).
template <class Header>
request_framing framing_of(const Header& h) {
    request_framing f;
    f.version = static_cast<unsigned>(h.version());
    for (auto [it, end] = h.equal_range("Transfer-Encoding"); it != end; ++it)
        f.transfer_encoding.emplace_back(it->value().data(), it->value().size());
    for (auto [it, end] = h.equal_range("Content-Length"); it != end; ++it)
        f.content_length.emplace_back(it->value().data(), it->value().size());
    return f;
}

}  // namespace arcade_mcp::detail
