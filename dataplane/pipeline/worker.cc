#include "dataplane/pipeline/worker.h"

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_prefetch.h>
#include <rte_rcu_qsbr.h>
#include <rte_udp.h>
#include <unistd.h>

#include <cstring>

#include "dataplane/ipsec/esp_burst.h"
#include "dataplane/pipeline/idle_backoff.h"
#include "dataplane/pipeline/packet_meta.h"

namespace tandem::dp {

using Drop = dpapi::DropReason;

namespace {

constexpr uint16_t kEthLen = sizeof(rte_ether_hdr);

// A list of packets moving between stages (bounded by the burst size times a small factor:
// hand-offs and fragments of work never exceed one rx burst plus the hand-off ring's burst).
struct PacketList {
    static constexpr uint16_t kSize = 2 * kEspChunk;
    rte_mbuf* pkts[kSize];
    uint16_t n = 0;
    void push(rte_mbuf* m) { pkts[n++] = m; }
};

void drop(WorkerContext& ctx, rte_mbuf* m, Drop r) {
    ctx.counters.drop(r);
    rte_pktmbuf_free(m);
}

Drop esp_reason(dp::DropReason r) {
    switch (r) {
        case dp::DropReason::replay: return Drop::replay;
        case dp::DropReason::auth_failure: return Drop::auth_failed;
        case dp::DropReason::policy_mismatch: return Drop::policy_mismatch;
        case dp::DropReason::lifetime_expired: return Drop::sa_expired;
        case dp::DropReason::wrong_sa: return Drop::unknown_spi;
        case dp::DropReason::crypto_error:
        case dp::DropReason::no_room: return Drop::crypto_error;
        case dp::DropReason::malformed:
        case dp::DropReason::none: break;
    }
    return Drop::malformed;
}

// `port_drops`: the dataplane port's TX drop counter (null for a kernel interface).
void tx_flush_batch(WorkerContext& ctx, TxBatch& b, uint16_t eth_id, std::atomic<uint64_t>* port_drops) {
    if (b.n == 0) return;
    uint16_t sent = rte_eth_tx_burst(eth_id, ctx.index, b.pkts, b.n);
    if (sent < b.n) {
        ctx.counters.drop(Drop::tx_full, b.n - sent);
        if (port_drops) WorkerCounters::add(*port_drops, b.n - sent);
        rte_pktmbuf_free_bulk(b.pkts + sent, b.n - sent);
    }
    b.n = 0;
}

void tx_enqueue(WorkerContext& ctx, uint16_t port, rte_mbuf* m) {
    TxBatch& b = ctx.tx[port];
    b.pkts[b.n++] = m;
    if (b.n == TxBatch::kSize) tx_flush_batch(ctx, b, ctx.tables->ports()[port].eth_id, &ctx.counters.tx_drops[port]);
}

// A frame (L2 header still on) for the gateway itself: to the port's kernel interface. The TAP
// carries the port's MAC: a unicast frame to anything else (an HSRP virtual MAC) would be
// PACKET_OTHERHOST there and dropped by the kernel, so it is readdressed to the port's MAC.
// Multicast and broadcast keep their destination (HSRP hellos, OSPF).
void to_kernel(WorkerContext& ctx, uint16_t port, rte_mbuf* m) {
    const PortInfo& info = ctx.tables->ports()[port];
    if (info.kernel_eth_id == RTE_MAX_ETHPORTS) {
        drop(ctx, m, Drop::exception_full);
        return;
    }
    auto* eth = rte_pktmbuf_mtod(m, rte_ether_hdr*);
    if (!rte_is_multicast_ether_addr(&eth->dst_addr) && !rte_is_same_ether_addr(&eth->dst_addr, &info.mac)) {
        eth->dst_addr = info.mac;
    }
    TxBatch& b = ctx.kernel_tx[port];
    b.pkts[b.n++] = m;
    if (b.n == TxBatch::kSize) tx_flush_batch(ctx, b, info.kernel_eth_id, nullptr);
}

void to_main(WorkerContext& ctx, rte_mbuf* m) {
    if (rte_ring_mp_enqueue(ctx.to_main, m) != 0) drop(ctx, m, Drop::exception_full);
}

void hand_off(WorkerContext& ctx, rte_mbuf* m, uint16_t owner, PacketStage stage, uint32_t sa_index, uint32_t policy_id) {
    PacketMeta& pm = meta_of(m, ctx.meta_offset);
    pm.stage = stage;
    pm.sa_index = sa_index;
    pm.policy_id = policy_id;
    if (rte_ring_mp_enqueue(ctx.handoff_out[owner], m) != 0) {
        drop(ctx, m, Drop::handoff_full);
        return;
    }
    WorkerCounters::add(ctx.counters.handoffs, 1);
}

// RFC 1624 incremental checksum update for the TTL decrement (TTL is the high byte of its word).
void decrement_ttl(rte_ipv4_hdr* ip) {
    ip->time_to_live--;
    uint32_t sum = rte_be_to_cpu_16(ip->hdr_checksum) + 0x0100;
    ip->hdr_checksum = rte_cpu_to_be_16(static_cast<uint16_t>(sum + (sum >> 16)));
}

void forward(WorkerContext& ctx, PacketList& list);

// Runs consecutive packets of one SA through the ESP engine; good packets continue to forward().
template <bool Outbound>
void run_esp(WorkerContext& ctx, SaEntry* sa, rte_mbuf** pkts, uint16_t n, PacketList& next) {
    dp::DropReason why[PacketList::kSize];
    uint16_t good = Outbound ? esp_outbound_burst(sa->sa.runtime(), ctx.lane, pkts, n, why)
                             : esp_inbound_burst(sa->sa.runtime(), ctx.lane, pkts, n, why);
    for (uint16_t i = 0; i < good; ++i) {
        PacketMeta& pm = meta_of(pkts[i], ctx.meta_offset);
        pm.skip_spd = true;  // from a tunnel, or just encrypted: the SPD has had its say
        pm.stage = PacketStage::received;
        next.push(pkts[i]);
    }
    for (uint16_t i = good; i < n; ++i) drop(ctx, pkts[i], esp_reason(why[i]));
}

// Packets for SAs, in arrival order, each with its SA: runs of one SA are processed together
// (VPP's "reload SA state only when the SA changes"); packets of SAs another worker owns are
// handed over.
template <bool Outbound>
void process_sa_packets(WorkerContext& ctx, rte_mbuf** pkts, SaEntry** sas, uint16_t n) {
    PacketList next;
    uint16_t i = 0;
    while (i < n) {
        SaEntry* sa = sas[i];
        uint16_t j = i + 1;
        while (j < n && sas[j] == sa) ++j;
        if (sa->owner != ctx.index) {
            for (uint16_t k = i; k < j; ++k) {
                hand_off(ctx, pkts[k], sa->owner, Outbound ? PacketStage::esp_outbound : PacketStage::esp_inbound, sa->sa_id,
                         sa->policy_id);
            }
        } else {
            run_esp<Outbound>(ctx, sa, pkts + i, static_cast<uint16_t>(j - i), next);
        }
        i = j;
    }
    if (next.n) forward(ctx, next);
}

// Neighbour resolution and Ethernet header for packets whose egress port and next hop are known.
void send_out(WorkerContext& ctx, rte_mbuf** pkts, const uint16_t* ports, const uint32_t* hops, uint16_t n) {
    NeighbourKey keys[PacketList::kSize];
    NeighbourHit hits[PacketList::kSize];
    for (uint16_t i = 0; i < n; ++i) keys[i] = NeighbourKey{hops[i], ports[i], 0};
    ctx.tables->neighbours().lookup_bulk(keys, n, hits);
    for (uint16_t i = 0; i < n; ++i) {
        rte_mbuf* m = pkts[i];
        if (!hits[i].usable()) {
            PacketMeta& pm = meta_of(m, ctx.meta_offset);
            pm.stage = PacketStage::resolve;
            pm.egress_port = ports[i];
            pm.next_hop = hops[i];
            to_main(ctx, m);
            continue;
        }
        auto* eth = reinterpret_cast<rte_ether_hdr*>(rte_pktmbuf_prepend(m, kEthLen));
        if (!eth) {
            drop(ctx, m, Drop::malformed);
            continue;
        }
        eth->dst_addr = hits[i].mac;
        eth->src_addr = ctx.tables->ports()[ports[i]].mac;
        eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
        m->l2_len = kEthLen;
        tx_enqueue(ctx, ports[i], m);
    }
}

void raise_acquire(WorkerContext& ctx, uint32_t policy_id, uint16_t port, const SpdKey& k) {
    if (!ctx.events || !ctx.tables->acquire_due(policy_id, rte_rdtsc(), ctx.acquire_interval_tsc)) return;
    AcquireEvent ev{policy_id, port, k.protocol, 0, rte_be_to_cpu_32(k.src_be), rte_be_to_cpu_32(k.dst_be),
                    rte_be_to_cpu_16(k.src_port_be), rte_be_to_cpu_16(k.dst_port_be)};
    (void)rte_ring_mp_enqueue_elem(ctx.events, &ev, sizeof ev);  // full: the next packet retries
}

// IPv4 packets (data at the IP header): route, apply the egress port's SPD, send.
void forward(WorkerContext& ctx, PacketList& list) {
    const Tables& t = *ctx.tables;
    uint32_t dst[PacketList::kSize], slot[PacketList::kSize];
    for (uint16_t i = 0; i < list.n; ++i) {
        dst[i] = rte_be_to_cpu_32(rte_pktmbuf_mtod(list.pkts[i], rte_ipv4_hdr*)->dst_addr);
    }
    t.fib().lookup_bulk(dst, slot, list.n);

    rte_mbuf* out[PacketList::kSize];
    uint16_t out_port[PacketList::kSize];
    uint32_t out_hop[PacketList::kSize];
    uint16_t n_out = 0;
    rte_mbuf* check[PacketList::kSize];  // need the SPD of their egress port
    uint16_t check_port[PacketList::kSize];
    uint32_t check_hop[PacketList::kSize];
    uint16_t n_check = 0;

    for (uint16_t i = 0; i < list.n; ++i) {
        rte_mbuf* m = list.pkts[i];
        if (slot[i] == Fib::kNoRoute) {
            drop(ctx, m, Drop::no_route);
            continue;
        }
        NextHop hop = t.fib().next_hop(slot[i]);
        if (hop.kind == dpapi::RouteKind::blackhole) {
            drop(ctx, m, Drop::blackhole);
            continue;
        }
        if (hop.kind == dpapi::RouteKind::local) {
            // For the gateway itself (e.g. through a tunnel): the kernel interface of that port.
            auto* eth = reinterpret_cast<rte_ether_hdr*>(rte_pktmbuf_prepend(m, kEthLen));
            if (!eth) {
                drop(ctx, m, Drop::malformed);
                continue;
            }
            eth->dst_addr = t.ports()[hop.port].mac;
            eth->src_addr = t.ports()[hop.port].mac;
            eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
            to_kernel(ctx, hop.port, m);
            continue;
        }
        uint32_t nh = hop.gateway.is_unspecified() ? dst[i] : hop.gateway.value();
        if (!meta_of(m, ctx.meta_offset).skip_spd && t.spd(hop.port)) {
            check[n_check] = m;
            check_port[n_check] = hop.port;
            check_hop[n_check++] = nh;
        } else {
            out[n_out] = m;
            out_port[n_out] = hop.port;
            out_hop[n_out++] = nh;
        }
    }

    if (n_check) {
        SpdKey keys[PacketList::kSize];
        SpdVerdict verdicts[PacketList::kSize];
        for (uint16_t i = 0; i < n_check; ++i) {
            const auto* ip = rte_pktmbuf_mtod(check[i], const rte_ipv4_hdr*);
            spd_key_from_ipv4(ip, rte_pktmbuf_data_len(check[i]), keys[i]);
        }
        // Packets of one burst usually leave by one port: classify runs of the same port.
        for (uint16_t i = 0; i < n_check;) {
            uint16_t j = i + 1;
            while (j < n_check && check_port[j] == check_port[i]) ++j;
            t.spd(check_port[i])->classify({keys + i, static_cast<size_t>(j - i)}, verdicts + i);
            i = j;
        }
        rte_mbuf* protect[PacketList::kSize];
        SaEntry* protect_sa[PacketList::kSize];
        uint16_t n_protect = 0;
        for (uint16_t i = 0; i < n_check; ++i) {
            switch (verdicts[i].action) {
                case dpapi::PolicyAction::bypass:
                    out[n_out] = check[i];
                    out_port[n_out] = check_port[i];
                    out_hop[n_out++] = check_hop[i];
                    break;
                case dpapi::PolicyAction::discard:
                    drop(ctx, check[i], Drop::policy_discard);
                    break;
                case dpapi::PolicyAction::protect:
                    if (SaEntry* sa = t.outbound_sa(verdicts[i].policy_id)) {
                        protect[n_protect] = check[i];
                        protect_sa[n_protect++] = sa;
                    } else {
                        raise_acquire(ctx, verdicts[i].policy_id, check_port[i], keys[i]);
                        drop(ctx, check[i], Drop::acquire_pending);
                    }
                    break;
            }
        }
        if (n_protect) process_sa_packets<true>(ctx, protect, protect_sa, n_protect);
    }
    if (n_out) send_out(ctx, out, out_port, out_hop, n_out);
    list.n = 0;
}

// RFC 4301 section 5.2: cleartext transit packets (data at the IP header) arriving on `port` are
// looked up in the port's inbound SPD (the mirrored rules). PROTECT: the traffic should have come
// through a tunnel (dropped, cleartext_protected); DISCARD: dropped; BYPASS: stays in `list`.
void inbound_policy_check(WorkerContext& ctx, const Spd& spd, PacketList& list) {
    SpdKey keys[PacketList::kSize];
    SpdVerdict verdicts[PacketList::kSize];
    for (uint16_t i = 0; i < list.n; ++i) {
        const rte_mbuf* m = list.pkts[i];
        spd_key_from_ipv4(rte_pktmbuf_mtod(m, const rte_ipv4_hdr*), rte_pktmbuf_data_len(m), keys[i]);
    }
    spd.classify({keys, list.n}, verdicts);
    uint16_t kept = 0;
    for (uint16_t i = 0; i < list.n; ++i) {
        switch (verdicts[i].action) {
            case dpapi::PolicyAction::bypass: list.pkts[kept++] = list.pkts[i]; break;
            case dpapi::PolicyAction::protect: drop(ctx, list.pkts[i], Drop::cleartext_protected); break;
            case dpapi::PolicyAction::discard: drop(ctx, list.pkts[i], Drop::policy_discard); break;
        }
    }
    list.n = kept;
}

// True when the UDP datagram at `udp` (with `len` bytes from its header on) carries ESP: port
// 4500 and a non-zero first word (RFC 3948's non-ESP marker is zero: that is IKE).
bool is_udp_esp(const rte_udp_hdr* udp, uint32_t len) {
    if (len < sizeof(rte_udp_hdr) + 8 || udp->dst_port != rte_cpu_to_be_16(4500)) return false;
    uint32_t first;
    std::memcpy(&first, udp + 1, 4);
    return first != 0;
}

}  // namespace

void worker_process_rx(WorkerContext& ctx, uint16_t port, rte_mbuf** pkts, uint16_t n) {
    const Tables& t = *ctx.tables;
    const PortInfo& info = t.ports()[port];
    const AddressSet* local = t.addresses();
    PacketList transit;
    rte_mbuf* esp[kBurst];
    SaEntry* esp_sa[kBurst];
    uint16_t n_esp = 0;
    WorkerCounters::add(ctx.counters.packets, n);

    for (uint16_t i = 0; i < n; ++i) {
        if (i + 3 < n) rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 3], void*));
        rte_mbuf* m = pkts[i];
        PacketMeta& pm = meta_of(m, ctx.meta_offset);
        pm = PacketMeta{};
        pm.ingress_port = port;
        uint32_t len = rte_pktmbuf_data_len(m);
        if (len < kEthLen) {
            drop(ctx, m, Drop::malformed);
            continue;
        }
        auto* eth = rte_pktmbuf_mtod(m, rte_ether_hdr*);
        if (!local->accepts(port, eth->dst_addr, info.mac)) {
            drop(ctx, m, Drop::not_for_us);
            continue;
        }
        if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP)) {
            to_main(ctx, m);
            continue;
        }
        if (eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)) {
            drop(ctx, m, Drop::unsupported);
            continue;
        }
        auto* ip = reinterpret_cast<rte_ipv4_hdr*>(eth + 1);
        uint32_t ihl = (ip->version_ihl & 0x0f) * 4u;
        uint32_t total = rte_be_to_cpu_16(ip->total_length);
        if (len < kEthLen + sizeof(rte_ipv4_hdr) || (ip->version_ihl >> 4) != 4 || ihl < 20 || total < ihl ||
            total > len - kEthLen) {
            drop(ctx, m, Drop::malformed);
            continue;
        }
        // Ethernet padding. The packet is within the first segment; trailing segments are
        // padding too and must go with it (a failed trim would leave them on the packet).
        const uint32_t excess = m->pkt_len - kEthLen - total;
        if (excess != 0 && (excess > UINT16_MAX || rte_pktmbuf_trim(m, static_cast<uint16_t>(excess)) != 0)) {
            drop(ctx, m, Drop::malformed);
            continue;
        }
        Ipv4Address dst(rte_be_to_cpu_32(ip->dst_addr));
        bool for_us = local->find(dst) != nullptr;
        if (for_us || dst.is_multicast() || dst.is_broadcast()) {
            bool is_esp = false;
            if (for_us && ip->next_proto_id == IPPROTO_ESP) {
                is_esp = total >= ihl + 8;
            } else if (for_us && ip->next_proto_id == IPPROTO_UDP && total >= ihl + sizeof(rte_udp_hdr)) {
                is_esp = is_udp_esp(reinterpret_cast<const rte_udp_hdr*>(reinterpret_cast<uint8_t*>(ip) + ihl), total - ihl);
            }
            if (!is_esp) {
                to_kernel(ctx, port, m);
                continue;
            }
            uint32_t spi_off = ihl + (ip->next_proto_id == IPPROTO_UDP ? sizeof(rte_udp_hdr) : 0);
            uint32_t spi_be;
            std::memcpy(&spi_be, reinterpret_cast<uint8_t*>(ip) + spi_off, 4);
            SaEntry* sa = t.sa_by_spi(rte_be_to_cpu_32(spi_be));
            if (!sa || sa->outbound) {
                drop(ctx, m, Drop::unknown_spi);
                continue;
            }
            rte_pktmbuf_adj(m, kEthLen);
            m->l2_len = 0;
            esp[n_esp] = m;
            esp_sa[n_esp++] = sa;
            continue;
        }
        // Transit.
        if (ip->time_to_live <= 1) {
            drop(ctx, m, Drop::ttl_exceeded);
            continue;
        }
        decrement_ttl(ip);
        rte_pktmbuf_adj(m, kEthLen);
        m->l2_len = 0;
        transit.push(m);
    }
    if (n_esp) process_sa_packets<false>(ctx, esp, esp_sa, n_esp);
    if (transit.n) {
        if (const Spd* inbound = t.inbound_spd(port)) inbound_policy_check(ctx, *inbound, transit);
        if (transit.n) forward(ctx, transit);
    }
}

