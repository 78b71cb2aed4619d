// The frames tandem-control sends HSRP in: Ethernet to the group's multicast MAC from the given
// MAC, IPv4 TTL 1 with a correct header checksum, UDP 1985 with a correct checksum.
#include <gtest/gtest.h>

#include "controlplane/daemon/hsrp_io.h"
#include "controlplane/hsrp/packet.h"

namespace tandem::control {
namespace {

uint32_t ones_sum(const uint8_t* p, size_t n, uint32_t acc = 0) {
    for (size_t i = 0; i + 1 < n; i += 2) acc += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
    if (n % 2) acc += static_cast<uint32_t>(p[n - 1] << 8);
    while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
    return acc;
}

TEST(HsrpFrame, V1HelloFromTheVirtualMac) {
    hsrp::Packet p;
    p.virtual_ip = Ipv4Address(192, 0, 2, 1);
    p.group = 1;
    auto payload = hsrp::serialize(p);
    ASSERT_EQ(payload.size(), hsrp::kV1Length);
    const auto vmac = hsrp::virtual_mac(hsrp::Version::v1, 1);
    auto f = hsrp_frame(vmac, Ipv4Address(192, 0, 2, 2), hsrp::kV1Destination, payload, 7);
    ASSERT_EQ(f.size(), 14u + 20u + 8u + payload.size());
    const std::vector<uint8_t> dst{0x01, 0x00, 0x5e, 0x00, 0x00, 0x02};
    EXPECT_EQ(std::vector<uint8_t>(f.begin(), f.begin() + 6), dst);
    EXPECT_TRUE(std::equal(vmac.begin(), vmac.end(), f.begin() + 6));
    EXPECT_EQ(f[12], 0x08);
    EXPECT_EQ(f[13], 0x00);
    const uint8_t* ip = f.data() + 14;
    EXPECT_EQ(ip[0], 0x45);
    EXPECT_EQ(ip[8], 1);   // TTL
    EXPECT_EQ(ip[9], 17);  // UDP
    EXPECT_EQ(ip[5], 7);   // identification
    EXPECT_EQ(ones_sum(ip, 20), 0xffffu);
    const uint8_t* udp = ip + 20;
    EXPECT_EQ(udp[0] << 8 | udp[1], 1985);
    EXPECT_EQ(udp[2] << 8 | udp[3], 1985);
    const size_t udp_len = 8 + payload.size();
    EXPECT_EQ(static_cast<size_t>(udp[4] << 8 | udp[5]), udp_len);
    // The checksum over pseudo-header + UDP datagram sums to all ones.
    uint32_t acc = ones_sum(ip + 12, 8);
    acc += 17 + static_cast<uint32_t>(udp_len);
    EXPECT_EQ(ones_sum(udp, udp_len, acc), 0xffffu);
    EXPECT_TRUE(std::equal(payload.begin(), payload.end(), f.begin() + 42));
}

TEST(HsrpFrame, V2GoesToTheV2GroupMac) {
    hsrp::Packet p;
    p.version = hsrp::Version::v2;
    p.group = 4095;
    p.hello_ms = 200;
    p.hold_ms = 750;
    p.virtual_ip = Ipv4Address(10, 0, 0, 1);
    auto payload = hsrp::serialize(p);
    auto f = hsrp_frame(hsrp::MacAddress{2, 0, 0, 0, 0, 1}, Ipv4Address(10, 0, 0, 2), hsrp::kV2Destination, payload);
    const std::vector<uint8_t> dst{0x01, 0x00, 0x5e, 0x00, 0x00, 0x66};
    EXPECT_EQ(std::vector<uint8_t>(f.begin(), f.begin() + 6), dst);
    EXPECT_EQ(ones_sum(f.data() + 14, 20), 0xffffu);
}

TEST(KernelLink, LoopbackIsFoundAndAMissingInterfaceIsAnError) {
    auto lo = kernel_link("lo");
    ASSERT_TRUE(lo) << lo.error().message;
    EXPECT_GT(lo->ifindex, 0);
    EXPECT_TRUE(lo->up);
    auto none = kernel_link("tdm-nosuchif");
    ASSERT_FALSE(none);
    EXPECT_NE(none.error().message.find("tdm-nosuchif"), std::string::npos);
}

}  // namespace
}  // namespace tandem::control
