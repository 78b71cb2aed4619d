// "No packet may be lost or misrouted because of a table update": two real worker lcores forward
// traffic on ring ports while the main lcore changes every table they read, thousands of times.
//
//   inside hosts 10.1.0.5, .6 --- port 0 "inside" 10.1.0.2/24 [gateway] port 1 "outside"
//                                                     192.0.2.2/24 --- peer A .10, peer B .11,
//                                                                      router .1
//   flows (by sequence number):  protect_a  10.1.0.5 -> 10.2.1.x   ESP, policy 7, to peer A
//                                protect_b  10.1.0.6 -> 10.2.2.x   ESP, policy 8, to peer B
//                                bypass     10.1.0.5 -> 198.51.100.x  in the clear via the router
//                                decap      ESP from peer A, inner 10.2.1.x -> 10.1.0.5
//                                clear_in   203.0.113.x -> 10.1.0.6 in the clear
//
// EAL runs three lcores: the main lcore is the test thread (traffic source and sink, main_poll,
// every table update); lcores 1 and 2 run worker_main on two CPUs or one, adaptive polling on, with
// an rte_rcu_qsbr variable for both. Each port has one RX queue per worker (the test fills both)
// and one TX queue per worker plus one for the main lcore (the test empties all of them).
//
// One loop iteration: inject a bounded batch (at most kWindow packets in flight), one table update,
// main_poll, then read every TX ring and check each frame: right port, right neighbour MAC,
// encrypted with an SA of the right policy (the test plays both peers and decrypts with the peer
// SA found by SPI) or in the clear as the policy says, inner packet equal to what was sent.
// Updates cycle through: the outside SPD replaced by an equivalent rule set (other order, other
// priorities, split or shadowed rules), unrelated routes added and deleted (some sharing a /24
// with used destinations, so rte_lpm builds and recycles tbl8 groups), used routes re-added with
// the same next hop, outbound rekeys make-before-break (new SA owned by the other worker, old SA
// deleted at once, so packets handed to the old owner find their SA gone), inbound rekeys (old SA
// deleted once its packets are in), a virtual address claimed and released, neighbours re-learnt.
// Afterwards: every packet exactly once, no drop of any reason, every retired object reclaimed,
// every mbuf back in the pool.
//
// Negative controls run the same harness with a deliberate fault (a route re-added with another
// next hop; a rekey done break-before-make) and expect the checker to notice.
#include <rte_eth_ring.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>
#include <rte_udp.h>
#include <sched.h>

#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "dataplane/eal/mempool.h"
#include "dataplane/eal/port.h"
#include "dataplane/ipsec/esp_burst.h"
#include "dataplane/pipeline/main_lcore.h"
#include "dataplane/pipeline/packet_meta.h"
#include "dataplane/pipeline/tables.h"
#include "dataplane/pipeline/worker.h"

