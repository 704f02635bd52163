// Address classification for the public-only check (see address_class.hpp). The ranges are the
// ones an SSRF guard such as the engine's publicOnlyTransport refuses; CGNAT is included because
// it is not reachable from the internet either.
#include "address_class.hpp"

#include <arpa/inet.h>

#include <string>

namespace arcade_worker_check {

address_class classify_ipv4(const ipv4_bytes& a) noexcept {
    if (a[0] == 0) return address_class::unspecified;  // 0.0.0.0/8, "this network"
    if (a[0] == 10) return address_class::private_network;
    if (a[0] == 172 && (a[1] & 0xf0) == 16) return address_class::private_network;
    if (a[0] == 192 && a[1] == 168) return address_class::private_network;
    if (a[0] == 100 && (a[1] & 0xc0) == 64) return address_class::shared_cgnat;
    if (a[0] == 127) return address_class::loopback;
    if (a[0] == 169 && a[1] == 254) return address_class::link_local;
    if ((a[0] & 0xf0) == 224) return address_class::multicast;
    if ((a[0] & 0xf0) == 240) return address_class::reserved;
    return address_class::public_address;
}

address_class classify_ipv6(const ipv6_bytes& a) noexcept {
    bool first10_zero = true;
    for (int i = 0; i < 10; ++i) first10_zero = first10_zero && a[i] == 0;
    if (first10_zero && a[10] == 0xff && a[11] == 0xff) {  // ::ffff:a.b.c.d
        return classify_ipv4({a[12], a[13], a[14], a[15]});
    }
    bool first15_zero = first10_zero;
    for (int i = 10; i < 15; ++i) first15_zero = first15_zero && a[i] == 0;
    if (first15_zero && a[15] == 0) return address_class::unspecified;  // ::
    if (first15_zero && a[15] == 1) return address_class::loopback;     // ::1
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) return address_class::link_local;  // fe80::/10
    if ((a[0] & 0xfe) == 0xfc) return address_class::unique_local;                // fc00::/7
    if (a[0] == 0xff) return address_class::multicast;                            // ff00::/8
    return address_class::public_address;
}

std::optional<address_class> classify_address(std::string_view text) {
    if (auto pct = text.find('%'); pct != std::string_view::npos) text = text.substr(0, pct);
    const std::string s(text);
    if (ipv4_bytes v4{}; inet_pton(AF_INET, s.c_str(), v4.data()) == 1) return classify_ipv4(v4);
    if (ipv6_bytes v6{}; inet_pton(AF_INET6, s.c_str(), v6.data()) == 1) return classify_ipv6(v6);
    return std::nullopt;
}

std::string_view describe(address_class c) noexcept {
    switch (c) {
        case address_class::public_address: return "public";
        case address_class::private_network: return "private (RFC 1918)";
        case address_class::shared_cgnat: return "private (CGNAT 100.64.0.0/10)";
        case address_class::loopback: return "loopback";
        case address_class::link_local: return "link-local";
        case address_class::unique_local: return "unique-local (fc00::/7)";
        case address_class::unspecified: return "unspecified";
        case address_class::multicast: return "multicast";
        case address_class::reserved: return "reserved";
    }
    return "unknown";
}

}  // namespace arcade_worker_check
