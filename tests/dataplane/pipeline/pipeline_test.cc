// The worker pipeline end to end on ring ports (net_ring ethdevs made with rte_eth_from_rings):
// the test writes frames into a port's RX ring and reads what the dataplane transmitted from its
// TX rings. One worker context driven from the test thread, the main lcore's poll in between.
//
//   inside host 10.1.0.5 --- port 0 "inside" 10.1.0.2/24 [gateway] port 1 "outside" 192.0.2.2/24
//                                                                    --- peer 192.0.2.10
//   remote network 10.2.1.0/24 behind the peer; the SPD of port 1 protects 10.1.0.0/24 <->
//   10.2.1.0/24 with policy 7, bypasses everything else.
#include <rte_arp.h>
#include <rte_eth_ring.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_ring.h>
#include <rte_udp.h>

#include <cstring>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "dataplane/eal/mempool.h"
#include "dataplane/eal/port.h"
#include "dataplane/ipsec/esp_burst.h"
#include "dataplane/pipeline/main_lcore.h"
#include "dataplane/pipeline/packet_meta.h"
#include "dataplane/pipeline/tables.h"
#include "dataplane/pipeline/worker.h"
#include "tests/dataplane/eal_test_env.h"

namespace tandem::dp {
namespace {

using Bytes = std::vector<uint8_t>;
using dpapi::DropReason;

const rte_ether_addr inside_host_mac{{0x02, 0, 0, 0, 0x01, 0x05}};
const rte_ether_addr peer_mac{{0x02, 0, 0, 0, 0x02, 0x0a}};
const Ipv4Address inside_host(10, 1, 0, 5), remote_host(10, 2, 1, 7), peer(192, 0, 2, 10), outside_addr(192, 0, 2, 2);

struct RingPort {
    rte_ring* rx;
    rte_ring* tx[2];  // worker 0, main lcore
    uint16_t eth_id;
};

class Pipeline : public ::testing::Test {
protected:
    void SetUp() override {
        static int instance = 0;
        ++instance;
        std::string tag = std::to_string(instance);
        auto p = Mempool::create("pl_pool" + tag, 4095, 0, 0);
        ASSERT_TRUE(p) << p.error().message;
        pool_ = std::make_unique<Mempool>(std::move(*p));
        for (int i = 0; i < 2; ++i) {
            std::string n = "pl" + tag + "_" + std::to_string(i);
            RingPort rp{};
            rp.rx = rte_ring_create((n + "rx").c_str(), 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
            rp.tx[0] = rte_ring_create((n + "tx0").c_str(), 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
            rp.tx[1] = rte_ring_create((n + "tx1").c_str(), 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
            ASSERT_TRUE(rp.rx && rp.tx[0] && rp.tx[1]) << rte_strerror(rte_errno);
            int id = rte_eth_from_rings(n.c_str(), &rp.rx, 1, rp.tx, 2, 0);
            ASSERT_GE(id, 0);
            char dev[RTE_ETH_NAME_MAX_LEN];
            ASSERT_EQ(rte_eth_dev_get_name_by_port(static_cast<uint16_t>(id), dev), 0);
            auto port = Port::create(PortSettings{dev, 1, 2, 256, 256, 1500, pool_->get()});
            ASSERT_TRUE(port) << port.error().message;
            rp.eth_id = port->id();
            ports_.push_back(std::move(*port));
            rings_.push_back(rp);
        }
        CryptoDeviceConfig cc;
        cc.queue_pairs = 1;
        auto dev = CryptoDevice::create(cc);
        ASSERT_TRUE(dev) << dev.error().message;
        crypto_ = std::make_unique<CryptoDevice>(std::move(*dev));

        std::vector<PortInfo> infos(2);
        infos[0].eth_id = rings_[0].eth_id;
        infos[0].mac = mac_of(ports_[0]);
        infos[0].address = *Ipv4InterfaceAddress::parse("10.1.0.2/24");
        infos[1].eth_id = rings_[1].eth_id;
        infos[1].mac = mac_of(ports_[1]);
        infos[1].address = *Ipv4InterfaceAddress::parse("192.0.2.2/24");
        infos[1].outside = true;
        TablesConfig tc;
        tc.max_sas = 64;
        tc.max_policies = 64;
        tc.fib.max_routes = 1024;
        tc.fib.number_tbl8s = 64;
        tc.neighbours.capacity = 64;
        auto t = Tables::create(tc, infos, *crypto_, nullptr);
        ASSERT_TRUE(t) << t.error().message;
        tables_ = std::move(*t);

        auto off = register_packet_meta();
        ASSERT_TRUE(off);
        handoff_ = rte_ring_create(("pl_ho" + tag).c_str(), 1024, 0, RING_F_SC_DEQ);
        to_main_ = rte_ring_create(("pl_tm" + tag).c_str(), 1024, 0, RING_F_SC_DEQ);
        events_ = rte_ring_create_elem(("pl_ev" + tag).c_str(), sizeof(AcquireEvent), 256, 0, RING_F_SC_DEQ);
        ASSERT_TRUE(handoff_ && to_main_ && events_);
        ctx_ = std::make_unique<WorkerContext>();
        ctx_->tables = tables_.get();
        ctx_->lane = crypto_->lane(0);
        ctx_->meta_offset = *off;
        ctx_->handoff_in = handoff_;
        ctx_->handoff_out = {handoff_};
        ctx_->to_main = to_main_;
        ctx_->events = events_;
        ctx_->stop = &stop_;
        ctx_->acquire_interval_tsc = rte_get_tsc_hz();  // one ACQUIRE per policy per second
        main_.tables = tables_.get();
        main_.meta_offset = *off;
        main_.to_main = to_main_;
        main_.events = events_;
        main_.pool = pool_->get();
        main_.tx_queue = 1;

        // Routes: the remote network and the rest of the outside world via the peer.
        std::vector<dpapi::Route> routes{{*Ipv4Prefix::parse("10.2.1.0/24"), dpapi::RouteKind::forward, 1, peer},
                                         {*Ipv4Prefix::parse("198.51.100.0/24"), dpapi::RouteKind::forward, 1, peer}};
        ASSERT_TRUE(tables_->add_routes(routes));
        dpapi::PolicyRule protect{7, 1, 10, 0, *Ipv4Prefix::parse("10.1.0.0/24"), *Ipv4Prefix::parse("10.2.1.0/24"),
                                  {}, {}, dpapi::PolicyAction::protect};
        dpapi::PolicyRule bypass{0, 1, 20, 0, *Ipv4Prefix::parse("0.0.0.0/0"), *Ipv4Prefix::parse("0.0.0.0/0"),
                                 {}, {}, dpapi::PolicyAction::bypass};
        std::vector<dpapi::PolicyRule> rules{protect, bypass};
        ASSERT_TRUE(tables_->set_policies(1, rules));
        std::vector<rte_mbuf*> released;
        tables_->neighbours_mut().learn(0, inside_host, inside_host_mac, 0, true, released);
        tables_->neighbours_mut().learn(1, peer, peer_mac, 0, true, released);
    }

    void TearDown() override {
        for (auto& rp : rings_) {
            drain(rp.rx);
            drain(rp.tx[0]);
            drain(rp.tx[1]);
        }
        drain(handoff_);
        drain(to_main_);
        ctx_.reset();
        tables_.reset();  // SAs before their crypto device
        crypto_.reset();
        ports_.clear();
    }

    static void drain(rte_ring* r) {
        void* m;
        while (r && rte_ring_dequeue(r, &m) == 0) rte_pktmbuf_free(static_cast<rte_mbuf*>(m));
    }

    static rte_ether_addr mac_of(const Port& p) {
        rte_ether_addr a;
        std::copy(p.mac().begin(), p.mac().end(), a.addr_bytes);
        return a;
    }

    static Bytes ipv4_udp(Ipv4Address src, Ipv4Address dst, size_t payload, uint8_t ttl = 64) {
        Bytes b(28 + payload);
        auto* ip = reinterpret_cast<rte_ipv4_hdr*>(b.data());
        ip->version_ihl = 0x45;
        ip->total_length = rte_cpu_to_be_16(static_cast<uint16_t>(b.size()));
        ip->time_to_live = ttl;
        ip->next_proto_id = IPPROTO_UDP;
        ip->src_addr = rte_cpu_to_be_32(src.value());
        ip->dst_addr = rte_cpu_to_be_32(dst.value());
        ip->hdr_checksum = rte_ipv4_cksum(ip);
        auto* udp = reinterpret_cast<rte_udp_hdr*>(ip + 1);
        udp->src_port = rte_cpu_to_be_16(1000);
        udp->dst_port = rte_cpu_to_be_16(2000);
        udp->dgram_len = rte_cpu_to_be_16(static_cast<uint16_t>(8 + payload));
        for (size_t i = 0; i < payload; ++i) b[28 + i] = static_cast<uint8_t>(i);
        return b;
    }

    rte_mbuf* frame(const rte_ether_addr& src, const rte_ether_addr& dst, const Bytes& l3) {
        rte_mbuf* m = rte_pktmbuf_alloc(pool_->get());
        auto* eth = reinterpret_cast<rte_ether_hdr*>(rte_pktmbuf_append(m, static_cast<uint16_t>(14 + l3.size())));
        eth->src_addr = src;
        eth->dst_addr = dst;
        eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
        std::memcpy(eth + 1, l3.data(), l3.size());
        return m;
    }

    void receive(uint16_t port, rte_mbuf* m) {
        rte_mbuf* pkts[1] = {m};
        worker_process_rx(*ctx_, port, pkts, 1);
        worker_flush(*ctx_);
        main_poll(main_, 0);
    }

    // Frames the dataplane sent on a port (worker queue and main queue).
    std::vector<Bytes> sent(uint16_t port) {
        std::vector<Bytes> out;
        for (rte_ring* r : rings_[port].tx) {
            void* p;
            while (rte_ring_dequeue(r, &p) == 0) {
                auto* m = static_cast<rte_mbuf*>(p);
                auto* d = rte_pktmbuf_mtod(m, uint8_t*);
                out.emplace_back(d, d + rte_pktmbuf_pkt_len(m));
                rte_pktmbuf_free(m);
            }
        }
        return out;
    }

    uint64_t drops(DropReason r) const { return ctx_->counters.drops[static_cast<size_t>(r)].load(); }

    // An SA pair: ours (inbound SPI 0x1001, outbound SPI 0x2002 for policy 7) and the peer's mirror
    // image, built on the same crypto device so the test can play the peer.
    // peer_view: the selectors as the peer sees them (its local side is our remote side).
    static dpapi::SaParams sa_params(uint32_t id, uint32_t spi, dpapi::Direction dir, Ipv4Address src, Ipv4Address dst,
                                     bool peer_view = false) {
        dpapi::SaParams p;
        p.sa_id = id;
        p.spi = spi;
        p.direction = dir;
        p.cipher = dpapi::CipherAlg::aes_gcm_128;
        p.cipher_key_len = 16;
        for (int i = 0; i < 16; ++i) p.cipher_key[i] = static_cast<uint8_t>(spi + i);
        p.salt = 0x01020304 + spi;
        p.tunnel_src = src;
        p.tunnel_dst = dst;
        p.policy_id = 7;
        if ((dir == dpapi::Direction::inbound) != peer_view) {
            p.selector.src = {Ipv4Address(10, 2, 1, 0), Ipv4Address(10, 2, 1, 255)};
            p.selector.dst = {Ipv4Address(10, 1, 0, 0), Ipv4Address(10, 1, 0, 255)};
        } else {
            p.selector.src = {Ipv4Address(10, 1, 0, 0), Ipv4Address(10, 1, 0, 255)};
            p.selector.dst = {Ipv4Address(10, 2, 1, 0), Ipv4Address(10, 2, 1, 255)};
        }
        return p;
    }

    void install_sas() {
        std::vector<dpapi::SaParams> ours{sa_params(1, 0x1001, dpapi::Direction::inbound, peer, outside_addr),
                                          sa_params(2, 0x2002, dpapi::Direction::outbound, outside_addr, peer)};
        auto r = tables_->add_sas(ours);
        ASSERT_TRUE(r) << r.error().message;
        auto po = Sa::create(sa_params(11, 0x1001, dpapi::Direction::outbound, peer, outside_addr, true), *crypto_);
        ASSERT_TRUE(po) << po.error().message;
        peer_out_ = std::make_unique<Sa>(std::move(*po));
        auto pi = Sa::create(sa_params(12, 0x2002, dpapi::Direction::inbound, outside_addr, peer, true), *crypto_);
        ASSERT_TRUE(pi) << pi.error().message;
        peer_in_ = std::make_unique<Sa>(std::move(*pi));
    }

    // The peer encrypts an inner packet: an ESP frame addressed to our outside port.
    rte_mbuf* peer_esp(const Bytes& inner) {
        rte_mbuf* m = rte_pktmbuf_alloc(pool_->get());
        std::memcpy(rte_pktmbuf_append(m, static_cast<uint16_t>(inner.size())), inner.data(), inner.size());
        m->l2_len = 0;
        m->l3_len = 20;
        dp::DropReason why[1];
        EXPECT_EQ(esp_outbound_burst(peer_out_->runtime(), crypto_->lane(0), &m, 1, why), 1);
        auto* eth = reinterpret_cast<rte_ether_hdr*>(rte_pktmbuf_prepend(m, 14));
        eth->src_addr = peer_mac;
        eth->dst_addr = mac_of(ports_[1]);
        eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
        return m;
    }

    // The peer decrypts what we sent (an ESP frame with its Ethernet header).
    std::optional<Bytes> peer_decrypt(const Bytes& frame_bytes) {
        rte_mbuf* m = rte_pktmbuf_alloc(pool_->get());
        std::memcpy(rte_pktmbuf_append(m, static_cast<uint16_t>(frame_bytes.size() - 14)), frame_bytes.data() + 14,
                    frame_bytes.size() - 14);
        dp::DropReason why[1];
        if (esp_inbound_burst(peer_in_->runtime(), crypto_->lane(0), &m, 1, why) != 1) {
            rte_pktmbuf_free(m);
            return std::nullopt;
        }
        auto* d = rte_pktmbuf_mtod(m, uint8_t*);
        Bytes out(d, d + rte_pktmbuf_pkt_len(m));
        rte_pktmbuf_free(m);
        return out;
    }

    std::unique_ptr<Mempool> pool_;
    std::vector<Port> ports_;
    std::vector<RingPort> rings_;
    std::unique_ptr<CryptoDevice> crypto_;
    std::unique_ptr<Tables> tables_;
    std::unique_ptr<WorkerContext> ctx_;
    MainContext main_;
    rte_ring* handoff_ = nullptr;
    rte_ring* to_main_ = nullptr;
    rte_ring* events_ = nullptr;
    std::atomic<bool> stop_{false};
    std::unique_ptr<Sa> peer_out_, peer_in_;
};

TEST_F(Pipeline, ProtectedTrafficWithoutAnSaRaisesOneAcquireAndIsDropped) {
    for (int i = 0; i < 3; ++i) receive(0, frame(inside_host_mac, mac_of(ports_[0]), ipv4_udp(inside_host, remote_host, 50)));
    EXPECT_EQ(drops(DropReason::acquire_pending), 3u);
    EXPECT_TRUE(sent(1).empty());
    ASSERT_EQ(main_.acquires.size(), 1u);  // rate-limited: one per policy per second
    EXPECT_EQ(main_.acquires[0].policy_id, 7u);
    EXPECT_EQ(main_.acquires[0].dst, remote_host.value());
    EXPECT_EQ(main_.acquires[0].dst_port, 2000);
}

TEST_F(Pipeline, EncapsulatesProtectedTrafficToThePeer) {
    install_sas();
    Bytes inner = ipv4_udp(inside_host, remote_host, 100);
    receive(0, frame(inside_host_mac, mac_of(ports_[0]), inner));
    auto out = sent(1);
    ASSERT_EQ(out.size(), 1u);
    const Bytes& f = out[0];
    EXPECT_EQ(std::memcmp(f.data(), peer_mac.addr_bytes, 6), 0);
    auto* ip = reinterpret_cast<const rte_ipv4_hdr*>(f.data() + 14);
    EXPECT_EQ(ip->next_proto_id, IPPROTO_ESP);
    EXPECT_EQ(rte_be_to_cpu_32(ip->src_addr), outside_addr.value());
    EXPECT_EQ(rte_be_to_cpu_32(ip->dst_addr), peer.value());
    EXPECT_EQ(rte_ipv4_cksum(ip), 0);  // a valid checksum sums to zero... over the header incl. checksum
    auto decrypted = peer_decrypt(f);
    ASSERT_TRUE(decrypted);
    Bytes expect = inner;
    auto* eip = reinterpret_cast<rte_ipv4_hdr*>(expect.data());
    eip->time_to_live--;  // forwarded once
    eip->hdr_checksum = 0;
    eip->hdr_checksum = rte_ipv4_cksum(eip);
    EXPECT_EQ(*decrypted, expect);
}

TEST_F(Pipeline, DecapsulatesFromThePeerAndDropsReplays) {
    install_sas();
    Bytes inner = ipv4_udp(remote_host, inside_host, 64);
    rte_mbuf* esp = peer_esp(inner);
    rte_mbuf* copy = rte_pktmbuf_copy(esp, pool_->get(), 0, UINT32_MAX);
    receive(1, esp);
    auto out = sent(0);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(std::memcmp(out[0].data(), inside_host_mac.addr_bytes, 6), 0);
    EXPECT_EQ(Bytes(out[0].begin() + 14, out[0].end()), inner);  // inner TTL untouched: decap is not a hop
    receive(1, copy);
    EXPECT_TRUE(sent(0).empty());
    EXPECT_EQ(drops(DropReason::replay), 1u);
    EXPECT_EQ(tables_->sa_at(1)->sa.stats().packets, 1u);
    EXPECT_EQ(tables_->sa_at(1)->sa.stats().last_sequence, 1u);  // the highest accepted
}

TEST_F(Pipeline, OutboundSaReportsTheLastSequenceNumberSent) {
    install_sas();
    EXPECT_EQ(tables_->sa_at(2)->sa.stats().last_sequence, 0u);
    for (int i = 0; i < 3; ++i) receive(0, frame(inside_host_mac, mac_of(ports_[0]), ipv4_udp(inside_host, remote_host, 20)));
    EXPECT_EQ(sent(1).size(), 3u);
    EXPECT_EQ(tables_->sa_at(2)->sa.stats().last_sequence, 3u);
}

TEST_F(Pipeline, TxDropsAreCountedPerPort) {
    // Nobody drains port 1's TX ring (1023 places): what does not fit is dropped and counted
    // against the port.
    for (int burst = 0; burst < 33; ++burst) {
        rte_mbuf* pkts[32];
        for (auto& m : pkts) m = frame(inside_host_mac, mac_of(ports_[0]), ipv4_udp(inside_host, Ipv4Address(198, 51, 100, 1), 10));
        worker_process_rx(*ctx_, 0, pkts, 32);
        worker_flush(*ctx_);
    }
    EXPECT_EQ(drops(DropReason::tx_full), 33u * 32 - 1023);
    EXPECT_EQ(ctx_->counters.tx_drops[1].load(), 33u * 32 - 1023);
    EXPECT_EQ(ctx_->counters.tx_drops[0].load(), 0u);
}

TEST_F(Pipeline, BypassTrafficIsRoutedInTheClearWithTtlDecremented) {
    Bytes pkt = ipv4_udp(inside_host, Ipv4Address(198, 51, 100, 1), 20, 9);
    receive(0, frame(inside_host_mac, mac_of(ports_[0]), pkt));
    auto out = sent(1);
    ASSERT_EQ(out.size(), 1u);
    auto* ip = reinterpret_cast<const rte_ipv4_hdr*>(out[0].data() + 14);
    EXPECT_EQ(ip->time_to_live, 8);
    EXPECT_EQ(rte_ipv4_cksum(ip), 0);
    EXPECT_EQ(ip->next_proto_id, IPPROTO_UDP);
}

TEST_F(Pipeline, DropsAndCountsWhatItCannotForward) {
    receive(0, frame(inside_host_mac, mac_of(ports_[0]), ipv4_udp(inside_host, Ipv4Address(203, 0, 113, 1), 10)));
    EXPECT_EQ(drops(DropReason::no_route), 1u);
    receive(0, frame(inside_host_mac, mac_of(ports_[0]), ipv4_udp(inside_host, Ipv4Address(198, 51, 100, 1), 10, 1)));
    EXPECT_EQ(drops(DropReason::ttl_exceeded), 1u);
    Bytes bad = ipv4_udp(inside_host, Ipv4Address(198, 51, 100, 1), 10);
    bad[3] = 200;  // total length beyond the frame
    receive(0, frame(inside_host_mac, mac_of(ports_[0]), bad));
    EXPECT_EQ(drops(DropReason::malformed), 1u);
    rte_ether_addr other{{0x02, 9, 9, 9, 9, 9}};
    receive(0, frame(inside_host_mac, other, ipv4_udp(inside_host, Ipv4Address(198, 51, 100, 1), 10)));
    EXPECT_EQ(drops(DropReason::not_for_us), 1u);
    Bytes esp = ipv4_udp(peer, outside_addr, 40);
    esp[9] = IPPROTO_ESP;  // ESP with an SPI nobody installed
    reinterpret_cast<rte_ipv4_hdr*>(esp.data())->hdr_checksum = 0;
    receive(1, frame(peer_mac, mac_of(ports_[1]), esp));
    EXPECT_EQ(drops(DropReason::unknown_spi), 1u);
    EXPECT_TRUE(sent(0).empty());
    EXPECT_TRUE(sent(1).empty());
}

TEST_F(Pipeline, UnresolvedNextHopIsResolvedByArpThenSent) {
    // 10.1.0.9 is not in the neighbour table: the packet waits, an ARP request goes out.
    Ipv4Address fresh(10, 1, 0, 9);
    install_sas();
    receive(1, peer_esp(ipv4_udp(remote_host, fresh, 30)));
    auto out = sent(0);
    ASSERT_EQ(out.size(), 1u);
    ASSERT_GE(out[0].size(), 42u);
    EXPECT_EQ(out[0][12], 0x08);
    EXPECT_EQ(out[0][13], 0x06);  // ARP
    EXPECT_EQ(Bytes(out[0].begin() + 38, out[0].begin() + 42), (Bytes{10, 1, 0, 9}));
    // The host answers; the waiting packet follows.
    rte_ether_addr host_mac{{0x02, 0, 0, 0, 0x01, 0x09}};
    rte_mbuf* reply = rte_pktmbuf_alloc(pool_->get());
    ASSERT_TRUE(build_arp_reply(reply, host_mac, fresh, mac_of(ports_[0]), Ipv4Address(10, 1, 0, 2)));
    receive(0, reply);
    out = sent(0);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(std::memcmp(out[0].data(), host_mac.addr_bytes, 6), 0);
    EXPECT_EQ(out[0][12], 0x08);
    EXPECT_EQ(out[0][13], 0x00);
}

TEST_F(Pipeline, VirtualAddressAnswersArpWithItsVirtualMac) {
    dpapi::VirtualAddress vip{1, Ipv4Address(192, 0, 2, 1), {0x00, 0x00, 0x0c, 0x07, 0xac, 0x01}};
    ASSERT_TRUE(tables_->claim_address(vip));
    rte_mbuf* req = rte_pktmbuf_alloc(pool_->get());
    ASSERT_TRUE(build_arp_request(req, peer_mac, peer, vip.address));
    receive(1, req);
    auto out = sent(1);
    ASSERT_EQ(out.size(), 1u);
    auto arp = parse_arp(std::span<const uint8_t>(out[0].data() + 14, out[0].size() - 14));
    ASSERT_TRUE(arp);
    EXPECT_EQ(arp->op, RTE_ARP_OP_REPLY);
    EXPECT_EQ(arp->sender_ip, vip.address);
    EXPECT_TRUE(std::equal(vip.mac.begin(), vip.mac.end(), arp->sender_mac.addr_bytes));
    // Released: no more answers.
    ASSERT_TRUE(tables_->release_address(vip));
    rte_mbuf* again = rte_pktmbuf_alloc(pool_->get());
    ASSERT_TRUE(build_arp_request(again, peer_mac, peer, vip.address));
    receive(1, again);
    EXPECT_TRUE(sent(1).empty());
}

// RFC 4301 section 5.2: what the SPD says must arrive protected is refused in the clear.
TEST_F(Pipeline, CleartextMatchingAMirroredProtectRuleIsDroppedOnArrival) {
    install_sas();
    // From the remote network to the inside host, in the clear on the outside port: the mirror
    // image of PROTECT(7) 10.1.0.0/24 -> 10.2.1.0/24.
    Bytes inner = ipv4_udp(remote_host, inside_host, 40);
    receive(1, frame(peer_mac, mac_of(ports_[1]), inner));
    EXPECT_TRUE(sent(0).empty());
    EXPECT_EQ(drops(DropReason::cleartext_protected), 1u);

    // Cleartext the rules bypass (another source) still passes, TTL decremented.
    Bytes other = ipv4_udp(Ipv4Address(198, 51, 100, 1), inside_host, 40);
    receive(1, frame(peer_mac, mac_of(ports_[1]), other));
    auto out = sent(0);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(reinterpret_cast<const rte_ipv4_hdr*>(out[0].data() + 14)->time_to_live, 63);

    // The same inner packet through the tunnel passes: decrypted packets are checked against
    // their SA's selectors, not the inbound SPD.
    receive(1, peer_esp(inner));
    out = sent(0);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(Bytes(out[0].begin() + 14, out[0].end()), inner);
    EXPECT_EQ(drops(DropReason::cleartext_protected), 1u);

    // The check is per port and follows the rule set: cleartext from the inside is not refused,
    // and a DISCARD rule discards its mirror image too.
    receive(0, frame(inside_host_mac, mac_of(ports_[0]), ipv4_udp(inside_host, Ipv4Address(198, 51, 100, 1), 10)));
    EXPECT_EQ(sent(1).size(), 1u);
    dpapi::PolicyRule discard{0, 1, 5, IPPROTO_UDP, *Ipv4Prefix::parse("10.1.0.0/24"), *Ipv4Prefix::parse("198.51.100.0/24"),
                              {}, {}, dpapi::PolicyAction::discard};
    dpapi::PolicyRule bypass{0, 1, 20, 0, *Ipv4Prefix::parse("0.0.0.0/0"), *Ipv4Prefix::parse("0.0.0.0/0"),
                             {}, {}, dpapi::PolicyAction::bypass};
    std::vector<dpapi::PolicyRule> rules{discard, bypass};
    ASSERT_TRUE(tables_->set_policies(1, rules));
    receive(1, frame(peer_mac, mac_of(ports_[1]), other));
    EXPECT_TRUE(sent(0).empty());
    EXPECT_EQ(drops(DropReason::policy_discard), 1u);
    // Without PROTECT rules the former protected flow is ordinary cleartext now.
    receive(1, frame(peer_mac, mac_of(ports_[1]), inner));
    EXPECT_EQ(sent(0).size(), 1u);
    EXPECT_EQ(drops(DropReason::cleartext_protected), 1u);
}

TEST_F(Pipeline, SaTableUpdatesAreAllOrNothing) {
    install_sas();
    std::vector<dpapi::SaParams> batch{sa_params(3, 0x3003, dpapi::Direction::inbound, peer, outside_addr),
                                       sa_params(4, 0x1001, dpapi::Direction::inbound, peer, outside_addr)};  // SPI in use
    auto r = tables_->add_sas(batch);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("item 1"), std::string::npos) << r.error().message;
    EXPECT_EQ(tables_->sa_at(3), nullptr);  // the good item was not installed either
    std::vector<uint32_t> ids{2, 99};
    EXPECT_FALSE(tables_->delete_sas(ids));
    EXPECT_NE(tables_->sa_at(2), nullptr);
    std::vector<uint32_t> del{2};
    ASSERT_TRUE(tables_->delete_sas(del));
    EXPECT_EQ(tables_->outbound_sa(7), nullptr);
    receive(0, frame(inside_host_mac, mac_of(ports_[0]), ipv4_udp(inside_host, remote_host, 50)));
    EXPECT_EQ(drops(DropReason::acquire_pending), 1u);
}

}  // namespace
}  // namespace tandem::dp

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new tandem::test::EalEnvironment({"--vdev", "crypto_aesni_mb0"}));
    return RUN_ALL_TESTS();
}
