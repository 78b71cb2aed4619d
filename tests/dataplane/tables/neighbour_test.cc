// Neighbour table: resolution with a pending queue, retries and failure, aging, overflow, the
// worker-side bulk look-up, RCU-deferred reuse; ARP parsing (malformed input rejected) and the
// request / reply / gratuitous ARP bytes, field by field. Time is driven by hand (milliseconds).
#include "dataplane/tables/neighbour.h"

#include <rte_arp.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>

#include <cstdlib>
#include <vector>

#include <gtest/gtest.h>

#include "tests/dataplane/eal_test_env.h"

namespace tandem::dp {
namespace {

Ipv4Address ip(const char* text) { return *Ipv4Address::parse(text); }
const rte_ether_addr kMacA = {{0x02, 0x00, 0x00, 0x00, 0x00, 0x0a}};
const rte_ether_addr kMacB = {{0x02, 0x00, 0x00, 0x00, 0x00, 0x0b}};

bool same(const rte_ether_addr& a, const rte_ether_addr& b) { return rte_is_same_ether_addr(&a, &b) != 0; }

class NeighbourTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        pool_ = rte_pktmbuf_pool_create("nb_test", 255, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
        ASSERT_NE(pool_, nullptr);
    }
    static void TearDownTestSuite() { rte_mempool_free(pool_); }
    void TearDown() override {
        // Every test returns every mbuf: the table frees what it drops, exactly once.
        EXPECT_EQ(rte_mempool_avail_count(pool_), 255u);
    }
    rte_mbuf* mbuf(uint8_t tag = 0) {
        rte_mbuf* m = rte_pktmbuf_alloc(pool_);
        EXPECT_NE(m, nullptr);
        *reinterpret_cast<uint8_t*>(rte_pktmbuf_append(m, 1)) = tag;
        return m;
    }
    static uint8_t tag_of(rte_mbuf* m) { return *rte_pktmbuf_mtod(m, uint8_t*); }
    static void free_all(std::vector<rte_mbuf*>& v) {
        for (auto* m : v) rte_pktmbuf_free(m);
        v.clear();
    }
    NeighbourTable table(NeighbourConfig cfg = {}) {
        auto t = NeighbourTable::create(cfg);
        EXPECT_TRUE(t) << t.error().message;
        return std::move(*t);
    }
    static rte_mempool* pool_;
};
rte_mempool* NeighbourTest::pool_ = nullptr;

TEST_F(NeighbourTest, ResolutionFlowQueuesThenReleasesInOrder) {
    NeighbourTable t = table();
    rte_ether_addr mac{};
    EXPECT_EQ(t.resolve(0, ip("192.0.2.1"), mbuf(1), 0, &mac), ResolveResult::send_request);
    EXPECT_EQ(t.state(0, ip("192.0.2.1")), NeighbourState::incomplete);
    EXPECT_FALSE(t.lookup(0, ip("192.0.2.1")).usable());
    EXPECT_EQ(t.resolve(0, ip("192.0.2.1"), mbuf(2), 10, &mac), ResolveResult::queued);
    EXPECT_EQ(t.pending(0, ip("192.0.2.1")), 2u);
    // Same address on another port is another neighbour.
    EXPECT_EQ(t.resolve(1, ip("192.0.2.1"), mbuf(3), 10, &mac), ResolveResult::send_request);

    std::vector<rte_mbuf*> released;
    t.learn(0, ip("192.0.2.1"), kMacA, 20, false, released);
    ASSERT_EQ(released.size(), 2u);
    EXPECT_EQ(tag_of(released[0]), 1);
    EXPECT_EQ(tag_of(released[1]), 2);
    free_all(released);
    NeighbourHit hit = t.lookup(0, ip("192.0.2.1"));
    EXPECT_EQ(hit.state, NeighbourState::reachable);
    EXPECT_TRUE(same(hit.mac, kMacA));
    EXPECT_EQ(t.state(1, ip("192.0.2.1")), NeighbourState::incomplete);
    rte_mbuf* m = mbuf(4);
    EXPECT_EQ(t.resolve(0, ip("192.0.2.1"), m, 30, &mac), ResolveResult::ready);
    EXPECT_TRUE(same(mac, kMacA));
    rte_pktmbuf_free(m);  // ready: the caller kept it
    EXPECT_EQ(t.stats().resolved, 1u);
    EXPECT_EQ(t.stats().requests, 2u);
    EXPECT_TRUE(t.remove(1, ip("192.0.2.1")));  // frees its pending packet
    EXPECT_EQ(t.stats().pending_failed, 1u);
}

TEST_F(NeighbourTest, LearnCreatesOnlyWhenAsked) {
    NeighbourTable t = table();
    std::vector<rte_mbuf*> released;
    t.learn(0, ip("192.0.2.9"), kMacA, 0, false, released);
    EXPECT_EQ(t.state(0, ip("192.0.2.9")), NeighbourState::none);
    t.learn(0, ip("192.0.2.9"), kMacA, 0, true, released);
    EXPECT_EQ(t.state(0, ip("192.0.2.9")), NeighbourState::reachable);
    t.learn(0, ip("192.0.2.9"), kMacB, 5, false, released);  // moved: updated
    EXPECT_TRUE(same(t.lookup(0, ip("192.0.2.9")).mac, kMacB));
    EXPECT_TRUE(released.empty());
    EXPECT_EQ(t.size(), 1u);
}

TEST_F(NeighbourTest, RetriesThenFailsAndFreesPending) {
    NeighbourConfig cfg;
    cfg.retry_ms = 1000;
    cfg.max_retries = 3;
    cfg.failed_hold_ms = 5000;
    NeighbourTable t = table(cfg);
    rte_ether_addr mac{};
    ASSERT_EQ(t.resolve(0, ip("192.0.2.2"), mbuf(), 0, &mac), ResolveResult::send_request);
    t.resolve(0, ip("192.0.2.2"), mbuf(), 0, &mac);
    std::vector<ArpRequestDue> due;
    t.tick(999, due);
    EXPECT_TRUE(due.empty());
    t.tick(1000, due);
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].ip, ip("192.0.2.2"));
    EXPECT_EQ(due[0].port, 0);
    t.tick(2000, due);
    EXPECT_EQ(due.size(), 2u);
    EXPECT_EQ(t.state(0, ip("192.0.2.2")), NeighbourState::incomplete);
    t.tick(3000, due);  // third request unanswered: FAILED
    EXPECT_EQ(due.size(), 2u);
    EXPECT_EQ(t.state(0, ip("192.0.2.2")), NeighbourState::failed);
    EXPECT_EQ(t.stats().pending_failed, 2u);
    EXPECT_EQ(t.stats().requests, 3u);
    EXPECT_EQ(t.resolve(0, ip("192.0.2.2"), mbuf(), 3500, &mac), ResolveResult::dropped);
    EXPECT_EQ(t.stats().dropped_failed, 1u);
    t.tick(7999, due);
    EXPECT_EQ(t.state(0, ip("192.0.2.2")), NeighbourState::failed);
    t.tick(8000, due);
    EXPECT_EQ(t.state(0, ip("192.0.2.2")), NeighbourState::none);
    rte_mbuf* m = mbuf();
    EXPECT_EQ(t.resolve(0, ip("192.0.2.2"), m, 8001, &mac), ResolveResult::send_request);  // afresh
    std::vector<rte_mbuf*> released;
    t.learn(0, ip("192.0.2.2"), kMacB, 8002, false, released);
    EXPECT_EQ(released.size(), 1u);
    free_all(released);
}

