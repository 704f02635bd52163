// Unit tests for address_class: every internal IPv4 and IPv6 range at its edges, IPv4-mapped
// IPv6, and text that is not an address.
#include "address_class.hpp"

#include <gtest/gtest.h>

namespace arcade_worker_check {
namespace {

address_class cls(std::string_view text) {
    auto c = classify_address(text);
    EXPECT_TRUE(c.has_value()) << text;
    return c.value_or(address_class::public_address);
}

TEST(AddressClass, Ipv4Private) {
    EXPECT_EQ(cls("10.0.192.27"), address_class::private_network);  // the seed deployment's pod IP
    EXPECT_EQ(cls("10.255.255.255"), address_class::private_network);
    EXPECT_EQ(cls("172.16.0.1"), address_class::private_network);
    EXPECT_EQ(cls("172.31.255.254"), address_class::private_network);
    EXPECT_EQ(cls("192.168.1.10"), address_class::private_network);
    EXPECT_EQ(cls("100.64.0.1"), address_class::shared_cgnat);
    EXPECT_EQ(cls("100.127.255.255"), address_class::shared_cgnat);
}

TEST(AddressClass, Ipv4SpecialRanges) {
    EXPECT_EQ(cls("127.0.0.1"), address_class::loopback);
    EXPECT_EQ(cls("127.255.0.9"), address_class::loopback);
    EXPECT_EQ(cls("169.254.169.254"), address_class::link_local);  // cloud metadata endpoint
    EXPECT_EQ(cls("0.0.0.0"), address_class::unspecified);
    EXPECT_EQ(cls("0.1.2.3"), address_class::unspecified);
    EXPECT_EQ(cls("224.0.0.1"), address_class::multicast);
    EXPECT_EQ(cls("255.255.255.255"), address_class::reserved);
}

TEST(AddressClass, Ipv4PublicNeighbours) {
    EXPECT_EQ(cls("8.8.8.8"), address_class::public_address);
    EXPECT_EQ(cls("9.255.255.255"), address_class::public_address);
    EXPECT_EQ(cls("11.0.0.0"), address_class::public_address);
    EXPECT_EQ(cls("172.15.255.255"), address_class::public_address);
    EXPECT_EQ(cls("172.32.0.0"), address_class::public_address);
    EXPECT_EQ(cls("192.167.255.255"), address_class::public_address);
    EXPECT_EQ(cls("192.169.0.0"), address_class::public_address);
    EXPECT_EQ(cls("100.63.255.255"), address_class::public_address);
    EXPECT_EQ(cls("100.128.0.0"), address_class::public_address);
    EXPECT_EQ(cls("169.253.0.1"), address_class::public_address);
    EXPECT_EQ(cls("223.255.255.255"), address_class::public_address);
}

TEST(AddressClass, Ipv6Ranges) {
    EXPECT_EQ(cls("::1"), address_class::loopback);
    EXPECT_EQ(cls("::"), address_class::unspecified);
    EXPECT_EQ(cls("fe80::1"), address_class::link_local);
    EXPECT_EQ(cls("febf:ffff::1"), address_class::link_local);
    EXPECT_EQ(cls("fe80::1%eth0"), address_class::link_local);
    EXPECT_EQ(cls("fc00::1"), address_class::unique_local);
    EXPECT_EQ(cls("fd12:3456:789a::1"), address_class::unique_local);
    EXPECT_EQ(cls("ff02::1"), address_class::multicast);
}

TEST(AddressClass, Ipv6Public) {
    EXPECT_EQ(cls("2606:4700:4700::1111"), address_class::public_address);
    EXPECT_EQ(cls("2001:4860:4860::8888"), address_class::public_address);
    EXPECT_EQ(cls("fec0::1"), address_class::public_address);  // deprecated site-local: not in the guard's list
    EXPECT_EQ(cls("fbff::1"), address_class::public_address);
    EXPECT_EQ(cls("::2"), address_class::public_address);
}

TEST(AddressClass, Ipv4MappedIpv6UsesTheEmbeddedAddress) {
    EXPECT_EQ(cls("::ffff:127.0.0.1"), address_class::loopback);
    EXPECT_EQ(cls("::ffff:10.0.192.27"), address_class::private_network);
    EXPECT_EQ(cls("::ffff:c0a8:0101"), address_class::private_network);  // 192.168.1.1
    EXPECT_EQ(cls("::ffff:169.254.1.1"), address_class::link_local);
    EXPECT_EQ(cls("::ffff:100.64.0.1"), address_class::shared_cgnat);
    EXPECT_EQ(cls("::ffff:0.0.0.0"), address_class::unspecified);
    EXPECT_EQ(cls("::ffff:8.8.8.8"), address_class::public_address);
}

TEST(AddressClass, BytesApi) {
    EXPECT_EQ(classify_ipv4({172, 20, 0, 5}), address_class::private_network);
    ipv6_bytes mapped{};
    mapped[10] = 0xff;
    mapped[11] = 0xff;
    mapped[12] = 192;
    mapped[13] = 168;
    EXPECT_EQ(classify_ipv6(mapped), address_class::private_network);
}

TEST(AddressClass, NotAnAddress) {
    EXPECT_FALSE(classify_address("").has_value());
    EXPECT_FALSE(classify_address("localhost").has_value());
    EXPECT_FALSE(classify_address("256.0.0.1").has_value());
    EXPECT_FALSE(classify_address("10.0.0").has_value());
    EXPECT_FALSE(classify_address("[::1]").has_value());
    EXPECT_FALSE(classify_address("1.2.3.4 ").has_value());
}

TEST(AddressClass, InternalAndDescribe) {
    EXPECT_FALSE(is_internal(address_class::public_address));
    EXPECT_TRUE(is_internal(address_class::loopback));
    EXPECT_TRUE(is_internal(address_class::shared_cgnat));
    EXPECT_EQ(describe(address_class::loopback), "loopback");
    EXPECT_EQ(describe(address_class::private_network), "private (RFC 1918)");
}

}  // namespace
}  // namespace arcade_worker_check
