#include "dataplane/eal/eal_args.h"
#include "dataplane/pipeline/idle_backoff.h"

#include <gtest/gtest.h>

namespace tandem::dp {
namespace {

TEST(EalArgs, PciDetection) {
    EXPECT_TRUE(is_pci_address("0000:01:00.0"));
    EXPECT_TRUE(is_pci_address("01:00.1"));
    EXPECT_TRUE(is_pci_address("0000:af:1f.7"));
    EXPECT_FALSE(is_pci_address("net_tap0"));
    EXPECT_FALSE(is_pci_address("net_af_packet0,iface=gw1-out"));
    EXPECT_FALSE(is_pci_address("01:00"));
    EXPECT_FALSE(is_pci_address("0000:01:00.10"));
    EXPECT_FALSE(is_pci_address("000:01:00.0"));
    EXPECT_EQ(device_name("net_af_packet0,iface=gw1-out"), "net_af_packet0");
    EXPECT_EQ(device_name("0000:01:00.0"), "0000:01:00.0");
}

TEST(EalArgs, LabConfigurationUsesVdevsAndNoHugepages) {
    config::Config cfg;
    cfg.dataplane.main_lcore = 0;
    cfg.dataplane.workers = {1};
    cfg.dataplane.hugepages = false;
    cfg.dataplane.memory_mb = 128;
    cfg.dataplane.file_prefix = "gw1";
    cfg.dataplane.eal_args = {"--log-level", "pmd.net.af_packet:debug"};
    config::Interface a;
    a.name = "outside";
    a.port = "net_af_packet0,iface=gw1-out";
    cfg.interfaces.push_back(a);
    config::Interface b;
    b.name = "inside";  // no port: not a dataplane interface
    cfg.interfaces.push_back(b);
    auto args = build_eal_args(cfg, "tandem-dataplane");
    EXPECT_EQ(args, (std::vector<std::string>{"tandem-dataplane", "-l", "0,1", "--main-lcore", "0", "--file-prefix",
                                              "gw1", "--no-huge", "-m", "128", "--no-pci", "--vdev",
                                              "net_af_packet0,iface=gw1-out,qpairs=2", "--vdev", "crypto_aesni_mb0",
                                              "--log-level", "pmd.net.af_packet:debug"}));
}

TEST(EalArgs, MainCpuMapsOnlyTheMainLcore) {
    // Two workers on a two-CPU machine: the main lcore (mostly asleep) shares CPU 0 with worker 0.
    config::Config cfg;
    cfg.dataplane.main_lcore = 2;
    cfg.dataplane.main_cpu = 0;
    cfg.dataplane.workers = {0, 1};
    config::Interface a;
    a.name = "te0";
    a.port = "0000:3b:00.0";
    cfg.interfaces.push_back(a);
    auto args = build_eal_args(cfg, "td");
    EXPECT_EQ(args, (std::vector<std::string>{"td", "--lcores", "2@0,0,1", "--main-lcore", "2", "--file-prefix",
                                              "tandem", "-a", "0000:3b:00.0", "--vdev", "crypto_aesni_mb0"}));
}

TEST(EalArgs, ApplianceConfigurationAllowListsPciPorts) {
    config::Config cfg;
    cfg.dataplane.workers = {1, 2, 3};
    cfg.dataplane.crypto = config::CryptoDevice::openssl;
    config::Interface a;
    a.name = "te0";
    a.port = "0000:3b:00.0";
    cfg.interfaces.push_back(a);
    auto args = build_eal_args(cfg, "td");
    EXPECT_EQ(args, (std::vector<std::string>{"td", "-l", "0,1,2,3", "--main-lcore", "0", "--file-prefix", "tandem",
                                              "-a", "0000:3b:00.0", "--vdev", "crypto_openssl0"}));
}

TEST(IdleBackoff, SpinsThenSleepsInGrowingStepsAndSnapsBack) {
    IdleBackoff b(true, 3, 8);
    EXPECT_EQ(b.next(false), 0u);
    EXPECT_EQ(b.next(false), 0u);
    EXPECT_EQ(b.next(false), 0u);
    EXPECT_EQ(b.next(false), 1u);
    EXPECT_EQ(b.next(false), 2u);
    EXPECT_EQ(b.next(false), 4u);
    EXPECT_EQ(b.next(false), 8u);
    EXPECT_EQ(b.next(false), 8u);
    EXPECT_EQ(b.next(true), 0u);
    EXPECT_EQ(b.next(false), 0u);  // spinning again after work
}

TEST(IdleBackoff, BusyModeNeverSleeps) {
    IdleBackoff b(false, 0, 1000);
    for (int i = 0; i < 1000; ++i) ASSERT_EQ(b.next(false), 0u);
}

}  // namespace
}  // namespace tandem::dp