TEST_F(NeighbourTest, AgesReachableToStaleToGone) {
    NeighbourConfig cfg;
    cfg.reachable_ms = 100;
    cfg.stale_ms = 1000;
    NeighbourTable t = table(cfg);
    std::vector<rte_mbuf*> released;
    std::vector<ArpRequestDue> due;
    t.learn(0, ip("192.0.2.3"), kMacA, 0, true, released);
    t.tick(99, due);
    EXPECT_EQ(t.state(0, ip("192.0.2.3")), NeighbourState::reachable);
    t.tick(100, due);
    NeighbourHit hit = t.lookup(0, ip("192.0.2.3"));
    EXPECT_EQ(hit.state, NeighbourState::stale);
    EXPECT_TRUE(hit.usable());  // stale is still used
    EXPECT_TRUE(same(hit.mac, kMacA));
    t.learn(0, ip("192.0.2.3"), kMacA, 500, false, released);  // confirmed again
    EXPECT_EQ(t.state(0, ip("192.0.2.3")), NeighbourState::reachable);
    t.tick(600, due);
    EXPECT_EQ(t.state(0, ip("192.0.2.3")), NeighbourState::stale);
    t.tick(1499, due);
    EXPECT_EQ(t.state(0, ip("192.0.2.3")), NeighbourState::stale);
    t.tick(1500, due);
    EXPECT_EQ(t.state(0, ip("192.0.2.3")), NeighbourState::none);
    EXPECT_EQ(t.size(), 0u);
    EXPECT_TRUE(due.empty());
}

