// Port on real (virtual) DPDK devices: a net_ring pair is a wire between two ports.
#include "dataplane/eal/mempool.h"
#include "dataplane/eal/port.h"

#include <gtest/gtest.h>

#include "tests/dataplane/eal_test_env.h"

namespace tandem::dp {
namespace {

TEST(Port, UnknownDeviceIsAClearError) {
    auto pool = Mempool::create("port_test_pool0", 1023, 32, 0);
    ASSERT_TRUE(pool) << pool.error().message;
    auto p = Port::create(PortSettings{"net_nonexistent9", 1, 1, 256, 256, 1500, pool->get()});
    ASSERT_FALSE(p);
    EXPECT_NE(p.error().message.find("no such DPDK device"), std::string::npos) << p.error().message;
}

TEST(Port, NullDeviceStartsReceivesAndStopsWithItsOwner) {
    auto pool = Mempool::create("port_test_pool1", 1023, 32, 0);
    ASSERT_TRUE(pool) << pool.error().message;
    unsigned before = pool->available();
    {
        auto p = Port::create(PortSettings{"net_null0", 1, 2, 256, 256, 1500, pool->get()});
        ASSERT_TRUE(p) << p.error().message;
        EXPECT_EQ(p->tx_queues(), 2);
        rte_mbuf* pkts[32];
        uint16_t n = rte_eth_rx_burst(p->id(), 0, pkts, 32);
        EXPECT_GT(n, 0);  // net_null produces packets
        rte_pktmbuf_free_bulk(pkts, n);
        uint16_t id = p->id();
        Port moved = std::move(*p);
        EXPECT_EQ(moved.id(), id);
        EXPECT_EQ(p->id(), RTE_MAX_ETHPORTS);  // the moved-from owner releases nothing
    }
    // The owner stopped and closed the port: every mbuf is back in the pool.
    EXPECT_EQ(pool->available(), before);
}

}  // namespace
}  // namespace tandem::dp

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new tandem::test::EalEnvironment({"--vdev", "net_null0"}));
    return RUN_ALL_TESTS();
}