uint16_t worker_process_handoffs(WorkerContext& ctx) {
    rte_mbuf* pkts[kBurst];
    unsigned n = rte_ring_sc_dequeue_burst(ctx.handoff_in, reinterpret_cast<void**>(pkts), kBurst, nullptr);
    rte_mbuf* in[kBurst];
    SaEntry* in_sa[kBurst];
    uint16_t n_in = 0;
    rte_mbuf* out[kBurst];
    SaEntry* out_sa[kBurst];
    uint16_t n_out = 0;
    PacketList again;  // outbound packets whose SA went away since the hand-off
    for (unsigned i = 0; i < n; ++i) {
        const PacketMeta& pm = meta_of(pkts[i], ctx.meta_offset);
        SaEntry* sa = ctx.tables->sa_at(pm.sa_index);
        if (pm.stage == PacketStage::esp_outbound) {
            // A make-before-break rekey deletes the old SA as soon as the new one serves the
            // policy, and its id may already serve another SA: the packet, still in the clear,
            // is routed and classified again, as if it had arrived now (the policy's current SA,
            // perhaps another hand-off). Dropping it here lost packets on every rekey.
            if (!sa || sa->owner != ctx.index || !sa->outbound || sa->policy_id != pm.policy_id) {
                again.push(pkts[i]);
                continue;
            }
            out[n_out] = pkts[i];
            out_sa[n_out++] = sa;
        } else {
            if (!sa || sa->owner != ctx.index || sa->outbound) {  // deleted (or id reused) since the hand-off
                drop(ctx, pkts[i], Drop::unknown_spi);
                continue;
            }
            in[n_in] = pkts[i];
            in_sa[n_in++] = sa;
        }
    }
    if (n_in) process_sa_packets<false>(ctx, in, in_sa, n_in);
    if (n_out) process_sa_packets<true>(ctx, out, out_sa, n_out);
    if (again.n) forward(ctx, again);
    return static_cast<uint16_t>(n);
}

