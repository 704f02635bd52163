// Classification of IP addresses the way the Arcade engine's public-only transport sees them
// (spec/arcade-worker-protocol.md §14.3): which resolved worker addresses are internal, and so
// refused for dashboard-registered workers. Pure functions, no I/O; tested in address_class_test.cpp.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace arcade_worker_check {

/// What kind of address this is. Everything except `public_address` is internal: the engine
/// refuses to dial it for a dashboard-registered worker.
enum class address_class {
    public_address,
    private_network,  ///< 10/8, 172.16/12, 192.168/16 (RFC 1918)
    shared_cgnat,     ///< 100.64/10 (RFC 6598 carrier-grade NAT)
    loopback,         ///< 127/8, ::1
    link_local,       ///< 169.254/16, fe80::/10
    unique_local,     ///< fc00::/7 (RFC 4193)
    unspecified,      ///< 0/8 ("this network", incl. 0.0.0.0), ::
    multicast,        ///< 224/4, ff00::/8
    reserved,         ///< 240/4 incl. 255.255.255.255 (RFC 1112 "future use", limited broadcast)
};

using ipv4_bytes = std::array<std::uint8_t, 4>;
using ipv6_bytes = std::array<std::uint8_t, 16>;

address_class classify_ipv4(const ipv4_bytes& a) noexcept;
/// IPv4-mapped addresses (::ffff:a.b.c.d) are classified as the embedded IPv4 address.
address_class classify_ipv6(const ipv6_bytes& a) noexcept;
/// Parses a textual IPv4 ("10.0.192.27") or IPv6 ("fe80::1", "::ffff:10.0.0.1") address, without
/// brackets; a zone suffix ("fe80::1%eth0") is ignored. std::nullopt when `text` is not an IP address.
std::optional<address_class> classify_address(std::string_view text);

/// Whether the engine's public-only guard refuses this class.
constexpr bool is_internal(address_class c) noexcept { return c != address_class::public_address; }
/// A short human name: "loopback", "private (RFC 1918)", "CGNAT (100.64.0.0/10)", ...
std::string_view describe(address_class c) noexcept;

}  // namespace arcade_worker_check