namespace tandem::dp {
namespace {

using dpapi::DropReason;
using Bytes = std::vector<uint8_t>;

constexpr uint16_t kInside = 0, kOutside = 1, kWorkers = 2;
constexpr uint32_t kPolicyA = 7, kPolicyB = 8;
constexpr uint32_t kWindow = 384;   // packets in flight at most
constexpr uint32_t kBatch = 16;     // packets injected per iteration
constexpr uint32_t kMaxSas = 64;
constexpr size_t kIpLen = 60;       // IPv4 20 + UDP 8 + payload 32
constexpr uint8_t kMagic[4] = {'T', 'N', 'D', 'M'};

const Ipv4Address outside_addr(192, 0, 2, 2), peer_a(192, 0, 2, 10), peer_b(192, 0, 2, 11), router(192, 0, 2, 1);
const Ipv4Address host5(10, 1, 0, 5), host6(10, 1, 0, 6);
const rte_ether_addr mac_peer_a{{2, 0, 0, 0, 2, 0x0a}}, mac_peer_b{{2, 0, 0, 0, 2, 0x0b}}, mac_router{{2, 0, 0, 0, 2, 1}};
const rte_ether_addr mac_host5{{2, 0, 0, 0, 1, 5}}, mac_host6{{2, 0, 0, 0, 1, 6}};
const dpapi::VirtualAddress vip{kOutside, Ipv4Address(192, 0, 2, 100), {0x00, 0x00, 0x0c, 0x07, 0xac, 0x01}};

struct Neighbour {
    uint16_t port;
    Ipv4Address ip;
    rte_ether_addr mac;
};
const Neighbour kNeighbours[] = {{kInside, host5, mac_host5}, {kInside, host6, mac_host6}, {kOutside, peer_a, mac_peer_a},
                                 {kOutside, peer_b, mac_peer_b}, {kOutside, router, mac_router}};

Ipv4Prefix prefix(const char* text) { return *Ipv4Prefix::parse(text); }

enum class Flow : uint8_t { protect_a, protect_b, bypass, decap, clear_in };
const char* const kFlowNames[] = {"protect_a", "protect_b", "bypass", "decap", "clear_in"};

// Everything about packet `seq`: how it enters and where it must leave.
struct Expect {
    Flow flow;
    uint16_t in_port, queue;
    Ipv4Address src, dst;
    uint16_t out_port;
    rte_ether_addr mac;  // the neighbour it must be sent to
    uint32_t policy;     // 0: in the clear
    bool hop;            // TTL decremented (forwarded in the clear or encrypted; decap is no hop)
};

Expect expect_of(uint32_t seq) {
    auto flow = static_cast<Flow>(seq % 5);
    auto queue = static_cast<uint16_t>((seq / 5 + seq) % kWorkers);
    auto x = static_cast<uint8_t>(1 + seq % 100);
    switch (flow) {
        case Flow::protect_a: return {flow, kInside, queue, host5, Ipv4Address(10, 2, 1, x), kOutside, mac_peer_a, kPolicyA, true};
        case Flow::protect_b: return {flow, kInside, queue, host6, Ipv4Address(10, 2, 2, x), kOutside, mac_peer_b, kPolicyB, true};
        case Flow::bypass: return {flow, kInside, queue, host5, Ipv4Address(198, 51, 100, x), kOutside, mac_router, 0, true};
        case Flow::decap: return {flow, kOutside, queue, Ipv4Address(10, 2, 1, x), host5, kInside, mac_host5, 0, false};
        case Flow::clear_in: break;
    }
    return {flow, kOutside, queue, Ipv4Address(203, 0, 113, x), host6, kInside, mac_host6, 0, true};
}

std::string mac_str(const rte_ether_addr& m) {
    char b[RTE_ETHER_ADDR_FMT_SIZE];
    rte_ether_format_addr(b, sizeof b, &m);
    return b;
}

std::string describe(uint32_t seq) {
    Expect e = expect_of(seq);
    return "packet " + std::to_string(seq) + " (" + kFlowNames[static_cast<int>(e.flow)] + " " + e.src.str() + " -> " +
           e.dst.str() + ", in on port " + std::to_string(e.in_port) + " queue " + std::to_string(e.queue) + "; expected " +
           (e.policy ? "ESP of policy " + std::to_string(e.policy) : std::string("in the clear")) + " on port " +
           std::to_string(e.out_port) + " to " + mac_str(e.mac) + ")";
}

// The IPv4/UDP packet of `seq` as injected (TTL 64), or as it must be delivered.
Bytes ip_packet(uint32_t seq, bool delivered) {
    Expect e = expect_of(seq);
    Bytes b(kIpLen);
    auto* ip = reinterpret_cast<rte_ipv4_hdr*>(b.data());
    ip->version_ihl = 0x45;
    ip->total_length = rte_cpu_to_be_16(kIpLen);
    ip->packet_id = rte_cpu_to_be_16(static_cast<uint16_t>(seq));
    ip->time_to_live = delivered && e.hop ? 63 : 64;
    ip->next_proto_id = IPPROTO_UDP;
    ip->src_addr = rte_cpu_to_be_32(e.src.value());
    ip->dst_addr = rte_cpu_to_be_32(e.dst.value());
    ip->hdr_checksum = rte_ipv4_cksum(ip);
    auto* udp = reinterpret_cast<rte_udp_hdr*>(ip + 1);
    udp->src_port = rte_cpu_to_be_16(static_cast<uint16_t>(1000 + static_cast<int>(e.flow)));
    udp->dst_port = rte_cpu_to_be_16(2000);
    udp->dgram_len = rte_cpu_to_be_16(kIpLen - 20);
    uint8_t* pl = b.data() + 28;
    std::memcpy(pl, kMagic, 4);
    uint32_t seq_be = rte_cpu_to_be_32(seq);
    std::memcpy(pl + 4, &seq_be, 4);
    for (size_t i = 8; i < kIpLen - 28; ++i) pl[i] = static_cast<uint8_t>(seq * 31 + i);
    return b;
}

// One's-complement sum of an IPv4 header including its checksum: 0xffff when valid (either
// representation of zero in the checksum field is accepted: RFC 1624).
bool ipv4_checksum_ok(const rte_ipv4_hdr* ip) {
    const auto* w = reinterpret_cast<const uint8_t*>(ip);
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2) sum += (uint32_t{w[i]} << 8) | w[i + 1];
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return sum == 0xffff;
}

enum class Fault { none, wrong_route, break_before_make };

struct RunConfig {
    uint32_t packets;
    Fault fault = Fault::none;
};

struct Report {
    uint32_t injected = 0, delivered = 0, lost = 0, duplicates = 0, misrouted = 0, arp_frames = 0;
    uint64_t updates = 0, handoffs = 0, max_retired_pending = 0;
    uint64_t worker_packets[kWorkers] = {};
    dpapi::DropCounters drops{};
    uint64_t drops_total = 0;
    double seconds = 0;
    std::string first_problem, first_lost;
    std::string drops_str() const {
        std::string s;
        for (size_t i = 0; i < drops.size(); ++i) {
            if (drops[i]) s += std::string(dpapi::kDropReasonNames[i]) + "=" + std::to_string(drops[i]) + " ";
        }
        return s.empty() ? "none" : s;
    }
};

struct RingPort {
    rte_ring* rx[kWorkers];
    rte_ring* tx[kWorkers + 1];  // workers, then the main lcore
    uint16_t eth_id;
};

// The SA keys are derived from the SPI, so the test can rebuild the peer's half of any SA.
dpapi::SaParams sa_params(uint32_t id, uint32_t spi, dpapi::Direction dir, uint32_t policy, bool peer_view) {
    dpapi::SaParams p;
    p.sa_id = id;
    p.spi = spi;
    p.direction = dir;
    p.cipher = dpapi::CipherAlg::aes_gcm_128;
    p.cipher_key_len = 16;
    for (int i = 0; i < 16; ++i) p.cipher_key[i] = static_cast<uint8_t>(spi * 7 + i);
    p.salt = 0x5a5a0000 + spi;
    p.policy_id = policy;
    Ipv4Address peer = policy == kPolicyB ? peer_b : peer_a;
    bool towards_peer = (dir == dpapi::Direction::outbound) != peer_view;  // traffic from us to the peer
    p.tunnel_src = towards_peer ? outside_addr : peer;
    p.tunnel_dst = towards_peer ? peer : outside_addr;
    Ipv4Range local{Ipv4Address(10, 1, 0, 0), Ipv4Address(10, 1, 0, 255)};
    Ipv4Range remote = policy == kPolicyB ? Ipv4Range{Ipv4Address(10, 2, 2, 0), Ipv4Address(10, 2, 2, 255)}
                                          : Ipv4Range{Ipv4Address(10, 2, 1, 0), Ipv4Address(10, 2, 1, 255)};
    p.selector.src = towards_peer ? local : remote;
    p.selector.dst = towards_peer ? remote : local;
    // Inbound: wide enough for the reordering two RX queues and the hand-off ring cause; the
    // peer's half decrypts in whatever order the test reads the TX rings.
    p.replay_window = dir == dpapi::Direction::inbound && !peer_view ? 1024 : 0;
    return p;
}

// The outside port's SPD in one of several equivalent shapes: same verdict for every packet.
std::vector<dpapi::PolicyRule> spd_variant(uint64_t i) {
    using dpapi::PolicyAction;
    auto rule = [](uint32_t policy, uint32_t prio, const char* src, const char* dst, PolicyAction a, uint8_t proto = 0) {
        return dpapi::PolicyRule{policy, kOutside, prio, proto, prefix(src), prefix(dst), {}, {}, a};
    };
    uint32_t base = static_cast<uint32_t>(i % 1000) * 3;
    switch (i % 4) {
        case 0:
            return {rule(kPolicyA, base + 10, "10.1.0.0/24", "10.2.1.0/24", PolicyAction::protect),
                 rule(kPolicyB, base + 20, "10.1.0.0/24", "10.2.2.0/24", PolicyAction::protect),
                 rule(0, base + 100, "0.0.0.0/0", "0.0.0.0/0", PolicyAction::bypass)};
        case 1:  // listed out of priority order, an unused DISCARD in between
            return {rule(0, 5000 + base, "0.0.0.0/0", "0.0.0.0/0", PolicyAction::bypass),
                 rule(kPolicyA, 7 + base, "10.1.0.0/24", "10.2.1.0/24", PolicyAction::protect),
                 rule(0, 8 + base, "10.9.0.0/16", "0.0.0.0/0", PolicyAction::discard),
                 rule(kPolicyB, 6 + base, "10.1.0.0/24", "10.2.2.0/24", PolicyAction::protect)};
        case 2:  // policy A split in two halves, policy B first for UDP then for anything
            return {rule(kPolicyA, 1, "10.1.0.0/24", "10.2.1.128/25", PolicyAction::protect),
                 rule(kPolicyA, 1, "10.1.0.0/24", "10.2.1.0/25", PolicyAction::protect),
                 rule(kPolicyB, 2, "10.1.0.0/24", "10.2.2.0/24", PolicyAction::protect, IPPROTO_UDP),
                 rule(kPolicyB, 3, "10.1.0.0/24", "10.2.2.0/24", PolicyAction::protect),
                 rule(0, 4, "0.0.0.0/0", "0.0.0.0/0", PolicyAction::bypass)};
        default:  // shadowed rules that would misroute if they ever won
            return {rule(kPolicyB, base + 2, "10.1.0.0/16", "10.2.2.0/24", PolicyAction::protect),
                 rule(kPolicyA, base + 1, "10.1.0.0/24", "10.2.1.0/24", PolicyAction::protect),
                 rule(0, base + 3, "10.1.0.0/24", "10.2.1.0/24", PolicyAction::discard),
                 rule(kPolicyA, base + 4, "0.0.0.0/0", "10.2.0.0/16", PolicyAction::protect),
                 rule(0, base + 9, "0.0.0.0/0", "0.0.0.0/0", PolicyAction::bypass)};
    }
}

class UpdateStress : public ::testing::Test {
protected:
    void SetUp() override {
        unsigned l;
        RTE_LCORE_FOREACH_WORKER(l) lcores_.push_back(l);
        if (lcores_.size() < kWorkers) GTEST_SKIP() << "needs two worker lcores";
        static int instance = 0;
        std::string tag = std::to_string(++instance);
        auto p = Mempool::create("us_pool" + tag, 8191, 32, 0);
        ASSERT_TRUE(p) << p.error().message;
        pool_ = std::make_unique<Mempool>(std::move(*p));
        std::vector<PortInfo> infos(2);
        for (uint16_t i = 0; i < 2; ++i) {
            std::string n = "us" + tag + "_" + std::to_string(i);
            RingPort rp{};
            for (int q = 0; q < kWorkers; ++q) rp.rx[q] = ring(n + "rx" + std::to_string(q), 1024);
            for (int q = 0; q <= kWorkers; ++q) rp.tx[q] = ring(n + "tx" + std::to_string(q), 1024);
            int id = rte_eth_from_rings(n.c_str(), rp.rx, kWorkers, rp.tx, kWorkers + 1, 0);
            ASSERT_GE(id, 0) << rte_strerror(rte_errno);
            char dev[RTE_ETH_NAME_MAX_LEN];
            ASSERT_EQ(rte_eth_dev_get_name_by_port(static_cast<uint16_t>(id), dev), 0);
            auto port = Port::create(PortSettings{dev, kWorkers, kWorkers + 1, 256, 256, 1500, pool_->get()});
            ASSERT_TRUE(port) << port.error().message;
            rp.eth_id = port->id();
            infos[i].eth_id = rp.eth_id;
            std::copy(port->mac().begin(), port->mac().end(), infos[i].mac.addr_bytes);
            port_mac_[i] = infos[i].mac;
            ports_.push_back(std::move(*port));
            rings_.push_back(rp);
        }
        infos[kInside].address = *Ipv4InterfaceAddress::parse("10.1.0.2/24");
        infos[kOutside].address = *Ipv4InterfaceAddress::parse("192.0.2.2/24");
        infos[kOutside].outside = true;

        CryptoDeviceConfig cc;
        cc.queue_pairs = kWorkers + 1;  // one per worker, one for the test playing the peers
        auto dev = CryptoDevice::create(cc);
        ASSERT_TRUE(dev) << dev.error().message;
        crypto_ = std::make_unique<CryptoDevice>(std::move(*dev));
        lane_ = crypto_->lane(kWorkers);
        sessions_free_at_start_ = rte_mempool_avail_count(crypto_->session_pool());

        rcu_ = static_cast<rte_rcu_qsbr*>(rte_zmalloc("us_rcu", rte_rcu_qsbr_get_memsize(kWorkers), RTE_CACHE_LINE_SIZE));
        ASSERT_TRUE(rcu_ && rte_rcu_qsbr_init(rcu_, kWorkers) == 0);
        for (uint32_t w = 0; w < kWorkers; ++w) ASSERT_EQ(rte_rcu_qsbr_thread_register(rcu_, w), 0);

        TablesConfig tc;
        tc.max_sas = kMaxSas;
        tc.max_policies = 64;
        tc.workers = kWorkers;
        tc.fib.max_routes = 1024;
        tc.fib.number_tbl8s = 64;
        tc.neighbours.capacity = 64;
        auto t = Tables::create(tc, infos, *crypto_, rcu_);
        ASSERT_TRUE(t) << t.error().message;
        tables_ = std::move(*t);

        auto off = register_packet_meta();
        ASSERT_TRUE(off);
        for (int w = 0; w < kWorkers; ++w) handoff_[w] = ring("us" + tag + "ho" + std::to_string(w), 1024, RING_F_SC_DEQ);
        to_main_ = ring("us" + tag + "tm", 1024, RING_F_SC_DEQ);
        events_ = rte_ring_create_elem(("us" + tag + "ev").c_str(), sizeof(AcquireEvent), 256, 0, RING_F_SC_DEQ);
        ASSERT_TRUE(events_);
        for (uint16_t w = 0; w < kWorkers; ++w) {
            auto& c = workers_[w];
            c = std::make_unique<WorkerContext>();
            c->index = w;
            c->tables = tables_.get();
            c->lane = crypto_->lane(w);
            c->meta_offset = *off;
            c->rx = {RxQueue{kInside, w}, RxQueue{kOutside, w}};
            c->handoff_in = handoff_[w];
            c->handoff_out = {handoff_[0], handoff_[1]};
            c->to_main = to_main_;
            c->events = events_;
            c->rcu = rcu_;
            c->stop = &stop_;
            c->adaptive = true;
            c->acquire_interval_tsc = rte_get_tsc_hz();
        }
        main_.tables = tables_.get();
        main_.meta_offset = *off;
        main_.to_main = to_main_;
        main_.events = events_;
        main_.pool = pool_->get();
        main_.tx_queue = kWorkers;

        ASSERT_TRUE(tables_->add_routes(used_routes()));
        ASSERT_TRUE(tables_->set_policies(kOutside, spd_variant(0)));
        relearn_neighbours();
        for (uint32_t policy : {kPolicyA, kPolicyB}) ASSERT_NO_FATAL_FAILURE(rekey_outbound(policy));
        ASSERT_NO_FATAL_FAILURE(rekey_inbound());
        mbufs_at_start_ = pool_->available();
    }

