// The exception path against the real kernel: a TAP made by KernelInterface, in a network
// namespace private to this test process (unshare(CLONE_NEWNET) before EAL starts), so nothing
// it sends can leave it. Kernel -> DPDK: a UDP send makes the kernel ARP on the TAP; DPDK ->
// kernel: our ARP reply lets the kernel send the datagram, which then arrives too.
#include "dataplane/eal/kernel_interface.h"
#include "dataplane/eal/mempool.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <optional>

#include <gtest/gtest.h>

#include "tests/dataplane/eal_test_env.h"

namespace tandem::dp {
namespace {

bool g_isolated = false;

const dpapi::MacAddress our_mac{0x02, 0, 0, 0, 0, 0x01};
const dpapi::MacAddress peer_mac{0x02, 0, 0, 0, 0, 0x02};

// Polls the port until `want` accepts a frame (others are freed), for at most ~3 s of polling.
template <typename Pred>
std::optional<std::vector<uint8_t>> receive(uint16_t port, Pred want) {
    for (int i = 0; i < 3000; ++i) {
        rte_mbuf* pkts[32];
        uint16_t n = rte_eth_rx_burst(port, 0, pkts, 32);
        std::optional<std::vector<uint8_t>> hit;
        for (uint16_t k = 0; k < n; ++k) {
            auto* d = rte_pktmbuf_mtod(pkts[k], const uint8_t*);
            std::vector<uint8_t> frame(d, d + rte_pktmbuf_data_len(pkts[k]));
            if (!hit && want(frame)) hit = std::move(frame);
        }
        rte_pktmbuf_free_bulk(pkts, n);
        if (hit) return hit;
        usleep(1000);
    }
    return std::nullopt;
}

std::vector<Ipv4Address> kernel_addresses(const std::string& ifname) {
    std::vector<Ipv4Address> out;
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return out;
    for (ifaddrs* a = list; a; a = a->ifa_next) {
        if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET || ifname != a->ifa_name) continue;
        out.emplace_back(ntohl(reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr.s_addr));
    }
    freeifaddrs(list);
    return out;
}

TEST(KernelInterface, NamesFitLinux) {
    EXPECT_EQ(kernel_ifname("outside"), "tdm-outside");
    EXPECT_EQ(kernel_ifname("FastEthernet0/0"), "tdm-fastetherne");
    EXPECT_EQ(kernel_ifname("Gi0/1").size(), 9u);
    EXPECT_LT(kernel_ifname(std::string(40, 'x')).size(), size_t{IFNAMSIZ});
}

TEST(KernelInterface, CarriesFramesBothWaysAndSecondaryAddresses) {
    if (!g_isolated) GTEST_SKIP() << "needs root to make a private network namespace";
    auto pool = Mempool::create("ki_pool", 1023, 32, 0);
    ASSERT_TRUE(pool) << pool.error().message;
    KernelInterface::Settings s;
    s.ifname = "tdm-test0";
    s.mac = our_mac;
    s.address = *Ipv4InterfaceAddress::parse("198.51.100.1/24");
    s.pool = pool->get();
    auto k = KernelInterface::create(s);
    ASSERT_TRUE(k) << k.error().message;
    EXPECT_EQ(kernel_addresses("tdm-test0"), std::vector<Ipv4Address>{*Ipv4Address::parse("198.51.100.1")});

    // Kernel -> DPDK: the kernel resolves 198.51.100.2 before it can send to it.
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(9);
    to.sin_addr.s_addr = htonl(Ipv4Address(198, 51, 100, 2).value());
    const char payload[] = "tandem";
    ASSERT_EQ(sendto(fd, payload, sizeof payload, 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
              static_cast<ssize_t>(sizeof payload));
    uint16_t port = k->port().id();
    auto arp = receive(port, [](const std::vector<uint8_t>& f) {
        return f.size() >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[21] == 1;  // ARP request
    });
    ASSERT_TRUE(arp) << "the kernel's ARP request did not arrive";
    EXPECT_TRUE(std::equal(our_mac.begin(), our_mac.end(), arp->begin() + 6));         // source MAC
    EXPECT_EQ(std::vector<uint8_t>(arp->begin() + 28, arp->begin() + 32), (std::vector<uint8_t>{198, 51, 100, 1}));
    EXPECT_EQ(std::vector<uint8_t>(arp->begin() + 38, arp->begin() + 42), (std::vector<uint8_t>{198, 51, 100, 2}));

    // DPDK -> kernel: answer it; the kernel then sends the datagram to the MAC we gave.
    rte_mbuf* m = rte_pktmbuf_alloc(pool->get());
    ASSERT_NE(m, nullptr);
    auto* eth = reinterpret_cast<rte_ether_hdr*>(rte_pktmbuf_append(m, sizeof(rte_ether_hdr) + sizeof(rte_arp_hdr)));
    std::memcpy(eth->dst_addr.addr_bytes, our_mac.data(), 6);
    std::memcpy(eth->src_addr.addr_bytes, peer_mac.data(), 6);
    eth->ether_type = htons(RTE_ETHER_TYPE_ARP);
    auto* a = reinterpret_cast<rte_arp_hdr*>(eth + 1);
    a->arp_hardware = htons(RTE_ARP_HRD_ETHER);
    a->arp_protocol = htons(RTE_ETHER_TYPE_IPV4);
    a->arp_hlen = 6;
    a->arp_plen = 4;
    a->arp_opcode = htons(RTE_ARP_OP_REPLY);
    std::memcpy(a->arp_data.arp_sha.addr_bytes, peer_mac.data(), 6);
    a->arp_data.arp_sip = htonl(Ipv4Address(198, 51, 100, 2).value());
    std::memcpy(a->arp_data.arp_tha.addr_bytes, our_mac.data(), 6);
    a->arp_data.arp_tip = htonl(Ipv4Address(198, 51, 100, 1).value());
    ASSERT_EQ(rte_eth_tx_burst(port, 0, &m, 1), 1);
    auto udp = receive(port, [](const std::vector<uint8_t>& f) {
        return f.size() >= 42 && f[12] == 0x08 && f[13] == 0x00 && f[23] == IPPROTO_UDP && f[36] == 0 && f[37] == 9;
    });
    ASSERT_TRUE(udp) << "the datagram did not follow our ARP reply";
    EXPECT_TRUE(std::equal(peer_mac.begin(), peer_mac.end(), udp->begin()));
    EXPECT_EQ(std::memcmp(udp->data() + 42, payload, sizeof payload), 0);
    close(fd);

    // A virtual address is added to and removed from the kernel side; both are idempotent (an
    // HSRP router claiming an address it holds, or releasing one it does not).
    auto vip = *Ipv4Address::parse("198.51.100.3");
    ASSERT_TRUE(k->add_address(vip, 32));
    EXPECT_EQ(kernel_addresses("tdm-test0").size(), 2u);
    auto again = k->add_address(vip, 32);
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(kernel_addresses("tdm-test0").size(), 2u);
    ASSERT_TRUE(k->remove_address(vip, 32));
    EXPECT_EQ(kernel_addresses("tdm-test0"), std::vector<Ipv4Address>{*Ipv4Address::parse("198.51.100.1")});
    auto gone = k->remove_address(vip, 32);
    ASSERT_TRUE(gone) << gone.error().message;

    // Its ARP requests name the interface address, never a virtual address (arp_announce = 2).
    std::ifstream announce("/proc/sys/net/ipv4/conf/tdm-test0/arp_announce");
    int level = -1;
    announce >> level;
    EXPECT_EQ(level, 2);
}

}  // namespace
}  // namespace tandem::dp

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    // A private network namespace, before EAL starts any thread: it dies with the process.
    tandem::dp::g_isolated = geteuid() == 0 && unshare(CLONE_NEWNET) == 0;
    ::testing::AddGlobalTestEnvironment(new tandem::test::EalEnvironment({"--log-level", "pmd.net.tap:error"}));
    return RUN_ALL_TESTS();
}
