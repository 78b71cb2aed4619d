// Crypto-map flattening: hand-written Cisco cases, errors, and a property test comparing, on
// random crypto maps and random packets, a direct interpreter of Cisco's per-entry semantics with
// (a) first match over the flattened rules and (b) rte_acl built from them.
#include "dataplane/tables/spd_compile.h"

#include <random>

#include <gtest/gtest.h>

#include "dataplane/tables/spd.h"
#include "tests/dataplane/eal_test_env.h"

namespace tandem::dp {
namespace {

using config::SpdAction;
using config::SpdRule;
using dpapi::PolicyAction;

Ipv4Address ip(const char* text) { return *Ipv4Address::parse(text); }
Ipv4Wildcard net(const char* prefix) { return Ipv4Wildcard::from_prefix(*Ipv4Prefix::parse(prefix)); }

SpdRule line(SpdAction action, uint32_t seq, uint8_t proto, Ipv4Wildcard src, Ipv4Wildcard dst,
             PortMatch dport = {}, PortMatch sport = {}) {
    SpdRule r;
    r.action = action;
    r.seq = seq;
    r.protocol = proto;
    r.source = src;
    r.destination = dst;
    r.source_ports = sport;
    r.destination_ports = dport;
    return r;
}

PortMatch pm(PortMatch::Op op, uint16_t lo, uint16_t hi = 0) { return PortMatch{op, lo, hi}; }

uint32_t id_for(uint32_t seq) { return seq * 7 + 1; }

SpdCompileOptions options(uint16_t port = 0) {
    SpdCompileOptions o;
    o.port = port;
    o.policy_id_for = id_for;
    return o;
}

// The oracle: Cisco's semantics read straight off the entry-structured list (compile.h).
struct CiscoVerdict {
    SpdAction action = SpdAction::bypass;
    uint32_t seq = 0;
};

CiscoVerdict cisco_match(const std::vector<SpdRule>& rules, uint8_t proto, Ipv4Address src, Ipv4Address dst,
                         uint16_t sport, uint16_t dport) {
    size_t i = 0;
    while (i < rules.size()) {
        uint32_t seq = rules[i].seq;
        size_t end = i;
        while (end < rules.size() && rules[end].seq == seq) ++end;
        for (size_t j = i; j < end; ++j) {
            const SpdRule& r = rules[j];
            bool match = (r.protocol == 0 || r.protocol == proto) && r.source.matches(src) &&
                         r.destination.matches(dst) && r.source_ports.matches(sport) &&
                         r.destination_ports.matches(dport);
            if (!match) continue;
            if (r.action == SpdAction::protect) return {SpdAction::protect, seq};
            if (r.action == SpdAction::bypass) return {SpdAction::bypass, 0};
            break;  // deny: not this entry
        }
        i = end;  // no line matched, or a deny: the next entry
    }
    return {SpdAction::bypass, 0};
}

SpdVerdict flat_match(const std::vector<dpapi::PolicyRule>& flat, uint8_t proto, Ipv4Address src, Ipv4Address dst,
                      uint16_t sport, uint16_t dport) {
    return spd_linear_match(flat, make_spd_key(proto, src, dst, sport, dport));
}

void expect_same(const CiscoVerdict& want, const SpdVerdict& got) {
    if (want.action == SpdAction::protect) {
        EXPECT_EQ(got.action, PolicyAction::protect);
        EXPECT_EQ(got.policy_id, id_for(want.seq));
    } else {
        EXPECT_EQ(got.action, PolicyAction::bypass);
    }
}

TEST(SpdCompile, DenyLineFallsThroughToTheNextEntry) {
    // crypto map M 10: deny tcp host 10.1.1.1 any eq 80; permit ip 10.1.0.0/16 10.2.0.0/16
    // crypto map M 20: permit ip 10.0.0.0/8 10.2.0.0/16
    std::vector<SpdRule> rules = {
        line(SpdAction::skip_entry, 10, 6, Ipv4Wildcard::host(ip("10.1.1.1")), Ipv4Wildcard::any(),
             pm(PortMatch::Op::eq, 80)),
        line(SpdAction::protect, 10, 0, net("10.1.0.0/16"), net("10.2.0.0/16")),
        line(SpdAction::protect, 20, 0, net("10.0.0.0/8"), net("10.2.0.0/16")),
        SpdRule{},
    };
    auto flat = flatten_spd(rules, options(3));
    ASSERT_TRUE(flat) << flat.error().message;
    for (const auto& r : *flat) {
        EXPECT_EQ(r.port, 3);
        EXPECT_NE(r.action, PolicyAction::discard);
    }
    // The denied web traffic goes to entry 20, not in the clear and not to entry 10.
    auto v = flat_match(*flat, 6, ip("10.1.1.1"), ip("10.2.0.5"), 1234, 80);
    EXPECT_EQ(v.action, PolicyAction::protect);
    EXPECT_EQ(v.policy_id, id_for(20));
    v = flat_match(*flat, 6, ip("10.1.1.1"), ip("10.2.0.5"), 1234, 81);
    EXPECT_EQ(v.policy_id, id_for(10));
    v = flat_match(*flat, 6, ip("10.1.1.1"), ip("10.3.0.5"), 1234, 80);  // no later entry: clear
    EXPECT_EQ(v.action, PolicyAction::bypass);
    v = flat_match(*flat, 17, ip("10.9.0.1"), ip("10.2.0.5"), 1, 2);
    EXPECT_EQ(v.policy_id, id_for(20));
    // Priorities are consecutive and the list ends with exactly one catch-all.
    for (size_t i = 0; i < flat->size(); ++i) EXPECT_EQ((*flat)[i].priority, i);
    EXPECT_EQ(flat->back().action, PolicyAction::bypass);
    EXPECT_EQ(flat->back().src.length(), 0u);
    EXPECT_EQ(flat->back().dst.length(), 0u);
}

TEST(SpdCompile, DenyInTheLastEntryMeansClear) {
    std::vector<SpdRule> rules = {
        line(SpdAction::skip_entry, 10, 0, net("10.1.1.0/24"), Ipv4Wildcard::any()),
        line(SpdAction::protect, 10, 0, net("10.1.0.0/16"), Ipv4Wildcard::any()),
        SpdRule{},
    };
    auto flat = flatten_spd(rules, options());
    ASSERT_TRUE(flat) << flat.error().message;
    EXPECT_EQ(flat_match(*flat, 1, ip("10.1.1.9"), ip("8.8.8.8"), 0, 0).action, PolicyAction::bypass);
    EXPECT_EQ(flat_match(*flat, 1, ip("10.1.2.9"), ip("8.8.8.8"), 0, 0).action, PolicyAction::protect);
}

TEST(SpdCompile, PortOperatorsBecomeRanges) {
    std::vector<SpdRule> rules = {
        line(SpdAction::protect, 10, 6, Ipv4Wildcard::any(), Ipv4Wildcard::any(), pm(PortMatch::Op::neq, 22)),
        line(SpdAction::protect, 20, 17, Ipv4Wildcard::any(), Ipv4Wildcard::any(), pm(PortMatch::Op::lt, 1024),
             pm(PortMatch::Op::gt, 65000)),
        line(SpdAction::protect, 30, 17, Ipv4Wildcard::any(), Ipv4Wildcard::any(), pm(PortMatch::Op::range, 5000, 5010)),
        SpdRule{},
    };
    auto flat = flatten_spd(rules, options());
    ASSERT_TRUE(flat) << flat.error().message;
    auto a = ip("1.1.1.1"), b = ip("2.2.2.2");
    EXPECT_EQ(flat_match(*flat, 6, a, b, 1, 21).policy_id, id_for(10));
    EXPECT_EQ(flat_match(*flat, 6, a, b, 1, 23).policy_id, id_for(10));
    EXPECT_EQ(flat_match(*flat, 6, a, b, 1, 22).action, PolicyAction::bypass);
    EXPECT_EQ(flat_match(*flat, 17, a, b, 65001, 1023).policy_id, id_for(20));
    EXPECT_EQ(flat_match(*flat, 17, a, b, 65000, 1023).action, PolicyAction::bypass);
    EXPECT_EQ(flat_match(*flat, 17, a, b, 65001, 1024).action, PolicyAction::bypass);
    EXPECT_EQ(flat_match(*flat, 17, a, b, 1, 5010).policy_id, id_for(30));
    EXPECT_EQ(flat_match(*flat, 17, a, b, 1, 5011).action, PolicyAction::bypass);
}

TEST(SpdCompile, PolicyIdIsAskedOncePerEntry) {
    std::vector<SpdRule> rules = {
        line(SpdAction::protect, 10, 0, net("10.1.0.0/16"), net("10.2.0.0/16")),
        line(SpdAction::protect, 10, 0, net("10.3.0.0/16"), net("10.2.0.0/16")),
        line(SpdAction::protect, 20, 0, net("10.4.0.0/16"), net("10.2.0.0/16")),
        SpdRule{},
    };
    std::vector<uint32_t> asked;
    SpdCompileOptions o;
    o.policy_id_for = [&](uint32_t seq) { asked.push_back(seq); return 100 + seq; };
    auto flat = flatten_spd(rules, o);
    ASSERT_TRUE(flat) << flat.error().message;
    EXPECT_EQ(asked, (std::vector<uint32_t>{20, 10}));  // built from the last entry back
    EXPECT_EQ((*flat)[0].policy_id, 110u);
    EXPECT_EQ((*flat)[1].policy_id, 110u);
    EXPECT_EQ((*flat)[2].policy_id, 120u);
}

TEST(SpdCompile, DiscontiguousWildcardIsAnError) {
    std::vector<SpdRule> rules = {
        line(SpdAction::protect, 10, 0, Ipv4Wildcard(ip("10.0.0.0"), ip("0.255.0.255")), Ipv4Wildcard::any()),
        SpdRule{},
    };
    auto flat = flatten_spd(rules, options());
    ASSERT_FALSE(flat);
    EXPECT_NE(flat.error().message.find("discontiguous"), std::string::npos);
}

TEST(SpdCompile, RuleLimitIsEnforced) {
    // Each deny in entry k overlaps every rule of entry k+1: the list grows, the limit stops it.
    std::vector<SpdRule> rules;
    for (uint32_t e = 1; e <= 6; ++e) {
        for (uint32_t l = 0; l < 6; ++l) {
            auto src = Ipv4Wildcard::host(Ipv4Address(0x0a000000u + e * 256 + l));
            rules.push_back(line(SpdAction::skip_entry, e, 0, Ipv4Wildcard::any(), net("10.0.0.0/8"),
                                 pm(PortMatch::Op::eq, static_cast<uint16_t>(l))));
            rules.push_back(line(SpdAction::protect, e, 0, src, Ipv4Wildcard::any()));
        }
    }
    rules.push_back(SpdRule{});
    SpdCompileOptions o = options();
    o.max_rules = 50;
    EXPECT_FALSE(flatten_spd(rules, o));
    o.max_rules = 100000;
    EXPECT_TRUE(flatten_spd(rules, o));
}

TEST(SpdCompile, EmptyPolicyIsOneBypass) {
    std::vector<SpdRule> rules = {SpdRule{}};
    auto flat = flatten_spd(rules, options());
    ASSERT_TRUE(flat);
    ASSERT_EQ(flat->size(), 1u);
    EXPECT_EQ((*flat)[0].action, PolicyAction::bypass);
}

// ---------------------------------------------------------------- property test

struct RandomMap {
    std::mt19937_64 rng;
    std::vector<uint32_t> bases;
    std::vector<uint16_t> ports = {0, 1, 22, 53, 80, 443, 1023, 1024, 65534, 65535};