void worker_flush(WorkerContext& ctx) {
    const auto& ports = ctx.tables->ports();
    for (uint16_t p = 0; p < ports.size(); ++p) {
        tx_flush_batch(ctx, ctx.tx[p], ports[p].eth_id, &ctx.counters.tx_drops[p]);
        if (ports[p].kernel_eth_id != RTE_MAX_ETHPORTS) tx_flush_batch(ctx, ctx.kernel_tx[p], ports[p].kernel_eth_id, nullptr);
    }
}

int worker_main(void* arg) {
    auto& ctx = *static_cast<WorkerContext*>(arg);
    IdleBackoff backoff(ctx.adaptive);
    if (ctx.rcu) rte_rcu_qsbr_thread_online(ctx.rcu, ctx.index);
    uint64_t last = rte_rdtsc();
    while (!ctx.stop->load(std::memory_order_relaxed)) {
        bool did_work = worker_process_handoffs(ctx) > 0;
        for (const RxQueue& q : ctx.rx) {
            rte_mbuf* pkts[kBurst];
            uint16_t n = rte_eth_rx_burst(ctx.tables->ports()[q.port].eth_id, q.queue, pkts, kBurst);
            if (n) {
                worker_process_rx(ctx, q.port, pkts, n);
                did_work = true;
            }
        }
        worker_flush(ctx);
        if (ctx.rcu) rte_rcu_qsbr_quiescent(ctx.rcu, ctx.index);
        uint64_t now = rte_rdtsc();
        WorkerCounters::add(did_work ? ctx.counters.busy_cycles : ctx.counters.idle_cycles, now - last);
        last = now;
        if (uint32_t us = backoff.next(did_work)) usleep(us);
    }
    if (ctx.rcu) rte_rcu_qsbr_thread_offline(ctx.rcu, ctx.index);
    return 0;
}

}  // namespace tandem::dp
