// FIB on rte_lpm: longest-prefix match, replace, delete with fall-back, the default route, next-hop
// sharing and reference counts, RCU-deferred slot reuse, bad input and full tables, and a large
// random table checked against a reference longest-prefix match.
#include "dataplane/tables/fib.h"

#include <rte_rcu_qsbr.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "tests/dataplane/eal_test_env.h"

namespace tandem::dp {
namespace {

using dpapi::Route;
using dpapi::RouteKind;

Ipv4Prefix pfx(const char* text) { return *Ipv4Prefix::parse(text); }
Ipv4Address ip(const char* text) { return *Ipv4Address::parse(text); }

Route fwd(const char* prefix, uint16_t port, const char* gateway = "0.0.0.0") {
    Route r;
    r.prefix = pfx(prefix);
    r.kind = RouteKind::forward;
    r.port = port;
    r.gateway = ip(gateway);
    return r;
}

Fib make_fib(FibConfig cfg = {}) {
    auto fib = Fib::create(cfg);
    EXPECT_TRUE(fib) << fib.error().message;
    return std::move(*fib);
}

TEST(Fib, EmptyTableHasNoRoute) {
    Fib fib = make_fib();
    EXPECT_EQ(fib.lookup(ip("10.0.0.1")), Fib::kNoRoute);
}

TEST(Fib, LongestPrefixWins) {
    Fib fib = make_fib();
    ASSERT_TRUE(fib.add(fwd("10.0.0.0/8", 0, "192.0.2.1")));
    ASSERT_TRUE(fib.add(fwd("10.1.0.0/16", 1, "192.0.2.2")));
    ASSERT_TRUE(fib.add(fwd("10.1.2.0/24", 2)));
    ASSERT_TRUE(fib.add(fwd("10.1.2.128/25", 3, "198.51.100.1")));   // needs a tbl8
    ASSERT_TRUE(fib.add(fwd("10.1.2.200/32", 0, "198.51.100.2")));
    auto port_of = [&](const char* a) { return fib.next_hop(fib.lookup(ip(a))).port; };
    EXPECT_EQ(port_of("10.200.0.1"), 0);
    EXPECT_EQ(port_of("10.1.200.1"), 1);
    EXPECT_EQ(port_of("10.1.2.1"), 2);
    EXPECT_EQ(port_of("10.1.2.127"), 2);
    EXPECT_EQ(port_of("10.1.2.128"), 3);
    EXPECT_EQ(port_of("10.1.2.255"), 3);
    NextHop h = fib.next_hop(fib.lookup(ip("10.1.2.200")));
    EXPECT_EQ(h.gateway, ip("198.51.100.2"));
    EXPECT_EQ(h.kind, RouteKind::forward);
    NextHop connected = fib.next_hop(fib.lookup(ip("10.1.2.7")));
    EXPECT_TRUE(connected.gateway.is_unspecified());
    EXPECT_EQ(fib.lookup(ip("11.0.0.1")), Fib::kNoRoute);

    uint32_t dst[5] = {ip("10.200.0.1").value(), ip("11.0.0.1").value(), ip("10.1.2.128").value(),
                       ip("10.1.2.200").value(), ip("10.1.2.1").value()};
    uint32_t out[5];
    fib.lookup_bulk(dst, out, 5);
    EXPECT_EQ(fib.next_hop(out[0]).port, 0);
    EXPECT_EQ(out[1], Fib::kNoRoute);
    EXPECT_EQ(fib.next_hop(out[2]).port, 3);
    EXPECT_EQ(fib.next_hop(out[3]).gateway, ip("198.51.100.2"));
    EXPECT_EQ(fib.next_hop(out[4]).port, 2);
}

TEST(Fib, DefaultRouteIsUsedOnMissAndRemovable) {
    Fib fib = make_fib();
    ASSERT_TRUE(fib.add(fwd("0.0.0.0/0", 1, "192.0.2.254")));
    ASSERT_TRUE(fib.add(fwd("10.0.0.0/8", 0, "192.0.2.1")));
    EXPECT_EQ(fib.next_hop(fib.lookup(ip("8.8.8.8"))).gateway, ip("192.0.2.254"));
    EXPECT_EQ(fib.next_hop(fib.lookup(ip("10.8.8.8"))).gateway, ip("192.0.2.1"));
    ASSERT_TRUE(fib.find(pfx("0.0.0.0/0")));
    ASSERT_TRUE(fib.remove(pfx("0.0.0.0/0")));
    EXPECT_EQ(fib.lookup(ip("8.8.8.8")), Fib::kNoRoute);
    EXPECT_EQ(fib.route_count(), 1u);
}

TEST(Fib, ReplaceChangesTheNextHopInPlace) {
    Fib fib = make_fib();
    ASSERT_TRUE(fib.add(fwd("10.1.2.0/24", 0, "192.0.2.1")));
    ASSERT_TRUE(fib.add(fwd("10.1.2.0/28", 0, "192.0.2.1")));
    uint32_t before = fib.lookup(ip("10.1.2.3"));
    ASSERT_TRUE(fib.add(fwd("10.1.2.0/28", 1, "192.0.2.9")));
    EXPECT_EQ(fib.route_count(), 2u);
    EXPECT_EQ(fib.next_hop(fib.lookup(ip("10.1.2.3"))).gateway, ip("192.0.2.9"));
    EXPECT_EQ(fib.next_hop(fib.lookup(ip("10.1.2.100"))).gateway, ip("192.0.2.1"));
    EXPECT_EQ(fib.refcount(before), 1u);  // only the /24 uses the old next hop now
    auto r = fib.find(pfx("10.1.2.0/28"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->port, 1);
    EXPECT_EQ(r->gateway, ip("192.0.2.9"));
}

TEST(Fib, DeleteFallsBackToTheShorterPrefix) {
    Fib fib = make_fib();
    ASSERT_TRUE(fib.add(fwd("10.0.0.0/8", 0, "192.0.2.1")));
    ASSERT_TRUE(fib.add(fwd("10.1.0.0/16", 1, "192.0.2.2")));
    ASSERT_TRUE(fib.add(fwd("10.1.1.0/30", 2, "192.0.2.3")));
    ASSERT_TRUE(fib.remove(pfx("10.1.1.0/30")));
    EXPECT_EQ(fib.next_hop(fib.lookup(ip("10.1.1.1"))).port, 1);
    ASSERT_TRUE(fib.remove(pfx("10.1.0.0/16")));
    EXPECT_EQ(fib.next_hop(fib.lookup(ip("10.1.1.1"))).port, 0);
    ASSERT_TRUE(fib.remove(pfx("10.0.0.0/8")));
    EXPECT_EQ(fib.lookup(ip("10.1.1.1")), Fib::kNoRoute);
    EXPECT_FALSE(fib.remove(pfx("10.0.0.0/8")));
    EXPECT_EQ(fib.route_count(), 0u);
    EXPECT_EQ(fib.next_hop_count(), 0u);
}

TEST(Fib, IdenticalNextHopsShareOneSlotWithARefcount) {
    Fib fib = make_fib();
    for (int i = 0; i < 10; ++i) {
        Route r = fwd("10.0.0.0/24", 1, "192.0.2.1");
        r.prefix = Ipv4Prefix(Ipv4Address(0x0a000000u + (static_cast<uint32_t>(i) << 8)), 24);
        ASSERT_TRUE(fib.add(r));
    }
    ASSERT_TRUE(fib.add(fwd("172.16.0.0/12", 1, "192.0.2.2")));   // another gateway: another slot
    ASSERT_TRUE(fib.add(fwd("172.32.0.0/12", 2, "192.0.2.1")));   // another port: another slot
    EXPECT_EQ(fib.next_hop_count(), 3u);
    uint32_t shared = fib.lookup(ip("10.0.5.1"));
    EXPECT_EQ(fib.lookup(ip("10.0.9.1")), shared);
    EXPECT_EQ(fib.refcount(shared), 10u);
    ASSERT_TRUE(fib.remove(pfx("10.0.5.0/24")));
    EXPECT_EQ(fib.refcount(shared), 9u);
    Route bh;
    bh.prefix = pfx("192.168.0.0/16");
    bh.kind = RouteKind::blackhole;
    bh.port = 7;  // ignored for blackholes: they all share one slot
    ASSERT_TRUE(fib.add(bh));
    bh.prefix = pfx("192.169.0.0/16");
    bh.port = 3;
    ASSERT_TRUE(fib.add(bh));
    uint32_t b = fib.lookup(ip("192.168.1.1"));
    EXPECT_EQ(fib.next_hop(b).kind, RouteKind::blackhole);
    EXPECT_EQ(fib.refcount(b), 2u);
    EXPECT_EQ(fib.lookup(ip("192.169.1.1")), b);
}

TEST(Fib, RejectsBadInput) {
    FibConfig cfg;
    cfg.max_ports = 2;
    Fib fib = make_fib(cfg);
    Route r = fwd("10.0.0.0/8", 0, "192.0.2.1");
    r.prefix = Ipv4Prefix(ip("10.0.0.1"), 8);  // host bits: Ipv4Prefix::parse would refuse it too
    EXPECT_FALSE(fib.add(r));
    EXPECT_FALSE(fib.add(fwd("10.0.0.0/8", 2)));                      // port out of range
    EXPECT_FALSE(fib.add(fwd("10.0.0.0/8", 1, "224.0.0.5")));         // multicast gateway
    r = fwd("10.0.0.0/8", 0);
    r.kind = static_cast<RouteKind>(9);
    EXPECT_FALSE(fib.add(r));
    EXPECT_EQ(fib.route_count(), 0u);
    EXPECT_EQ(fib.next_hop_count(), 0u);
    EXPECT_FALSE(Fib::create(FibConfig{.max_routes = 10, .number_tbl8s = 1, .max_next_hops = (1u << 24) + 1}));
}

TEST(Fib, FullTablesFailCleanly) {
    FibConfig cfg;
    cfg.max_routes = 4;
    cfg.number_tbl8s = 2;
    cfg.max_next_hops = 3;
    Fib fib = make_fib(cfg);
    // tbl8 groups: two /24 blocks with longer routes fit, the third does not.
    ASSERT_TRUE(fib.add(fwd("10.0.1.0/25", 0, "192.0.2.1")));
    ASSERT_TRUE(fib.add(fwd("10.0.2.0/25", 0, "192.0.2.1")));
    auto full = fib.add(fwd("10.0.3.0/25", 0, "192.0.2.1"));
    ASSERT_FALSE(full);
    EXPECT_NE(full.error().message.find("rte_lpm_add"), std::string::npos) << full.error().message;
    EXPECT_EQ(fib.route_count(), 2u);
    EXPECT_EQ(fib.refcount(fib.lookup(ip("10.0.1.1"))), 2u);  // the failed add left no reference
    // Next hops: three distinct fit, a fourth does not.
    ASSERT_TRUE(fib.add(fwd("10.1.0.0/16", 0, "192.0.2.2")));
    ASSERT_TRUE(fib.add(fwd("10.2.0.0/16", 0, "192.0.2.3")));
    auto no_slot = fib.add(fwd("0.0.0.0/0", 0, "192.0.2.4"));
    ASSERT_FALSE(no_slot);
    EXPECT_NE(no_slot.error().message.find("next-hop table full"), std::string::npos);
    // Routes: four are the maximum (the default route does not count).
    auto no_rule = fib.add(fwd("10.3.0.0/16", 0, "192.0.2.3"));
    ASSERT_FALSE(no_rule);
    EXPECT_NE(no_rule.error().message.find("FIB full"), std::string::npos);
    ASSERT_TRUE(fib.add(fwd("0.0.0.0/0", 0, "192.0.2.3")));  // shares a slot: fits
    ASSERT_TRUE(fib.add(fwd("10.2.0.0/16", 0, "192.0.2.1")));  // replacing is not growing
    EXPECT_EQ(fib.route_count(), 5u);
}

TEST(Fib, FreedSlotsWaitForAGracePeriodWithRcu) {
    size_t sz = rte_rcu_qsbr_get_memsize(1);
    auto* v = static_cast<rte_rcu_qsbr*>(std::aligned_alloc(RTE_CACHE_LINE_SIZE, (sz + RTE_CACHE_LINE_SIZE - 1) /
                                                                                     RTE_CACHE_LINE_SIZE * RTE_CACHE_LINE_SIZE));
    ASSERT_EQ(rte_rcu_qsbr_init(v, 1), 0);
    ASSERT_EQ(rte_rcu_qsbr_thread_register(v, 0), 0);
    rte_rcu_qsbr_thread_online(v, 0);  // a "worker" that has not yet passed a quiescent state
    {
        FibConfig cfg;
        cfg.max_next_hops = 1;
        cfg.rcu = v;
        Fib fib = make_fib(cfg);
        ASSERT_TRUE(fib.add(fwd("10.0.0.0/8", 0, "192.0.2.1")));
        ASSERT_TRUE(fib.remove(pfx("10.0.0.0/8")));
        EXPECT_EQ(fib.deferred_slots(), 1u);
        // The only slot is still owed to a reader that may hold its index: no new next hop.
        EXPECT_FALSE(fib.add(fwd("10.0.0.0/8", 0, "192.0.2.2")));
        rte_rcu_qsbr_quiescent(v, 0);
        ASSERT_TRUE(fib.add(fwd("10.0.0.0/8", 0, "192.0.2.2")));
        EXPECT_EQ(fib.deferred_slots(), 0u);
        EXPECT_EQ(fib.next_hop(fib.lookup(ip("10.1.1.1"))).gateway, ip("192.0.2.2"));
    }
    rte_rcu_qsbr_thread_offline(v, 0);
    std::free(v);
}

// Random routes of all lengths against a reference longest-prefix match.
TEST(Fib, LargeRandomTableMatchesReference) {
    // rte_lpm_add is O(routes of that length), so loading is quadratic: 30k routes take about a
    // second here, 100k about 25 s. TANDEM_FIB_ROUTES=N runs it larger by hand.
    const char* env = std::getenv("TANDEM_FIB_ROUTES");
    const uint32_t kRoutes = env ? static_cast<uint32_t>(std::strtoul(env, nullptr, 10)) : 30000;
    FibConfig cfg;
    cfg.max_routes = kRoutes;
    cfg.number_tbl8s = std::max<uint32_t>(1024, kRoutes / 4);  // 1 KiB each, beside the 64 MiB tbl24
    cfg.max_next_hops = 1024;
    Fib fib = make_fib(cfg);
    std::mt19937_64 rng(7);
    std::map<Ipv4Prefix, Route> reference;
    auto t0 = std::chrono::steady_clock::now();
    while (reference.size() < kRoutes) {
        unsigned len = rng() % 8 == 0 ? 25 + static_cast<unsigned>(rng() % 8) : 8 + static_cast<unsigned>(rng() % 17);
        Route r = fwd("0.0.0.0/0", static_cast<uint16_t>(rng() % 4), "192.0.2.1");
        r.prefix = Ipv4Prefix::containing(Ipv4Address(static_cast<uint32_t>(rng()) & 0x0fffffffu), len);
        r.gateway = Ipv4Address(0xc6336400u + static_cast<uint32_t>(rng() % 200));
        auto ok = fib.add(r);
        if (!ok) {
            std::set<uint32_t> blocks;
            for (auto& [p, _] : reference) if (p.length() > 24) blocks.insert(p.address().value() >> 8);
            FAIL() << ok.error().message << " after " << reference.size() << " routes, " << blocks.size() << " tbl8 blocks";
        }
        reference[r.prefix] = r;
    }
    // Delete a tenth, then check.
    size_t n = 0;
    for (auto it = reference.begin(); it != reference.end();) {
        if (++n % 10 == 0) {
            ASSERT_TRUE(fib.remove(it->first));
            it = reference.erase(it);
        } else {
            ++it;
        }
    }
    auto t1 = std::chrono::steady_clock::now();
    std::printf("%u adds + %zu deletes: %.2f s; %zu next hops\n", kRoutes, n / 10,
                std::chrono::duration<double>(t1 - t0).count(), fib.next_hop_count());
    auto reference_lookup = [&](uint32_t a) -> const Route* {
        for (int len = 32; len >= 0; --len) {
            auto it = reference.find(Ipv4Prefix::containing(Ipv4Address(a), static_cast<unsigned>(len)));
            if (it != reference.end()) return &it->second;
        }
        return nullptr;
    };
    size_t hits = 0;
    for (int batch = 0; batch < 1000; ++batch) {
        uint32_t dst[32], out[32];
        for (auto& d : dst) {
            auto it = reference.lower_bound(Ipv4Prefix(Ipv4Address(static_cast<uint32_t>(rng()) & 0x0fffffffu), 0));
            d = (it != reference.end() && rng() % 2) ? it->first.address().value() + static_cast<uint32_t>(rng() % 3)
                                                    : static_cast<uint32_t>(rng()) & 0x0fffffffu;
        }
        fib.lookup_bulk(dst, out, 32);
        for (int i = 0; i < 32; ++i) {
            const Route* want = reference_lookup(dst[i]);
            if (!want) {
                ASSERT_EQ(out[i], Fib::kNoRoute) << Ipv4Address(dst[i]).str();
                continue;
            }
            ++hits;
            ASSERT_NE(out[i], Fib::kNoRoute) << Ipv4Address(dst[i]).str();
            NextHop h = fib.next_hop(out[i]);
            ASSERT_EQ(h.port, want->port) << Ipv4Address(dst[i]).str();
            ASSERT_EQ(h.gateway, want->gateway) << Ipv4Address(dst[i]).str();
        }
    }
    EXPECT_GT(hits, 10000u);
}

}  // namespace
}  // namespace tandem::dp

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new tandem::test::EalEnvironment());
    return RUN_ALL_TESTS();
}