    explicit RandomMap(uint64_t seed) : rng(seed) {
        for (int i = 0; i < 4; ++i) bases.push_back(static_cast<uint32_t>(rng()) & 0xffff0000u);
    }
    uint32_t pick(uint32_t n) { return static_cast<uint32_t>(rng() % n); }

    Ipv4Wildcard wildcard() {
        static constexpr unsigned lengths[] = {0, 8, 16, 20, 24, 28, 32};
        unsigned len = lengths[pick(7)];
        uint32_t a = bases[pick(4)] | (static_cast<uint32_t>(rng()) & 0x0303u);
        return Ipv4Wildcard::from_prefix(Ipv4Prefix::containing(Ipv4Address(a), len));
    }
    PortMatch port_match() {
        uint16_t p = ports[pick(static_cast<uint32_t>(ports.size()))];
        switch (pick(7)) {
            case 0: return pm(PortMatch::Op::eq, p);
            case 1: return pm(PortMatch::Op::neq, p);
            case 2: return pm(PortMatch::Op::lt, p == 0 ? 1 : p);
            case 3: return pm(PortMatch::Op::gt, p == 65535 ? 65534 : p);
            case 4: {
                uint16_t q = ports[pick(static_cast<uint32_t>(ports.size()))];
                return pm(PortMatch::Op::range, std::min(p, q), std::max(p, q));
            }
            default: return {};
        }
    }
    std::vector<SpdRule> crypto_map() {
        std::vector<SpdRule> rules;
        uint32_t n_entries = 1 + pick(5);
        for (uint32_t e = 0; e < n_entries; ++e) {
            uint32_t n_lines = 1 + pick(4);
            for (uint32_t l = 0; l < n_lines; ++l) {
                static constexpr uint8_t protos[] = {0, 0, 6, 17, 1};
                uint8_t proto = protos[pick(5)];
                SpdRule r = line(pick(5) < 2 ? SpdAction::skip_entry : SpdAction::protect, (e + 1) * 10, proto,
                                 wildcard(), wildcard());
                if (proto == 6 || proto == 17) {
                    r.source_ports = pick(3) == 0 ? port_match() : PortMatch{};
                    r.destination_ports = port_match();
                }
                r.acl_line = l;
                rules.push_back(r);
            }
        }
        rules.push_back(SpdRule{});
        return rules;
    }
    uint32_t address_near(const Ipv4Wildcard& w) {
        uint32_t first = w.address().value(), last = first | w.wildcard().value();
        switch (pick(5)) {
            case 0: return first;
            case 1: return last;
            case 2: return first - 1;
            case 3: return last + 1;
            default: return first + (static_cast<uint32_t>(rng()) & w.wildcard().value());
        }
    }
    uint16_t port_near() {
        uint16_t p = ports[pick(static_cast<uint32_t>(ports.size()))];
        return static_cast<uint16_t>(p + static_cast<int>(pick(3)) - 1);
    }
};

TEST(SpdCompileProperty, FlattenedRulesAndRteAclAgreeWithCiscoSemantics) {
    size_t protect = 0, bypass = 0, via_deny = 0, total_rules = 0;
    for (uint64_t seed = 1; seed <= 150; ++seed) {
        RandomMap gen(seed);
        auto rules = gen.crypto_map();
        auto flat = flatten_spd(rules, options());
        ASSERT_TRUE(flat) << flat.error().message;
        total_rules += flat->size();
        auto spd = Spd::create(0, *flat);
        ASSERT_TRUE(spd) << spd.error().message;

        constexpr size_t kPackets = 400;
        std::vector<SpdKey> keys(kPackets);
        std::vector<CiscoVerdict> want(kPackets);
        std::vector<SpdVerdict> linear(kPackets);
        for (size_t i = 0; i < kPackets; ++i) {
            const SpdRule& near = rules[gen.pick(static_cast<uint32_t>(rules.size()))];
            uint8_t proto = near.protocol ? near.protocol : (gen.pick(2) ? 6 : 50);
            Ipv4Address src(gen.address_near(near.source)), dst(gen.address_near(near.destination));
            uint16_t sport = gen.port_near(), dport = gen.port_near();
            want[i] = cisco_match(rules, proto, src, dst, sport, dport);
            keys[i] = make_spd_key(proto, src, dst, sport, dport);
            linear[i] = spd_linear_match(*flat, keys[i]);
            // Count PROTECTs that a deny line sent past an earlier entry matching the packet.
            if (want[i].action == SpdAction::protect) {
                for (const SpdRule& r : rules) {
                    if (r.seq < want[i].seq && r.action == SpdAction::skip_entry && r.source.matches(src) &&
                        r.destination.matches(dst) && (r.protocol == 0 || r.protocol == proto) &&
                        r.source_ports.matches(sport) && r.destination_ports.matches(dport)) {
                        ++via_deny;
                        break;
                    }
                }
            }
        }
        std::vector<SpdVerdict> acl(kPackets);
        spd->classify(keys, acl.data());
        for (size_t i = 0; i < kPackets; ++i) {
            SCOPED_TRACE("seed " + std::to_string(seed) + " packet " + std::to_string(i));
            expect_same(want[i], linear[i]);
            expect_same(want[i], acl[i]);
            ASSERT_EQ(acl[i].rule, linear[i].rule);
            (want[i].action == SpdAction::protect ? protect : bypass)++;
        }
        if (HasFailure()) return;
    }
    EXPECT_GT(protect, 5000u);
    EXPECT_GT(bypass, 5000u);
    EXPECT_GT(via_deny, 200u);  // the interesting case is exercised
    std::printf("%zu PROTECT, %zu BYPASS, %zu protected by a later entry after a deny; %zu flat rules\n",
                protect, bypass, via_deny, total_rules);
}

// ---------------------------------------------------------------- inbound (mirrored) rules

TEST(SpdMirror, SwapsSourceAndDestinationAndKeepsOrderVerdictsAndIds) {
    std::vector<dpapi::PolicyRule> out = {
        {7, 2, 10, 6, *Ipv4Prefix::parse("10.1.0.0/24"), *Ipv4Prefix::parse("10.2.1.0/24"), {1024, 65535}, {80, 80},
         PolicyAction::protect},
        {0, 2, 20, 0, *Ipv4Prefix::parse("0.0.0.0/0"), *Ipv4Prefix::parse("0.0.0.0/0"), {}, {}, PolicyAction::bypass},
    };
    auto in = mirror_policies(out);
    ASSERT_EQ(in.size(), 2u);
    EXPECT_EQ(in[0].src, out[0].dst);
    EXPECT_EQ(in[0].dst, out[0].src);
    EXPECT_EQ(in[0].src_ports, (PortRange{80, 80}));
    EXPECT_EQ(in[0].dst_ports, (PortRange{1024, 65535}));
    EXPECT_EQ(in[0].policy_id, 7u);
    EXPECT_EQ(in[0].priority, 10u);
    EXPECT_EQ(in[0].port, 2);
    EXPECT_EQ(in[0].protocol, 6);
    EXPECT_EQ(in[0].action, PolicyAction::protect);
    EXPECT_EQ(in[1], out[1]);  // the catch-all is its own mirror
    EXPECT_EQ(mirror_policies(in), out);
    // The reply to a protected web request must arrive protected; the request itself is not the
    // mirror image of anything and passes.
    EXPECT_EQ(spd_linear_match(in, make_spd_key(6, ip("10.2.1.9"), ip("10.1.0.5"), 80, 40000)).action,
              PolicyAction::protect);
    EXPECT_EQ(spd_linear_match(in, make_spd_key(6, ip("10.2.1.9"), ip("10.1.0.5"), 40000, 80)).action,
              PolicyAction::bypass);
}

TEST(SpdMirror, InboundCheckIsNeededOnlyWhenSomethingCanBeRefused) {
    std::vector<dpapi::PolicyRule> rules = {
        {0, 0, 1, 0, *Ipv4Prefix::parse("10.0.0.0/8"), *Ipv4Prefix::parse("0.0.0.0/0"), {}, {}, PolicyAction::bypass}};
    EXPECT_FALSE(inbound_check_needed(rules));
    EXPECT_FALSE(inbound_check_needed({}));
    rules.push_back(rules[0]);
    rules[1].action = PolicyAction::discard;
    EXPECT_TRUE(inbound_check_needed(rules));
    rules[1].action = PolicyAction::protect;
    EXPECT_TRUE(inbound_check_needed(rules));
}

// On random crypto maps: rte_acl over the mirrored flattened rules gives every packet the verdict
// its mirror image gets from the outbound rules (the Cisco oracle).
TEST(SpdMirrorProperty, InboundVerdictIsTheOutboundVerdictOfTheMirrorImage) {
    size_t protect = 0;
    for (uint64_t seed = 1; seed <= 60; ++seed) {
        RandomMap gen(seed);
        auto rules = gen.crypto_map();
        auto flat = flatten_spd(rules, options());
        ASSERT_TRUE(flat) << flat.error().message;
        auto inbound = Spd::create(0, mirror_policies(*flat));
        ASSERT_TRUE(inbound) << inbound.error().message;
        constexpr size_t kPackets = 300;
        std::vector<SpdKey> keys(kPackets);
        std::vector<CiscoVerdict> want(kPackets);
        for (size_t i = 0; i < kPackets; ++i) {
            const SpdRule& near = rules[gen.pick(static_cast<uint32_t>(rules.size()))];
            uint8_t proto = near.protocol ? near.protocol : (gen.pick(2) ? 17 : 1);
            Ipv4Address src(gen.address_near(near.source)), dst(gen.address_near(near.destination));
            uint16_t sport = gen.port_near(), dport = gen.port_near();
            if (proto == 1) sport = dport = 0;  // OPAQUE ports, as spd_key_from_ipv4 reads them
            want[i] = cisco_match(rules, proto, src, dst, sport, dport);
            keys[i] = make_spd_key(proto, dst, src, dport, sport);  // the packet coming back
        }
        std::vector<SpdVerdict> got(kPackets);
        inbound->classify(keys, got.data());
        for (size_t i = 0; i < kPackets; ++i) {
            SCOPED_TRACE("seed " + std::to_string(seed) + " packet " + std::to_string(i));
            expect_same(want[i], got[i]);
            if (want[i].action == SpdAction::protect) ++protect;
        }
        if (HasFailure()) return;
    }
    EXPECT_GT(protect, 1000u);
}

}  // namespace
}  // namespace tandem::dp

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new tandem::test::EalEnvironment());
    return RUN_ALL_TESTS();
}