    void TearDown() override {
        stop_workers();
        for (auto& rp : rings_) {
            for (rte_ring* r : rp.rx) drain(r);
            for (rte_ring* r : rp.tx) drain(r);
        }
        for (rte_ring* r : handoff_) drain(r);
        drain(to_main_);
        drop_peer_sas();
        for (auto& w : workers_) w.reset();
        tables_.reset();  // SAs before their crypto device
        rte_free(rcu_);
        crypto_.reset();
        ports_.clear();
        for (rte_ring* r : owned_rings_) rte_ring_free(r);
        rte_ring_free(events_);
        pool_.reset();
    }

    rte_ring* ring(const std::string& name, unsigned size, unsigned flags = RING_F_SP_ENQ | RING_F_SC_DEQ) {
        rte_ring* r = rte_ring_create(name.c_str(), size, 0, flags);
        EXPECT_TRUE(r) << name << ": " << rte_strerror(rte_errno);
        owned_rings_.push_back(r);
        return r;
    }
    void drop_peer_sas() {
        peer_rx_.clear();
        in_cur_.peer_tx.reset();
        in_old_.peer_tx.reset();
    }
    static void drain(rte_ring* r) {
        void* m;
        while (r && rte_ring_dequeue(r, &m) == 0) rte_pktmbuf_free(static_cast<rte_mbuf*>(m));
    }
    static uint64_t now_ms() { return rte_get_timer_cycles() / (rte_get_timer_hz() / 1000); }

