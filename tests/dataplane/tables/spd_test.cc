// SPD on rte_acl: edge cases, key extraction from IPv4 headers, and a property test comparing
// rte_acl's classification with a naive first-match reference over random rule sets and packets
// (seeded PRNG: every run tests the same cases; a failure prints the seed and case).
#include "dataplane/tables/spd.h"

#include <rte_byteorder.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "tests/dataplane/eal_test_env.h"

namespace tandem::dp {
namespace {

using dpapi::PolicyAction;
using dpapi::PolicyRule;

Ipv4Prefix pfx(const char* text) { return *Ipv4Prefix::parse(text); }
Ipv4Address ip(const char* text) { return *Ipv4Address::parse(text); }

PolicyRule rule(uint32_t priority, PolicyAction action, uint32_t policy_id, const char* src, const char* dst,
                uint8_t proto = 0, PortRange sport = {}, PortRange dport = {}, uint16_t port = 0) {
    PolicyRule r;
    r.policy_id = policy_id;
    r.port = port;
    r.priority = priority;
    r.protocol = proto;
    r.src = pfx(src);
    r.dst = pfx(dst);
    r.src_ports = sport;
    r.dst_ports = dport;
    r.action = action;
    return r;
}

SpdVerdict classify_one(const Spd& spd, const SpdKey& key) {
    SpdVerdict v;
    spd.classify(std::span<const SpdKey>(&key, 1), &v);
    return v;
}

// The reference: the matching rule of `port` with the smallest (priority, list index).
std::optional<size_t> reference_match(const std::vector<PolicyRule>& rules, uint16_t port, uint8_t proto,
                                      uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport) {
    std::optional<size_t> best;
    for (size_t i = 0; i < rules.size(); ++i) {
        const auto& r = rules[i];
        if (r.port != port) continue;
        if (r.protocol != 0 && r.protocol != proto) continue;
        if ((src & r.src.mask()) != r.src.address().value()) continue;
        if ((dst & r.dst.mask()) != r.dst.address().value()) continue;
        if (sport < r.src_ports.lo || sport > r.src_ports.hi) continue;
        if (dport < r.dst_ports.lo || dport > r.dst_ports.hi) continue;
        if (!best || r.priority < rules[*best].priority) best = i;
    }
    return best;
}

TEST(Spd, EmptyBypassesEverything) {
    auto spd = Spd::create(0, {});
    ASSERT_TRUE(spd) << spd.error().message;
    EXPECT_TRUE(spd->empty());
    auto v = classify_one(*spd, make_spd_key(6, ip("10.0.0.1"), ip("10.0.0.2"), 1, 2));
    EXPECT_EQ(v.action, PolicyAction::bypass);
    EXPECT_EQ(v.rule, 0u);
}

TEST(Spd, OneRuleAndNoMatchDefaultsToBypass) {
    std::vector<PolicyRule> rules = {rule(5, PolicyAction::protect, 7, "10.1.0.0/16", "10.2.0.0/16")};
    auto spd = Spd::create(0, rules);
    ASSERT_TRUE(spd) << spd.error().message;
    auto v = classify_one(*spd, make_spd_key(17, ip("10.1.2.3"), ip("10.2.3.4"), 53, 53));
    EXPECT_EQ(v.action, PolicyAction::protect);
    EXPECT_EQ(v.policy_id, 7u);
    EXPECT_EQ(v.rule, 1u);
    v = classify_one(*spd, make_spd_key(17, ip("10.3.2.3"), ip("10.2.3.4"), 53, 53));
    EXPECT_EQ(v.action, PolicyAction::bypass);
    EXPECT_EQ(v.rule, 0u);
}

TEST(Spd, FirstMatchByPriorityNotListOrderAndTiesKeepListOrder) {
    std::vector<PolicyRule> rules = {
        rule(20, PolicyAction::protect, 1, "10.0.0.0/8", "0.0.0.0/0"),
        rule(10, PolicyAction::discard, 2, "10.1.0.0/16", "0.0.0.0/0"),   // earlier by priority
        rule(10, PolicyAction::bypass, 3, "10.1.2.0/24", "0.0.0.0/0"),    // tie: after rule 2
        rule(5, PolicyAction::protect, 4, "10.1.2.3/32", "192.0.2.0/24"),
    };
    auto spd = Spd::create(0, rules);
    ASSERT_TRUE(spd) << spd.error().message;
    EXPECT_EQ(classify_one(*spd, make_spd_key(1, ip("10.1.2.3"), ip("192.0.2.9"), 0, 0)).policy_id, 4u);
    EXPECT_EQ(classify_one(*spd, make_spd_key(1, ip("10.1.2.3"), ip("192.0.3.9"), 0, 0)).policy_id, 2u);
    EXPECT_EQ(classify_one(*spd, make_spd_key(1, ip("10.1.9.3"), ip("192.0.3.9"), 0, 0)).action,
              PolicyAction::discard);
    EXPECT_EQ(classify_one(*spd, make_spd_key(1, ip("10.9.9.3"), ip("192.0.3.9"), 0, 0)).policy_id, 1u);
    EXPECT_EQ(spd->rules()[0].policy_id, 4u);
    EXPECT_EQ(spd->rules()[1].policy_id, 2u);
    EXPECT_EQ(spd->rules()[2].policy_id, 3u);
}

TEST(Spd, PortRangeBoundsAndProtocol) {
    std::vector<PolicyRule> rules = {
        rule(1, PolicyAction::protect, 1, "0.0.0.0/0", "0.0.0.0/0", 6, {1024, 2047}, {443, 443}),
        rule(2, PolicyAction::discard, 2, "0.0.0.0/0", "0.0.0.0/0", 17, {}, {0, 0}),
    };
    auto spd = Spd::create(0, rules);
    ASSERT_TRUE(spd) << spd.error().message;
    auto a = ip("1.2.3.4"), b = ip("5.6.7.8");
    EXPECT_EQ(classify_one(*spd, make_spd_key(6, a, b, 1024, 443)).policy_id, 1u);
    EXPECT_EQ(classify_one(*spd, make_spd_key(6, a, b, 2047, 443)).policy_id, 1u);
    EXPECT_EQ(classify_one(*spd, make_spd_key(6, a, b, 1023, 443)).action, PolicyAction::bypass);
    EXPECT_EQ(classify_one(*spd, make_spd_key(6, a, b, 2048, 443)).action, PolicyAction::bypass);
    EXPECT_EQ(classify_one(*spd, make_spd_key(6, a, b, 1500, 444)).action, PolicyAction::bypass);
    EXPECT_EQ(classify_one(*spd, make_spd_key(17, a, b, 1500, 443)).action, PolicyAction::bypass);
    EXPECT_EQ(classify_one(*spd, make_spd_key(17, a, b, 9, 0)).action, PolicyAction::discard);
}

TEST(Spd, SlashZeroAndSlashThirtyTwo) {
    std::vector<PolicyRule> rules = {
        rule(1, PolicyAction::protect, 1, "255.255.255.255/32", "0.0.0.0/32"),
        rule(2, PolicyAction::discard, 2, "0.0.0.0/0", "128.0.0.0/1"),
    };
    auto spd = Spd::create(0, rules);
    ASSERT_TRUE(spd) << spd.error().message;
    EXPECT_EQ(classify_one(*spd, make_spd_key(50, ip("255.255.255.255"), ip("0.0.0.0"), 0, 0)).policy_id, 1u);
    EXPECT_EQ(classify_one(*spd, make_spd_key(50, ip("255.255.255.254"), ip("0.0.0.0"), 0, 0)).action,
              PolicyAction::bypass);
    EXPECT_EQ(classify_one(*spd, make_spd_key(50, ip("255.255.255.255"), ip("0.0.0.1"), 0, 0)).action,
              PolicyAction::bypass);
    EXPECT_EQ(classify_one(*spd, make_spd_key(50, ip("0.0.0.0"), ip("128.0.0.0"), 0, 0)).action,
              PolicyAction::discard);
    EXPECT_EQ(classify_one(*spd, make_spd_key(50, ip("0.0.0.0"), ip("127.255.255.255"), 0, 0)).action,
              PolicyAction::bypass);
}

TEST(Spd, OnlyTheRulesOfItsPort) {
    std::vector<PolicyRule> rules = {
        rule(1, PolicyAction::discard, 1, "0.0.0.0/0", "0.0.0.0/0", 0, {}, {}, 1),
        rule(2, PolicyAction::protect, 2, "0.0.0.0/0", "0.0.0.0/0", 0, {}, {}, 0),
    };
    auto spd0 = Spd::create(0, rules);
    auto spd1 = Spd::create(1, rules);
    auto spd2 = Spd::create(2, rules);
    ASSERT_TRUE(spd0 && spd1 && spd2);
    auto k = make_spd_key(6, ip("1.1.1.1"), ip("2.2.2.2"), 1, 1);
    EXPECT_EQ(classify_one(*spd0, k).action, PolicyAction::protect);
    EXPECT_EQ(classify_one(*spd1, k).action, PolicyAction::discard);
    EXPECT_EQ(classify_one(*spd2, k).action, PolicyAction::bypass);
    EXPECT_EQ(spd1->port(), 1);
}

TEST(Spd, RejectsHostBitsAndInvertedRanges) {
    PolicyRule r = rule(1, PolicyAction::protect, 1, "10.0.0.0/8", "0.0.0.0/0");
    r.src = Ipv4Prefix(ip("10.0.0.1"), 8);
    EXPECT_FALSE(Spd::create(0, std::vector<PolicyRule>{r}));
    r = rule(1, PolicyAction::protect, 1, "10.0.0.0/8", "0.0.0.0/0", 6, {10, 9});
    EXPECT_FALSE(Spd::create(0, std::vector<PolicyRule>{r}));
}

TEST(Spd, MovedSpdStillClassifiesAndTwoLiveSpdsCoexist) {
    std::vector<PolicyRule> rules = {rule(1, PolicyAction::discard, 9, "10.0.0.0/8", "0.0.0.0/0")};
    auto a = Spd::create(0, rules);
    auto b = Spd::create(0, rules);  // the RCU swap keeps old and new alive together
    ASSERT_TRUE(a) << a.error().message;
    ASSERT_TRUE(b) << b.error().message;
    Spd moved = std::move(*a);
    EXPECT_EQ(classify_one(moved, make_spd_key(6, ip("10.0.0.1"), ip("1.1.1.1"), 0, 0)).policy_id, 9u);
    EXPECT_EQ(classify_one(*b, make_spd_key(6, ip("10.0.0.1"), ip("1.1.1.1"), 0, 0)).policy_id, 9u);
}

// ---------------------------------------------------------------- key extraction

struct Packet {
    alignas(8) uint8_t bytes[64] = {};
    rte_ipv4_hdr* ip() { return reinterpret_cast<rte_ipv4_hdr*>(bytes); }
};

Packet make_packet(uint8_t proto, uint16_t sport, uint16_t dport, uint8_t ihl_words = 5) {
    Packet p;
    p.ip()->version_ihl = static_cast<uint8_t>(0x40 | ihl_words);
    p.ip()->next_proto_id = proto;
    p.ip()->src_addr = rte_cpu_to_be_32(0x0a000001);
    p.ip()->dst_addr = rte_cpu_to_be_32(0xc0000202);
    uint8_t* l4 = p.bytes + ihl_words * 4;
    l4[0] = static_cast<uint8_t>(sport >> 8);
    l4[1] = static_cast<uint8_t>(sport);
    l4[2] = static_cast<uint8_t>(dport >> 8);
    l4[3] = static_cast<uint8_t>(dport);
    return p;
}

TEST(SpdKey, ExtractsPortsOnlyForTcpUdpFirstFragments) {
    SpdKey k;
    Packet tcp = make_packet(6, 1234, 443);
    spd_key_from_ipv4(tcp.ip(), 40, k);
    EXPECT_EQ(k.protocol, 6);
    EXPECT_EQ(rte_be_to_cpu_32(k.src_be), 0x0a000001u);
    EXPECT_EQ(rte_be_to_cpu_32(k.dst_be), 0xc0000202u);
    EXPECT_EQ(rte_be_to_cpu_16(k.src_port_be), 1234);
    EXPECT_EQ(rte_be_to_cpu_16(k.dst_port_be), 443);

    Packet opts = make_packet(17, 53, 5353, 6);  // with 4 bytes of IP options
    spd_key_from_ipv4(opts.ip(), 48, k);
    EXPECT_EQ(rte_be_to_cpu_16(k.src_port_be), 53);
    EXPECT_EQ(rte_be_to_cpu_16(k.dst_port_be), 5353);

    Packet icmp = make_packet(1, 0x0800, 0x1234);  // type/code/checksum are not ports
    spd_key_from_ipv4(icmp.ip(), 40, k);
    EXPECT_EQ(k.src_port_be, 0);
    EXPECT_EQ(k.dst_port_be, 0);

    Packet frag = make_packet(6, 1234, 443);
    frag.ip()->fragment_offset = rte_cpu_to_be_16(185);  // a non-first fragment
    spd_key_from_ipv4(frag.ip(), 40, k);
    EXPECT_EQ(k.src_port_be, 0);
    EXPECT_EQ(k.dst_port_be, 0);

    Packet first = make_packet(6, 1234, 443);
    first.ip()->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG);  // first fragment
    spd_key_from_ipv4(first.ip(), 40, k);
    EXPECT_EQ(rte_be_to_cpu_16(k.dst_port_be), 443);

