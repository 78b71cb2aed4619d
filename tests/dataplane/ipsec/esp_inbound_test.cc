// Inbound (and some outbound) failure cases through the full ESP burst path: replays (including
// rte_ipsec 22.11's blind spot, sqn % 64 >= 32, and a duplicate inside one burst), truncation,
// wrong next header and bad padding (packets built with OpenSSL), encapsulation and SPI
// mismatches, selectors, lifetimes, ESN wrap, sequence exhaustion, long bursts, the OpenSSL PMD.
#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>
#include <random>

#include "esp_test_util.h"

namespace tandem::test {
namespace {

using dp::DropReason;
using dpapi::Direction;

const Algo& gcm128() { return all_algos()[0]; }
const Algo& cbc_sha256() { return all_algos()[3]; }

dp::Sa sa_or_die(const dpapi::SaParams& p, dp::SaOptions o = {}) {
    auto sa = dp::Sa::create(p, EspEnvironment::device(), o);
    EXPECT_TRUE(sa.ok()) << (sa.ok() ? "" : sa.error().message);
    return std::move(*sa);
}

// n ESP packets (sequence numbers first..first+n-1) of an outbound SA built from `p`.
std::vector<Bytes> encrypt_n(const dpapi::SaParams& p, size_t n, uint64_t first = 1) {
    dpapi::SaParams o = p;
    o.direction = Direction::outbound;
    o.lifetime = {};
    dp::SaOptions opt;
    opt.initial_sequence = first;
    dp::Sa out = sa_or_die(o, opt);
    std::vector<Bytes> inner;
    for (size_t i = 0; i < n; ++i) inner.push_back(default_inner(40 + i % 50, static_cast<uint8_t>(i)));
    std::vector<Bytes> enc;
    for (size_t off = 0; off < n; off += 32) {
        std::vector<Bytes> part(inner.begin() + off, inner.begin() + std::min(n, off + 32));
        Outcome r = run_outbound(out, part);
        EXPECT_EQ(r.good.size(), part.size());
        enc.insert(enc.end(), r.good.begin(), r.good.end());
    }
    return enc;
}

std::vector<Bytes> slice(const std::vector<Bytes>& v, size_t from, size_t to) {  // seq from..to
    return std::vector<Bytes>(v.begin() + (from - 1), v.begin() + to);
}

class Replay : public ::testing::TestWithParam<std::tuple<int, bool, uint32_t>> {};

TEST_P(Replay, DpdkBugCaseAndDuplicatesInOneBurst) {
    const auto [algo, esn, window] = GetParam();
    dpapi::SaParams p = make_sa(Direction::inbound, all_algos()[algo], esn, false);
    p.replay_window = window;
    const auto enc = encrypt_n(p, 150);
    dp::Sa in = sa_or_die(p);

    for (size_t s = 1; s <= 140; s += 32) {
        Outcome r = run_inbound(in, slice(enc, s, std::min<size_t>(140, s + 31)));
        ASSERT_TRUE(r.dropped.empty()) << "seq " << s;
    }
    EXPECT_EQ(in.stats().packets, 140u);
    // In-window replays with sqn % 64 >= 32, which rte_ipsec 22.11 accepts.
    Outcome bug = run_inbound(in, slice(enc, 96, 127));
    EXPECT_EQ(bug.good.size(), 0u);
    EXPECT_EQ(bug.count(DropReason::replay), 32u);
    // Every other old number too. Without ESN they are all replays (in window or too old). With
    // ESN a number below the window reads as the next 2^32 subspace (RFC 4303 A2.1) and fails
    // authentication instead (RFC 4303 A2.2).
    Outcome old = run_inbound(in, slice(enc, 1, 95));
    EXPECT_EQ(old.good.size(), 0u);
    const size_t below_window = esn && window < 140 ? 140 - window : 0;
    EXPECT_EQ(old.count(DropReason::replay), 95u - below_window);
    EXPECT_EQ(old.count(DropReason::auth_failure), below_window);
    // Duplicates inside one burst: 141 twice, 142 three times, one replay of 140.
    Outcome dup = run_inbound(in, {enc[140], enc[140], enc[141], enc[139], enc[141], enc[141], enc[142]});
    EXPECT_EQ(dup.good.size(), 3u);  // 141, 142, 143
    EXPECT_EQ(dup.count(DropReason::replay), 4u);
    EXPECT_EQ(in.stats().drops_of(DropReason::replay), 32u + 95u - below_window + 4u);
    EXPECT_EQ(in.stats().packets, 143u);
    // Out of order inside the window still passes: 150, then 149..144.
    Outcome late = run_inbound(in, {enc[149], enc[148], enc[147], enc[146], enc[145], enc[144], enc[143]});
    EXPECT_EQ(late.good.size(), 7u);
}

INSTANTIATE_TEST_SUITE_P(Windows, Replay,
                         ::testing::Values(std::make_tuple(0, false, 64u), std::make_tuple(0, true, 64u),
                                           std::make_tuple(3, false, 64u), std::make_tuple(3, true, 64u),
                                           std::make_tuple(0, false, 128u), std::make_tuple(1, true, 1024u),
                                           std::make_tuple(7, true, 4096u)));

TEST(EspInbound, WindowOffAcceptsReplays) {
    dpapi::SaParams p = make_sa(Direction::inbound, gcm128(), false, false);
    p.replay_window = 0;
    const auto enc = encrypt_n(p, 4);
    dp::Sa in = sa_or_die(p);
    EXPECT_EQ(run_inbound(in, enc).good.size(), 4u);
    EXPECT_EQ(run_inbound(in, enc).good.size(), 4u);
}

TEST(EspInbound, EsnWindowIsAtLeast64) {
    dpapi::SaParams p = make_sa(Direction::inbound, gcm128(), true, false);
    p.replay_window = 32;
    EXPECT_EQ(sa_or_die(p).replay_window(), 64u);
    p.replay_window = 0;
    EXPECT_EQ(sa_or_die(p).replay_window(), 64u);
    p.esn = false;
    p.replay_window = 31;
    EXPECT_FALSE(dp::Sa::create(p, EspEnvironment::device()).ok());
    p.replay_window = 4097;
    EXPECT_FALSE(dp::Sa::create(p, EspEnvironment::device()).ok());
}

TEST(EspInbound, EsnAcrossTheWrap) {
    for (const Algo* a : {&gcm128(), &cbc_sha256()}) {
        dpapi::SaParams p = make_sa(Direction::inbound, *a, true, true);
        const uint64_t first = 0xFFFFFFF0ull;
        const auto enc = encrypt_n(p, 40, first);
        // Low halves on the wire wrap through zero.
        const uint32_t last_low = (enc[39][28 + 4] << 24) | (enc[39][28 + 5] << 16) | (enc[39][28 + 6] << 8) | enc[39][28 + 7];
        EXPECT_EQ(last_low, static_cast<uint32_t>(first + 39));
        dp::SaOptions o;
        o.initial_sequence = first - 1;
        dp::Sa in = sa_or_die(p, o);
        // Deliver around the wrap with reordering: 0..19, then 30..39, then the late 20..29.
        EXPECT_EQ(run_inbound(in, std::vector<Bytes>(enc.begin(), enc.begin() + 20)).good.size(), 20u) << a->name;
        EXPECT_EQ(run_inbound(in, std::vector<Bytes>(enc.begin() + 30, enc.end())).good.size(), 10u);
        EXPECT_EQ(run_inbound(in, std::vector<Bytes>(enc.begin() + 20, enc.begin() + 30)).good.size(), 10u);
        EXPECT_EQ(in.runtime().window.top(), first + 39);
        Outcome again = run_inbound(in, {enc[5], enc[25], enc[39]});
        EXPECT_EQ(again.count(DropReason::replay), 3u);
    }
}

TEST(EspOutbound, SequenceNumbersRunOut) {
    dpapi::SaParams p = make_sa(Direction::outbound, gcm128(), false, false);
    dp::SaOptions o;
    o.initial_sequence = 0xFFFFFFFEull;
    dp::Sa out = sa_or_die(p, o);
    Outcome r = run_outbound(out, {default_inner(10), default_inner(11), default_inner(12), default_inner(13)});
    // rte_ipsec sends 0xFFFFFFFE as its last number (it never uses 2^32 - 1) and never cycles to 0
    // (RFC 4303 3.3.3).
    ASSERT_EQ(r.good.size(), 1u);
    EXPECT_EQ(r.good[0][27], 0xfe);
    EXPECT_EQ(r.count(DropReason::lifetime_expired), 3u);
    EXPECT_NE(out.take_events() & dp::kSaEventHardLifetime, 0u);
}

TEST(EspInbound, TruncatedPacketsNeverPass) {
    for (bool natt : {false, true}) {
        for (const Algo* a : {&gcm128(), &cbc_sha256()}) {
            dpapi::SaParams p = make_sa(Direction::inbound, *a, false, natt);
            p.replay_window = 0;  // every truncation tried on a fresh sequence number view
            const Bytes full = encrypt_n(p, 1)[0];
            dp::Sa in = sa_or_die(p);
            std::vector<Bytes> cut;
            std::vector<Bytes> fixed;  // truncated with lengths and checksum made consistent
            for (size_t len = 0; len < full.size(); ++len) {
                cut.emplace_back(full.begin(), full.begin() + len);
                if (len >= 20) {
                    Bytes f(full.begin(), full.begin() + len);
                    f[2] = static_cast<uint8_t>(len >> 8);
                    f[3] = static_cast<uint8_t>(len);
                    f[10] = f[11] = 0;
                    const uint16_t ck = ipv4_checksum_of(f);
                    f[10] = static_cast<uint8_t>(ck >> 8);
                    f[11] = static_cast<uint8_t>(ck);
                    if (natt && len >= 28) {
                        f[24] = static_cast<uint8_t>((len - 20) >> 8);
                        f[25] = static_cast<uint8_t>(len - 20);
                    }
                    fixed.push_back(f);
                }
            }
            for (const auto* set : {&cut, &fixed}) {
                for (size_t off = 0; off < set->size(); off += 64) {
                    std::vector<Bytes> part(set->begin() + off, set->begin() + std::min(set->size(), off + 64));
                    Outcome r = run_inbound(in, part);
                    EXPECT_EQ(r.good.size(), 0u) << a->name << " natt " << natt;
                    EXPECT_EQ(r.count(DropReason::malformed) + r.count(DropReason::auth_failure), part.size());
                }
            }
            // Still healthy afterwards.
            EXPECT_EQ(run_inbound(in, {full}).good.size(), 1u);
        }
    }
}

TEST(EspInbound, RandomGarbageNeverCrashes) {
    dpapi::SaParams p = make_sa(Direction::inbound, gcm128(), true, true);
    dp::Sa in = sa_or_die(p);
    const Bytes good = encrypt_n(p, 1)[0];
    std::mt19937 rng(7);
    for (int round = 0; round < 20; ++round) {
        std::vector<Bytes> burst;
        for (int i = 0; i < 32; ++i) {
            Bytes b = good;
            b.resize(rng() % (good.size() + 40));
            for (int f = 0; f < 3; ++f) {
                if (!b.empty()) b[rng() % b.size()] = static_cast<uint8_t>(rng());
            }
            burst.push_back(b);
        }
        Outcome r = run_inbound(in, burst);
        EXPECT_EQ(r.good.size() + r.dropped.size(), 32u);
    }
}

TEST(EspInbound, OpenSslBuiltPacketsNextHeaderAndPadding) {
    for (bool esn : {false, true}) {
        for (bool natt : {false, true}) {
            dpapi::SaParams p = make_sa(Direction::inbound, gcm128(), esn, natt);
            dp::Sa in = sa_or_die(p);
            const Bytes inner = default_inner(33);
            Bytes bad_pad = standard_pad(inner.size());
            ASSERT_FALSE(bad_pad.empty());
            bad_pad[0] = 9;
            Bytes long_pad = standard_pad(inner.size());
            for (int i = 0; i < 4; ++i) long_pad.push_back(static_cast<uint8_t>(long_pad.size() + 1));
            std::vector<Bytes> pkts = {
                craft_gcm_esp(p, 1, inner, IPPROTO_IPIP, standard_pad(inner.size())),  // good
                craft_gcm_esp(p, 2, inner, IPPROTO_UDP, standard_pad(inner.size())),   // transport-mode nh
                craft_gcm_esp(p, 3, inner, 59, standard_pad(inner.size())),            // dummy packet
                craft_gcm_esp(p, 4, inner, IPPROTO_IPIP, bad_pad),                     // pad bytes wrong
                craft_gcm_esp(p, 5, inner, IPPROTO_IPIP, long_pad),                    // longer pad, valid
                craft_gcm_esp(p, 6, Bytes{0x60, 0, 0, 0, 0, 0, 0, 0}, IPPROTO_IPIP, standard_pad(8)),  // not IPv4
            };
            Outcome r = run_inbound(in, pkts);
            ASSERT_EQ(r.good.size(), 2u) << "esn " << esn << " natt " << natt;
            EXPECT_EQ(r.good[0], inner);
            EXPECT_EQ(r.good[1], inner);
            EXPECT_EQ(r.count(DropReason::malformed), 4u);
            EXPECT_EQ(in.stats().drops_of(DropReason::malformed), 4u);
            // TFC padding (RFC 4303 2.7): bytes after the inner packet are trimmed.
            Bytes tfc = inner;
            tfc.insert(tfc.end(), {0xde, 0xad, 0xbe, 0xef, 0, 0, 0});
            Outcome t = run_inbound(in, {craft_gcm_esp(p, 7, tfc, IPPROTO_IPIP, standard_pad(tfc.size()))});
            ASSERT_EQ(t.good.size(), 1u);
            EXPECT_EQ(t.good[0], inner);
        }
    }
}

TEST(EspInbound, SpiAndEncapsulationMismatches) {
    dpapi::SaParams plain = make_sa(Direction::inbound, gcm128(), false, false);
    dpapi::SaParams natt = make_sa(Direction::inbound, gcm128(), false, true);
    const Bytes inner = default_inner(20);
    dp::Sa in_plain = sa_or_die(plain);
    dp::Sa in_natt = sa_or_die(natt);
    const Bytes esp = craft_gcm_esp(plain, 1, inner, IPPROTO_IPIP, standard_pad(inner.size()));
    const Bytes udp = craft_gcm_esp(natt, 1, inner, IPPROTO_IPIP, standard_pad(inner.size()));
    dpapi::SaParams other = plain;
    other.spi += 1;
    const Bytes wrong_spi = craft_gcm_esp(other, 1, inner, IPPROTO_IPIP, standard_pad(inner.size()));
    Bytes wrong_port = udp;
    wrong_port[23] ^= 1;  // dst port 4501
    Bytes marker = udp;   // non-ESP marker: an IKE message on 4500
    marker[28] = marker[29] = marker[30] = marker[31] = 0;
    Bytes bad_cksum = esp;
    bad_cksum[10] ^= 0xff;
    Bytes fragment = esp;
    fragment[6] = 0x20;  // MF
    fragment[10] = fragment[11] = 0;
    const uint16_t ck = ipv4_checksum_of(fragment);
    fragment[10] = static_cast<uint8_t>(ck >> 8);
    fragment[11] = static_cast<uint8_t>(ck);

    Outcome a = run_inbound(in_plain, {udp, wrong_spi, bad_cksum, fragment, esp});
    ASSERT_EQ(a.good.size(), 1u);
    EXPECT_EQ(a.good[0], inner);
    EXPECT_EQ(a.count(DropReason::policy_mismatch), 1u);
    EXPECT_EQ(a.count(DropReason::wrong_sa), 1u);
    EXPECT_EQ(a.count(DropReason::malformed), 2u);
    Outcome b = run_inbound(in_natt, {esp, wrong_port, marker, udp});
    ASSERT_EQ(b.good.size(), 1u);
    EXPECT_EQ(b.good[0], inner);
    EXPECT_EQ(b.count(DropReason::policy_mismatch), 2u);
    EXPECT_EQ(b.count(DropReason::malformed), 1u);
}

TEST(EspInbound, SelectorMismatchDropped) {
    dpapi::SaParams p = make_sa(Direction::inbound, cbc_sha256(), false, false);
    p.selector.src = {Ipv4Address(10, 1, 0, 0), Ipv4Address(10, 1, 255, 255)};
    p.selector.dst = {Ipv4Address(10, 2, 0, 0), Ipv4Address(10, 2, 0, 255)};
    p.selector.protocol = IPPROTO_UDP;
    p.selector.dst_ports = {2000, 2010};
    dpapi::SaParams o = p;
    o.direction = Direction::outbound;
    dp::Sa out = sa_or_die(o);
    dp::Sa in = sa_or_die(p);
    const std::vector<Bytes> inner = {
        make_inner(0x0a010203, 0x0a020005, 999, 2000, 10),  // in
        make_inner(0x0a030203, 0x0a020005, 999, 2000, 10),  // src outside
        make_inner(0x0a010203, 0x0a020105, 999, 2000, 10),  // dst outside
        make_inner(0x0a010203, 0x0a020005, 999, 2011, 10),  // port outside
        make_inner(0x0a01ffff, 0x0a0200ff, 1, 2010, 10),    // edges, in
    };
    Bytes tcp = inner[0];
    tcp[9] = IPPROTO_TCP;
    tcp[10] = tcp[11] = 0;
    const uint16_t ck = ipv4_checksum_of(tcp);
    tcp[10] = static_cast<uint8_t>(ck >> 8);
    tcp[11] = static_cast<uint8_t>(ck);
    std::vector<Bytes> all = inner;
    all.push_back(tcp);  // protocol outside
    Outcome enc = run_outbound(out, all);
    ASSERT_EQ(enc.good.size(), all.size());
    Outcome dec = run_inbound(in, enc.good);
    ASSERT_EQ(dec.good.size(), 2u);
    EXPECT_EQ(dec.good[0], inner[0]);
    EXPECT_EQ(dec.good[1], inner[4]);
    EXPECT_EQ(dec.count(DropReason::policy_mismatch), 4u);
    EXPECT_EQ(in.stats().drops_of(DropReason::policy_mismatch), 4u);
}

TEST(EspOutbound, LifetimesAndEvents) {
    dpapi::SaParams p = make_sa(Direction::outbound, gcm128(), false, false);
    p.lifetime.soft_packets = 3;
    p.lifetime.hard_packets = 5;
    dp::Sa out = sa_or_die(p);
    Outcome a = run_outbound(out, {default_inner(1), default_inner(2)});
    EXPECT_EQ(a.good.size(), 2u);
    EXPECT_EQ(out.take_events(), 0u);
    Outcome b = run_outbound(out, {default_inner(1), default_inner(2)});
    EXPECT_EQ(b.good.size(), 2u);
    EXPECT_EQ(out.take_events(), static_cast<uint32_t>(dp::kSaEventSoftLifetime));
    EXPECT_EQ(out.take_events(), 0u);  // reported once
    Outcome c = run_outbound(out, {default_inner(1), default_inner(2), default_inner(3)});
    EXPECT_EQ(c.good.size(), 1u);
    EXPECT_EQ(c.count(DropReason::lifetime_expired), 2u);
    EXPECT_EQ(out.take_events(), static_cast<uint32_t>(dp::kSaEventHardLifetime));
    EXPECT_EQ(out.stats().packets, 5u);

    dpapi::SaParams q = make_sa(Direction::outbound, gcm128(), false, false);
    q.lifetime.soft_bytes = 100;
    q.lifetime.hard_bytes = 150;
    dp::Sa outb = sa_or_die(q);
    Outcome d = run_outbound(outb, {default_inner(52), default_inner(52), default_inner(52)});  // 80 B each
    EXPECT_EQ(d.good.size(), 2u);  // the one crossing the limit still goes
    EXPECT_EQ(outb.take_events(), static_cast<uint32_t>(dp::kSaEventSoftLifetime | dp::kSaEventHardLifetime));
}

TEST(EspInbound, HardLifetime) {
    dpapi::SaParams p = make_sa(Direction::inbound, gcm128(), false, false);
    p.lifetime.hard_packets = 3;
    const auto enc = encrypt_n(p, 6);
    dp::Sa in = sa_or_die(p);
    Outcome a = run_inbound(in, slice(enc, 1, 3));
    EXPECT_EQ(a.good.size(), 3u);
    EXPECT_EQ(in.take_events(), static_cast<uint32_t>(dp::kSaEventHardLifetime));
    Outcome b = run_inbound(in, slice(enc, 4, 6));
    EXPECT_EQ(b.count(DropReason::lifetime_expired), 3u);
}

TEST(EspOutbound, MalformedAndNoRoom) {
    dp::Sa out = sa_or_die(make_sa(Direction::outbound, gcm128(), false, true));
    Bytes v6 = default_inner(20);
    v6[0] = 0x60;
    Bytes short_len = default_inner(20);
    short_len[3] = 10;  // total length < IHL
    Bytes long_len = default_inner(20);
    long_len[3] = 200;  // longer than the packet
    Bytes padded = default_inner(20);
    padded.insert(padded.end(), {0, 0, 0, 0, 0, 0});  // Ethernet padding: trimmed
    Outcome r = run_outbound(out, {v6, short_len, Bytes{0x45}, long_len, padded});
    ASSERT_EQ(r.good.size(), 1u);
    EXPECT_EQ(r.count(DropReason::malformed), 4u);
    dp::Sa in = sa_or_die(make_sa(Direction::inbound, gcm128(), false, true));
    Outcome back = run_inbound(in, r.good);
    ASSERT_EQ(back.good.size(), 1u);
    EXPECT_EQ(back.good[0], default_inner(20));

    // No headroom: the packet starts at the very front of its buffer.
    rte_mbuf* m = rte_pktmbuf_alloc(EspEnvironment::pool());
    ASSERT_NE(m, nullptr);
    m->data_off = 0;
    const Bytes b = default_inner(20);
    std::memcpy(rte_pktmbuf_append(m, static_cast<uint16_t>(b.size())), b.data(), b.size());
    dp::DropReason why = DropReason::none;
    rte_mbuf* burst[1] = {m};
    EXPECT_EQ(dp::esp_outbound_burst(out.runtime(), lane0(), burst, 1, &why), 0);
    EXPECT_EQ(why, DropReason::no_room);
    rte_pktmbuf_free(m);
}

TEST(EspBurst, LongBurstsKeepGoodFirstInOrder) {
    dpapi::SaParams p = make_sa(Direction::inbound, gcm128(), false, false);
    dpapi::SaParams o = p;
    o.direction = Direction::outbound;
    dp::Sa out = sa_or_die(o);
    dp::Sa in = sa_or_die(p);
    std::vector<Bytes> inner;
    for (int i = 0; i < 150; ++i) {
        Bytes b = default_inner(30 + i, static_cast<uint8_t>(i));
        if (i % 7 == 3) b[0] = 0x60;  // malformed, interleaved
        inner.push_back(b);
    }
    Outcome enc = run_outbound(out, inner);
    const size_t bad = (150 - 3 + 6) / 7;  // i % 7 == 3 for i < 150: 21
    ASSERT_EQ(enc.good.size(), 150u - bad);
    EXPECT_EQ(enc.count(DropReason::malformed), bad);
    Outcome dec = run_inbound(in, enc.good);
    ASSERT_EQ(dec.good.size(), enc.good.size());
    size_t j = 0;
    for (int i = 0; i < 150; ++i) {
        if (i % 7 == 3) continue;
        EXPECT_EQ(dec.good[j++], inner[i]) << i;
    }
}

// The OpenSSL PMD as the fallback device: no CPU crypto there, so lookaside; it interoperates
// with IPsec-MB.
TEST(CryptoDevice, OpenSslFallbackInteroperates) {
    dp::CryptoDeviceConfig cfg;
    cfg.name = "crypto_openssl0";
    cfg.fallback = "";
    cfg.max_sessions = 16;
    cfg.op_pool_size = 256;
    auto dev = dp::CryptoDevice::create(cfg);
    ASSERT_TRUE(dev.ok()) << dev.error().message;
    EXPECT_EQ(dev->driver(), "crypto_openssl");
    EXPECT_FALSE(dev->cpu_crypto());
    EXPECT_TRUE(EspEnvironment::device().cpu_crypto());
    EXPECT_EQ(EspEnvironment::device().driver(), "crypto_aesni_mb");
    for (const Algo* a : {&gcm128(), &cbc_sha256()}) {
        dpapi::SaParams p = make_sa(Direction::inbound, *a, true, true);
        const auto enc = encrypt_n(p, 8);  // IPsec-MB, CPU crypto
        std::vector<rte_mbuf*> mb;
        for (auto& e : enc) mb.push_back(to_mbuf(e));
        std::vector<DropReason> why(mb.size());
        {
            auto in = dp::Sa::create(p, *dev);
            ASSERT_TRUE(in.ok()) << in.error().message;
            EXPECT_FALSE(in->cpu_crypto());
            EXPECT_EQ(dp::esp_inbound_burst(in->runtime(), dev->lane(0), mb.data(), 8, why.data()), 8) << a->name;
        }
        for (auto* m : mb) rte_pktmbuf_free(m);
    }
}

TEST(CryptoDevice, BadParametersRejected) {
    dpapi::SaParams p = make_sa(Direction::outbound, gcm128(), false, false);
    p.cipher_key_len = 24;
    EXPECT_FALSE(dp::Sa::create(p, EspEnvironment::device()).ok());
    p = make_sa(Direction::outbound, gcm128(), false, false);
    p.auth = dpapi::AuthAlg::sha256_128;
    EXPECT_FALSE(dp::Sa::create(p, EspEnvironment::device()).ok());
    p = make_sa(Direction::outbound, cbc_sha256(), false, false);
    p.auth_key_len = 20;
    EXPECT_FALSE(dp::Sa::create(p, EspEnvironment::device()).ok());
    p = make_sa(Direction::outbound, cbc_sha256(), false, false);
    p.auth = dpapi::AuthAlg::none;
    EXPECT_FALSE(dp::Sa::create(p, EspEnvironment::device()).ok());
    p = make_sa(Direction::outbound, cbc_sha256(), false, false);
    p.spi = 255;
    EXPECT_FALSE(dp::Sa::create(p, EspEnvironment::device()).ok());
}

}  // namespace
}  // namespace tandem::test