    void start_workers() {
        stop_.store(false);
        for (uint16_t w = 0; w < kWorkers; ++w) ASSERT_EQ(rte_eal_remote_launch(worker_main, workers_[w].get(), lcores_[w]), 0);
        running_ = true;
    }
    void stop_workers() {
        if (!running_) return;
        stop_.store(true);
        for (uint16_t w = 0; w < kWorkers; ++w) rte_eal_wait_lcore(lcores_[w]);
        running_ = false;
    }

    // ---- table contents

    std::vector<dpapi::Route> used_routes() const {
        using dpapi::RouteKind;
        return {{prefix("10.2.1.0/24"), RouteKind::forward, kOutside, peer_a},
                {prefix("10.2.2.0/24"), RouteKind::forward, kOutside, peer_b},
                {prefix("198.51.100.0/24"), RouteKind::forward, kOutside, bypass_gateway_},
                {prefix("10.1.0.0/24"), RouteKind::forward, kInside, Ipv4Address()}};
    }
    // Routes no packet uses; some share a /24 with used destinations (rte_lpm tbl8 groups).
    std::vector<dpapi::Route> unrelated_routes(uint64_t i) const {
        using dpapi::RouteKind;
        auto k = static_cast<uint8_t>(i % 64);
        return {{Ipv4Prefix(Ipv4Address(172, 16, k, 0), 24), RouteKind::forward, kOutside, router},
                {prefix("10.2.1.192/27"), RouteKind::forward, kOutside, peer_b},
                {prefix("192.0.2.128/26"), RouteKind::forward, kOutside, router},
                {prefix("10.2.2.224/28"), RouteKind::blackhole, 0, Ipv4Address()},
                {Ipv4Prefix(Ipv4Address(10, 1, 0, static_cast<uint8_t>(200 + i % 50)), 32), RouteKind::forward, kInside,
                 host6}};
    }