    Packet cut = make_packet(6, 1234, 443);
    spd_key_from_ipv4(cut.ip(), 23, k);  // transport header truncated
    EXPECT_EQ(k.src_port_be, 0);
    EXPECT_EQ(k.dst_port_be, 0);
}

// ---------------------------------------------------------------- the property test

struct RandomSpd {
    std::mt19937_64 rng;
    std::vector<uint32_t> bases;
    std::vector<uint16_t> port_pool = {0, 1, 53, 80, 443, 500, 1023, 1024, 4500, 65534, 65535};

    bool specific = false;  // long prefixes, many bases: large rule sets whose rules are reachable

    RandomSpd(uint64_t seed, bool specific_rules) : rng(seed), specific(specific_rules) {
        for (int i = 0; i < (specific ? 200 : 6); ++i) bases.push_back(static_cast<uint32_t>(rng()));
        bases.push_back(0);
        bases.push_back(0xffffffffu);
    }
    uint32_t pick(uint32_t n) { return static_cast<uint32_t>(rng() % n); }

    Ipv4Prefix prefix() {
        static constexpr unsigned lengths[] = {0, 1, 8, 16, 24, 31, 32};
        unsigned len = pick(3) == 0 ? pick(33) : lengths[pick(7)];
        if (specific && pick(50) != 0) len = 16 + pick(17);
        uint32_t a = bases[pick(static_cast<uint32_t>(bases.size()))] ^ (static_cast<uint32_t>(rng()) & 0xffu);
        return Ipv4Prefix::containing(Ipv4Address(a), len);
    }
    PortRange ports() {
        switch (pick(4)) {
            case 0:
            case 1: return {};
            case 2: { uint16_t p = port_pool[pick(static_cast<uint32_t>(port_pool.size()))]; return {p, p}; }
            default: {
                auto a = static_cast<uint16_t>(rng()), b = static_cast<uint16_t>(rng());
                if (pick(2)) b = static_cast<uint16_t>(a + pick(64));
                return {std::min(a, b), std::max(a, b)};
            }
        }
    }
    uint8_t protocol() {
        static constexpr uint8_t protos[] = {0, 0, 6, 17, 1, 50};
        return protos[pick(6)];
    }
    PolicyRule random_rule(uint32_t priority_span) {
        PolicyRule r;
        r.policy_id = pick(1000);
        r.port = pick(8) == 0 ? 1 : 0;
        r.priority = pick(priority_span);
        r.protocol = protocol();
        r.src = prefix();
        r.dst = prefix();
        if (r.protocol == 6 || r.protocol == 17 || pick(4) == 0) {
            r.src_ports = ports();
            r.dst_ports = ports();
        }
        r.action = static_cast<PolicyAction>(pick(3));
        return r;
    }
    // An address near a rule's edges most of the time, random otherwise.
    uint32_t address_near(const Ipv4Prefix& p) {
        switch (pick(6)) {
            case 0: return p.first().value();
            case 1: return p.last().value();
            case 2: return p.first().value() - 1;
            case 3: return p.last().value() + 1;
            case 4: return p.first().value() + static_cast<uint32_t>(rng() & ~p.mask());
            default: return static_cast<uint32_t>(rng());
        }
    }
    uint16_t port_near(const PortRange& r) {
        switch (pick(6)) {
            case 0: return r.lo;
            case 1: return r.hi;
            case 2: return static_cast<uint16_t>(r.lo - 1);
            case 3: return static_cast<uint16_t>(r.hi + 1);
            case 4: return 0;
            default: return static_cast<uint16_t>(rng());
        }
    }
};

struct Coverage {
    size_t protect = 0;
    size_t misses = 0;
    std::set<uint32_t> rules_hit;
};

// Compares rte_acl with the reference on n_packets packets; accumulates what was exercised.
void check_random(uint64_t seed, size_t n_rules, uint32_t priority_span, size_t n_packets, Coverage& cov) {
    RandomSpd gen(seed, n_rules > 100);
    std::vector<PolicyRule> rules;
    for (size_t i = 0; i < n_rules; ++i) rules.push_back(gen.random_rule(priority_span));
    rules[0].port = 0;  // at least one PROTECT rule of the port under test
    rules[0].action = PolicyAction::protect;
    auto spd = Spd::create(0, rules);
    ASSERT_TRUE(spd) << spd.error().message;

    std::vector<SpdKey> keys(n_packets);
    struct Case { uint8_t proto; uint32_t src, dst; uint16_t sport, dport; };
    std::vector<Case> cases(n_packets);
    for (size_t i = 0; i < n_packets; ++i) {
        const PolicyRule& near = rules[gen.pick(static_cast<uint32_t>(rules.size()))];
        Case c;
        c.proto = gen.pick(4) == 0 ? static_cast<uint8_t>(gen.rng()) : (near.protocol ? near.protocol : gen.protocol());
        c.src = gen.address_near(near.src);
        c.dst = gen.address_near(near.dst);
        c.sport = gen.port_near(near.src_ports);
        c.dport = gen.port_near(near.dst_ports);
        cases[i] = c;
        keys[i] = make_spd_key(c.proto, Ipv4Address(c.src), Ipv4Address(c.dst), c.sport, c.dport);
    }
    std::vector<SpdVerdict> got(n_packets);
    spd->classify(keys, got.data());  // whole span at once: exercises the 64-key chunking

    for (size_t i = 0; i < n_packets; ++i) {
        const Case& c = cases[i];
        auto want = reference_match(rules, 0, c.proto, c.src, c.dst, c.sport, c.dport);
        SCOPED_TRACE("seed " + std::to_string(seed) + " packet " + std::to_string(i) + " proto " +
                     std::to_string(c.proto) + " " + Ipv4Address(c.src).str() + ":" + std::to_string(c.sport) +
                     " -> " + Ipv4Address(c.dst).str() + ":" + std::to_string(c.dport));
        if (!want) {
            ++cov.misses;
            ASSERT_EQ(got[i].rule, 0u);
            ASSERT_EQ(got[i].action, PolicyAction::bypass);
            continue;
        }
        ASSERT_NE(got[i].rule, 0u);
        cov.rules_hit.insert(static_cast<uint32_t>(seed << 20) + got[i].rule);
        ASSERT_EQ(spd->rules()[got[i].rule - 1], rules[*want]);
        ASSERT_EQ(got[i].action, rules[*want].action);
        if (got[i].action == PolicyAction::protect) {
            ++cov.protect;
            ASSERT_EQ(got[i].policy_id, rules[*want].policy_id);
        }
        // The library's own linear matcher agrees too (used by `show` commands).
        ASSERT_EQ(spd_linear_match(spd->rules(), keys[i]).rule, got[i].rule);
    }
}

// The generator must exercise misses, PROTECT hits and many distinct rules, or the comparison
// proves little.
TEST(SpdProperty, SmallRuleSetsManySeeds) {
    Coverage cov;
    for (uint64_t seed = 1; seed <= 40; ++seed) {
        check_random(seed, 1 + seed % 12, 4, 500, cov);
        if (HasFatalFailure()) return;
    }
    EXPECT_GT(cov.misses, 1000u);
    EXPECT_GT(cov.protect, 1000u);
    EXPECT_GT(cov.rules_hit.size(), 150u);
}

TEST(SpdProperty, MediumRuleSets) {
    Coverage cov;
    for (uint64_t seed = 100; seed < 105; ++seed) {
        check_random(seed, 300, 1000, 4000, cov);
        if (HasFatalFailure()) return;
    }
    EXPECT_GT(cov.protect, 500u);
    EXPECT_GT(cov.rules_hit.size(), 500u);
}

TEST(SpdProperty, FiveThousandRules) {
    Coverage cov;
    check_random(4242, 5000, 100000, 20000, cov);
    EXPECT_GT(cov.protect, 500u);
    EXPECT_GT(cov.rules_hit.size(), 1000u);
    std::printf("5000 rules: %zu distinct rules hit, %zu PROTECT, %zu misses\n", cov.rules_hit.size(),
                cov.protect, cov.misses);
}

}  // namespace
}  // namespace tandem::dp

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new tandem::test::EalEnvironment());
    return RUN_ALL_TESTS();
}