TEST_F(NeighbourTest, PendingQueueOverflowFreesTheOldest) {
    NeighbourConfig cfg;
    cfg.pending_per_entry = 3;
    NeighbourTable t = table(cfg);
    rte_ether_addr mac{};
    for (uint8_t i = 1; i <= 5; ++i) t.resolve(0, ip("192.0.2.4"), mbuf(i), 0, &mac);
    EXPECT_EQ(t.pending(0, ip("192.0.2.4")), 3u);
    EXPECT_EQ(t.stats().pending_overflow, 2u);
    std::vector<rte_mbuf*> released;
    t.learn(0, ip("192.0.2.4"), kMacA, 1, false, released);
    ASSERT_EQ(released.size(), 3u);
    EXPECT_EQ(tag_of(released[0]), 3);
    EXPECT_EQ(tag_of(released[2]), 5);
    free_all(released);
}

TEST_F(NeighbourTest, DestructorFreesPendingPackets) {
    {
        NeighbourTable t = table();
        rte_ether_addr mac{};
        t.resolve(0, ip("192.0.2.5"), mbuf(), 0, &mac);
        t.resolve(0, ip("192.0.2.6"), mbuf(), 0, &mac);
        NeighbourTable moved = std::move(t);
        EXPECT_EQ(moved.pending(0, ip("192.0.2.5")), 1u);
    }
    // TearDown checks the pool is whole again.
}

TEST_F(NeighbourTest, FullTableDropsAndCounts) {
    NeighbourConfig cfg;
    cfg.capacity = 8;
    NeighbourTable t = table(cfg);
    rte_ether_addr mac{};
    size_t dropped = 0;
    for (uint32_t i = 0; i < 64; ++i) {
        if (t.resolve(0, Ipv4Address(0xc0000200u + i), mbuf(), 0, &mac) == ResolveResult::dropped) ++dropped;
    }
    EXPECT_GT(dropped, 40u);
    EXPECT_EQ(t.stats().dropped_full, dropped);
    EXPECT_EQ(t.size(), 64 - dropped);
}

TEST_F(NeighbourTest, BulkLookupForWorkers) {
    NeighbourTable t = table();
    std::vector<rte_mbuf*> released;
    for (uint32_t i = 0; i < 100; ++i) {
        rte_ether_addr mac = kMacA;
        mac.addr_bytes[5] = static_cast<uint8_t>(i);
        t.learn(static_cast<uint16_t>(i % 2), Ipv4Address(0x0a000000u + i), mac, 0, true, released);
    }
    std::vector<NeighbourKey> keys;
    for (uint32_t i = 0; i < 100; ++i) keys.push_back(NeighbourKey{0x0a000000u + i, static_cast<uint16_t>(i % 2), 0});
    keys.push_back(NeighbourKey{0x0a000000u, 1, 0});  // wrong port: miss
    std::vector<NeighbourHit> hits(keys.size());
    t.lookup_bulk(keys.data(), static_cast<uint32_t>(keys.size()), hits.data());  // > 64: chunked
    for (uint32_t i = 0; i < 100; ++i) {
        ASSERT_EQ(hits[i].state, NeighbourState::reachable) << i;
        ASSERT_EQ(hits[i].mac.addr_bytes[5], i);
    }
    EXPECT_EQ(hits[100].state, NeighbourState::none);
}