    void relearn_neighbours() {
        std::vector<rte_mbuf*> released;
        for (const auto& n : kNeighbours) tables_->neighbours_mut().learn(n.port, n.ip, n.mac, now_ms(), true, released);
        for (rte_mbuf* m : released) rte_pktmbuf_free(m);
        EXPECT_TRUE(released.empty()) << "a known neighbour had packets waiting";
    }

    // A free SA id whose owner (id modulo the workers) is `owner`.
    uint32_t free_sa_id(uint16_t owner) {
        for (uint32_t k = 0; k < kMaxSas; ++k) {
            uint32_t id = (next_id_ + k) % kMaxSas;
            if (id % kWorkers == owner && !tables_->sa_at(id)) {
                next_id_ = id + 1;
                return id;
            }
        }
        ADD_FAILURE() << "no free SA id";
        return 0;
    }

    // Make-before-break: the new SA (owned by the other worker) takes the policy over, then the old
    // one is deleted at once. With Fault::break_before_make: delete first, install at the next step.
    void rekey_outbound(uint32_t policy) {
        std::optional<uint32_t>& cur = out_sa_[policy - kPolicyA];
        uint16_t owner = cur ? static_cast<uint16_t>((*cur + 1) % kWorkers) : static_cast<uint16_t>(policy % kWorkers);
        if (fault_ == Fault::break_before_make && cur) {
            std::vector<uint32_t> del{*cur};
            ASSERT_TRUE(tables_->delete_sas(del));
            cur.reset();
            out_owner_hint_[policy - kPolicyA] = owner;
            return;
        }
        if (!cur && fault_ == Fault::break_before_make) owner = out_owner_hint_[policy - kPolicyA];
        uint32_t id = free_sa_id(owner), spi = next_spi_++;
        std::vector<dpapi::SaParams> add{sa_params(id, spi, dpapi::Direction::outbound, policy, false)};
        if (!ok(tables_->add_sas(add))) return;
        peer_params_[spi] = sa_params(id, spi, dpapi::Direction::inbound, policy, true);
        if (cur) {
            std::vector<uint32_t> del{*cur};
            ASSERT_TRUE(tables_->delete_sas(del));
        }
        cur = id;
        ++outbound_sas_;
    }

    // Inbound make-before-break, as the peer sees it: a new SA is installed and the peer switches
    // to it; the old SA is deleted once every packet sent with it has come out.
    void rekey_inbound() {
        if (in_old_.peer_tx) {
            if (outstanding_[in_old_.spi] != 0) return;
            std::vector<uint32_t> del{in_old_.id};
            ASSERT_TRUE(tables_->delete_sas(del));
            in_old_ = InboundSa{};
            ++inbound_sas_deleted_;
            return;
        }
        uint16_t owner = in_cur_.peer_tx ? static_cast<uint16_t>((in_cur_.id + 1) % kWorkers) : 1;
        uint32_t id = free_sa_id(owner), spi = next_spi_++;
        std::vector<dpapi::SaParams> add{sa_params(id, spi, dpapi::Direction::inbound, kPolicyA, false)};
        if (!ok(tables_->add_sas(add))) return;
        auto tx = Sa::create(sa_params(id, spi, dpapi::Direction::outbound, kPolicyA, true), *crypto_);
        ASSERT_TRUE(tx) << tx.error().message;
        in_old_ = std::move(in_cur_);
        in_cur_ = InboundSa{id, spi, std::make_unique<Sa>(std::move(*tx))};
    }

    static bool ok(const Result<void>& r) {
        if (!r) ADD_FAILURE() << r.error().message;
        return r.ok();
    }

    // One table update; kinds in turn.
    void update(uint64_t i) {
        switch (i % 10) {
            case 0: ASSERT_TRUE(tables_->set_policies(kOutside, spd_variant(i / 10 + 1))); break;
            case 1: ok(tables_->add_routes(unrelated_routes(i / 10))); break;
            case 2: {
                std::vector<Ipv4Prefix> del;
                for (const auto& r : unrelated_routes(i / 10)) del.push_back(r.prefix);
                ok(tables_->delete_routes(del));
                break;
            }
            case 3: ASSERT_TRUE(tables_->add_routes(used_routes())); break;
            case 4: ASSERT_NO_FATAL_FAILURE(rekey_outbound(kPolicyA)); break;
            case 5: ASSERT_NO_FATAL_FAILURE(rekey_outbound(kPolicyB)); break;
            case 6:
                if (vip_held_) {
                    ASSERT_TRUE(tables_->release_address(vip));
                } else {
                    ASSERT_TRUE(tables_->claim_address(vip));
                    send_gratuitous_arp(main_, vip);
                }
                vip_held_ = !vip_held_;
                break;
            case 7: relearn_neighbours(); break;
            case 8: ASSERT_NO_FATAL_FAILURE(rekey_inbound()); break;
            default: inject_arp_reply(i); break;
        }
    }

    // Peer A confirms its address through the dataplane (worker -> main lcore -> learn).
    void inject_arp_reply(uint64_t i) {
        rte_mbuf* m = rte_pktmbuf_alloc(pool_->get());
        ASSERT_TRUE(m && build_arp_reply(m, mac_peer_a, peer_a, port_mac_[kOutside], outside_addr));
        if (rte_ring_enqueue(rings_[kOutside].rx[i / 10 % kWorkers], m) != 0) rte_pktmbuf_free(m);
    }

