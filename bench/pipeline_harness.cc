// The pipeline harness (see pipeline_harness.h).
#include "bench/pipeline_harness.h"

#include <rte_eth_ring.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_udp.h>

#include <cstring>
#include <string>

#include "dataplane/ipsec/esp_burst.h"
#include "dataplane/pipeline/packet_meta.h"

namespace tandem::bench {

namespace {

using dpapi::Direction;

const rte_ether_addr kInsideHostMac{{0x02, 0, 0, 0, 0x01, 0x05}};
const rte_ether_addr kPeerMac{{0x02, 0, 0, 0, 0x02, 0x0a}};
const Ipv4Address kInsideHost(10, 1, 0, 5), kRemoteHost(10, 2, 1, 7), kPeer(192, 0, 2, 10),
    kOutsideAddr(192, 0, 2, 2);
constexpr uint32_t kOurInSpi = 0x1001, kOurOutSpi = 0x2002;
constexpr uint32_t kPolicy = 7;
constexpr uint32_t kDecapFrames = 512;
constexpr uint16_t kEth = sizeof(rte_ether_hdr);

rte_ether_addr mac_of(const dp::Port& p) {
    rte_ether_addr a;
    std::copy(p.mac().begin(), p.mac().end(), a.addr_bytes);
    return a;
}

// An IPv4/UDP packet of `total` bytes (header included).
std::vector<uint8_t> ipv4_udp(Ipv4Address src, Ipv4Address dst, uint16_t total) {
    std::vector<uint8_t> b(total);
    auto* ip = reinterpret_cast<rte_ipv4_hdr*>(b.data());
    ip->version_ihl = 0x45;
    ip->total_length = rte_cpu_to_be_16(total);
    ip->time_to_live = 64;
    ip->next_proto_id = IPPROTO_UDP;
    ip->src_addr = rte_cpu_to_be_32(src.value());
    ip->dst_addr = rte_cpu_to_be_32(dst.value());
    ip->hdr_checksum = rte_ipv4_cksum(ip);
    auto* udp = reinterpret_cast<rte_udp_hdr*>(ip + 1);
    udp->src_port = rte_cpu_to_be_16(1000);
    udp->dst_port = rte_cpu_to_be_16(2000);
    udp->dgram_len = rte_cpu_to_be_16(static_cast<uint16_t>(total - 20));
    for (size_t i = 28; i < total; ++i) b[i] = static_cast<uint8_t>(i);
    return b;
}

// Our SA pair and the peer's mirror image (peer_view: selectors as the peer sees them).
dpapi::SaParams sa_params(Algo algo, uint32_t id, uint32_t spi, Direction dir, Ipv4Address src,
                          Ipv4Address dst, bool peer_view) {
    dpapi::SaParams p;
    p.sa_id = id;
    p.spi = spi;
    p.direction = dir;
    if (algo == Algo::gcm128) {
        p.cipher = dpapi::CipherAlg::aes_gcm_128;
        p.salt = 0x01020304 + spi;
    } else {
        p.cipher = dpapi::CipherAlg::aes_cbc_128;
        p.auth = dpapi::AuthAlg::sha256_128;
        p.auth_key_len = 32;
        for (int i = 0; i < 32; ++i) p.auth_key[i] = static_cast<uint8_t>(0x40 + spi + i);
    }
    p.cipher_key_len = 16;
    for (int i = 0; i < 16; ++i) p.cipher_key[i] = static_cast<uint8_t>(spi + i);
    p.tunnel_src = src;
    p.tunnel_dst = dst;
    p.policy_id = kPolicy;
    const Ipv4Range local{Ipv4Address(10, 1, 0, 0), Ipv4Address(10, 1, 0, 255)};
    const Ipv4Range remote{Ipv4Address(10, 2, 1, 0), Ipv4Address(10, 2, 1, 255)};
    const bool remote_to_local = (dir == Direction::inbound) != peer_view;
    p.selector.src = remote_to_local ? remote : local;
    p.selector.dst = remote_to_local ? local : remote;
    return p;
}

}  // namespace

Result<std::unique_ptr<PipelineHarness>> PipelineHarness::create(const dp::CryptoDevice& crypto) {
    std::unique_ptr<PipelineHarness> h(new PipelineHarness(crypto));
    if (auto r = h->build(); !r) return r.error();
    return h;
}

Result<void> PipelineHarness::build() {
    auto pool = dp::Mempool::create("bench_pool", 8191, 256, SOCKET_ID_ANY);
    if (!pool) return pool.error();
    pool_ = std::make_unique<dp::Mempool>(std::move(*pool));
    for (int i = 0; i < 2; ++i) {
        const std::string n = "bench" + std::to_string(i);
        rx_[i] = rte_ring_create((n + "rx").c_str(), 1024, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
        tx_[i] = rte_ring_create((n + "tx").c_str(), 1024, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
        if (!rx_[i] || !tx_[i]) return Error("cannot create rings: " + std::string(rte_strerror(rte_errno)));
        const int id = rte_eth_from_rings(n.c_str(), &rx_[i], 1, &tx_[i], 1, SOCKET_ID_ANY);
        if (id < 0) return Error("rte_eth_from_rings: " + std::string(rte_strerror(rte_errno)));
        char dev[RTE_ETH_NAME_MAX_LEN];
        if (rte_eth_dev_get_name_by_port(static_cast<uint16_t>(id), dev) != 0) return Error("ring port has no name");
        auto port = dp::Port::create(dp::PortSettings{dev, 1, 1, 256, 256, 1500, pool_->get()});
        if (!port) return port.error();
        ports_.push_back(std::move(*port));
    }

    const size_t rcu_size = rte_rcu_qsbr_get_memsize(1);
    rcu_ = static_cast<rte_rcu_qsbr*>(rte_zmalloc("bench_rcu", rcu_size, RTE_CACHE_LINE_SIZE));
    if (!rcu_ || rte_rcu_qsbr_init(rcu_, 1) != 0 || rte_rcu_qsbr_thread_register(rcu_, 0) != 0) {
        return Error("cannot set up RCU");
    }
    rte_rcu_qsbr_thread_online(rcu_, 0);

    std::vector<dp::PortInfo> infos(2);
    for (int i = 0; i < 2; ++i) {
        infos[i].eth_id = ports_[i].id();
        infos[i].mac = mac_of(ports_[i]);
    }
    infos[0].address = *Ipv4InterfaceAddress::parse("10.1.0.2/24");
    infos[1].address = *Ipv4InterfaceAddress::parse("192.0.2.2/24");
    infos[1].outside = true;
    dp::TablesConfig tc;
    tc.max_sas = 64;
    tc.max_policies = 64;
    tc.fib.max_routes = 1024;
    tc.fib.number_tbl8s = 64;
    tc.neighbours.capacity = 64;
    auto t = dp::Tables::create(tc, infos, crypto_, rcu_);
    if (!t) return t.error();
    tables_ = std::move(*t);

    std::vector<dpapi::Route> routes{
        {*Ipv4Prefix::parse("10.2.1.0/24"), dpapi::RouteKind::forward, 1, kPeer},
        {*Ipv4Prefix::parse("198.51.100.0/24"), dpapi::RouteKind::forward, 1, kPeer}};
    if (auto r = tables_->add_routes(routes); !r) return r.error();
    std::vector<dpapi::PolicyRule> rules{
        {kPolicy, 1, 10, 0, *Ipv4Prefix::parse("10.1.0.0/24"), *Ipv4Prefix::parse("10.2.1.0/24"), {}, {},
         dpapi::PolicyAction::protect},
        {0, 1, 20, 0, *Ipv4Prefix::parse("0.0.0.0/0"), *Ipv4Prefix::parse("0.0.0.0/0"), {}, {},
         dpapi::PolicyAction::bypass}};
    if (auto r = tables_->set_policies(1, rules); !r) return r.error();
    std::vector<rte_mbuf*> released;
    tables_->neighbours_mut().learn(0, kInsideHost, kInsideHostMac, 0, true, released);
    tables_->neighbours_mut().learn(1, kPeer, kPeerMac, 0, true, released);

    auto off = dp::register_packet_meta();
    if (!off) return off.error();
    handoff_ = rte_ring_create("bench_ho", 1024, SOCKET_ID_ANY, RING_F_SC_DEQ);
    to_main_ = rte_ring_create("bench_tm", 1024, SOCKET_ID_ANY, RING_F_SC_DEQ);
    events_ = rte_ring_create_elem("bench_ev", sizeof(dp::AcquireEvent), 256, SOCKET_ID_ANY, RING_F_SC_DEQ);
    if (!handoff_ || !to_main_ || !events_) return Error("cannot create worker rings");
    ctx_ = std::make_unique<dp::WorkerContext>();
    ctx_->tables = tables_.get();
    ctx_->lane = crypto_.lane(0);
    ctx_->meta_offset = *off;
    ctx_->handoff_in = handoff_;
    ctx_->handoff_out = {handoff_};
    ctx_->to_main = to_main_;
    ctx_->events = events_;
    ctx_->rcu = rcu_;
    ctx_->acquire_interval_tsc = rte_get_tsc_hz();
    return ok_result();
}

PipelineHarness::~PipelineHarness() {
    drain_sent();
    for (rte_ring* r : {rx_[0], rx_[1], handoff_, to_main_}) {
        void* m;
        while (r && rte_ring_dequeue(r, &m) == 0) rte_pktmbuf_free(static_cast<rte_mbuf*>(m));
    }
    // Offline: the tables' reclamation must not wait for this thread.
    if (rcu_) rte_rcu_qsbr_thread_offline(rcu_, 0);
    ctx_.reset();
    tables_.reset();  // SAs before the crypto device
    peer_out_.reset();
    peer_in_.reset();
    if (rcu_) {
        rte_rcu_qsbr_thread_unregister(rcu_, 0);
        rte_free(rcu_);
    }
    ports_.clear();
    rte_ring_free(handoff_);
    rte_ring_free(to_main_);
    rte_ring_free(events_);
}

Result<void> PipelineHarness::install_sas() {
    if (sas_installed_) {
        std::vector<uint32_t> ids{1, 2};
        if (auto r = tables_->delete_sas(ids); !r) return r.error();
        rte_rcu_qsbr_quiescent(rcu_, 0);
        tables_->poll();
        sas_installed_ = false;
    }
    const Algo a = case_.algo;
    std::vector<dpapi::SaParams> ours{
        sa_params(a, 1, kOurInSpi, Direction::inbound, kPeer, kOutsideAddr, false),
        sa_params(a, 2, kOurOutSpi, Direction::outbound, kOutsideAddr, kPeer, false)};
    if (auto r = tables_->add_sas(ours); !r) return r.error();
    sas_installed_ = true;
    our_in_id_ = 1;
    peer_out_.reset();
    peer_in_.reset();
    auto po = dp::Sa::create(sa_params(a, 11, kOurInSpi, Direction::outbound, kPeer, kOutsideAddr, true), crypto_);
    if (!po) return po.error();
    peer_out_ = std::make_unique<dp::Sa>(std::move(*po));
    auto pi = dp::Sa::create(sa_params(a, 12, kOurOutSpi, Direction::inbound, kOutsideAddr, kPeer, true), crypto_);
    if (!pi) return pi.error();
    peer_in_ = std::make_unique<dp::Sa>(std::move(*pi));
    return ok_result();
}

Result<void> PipelineHarness::prepare_frames() {
    next_frame_ = 0;
    if (case_.encap) {
        in_port_ = 0;
        inner_ = ipv4_udp(kInsideHost, kRemoteHost, case_.inner_len);
        frame_len_ = kEth + case_.inner_len;
        frame_stride_ = (frame_len_ + 63u) / 64u * 64u;
        n_frames_ = 1;
        frames_.assign(frame_stride_, 0);
        auto* eth = reinterpret_cast<rte_ether_hdr*>(frames_.data());
        eth->src_addr = kInsideHostMac;
        eth->dst_addr = mac_of(ports_[0]);
        eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
        std::memcpy(frames_.data() + kEth, inner_.data(), inner_.size());
        return ok_result();
    }
    // Decap: the peer encrypts kDecapFrames copies of the inner packet (sequence numbers 1..N).
    in_port_ = 1;
    inner_ = ipv4_udp(kRemoteHost, kInsideHost, case_.inner_len);
    const EspGeometry g = esp_geometry(case_.algo, case_.inner_len);
    frame_len_ = kEth + g.wire_len;
    frame_stride_ = (frame_len_ + 63u) / 64u * 64u;
    n_frames_ = kDecapFrames;
    frames_.assign(size_t{frame_stride_} * n_frames_, 0);
    const rte_ether_addr our_mac = mac_of(ports_[1]);
    for (uint32_t base = 0; base < n_frames_; base += kBurst) {
        rte_mbuf* m[kBurst];
        if (rte_pktmbuf_alloc_bulk(pool_->get(), m, kBurst) != 0) return Error("mbuf pool exhausted");
        for (auto* p : m) {
            std::memcpy(rte_pktmbuf_append(p, static_cast<uint16_t>(inner_.size())), inner_.data(), inner_.size());
            p->l2_len = 0;
            p->l3_len = 20;
        }
        dp::DropReason why[kBurst];
        const uint16_t good = dp::esp_outbound_burst(peer_out_->runtime(), crypto_.lane(0), m, kBurst, why);
        Result<void> result = ok_result();
        for (uint32_t i = 0; i < kBurst; ++i) {
            if (i >= good || rte_pktmbuf_pkt_len(m[i]) != g.wire_len) {
                result = Error("peer ESP: " + std::string(dp::drop_reason_name(why[i])) + " or unexpected length " +
                               std::to_string(rte_pktmbuf_pkt_len(m[i])) + " (expected " +
                               std::to_string(g.wire_len) + ")");
                continue;
            }
            uint8_t* f = frames_.data() + size_t{base + i} * frame_stride_;
            auto* eth = reinterpret_cast<rte_ether_hdr*>(f);
            eth->src_addr = kPeerMac;
            eth->dst_addr = our_mac;
            eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
            std::memcpy(f + kEth, rte_pktmbuf_mtod(m[i], const uint8_t*), g.wire_len);
        }
        rte_pktmbuf_free_bulk(m, kBurst);
        if (!result) return result;
    }
    return ok_result();
}

Result<void> PipelineHarness::configure(const BenchCase& c) {
    case_ = c;
    if (auto r = install_sas(); !r) return r;
    return prepare_frames();
}

bool PipelineHarness::refill(rte_mbuf** pkts) {
    if (rte_pktmbuf_alloc_bulk(pool_->get(), pkts, kBurst) != 0) return false;
    for (uint16_t i = 0; i < kBurst; ++i) {
        if (next_frame_ == n_frames_) {
            next_frame_ = 0;
            // Decap replays its prepared set: start the window afresh (see the header).
            if (!case_.encap) tables_->sa_at(our_in_id_)->sa.runtime().window.reset();
        }
        const uint8_t* f = frames_.data() + size_t{next_frame_++} * frame_stride_;
        rte_mbuf* m = pkts[i];
        std::memcpy(rte_pktmbuf_mtod(m, uint8_t*), f, frame_len_);
        m->data_len = static_cast<uint16_t>(frame_len_);
        m->pkt_len = frame_len_;
    }
    return true;
}

void PipelineHarness::run_burst(rte_mbuf** pkts) {
    dp::worker_process_handoffs(*ctx_);
    dp::worker_process_rx(*ctx_, in_port_, pkts, kBurst);
    dp::worker_flush(*ctx_);
    rte_rcu_qsbr_quiescent(rcu_, 0);
}

uint16_t PipelineHarness::take_sent(uint16_t port, rte_mbuf** out, uint16_t max) {
    return static_cast<uint16_t>(rte_ring_sc_dequeue_burst(tx_[port], reinterpret_cast<void**>(out), max, nullptr));
}

uint64_t PipelineHarness::drain_sent() {
    uint64_t n = 0;
    rte_mbuf* m[64];
    for (uint16_t port = 0; port < 2; ++port) {
        while (uint16_t k = take_sent(port, m, 64)) {
            rte_pktmbuf_free_bulk(m, k);
            n += k;
        }
    }
    return n;
}

uint64_t PipelineHarness::drops() const {
    uint64_t n = 0;
    for (const auto& d : ctx_->counters.drops) n += d.load(std::memory_order_relaxed);
    return n;
}

Sample PipelineHarness::measure(uint64_t duration_tsc) {
    rte_mbuf* pkts[kBurst];
    uint64_t in = 0, out = 0;
    BurstTimer timer(duration_tsc);
    while (timer.running()) {
        out += drain_sent();
        if (!refill(pkts)) break;
        const uint64_t t0 = rte_rdtsc();
        run_burst(pkts);
        const uint64_t t1 = rte_rdtsc();
        timer.add(t1 - t0);
        in += kBurst;
    }
    out += drain_sent();
    return timer.finish(kBurst, in - out);
}

bool PipelineHarness::refill_l3(rte_mbuf** pkts) {
    if (!refill(pkts)) return false;
    for (uint16_t i = 0; i < kBurst; ++i) {
        rte_pktmbuf_adj(pkts[i], kEth);
        pkts[i]->l2_len = 0;
        pkts[i]->l3_len = 20;
    }
    return true;
}

Sample PipelineHarness::measure_library(uint64_t duration_tsc) {
    rte_ipsec_session& ss = tables_->sa_at(case_.encap ? 2 : our_in_id_)->sa.runtime().session;
    rte_mbuf* pkts[kBurst];
    uint64_t failures = 0;
    BurstTimer timer(duration_tsc);
    while (timer.running()) {
        if (!refill_l3(pkts)) break;
        const uint64_t t0 = rte_rdtsc();
        const uint16_t prepared = rte_ipsec_pkt_cpu_prepare(&ss, pkts, kBurst);
        const uint16_t good = rte_ipsec_pkt_process(&ss, pkts, prepared);
        const uint64_t t1 = rte_rdtsc();
        timer.add(t1 - t0);
        failures += kBurst - good;
        rte_pktmbuf_free_bulk(pkts, kBurst);
    }
    return timer.finish(kBurst, failures);
}

Sample PipelineHarness::measure_esp(uint64_t duration_tsc) {
    dp::SaRuntime& sa = tables_->sa_at(case_.encap ? 2 : our_in_id_)->sa.runtime();
    const dp::CryptoLane lane = crypto_.lane(0);
    rte_mbuf* pkts[kBurst];
    dp::DropReason why[kBurst];
    uint64_t failures = 0;
    BurstTimer timer(duration_tsc);
    while (timer.running()) {
        if (!refill_l3(pkts)) break;
        const uint64_t t0 = rte_rdtsc();
        const uint16_t good = case_.encap ? dp::esp_outbound_burst(sa, lane, pkts, kBurst, why)
                                          : dp::esp_inbound_burst(sa, lane, pkts, kBurst, why);
        const uint64_t t1 = rte_rdtsc();
        timer.add(t1 - t0);
        failures += kBurst - good;
        rte_pktmbuf_free_bulk(pkts, kBurst);
    }
    return timer.finish(kBurst, failures);
}

Result<void> PipelineHarness::check() {
    const std::string what = case_.name() + ": pipeline: ";
    const EspGeometry g = esp_geometry(case_.algo, case_.inner_len);
    const uint16_t out_port = case_.encap ? 1 : 0;
    const uint64_t drops_before = drops();
    drain_sent();
    // Enough bursts to wrap the decap set once (the replay window reset is exercised).
    const uint32_t bursts = case_.encap ? 4 : kDecapFrames / kBurst + 2;
    std::vector<uint8_t> expect = inner_;
    if (case_.encap) {  // forwarded once before encryption
        auto* ip = reinterpret_cast<rte_ipv4_hdr*>(expect.data());
        ip->time_to_live--;
        ip->hdr_checksum = 0;
        ip->hdr_checksum = rte_ipv4_cksum(ip);
    }
    const rte_ether_addr want_dst = case_.encap ? kPeerMac : kInsideHostMac;
    for (uint32_t b = 0; b < bursts; ++b) {
        rte_mbuf* pkts[kBurst];
        if (!refill(pkts)) return Error(what + "mbuf pool exhausted");
        run_burst(pkts);
        rte_mbuf* sent[kBurst];
        const uint16_t n = take_sent(out_port, sent, kBurst);
        if (n != kBurst) {
            rte_pktmbuf_free_bulk(sent, n);
            return Error(what + std::to_string(n) + " of 32 frames came out (drops " +
                         std::to_string(drops() - drops_before) + ")");
        }
        Result<void> result = ok_result();
        for (uint16_t i = 0; i < n && result; ++i) {
            rte_mbuf* m = sent[i];
            const auto* eth = rte_pktmbuf_mtod(m, const rte_ether_hdr*);
            if (!rte_is_same_ether_addr(&eth->dst_addr, &want_dst)) {
                result = Error(what + "frame to the wrong MAC");
                break;
            }
            rte_pktmbuf_adj(m, kEth);
            if (case_.encap) {
                const auto* ip = rte_pktmbuf_mtod(m, const rte_ipv4_hdr*);
                if (rte_pktmbuf_pkt_len(m) != g.wire_len || ip->next_proto_id != IPPROTO_ESP ||
                    rte_be_to_cpu_32(ip->dst_addr) != kPeer.value() || rte_ipv4_cksum(ip) != 0) {
                    result = Error(what + "not the ESP expected (length " + std::to_string(rte_pktmbuf_pkt_len(m)) +
                                   ", expected " + std::to_string(g.wire_len) + ")");
                    break;
                }
                dp::DropReason why[1];
                rte_mbuf* one[1] = {m};
                if (dp::esp_inbound_burst(peer_in_->runtime(), crypto_.lane(0), one, 1, why) != 1) {
                    result = Error(what + "the peer cannot decrypt the output: " + dp::drop_reason_name(why[0]));
                    break;
                }
            }
            if (rte_pktmbuf_pkt_len(m) != expect.size() ||
                std::memcmp(rte_pktmbuf_mtod(m, const uint8_t*), expect.data(), expect.size()) != 0) {
                result = Error(what + "output is not the inner packet");
            }
        }
        rte_pktmbuf_free_bulk(sent, n);
        if (!result) return result;
    }
    if (drops() != drops_before) return Error(what + "the pipeline dropped packets");
    if (drain_sent() != 0) return Error(what + "frames left on the wrong port");
    return ok_result();
}

}  // namespace tandem::bench