TEST_F(NeighbourTest, DeletedPositionsWaitForAGracePeriodWithRcu) {
    size_t sz = rte_rcu_qsbr_get_memsize(1);
    auto* v = static_cast<rte_rcu_qsbr*>(std::aligned_alloc(RTE_CACHE_LINE_SIZE, (sz + RTE_CACHE_LINE_SIZE - 1) /
                                                                                     RTE_CACHE_LINE_SIZE * RTE_CACHE_LINE_SIZE));
    ASSERT_EQ(rte_rcu_qsbr_init(v, 1), 0);
    ASSERT_EQ(rte_rcu_qsbr_thread_register(v, 0), 0);
    rte_rcu_qsbr_thread_online(v, 0);
    {
        NeighbourConfig cfg;
        cfg.capacity = 8;
        cfg.rcu = v;
        NeighbourTable t = table(cfg);
        std::vector<rte_mbuf*> released;
        size_t added = 0;
        for (uint32_t i = 0; i < 64; ++i) {  // fill every key slot
            t.learn(0, Ipv4Address(0x0a000000u + i), kMacA, 0, true, released);
            if (t.state(0, Ipv4Address(0x0a000000u + i)) == NeighbourState::reachable) ++added;
        }
        ASSERT_GE(added, 8u);
        ASSERT_LT(added, 64u);
        for (uint32_t i = 0; i < 64; ++i) t.remove(0, Ipv4Address(0x0a000000u + i));
        EXPECT_EQ(t.size(), 0u);
        // Every key position is owed to a reader that has not passed a quiescent state.
        t.learn(0, ip("10.9.9.9"), kMacB, 1, true, released);
        EXPECT_EQ(t.state(0, ip("10.9.9.9")), NeighbourState::none);
        rte_rcu_qsbr_quiescent(v, 0);
        t.learn(0, ip("10.9.9.9"), kMacB, 2, true, released);
        EXPECT_EQ(t.state(0, ip("10.9.9.9")), NeighbourState::reachable);
    }
    rte_rcu_qsbr_thread_offline(v, 0);
    std::free(v);
}

// ---------------------------------------------------------------- ARP packets

std::vector<uint8_t> arp_bytes(uint16_t htype = 1, uint16_t ptype = 0x0800, uint8_t hlen = 6, uint8_t plen = 4,
                               uint16_t op = 1) {
    return {static_cast<uint8_t>(htype >> 8), static_cast<uint8_t>(htype), static_cast<uint8_t>(ptype >> 8),
            static_cast<uint8_t>(ptype), hlen, plen, static_cast<uint8_t>(op >> 8), static_cast<uint8_t>(op),
            0x02, 0, 0, 0, 0, 0x0a,  // sender MAC
            192, 0, 2, 1,            // sender IP
            0, 0, 0, 0, 0, 0,        // target MAC
            192, 0, 2, 2};           // target IP
}

TEST(Arp, ParsesAValidRequest) {
    auto bytes = arp_bytes();
    auto msg = parse_arp(bytes);
    ASSERT_TRUE(msg) << msg.error().message;
    EXPECT_EQ(msg->op, RTE_ARP_OP_REQUEST);
    EXPECT_TRUE(same(msg->sender_mac, kMacA));
    EXPECT_EQ(msg->sender_ip, ip("192.0.2.1"));
    EXPECT_EQ(msg->target_ip, ip("192.0.2.2"));
    EXPECT_FALSE(msg->is_gratuitous());
    bytes.push_back(0);  // Ethernet padding after the ARP payload is fine
    EXPECT_TRUE(parse_arp(bytes));
}

TEST(Arp, RejectsMalformed) {
    auto bytes = arp_bytes();
    for (size_t len = 0; len < bytes.size(); ++len) {
        EXPECT_FALSE(parse_arp(std::span<const uint8_t>(bytes.data(), len))) << len;
    }
    EXPECT_FALSE(parse_arp(arp_bytes(6)));               // IEEE 802 hardware
    EXPECT_FALSE(parse_arp(arp_bytes(1, 0x86dd)));       // IPv6
    EXPECT_FALSE(parse_arp(arp_bytes(1, 0x0800, 8)));
    EXPECT_FALSE(parse_arp(arp_bytes(1, 0x0800, 6, 16)));
    EXPECT_FALSE(parse_arp(arp_bytes(1, 0x0800, 6, 4, 3)));  // RARP
    EXPECT_TRUE(parse_arp(arp_bytes(1, 0x0800, 6, 4, 2)));
    auto bcast = arp_bytes();
    for (int i = 8; i < 14; ++i) bcast[i] = 0xff;
    EXPECT_FALSE(parse_arp(bcast));
    auto zero = arp_bytes();
    for (int i = 8; i < 14; ++i) zero[i] = 0;
    EXPECT_FALSE(parse_arp(zero));
}