    // ---- traffic

    rte_mbuf* make_frame(uint32_t seq) {
        Expect e = expect_of(seq);
        Bytes ip = ip_packet(seq, false);
        rte_mbuf* m = rte_pktmbuf_alloc(pool_->get());
        if (!m) return nullptr;
        std::memcpy(rte_pktmbuf_append(m, kIpLen), ip.data(), kIpLen);
        if (e.flow == Flow::decap) {
            m->l2_len = 0;
            m->l3_len = 20;
            dp::DropReason why[1];
            if (esp_outbound_burst(in_cur_.peer_tx->runtime(), lane_, &m, 1, why) != 1) {
                rte_pktmbuf_free(m);
                return nullptr;
            }
            sent_spi_[seq] = in_cur_.spi;
            ++outstanding_[in_cur_.spi];
        }
        auto* eth = reinterpret_cast<rte_ether_hdr*>(rte_pktmbuf_prepend(m, sizeof(rte_ether_hdr)));
        eth->dst_addr = port_mac_[e.in_port];
        eth->src_addr = e.in_port == kInside ? (e.src == host5 ? mac_host5 : mac_host6)
                                             : (e.flow == Flow::decap ? mac_peer_a : mac_router);
        eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
        return m;
    }

    void problem(Report& r, const std::string& what) {
        ++r.misrouted;
        if (r.first_problem.empty()) r.first_problem = what;
    }

    // Checks one frame the dataplane sent on `port`; takes the mbuf.
    void check_frame(Report& r, uint16_t port, rte_mbuf* m) {
        std::unique_ptr<rte_mbuf, void (*)(rte_mbuf*)> hold(m, rte_pktmbuf_free);
        const auto* eth = rte_pktmbuf_mtod(m, const rte_ether_hdr*);
        if (rte_pktmbuf_data_len(m) >= sizeof(rte_ether_hdr) && eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP)) {
            ++r.arp_frames;
            return;
        }
        if (rte_pktmbuf_data_len(m) < sizeof(rte_ether_hdr) + kIpLen) return problem(r, "a short frame on port " + std::to_string(port));
        rte_ether_addr dst = eth->dst_addr;
        if (!rte_is_same_ether_addr(&eth->src_addr, &port_mac_[port])) return problem(r, "a frame not from the port's MAC");
        rte_pktmbuf_adj(m, sizeof(rte_ether_hdr));
        const auto* outer = rte_pktmbuf_mtod(m, const rte_ipv4_hdr*);
        uint32_t policy = 0;
        std::string via;
        if (!ipv4_checksum_ok(outer)) return problem(r, "a bad IPv4 checksum on port " + std::to_string(port));
        if (outer->next_proto_id == IPPROTO_ESP) {
            uint32_t spi_be;
            std::memcpy(&spi_be, rte_pktmbuf_mtod_offset(m, const uint8_t*, 20), 4);
            uint32_t spi = rte_be_to_cpu_32(spi_be);
            auto it = peer_params_.find(spi);
            if (it == peer_params_.end()) return problem(r, "ESP with SPI " + std::to_string(spi) + " no outbound SA ever had");
            policy = it->second.policy_id;
            via = " via SPI " + std::to_string(spi);
            if (rte_be_to_cpu_32(outer->dst_addr) != it->second.tunnel_dst.value() ||
                rte_be_to_cpu_32(outer->src_addr) != outside_addr.value()) {
                return problem(r, "ESP of SPI " + std::to_string(spi) + " with wrong outer addresses");
            }
            m->l2_len = 0;
            m->l3_len = 20;
            dp::DropReason why[1];
            if (esp_inbound_burst(peer_rx(spi).runtime(), lane_, &m, 1, why) != 1) {
                return problem(r, "ESP of SPI " + std::to_string(spi) + " that the peer cannot decrypt");
            }
        }
        if (rte_pktmbuf_pkt_len(m) != kIpLen || rte_pktmbuf_data_len(m) != kIpLen) return problem(r, "a packet of the wrong length");
        const auto* d = rte_pktmbuf_mtod(m, const uint8_t*);
        if (std::memcmp(d + 28, kMagic, 4) != 0) return problem(r, "a packet the test did not send");
        uint32_t seq_be;
        std::memcpy(&seq_be, d + 32, 4);
        uint32_t seq = rte_be_to_cpu_32(seq_be);
        if (seq >= r.injected) return problem(r, "a packet the test did not send");
        Expect e = expect_of(seq);
        Bytes want = ip_packet(seq, true), got(d, d + kIpLen);
        bool sum_ok = ipv4_checksum_ok(reinterpret_cast<const rte_ipv4_hdr*>(d));
        want[10] = want[11] = got[10] = got[11] = 0;  // compared through sum_ok
        if (e.flow == Flow::decap) --outstanding_[sent_spi_[seq]];
        if (delivered_[seq]++ != 0) {
            if (++r.duplicates == 1 && r.first_problem.empty()) r.first_problem = describe(seq) + " was delivered twice";
            return;
        }
        if (port != e.out_port || !rte_is_same_ether_addr(&dst, &e.mac) || policy != e.policy || got != want || !sum_ok) {
            return problem(r, describe(seq) + " came out on port " + std::to_string(port) + " to " + mac_str(dst) +
                                  (policy ? " as ESP of policy " + std::to_string(policy) + via : std::string(" in the clear")) +
                                  (got != want || !sum_ok ? ", contents differ" : ""));
        }
        ++r.delivered;
    }

