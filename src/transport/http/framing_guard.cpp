// The request-smuggling guard (see framing_guard.hpp).
#include "transport/http/framing_guard.hpp"

#include <algorithm>

#include "util/ascii.hpp"

namespace arcade_mcp::detail {

bool ambiguous_framing(const request_framing& f) {
    const auto n_te = f.transfer_encoding.size();
    const auto n_cl = f.content_length.size();
    if (n_te > 0 && n_cl > 0) return true;
    if (n_te > 1 || n_cl > 1) return true;
    if (n_te == 1) {
        if (f.version < 11) return true;
        if (!iequals(trim_blanks(f.transfer_encoding.front()), "chunked")) return true;
    }
    if (n_cl == 1) {
        const auto v = f.content_length.front();
        if (v.empty() || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) return true;
    }
    return false;
}

}  // namespace arcade_mcp::detail