class ArpBuild : public NeighbourTest {};

TEST_F(ArpBuild, GratuitousArpFieldByField) {
    rte_mbuf* m = rte_pktmbuf_alloc(pool_);
    ASSERT_NE(m, nullptr);
    const rte_ether_addr vmac = {{0x00, 0x00, 0x0c, 0x07, 0xac, 0x01}};  // HSRP v1 group 1
    ASSERT_TRUE(build_gratuitous_arp(m, vmac, ip("192.0.2.254")));
    ASSERT_EQ(rte_pktmbuf_pkt_len(m), 60u);
    const uint8_t* p = rte_pktmbuf_mtod(m, const uint8_t*);
    const uint8_t expect[42] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // Ethernet destination: broadcast
        0x00, 0x00, 0x0c, 0x07, 0xac, 0x01,  // Ethernet source: the virtual MAC
        0x08, 0x06,                          // EtherType ARP
        0x00, 0x01,                          // HTYPE Ethernet
        0x08, 0x00,                          // PTYPE IPv4
        6, 4,                                // HLEN, PLEN
        0x00, 0x01,                          // request
        0x00, 0x00, 0x0c, 0x07, 0xac, 0x01,  // sender MAC
        192, 0, 2, 254,                      // sender IP
        0, 0, 0, 0, 0, 0,                    // target MAC: zero
        192, 0, 2, 254,                      // target IP = sender IP
    };
    for (size_t i = 0; i < sizeof(expect); ++i) EXPECT_EQ(p[i], expect[i]) << "byte " << i;
    for (size_t i = sizeof(expect); i < 60; ++i) EXPECT_EQ(p[i], 0) << "padding byte " << i;
    auto msg = parse_arp(m, 14);
    ASSERT_TRUE(msg) << msg.error().message;
    EXPECT_TRUE(msg->is_gratuitous());
    EXPECT_FALSE(build_gratuitous_arp(m, vmac, ip("192.0.2.254")));  // not an empty mbuf
    rte_pktmbuf_free(m);
}

TEST_F(ArpBuild, RequestAndReplyRoundTrip) {
    rte_mbuf* req = rte_pktmbuf_alloc(pool_);
    ASSERT_TRUE(build_arp_request(req, kMacA, ip("192.0.2.1"), ip("192.0.2.2")));
    const uint8_t* p = rte_pktmbuf_mtod(req, const uint8_t*);
    for (int i = 0; i < 6; ++i) EXPECT_EQ(p[i], 0xff);
    EXPECT_EQ(p[21], RTE_ARP_OP_REQUEST);
    auto q = parse_arp(req, 14);
    ASSERT_TRUE(q);
    EXPECT_EQ(q->sender_ip, ip("192.0.2.1"));
    EXPECT_EQ(q->target_ip, ip("192.0.2.2"));
    EXPECT_TRUE(rte_is_zero_ether_addr(&q->target_mac));

    rte_mbuf* rep = rte_pktmbuf_alloc(pool_);
    ASSERT_TRUE(build_arp_reply(rep, kMacB, q->target_ip, q->sender_mac, q->sender_ip));
    const uint8_t* r = rte_pktmbuf_mtod(rep, const uint8_t*);
    EXPECT_TRUE(same(*reinterpret_cast<const rte_ether_addr*>(r), kMacA));       // unicast back
    EXPECT_TRUE(same(*reinterpret_cast<const rte_ether_addr*>(r + 6), kMacB));
    auto a = parse_arp(rep, 14);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->op, RTE_ARP_OP_REPLY);
    EXPECT_TRUE(same(a->sender_mac, kMacB));
    EXPECT_EQ(a->sender_ip, ip("192.0.2.2"));
    EXPECT_TRUE(same(a->target_mac, kMacA));
    EXPECT_EQ(a->target_ip, ip("192.0.2.1"));
    EXPECT_FALSE(parse_arp(rep, 61));  // l2_len past the data
    rte_pktmbuf_free(req);
    rte_pktmbuf_free(rep);
}

}  // namespace
}  // namespace tandem::dp

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new tandem::test::EalEnvironment());
    return RUN_ALL_TESTS();
}