    // The peer's inbound half of one of our outbound SAs: a small cache, rebuilt from the SPI.
    Sa& peer_rx(uint32_t spi) {
        auto it = peer_rx_.find(spi);
        if (it != peer_rx_.end()) return *it->second;
        if (peer_rx_.size() >= 8) peer_rx_.erase(peer_rx_.begin());  // the oldest SPI
        auto sa = Sa::create(peer_params_.at(spi), *crypto_);
        EXPECT_TRUE(sa) << sa.error().message;
        return *peer_rx_.emplace(spi, std::make_unique<Sa>(std::move(*sa))).first->second;
    }

    void drain_and_check(Report& r) {
        for (uint16_t p = 0; p < 2; ++p) {
            for (rte_ring* ring : rings_[p].tx) {
                void* objs[64];
                unsigned n;
                while ((n = rte_ring_dequeue_burst(ring, objs, 64, nullptr)) > 0) {
                    for (unsigned i = 0; i < n; ++i) check_frame(r, p, static_cast<rte_mbuf*>(objs[i]));
                }
            }
        }
    }

    uint64_t drops_now() const {
        uint64_t n = main_.counters.tx_full;
        for (const auto& w : workers_) {
            for (const auto& c : w->counters.drops) n += c.load(std::memory_order_relaxed);
        }
        const auto& ns = tables_->neighbours().stats();
        return n + ns.pending_overflow + ns.pending_failed + ns.dropped_failed + ns.dropped_full;
    }

    Report run(const RunConfig& cfg) {
        Report r;
        fault_ = cfg.fault;
        delivered_.assign(cfg.packets, 0);
        sent_spi_.assign(cfg.packets, 0);
        start_workers();
        uint64_t hz = rte_get_timer_hz(), t0 = rte_get_timer_cycles(), deadline = t0 + 120 * hz;
        uint64_t stalled_since = 0, last_progress = 0;
        while (rte_get_timer_cycles() < deadline) {
            // Inject: at most kBatch per iteration, at most kWindow unaccounted for.
            uint64_t accounted = r.delivered + r.misrouted + drops_now();
            for (uint32_t k = 0; k < kBatch && r.injected < cfg.packets && r.injected < accounted + kWindow; ++k) {
                uint32_t seq = r.injected;
                Expect e = expect_of(seq);
                rte_mbuf* m = make_frame(seq);
                if (!m || rte_ring_sp_enqueue(rings_[e.in_port].rx[e.queue], m) != 0) {
                    ADD_FAILURE() << "cannot inject " << describe(seq);
                    if (m) rte_pktmbuf_free(m);
                    break;
                }
                ++r.injected;
            }
            if (fault_ == Fault::wrong_route && r.injected >= cfg.packets / 2 && bypass_gateway_ == router) {
                bypass_gateway_ = peer_a;  // the deliberate misroute: the bypass route to another next hop
                EXPECT_TRUE(tables_->add_routes(used_routes()));
            }
            update(r.updates++);
            if (HasFatalFailure()) break;
            main_poll(main_, now_ms());
            drain_and_check(r);
            r.max_retired_pending = std::max<uint64_t>(r.max_retired_pending, tables_->retired_pending());
            accounted = r.delivered + r.misrouted + drops_now();
            if (r.injected == cfg.packets && accounted >= cfg.packets) break;
            // Lost packets never come: stop once nothing has moved (in or out) for 5 s.
            if (accounted + r.injected != last_progress) {
                last_progress = accounted + r.injected;
                stalled_since = rte_get_timer_cycles();
            } else if (rte_get_timer_cycles() - stalled_since > 5 * hz) {
                break;
            }
        }
        r.seconds = static_cast<double>(rte_get_timer_cycles() - t0) / static_cast<double>(hz);
        // Grace periods end while the workers run: the reclaimer empties (bounded wait).
        for (int i = 0; i < 2000 && (tables_->retired_pending() || tables_->fib().deferred_slots()); ++i) {
            tables_->poll();
            rte_delay_us_sleep(1000);
        }
        EXPECT_EQ(tables_->retired_pending(), 0u) << "retired objects not reclaimed with the workers running";
        stop_workers();
        main_poll(main_, now_ms());
        drain_and_check(r);
        for (uint16_t w = 0; w < kWorkers; ++w) {
            r.worker_packets[w] = workers_[w]->counters.packets.load();
            r.handoffs += workers_[w]->counters.handoffs.load();
            for (size_t i = 0; i < r.drops.size(); ++i) r.drops[i] += workers_[w]->counters.drops[i].load();
        }
        r.drops_total = drops_now();
        for (uint32_t s = 0; s < r.injected; ++s) {
            if (delivered_[s] == 0 && r.lost++ == 0) r.first_lost = describe(s) + " was lost";
        }
        std::printf("[ stress   ] %u packets in %.2f s, %lu updates (%.0f/s; %lu outbound SAs installed, %lu inbound SAs "
                    "retired), %lu hand-offs, %u misrouted, %u lost, drops: %s, most objects awaiting reclamation: %lu\n",
                    r.injected, r.seconds, static_cast<unsigned long>(r.updates), static_cast<double>(r.updates) / r.seconds,
                    static_cast<unsigned long>(outbound_sas_), static_cast<unsigned long>(inbound_sas_deleted_),
                    static_cast<unsigned long>(r.handoffs), r.misrouted, r.lost, r.drops_str().c_str(),
                    static_cast<unsigned long>(r.max_retired_pending));
        return r;
    }

    struct InboundSa {
        uint32_t id = 0, spi = 0;
        std::unique_ptr<Sa> peer_tx;  // the peer's outbound half: the test encrypts with it
    };

    std::vector<unsigned> lcores_;
    std::unique_ptr<Mempool> pool_;
    std::vector<Port> ports_;
    std::vector<RingPort> rings_;
    std::vector<rte_ring*> owned_rings_;
    rte_ether_addr port_mac_[2]{};
    std::unique_ptr<CryptoDevice> crypto_;
    CryptoLane lane_{};
    rte_rcu_qsbr* rcu_ = nullptr;
    std::unique_ptr<Tables> tables_;
    std::unique_ptr<WorkerContext> workers_[kWorkers];
    rte_ring* handoff_[kWorkers] = {};
    rte_ring* to_main_ = nullptr;
    rte_ring* events_ = nullptr;
    MainContext main_;
    std::atomic<bool> stop_{false};
    bool running_ = false;
    unsigned mbufs_at_start_ = 0, sessions_free_at_start_ = 0;

    Fault fault_ = Fault::none;
    Ipv4Address bypass_gateway_ = router;
    bool vip_held_ = false;
    uint32_t next_id_ = 1, next_spi_ = 0x10000;
    uint64_t outbound_sas_ = 0, inbound_sas_deleted_ = 0;
    std::optional<uint32_t> out_sa_[2];
    uint16_t out_owner_hint_[2] = {};
    InboundSa in_cur_, in_old_;
    std::map<uint32_t, dpapi::SaParams> peer_params_;        // every outbound SPI ever installed
    std::map<uint32_t, std::unique_ptr<Sa>> peer_rx_;        // by SPI
    std::map<uint32_t, int64_t> outstanding_;                // inbound SPI -> packets not yet out
    std::vector<uint8_t> delivered_;                         // by sequence number
    std::vector<uint32_t> sent_spi_;
};

TEST_F(UpdateStress, NoPacketIsLostOrMisroutedWhileTablesChange) {
    const uint32_t packets = 100000;
    Report r = run({packets});
    EXPECT_EQ(r.injected, packets);
    EXPECT_EQ(r.misrouted, 0u) << "first: " << r.first_problem;
    EXPECT_EQ(r.duplicates, 0u) << r.first_problem;
    EXPECT_EQ(r.lost, 0u) << "first: " << r.first_lost;
    EXPECT_EQ(r.delivered, packets);
    EXPECT_EQ(r.drops_total, 0u) << "worker drops: " << r.drops_str();
    // Thousands of updates of every kind while the packets were in flight, over both workers and
    // across the SA hand-off ring.
    EXPECT_GE(r.updates, packets / kBatch);
    EXPECT_GT(r.handoffs, 0u);
    EXPECT_GT(r.worker_packets[0], 0u);
    EXPECT_GT(r.worker_packets[1], 0u);
    EXPECT_GT(r.arp_frames, 0u);  // the gratuitous ARPs of the claims, sent by the main lcore
    // Nothing retired is left behind: no mbuf outside the pool, no crypto session but the live SAs'.
    EXPECT_EQ(tables_->retired_pending(), 0u);
    EXPECT_EQ(tables_->fib().deferred_slots(), 0u);
    EXPECT_EQ(pool_->available(), mbufs_at_start_);
    drop_peer_sas();
    size_t live = tables_->dump_sas().size();
    EXPECT_EQ(sessions_free_at_start_ - rte_mempool_avail_count(crypto_->session_pool()), live);
}

TEST_F(UpdateStress, NegativeControlNoticesAMisroutingRouteChange) {
    Report r = run({8000, Fault::wrong_route});
    EXPECT_GT(r.misrouted, 0u);
    EXPECT_NE(r.first_problem.find("bypass"), std::string::npos) << r.first_problem;
    EXPECT_NE(r.first_problem.find(mac_str(mac_peer_a)), std::string::npos) << r.first_problem;
    EXPECT_EQ(r.lost, 0u) << r.first_lost;
}

TEST_F(UpdateStress, NegativeControlNoticesBreakBeforeMakeRekeys) {
    Report r = run({8000, Fault::break_before_make});
    EXPECT_GT(r.lost, 0u);
    EXPECT_GT(r.drops[static_cast<size_t>(DropReason::acquire_pending)], 0u);
    EXPECT_NE(r.first_lost.find("protect_"), std::string::npos) << r.first_lost;
    EXPECT_EQ(r.misrouted, 0u) << r.first_problem;
}

// EAL with three lcores: the main one (the test) and two workers, on two CPUs when there are two.
class StressEal : public ::testing::Environment {
public:
    void SetUp() override {
        cpu_set_t set;
        CPU_ZERO(&set);
        std::vector<int> cpus;
        if (sched_getaffinity(0, sizeof set, &set) == 0) {
            for (int c = 0; c < CPU_SETSIZE; ++c) {
                if (CPU_ISSET(c, &set)) cpus.push_back(c);
            }
        }
        if (cpus.empty()) cpus.push_back(0);
        int a = cpus[0], b = cpus.size() > 1 ? cpus[1] : cpus[0];
        std::string lcores = "0@" + std::to_string(a) + ",1@" + std::to_string(b) + ",2@" + std::to_string(b);
        // As tests/dataplane/eal_test_env.h, but with --lcores (it fixes -l 0, and EAL refuses both).
        std::vector<std::string> args = {"tandem-test", "--no-pci", "--no-huge", "-m", "512", "--lcores", lcores,
                                         "--log-level", "lib.eal:warning", "--file-prefix",
                                         "tandem-test-" + std::to_string(getpid()), "--vdev", "crypto_aesni_mb0"};
        std::vector<char*> argv;
        for (auto& s : args) argv.push_back(s.data());
        argv.push_back(nullptr);
        if (rte_eal_init(static_cast<int>(args.size()), argv.data()) < 0) {
            std::fprintf(stderr, "rte_eal_init failed: %s\n", rte_strerror(rte_errno));
            std::exit(1);
        }
    }
    void TearDown() override { rte_eal_cleanup(); }
};

}  // namespace
}  // namespace tandem::dp

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new tandem::dp::StressEal());
    return RUN_ALL_TESTS();
}
