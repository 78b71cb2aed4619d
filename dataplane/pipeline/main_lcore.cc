#include "dataplane/pipeline/main_lcore.h"

#include <rte_arp.h>
#include <rte_ethdev.h>
#include <rte_ip.h>

#include "dataplane/pipeline/packet_meta.h"

namespace tandem::dp {

namespace {

constexpr uint16_t kEthLen = sizeof(rte_ether_hdr);

void send(MainContext& mc, uint16_t port, rte_mbuf* m) {
    if (rte_eth_tx_burst(mc.tables->ports()[port].eth_id, mc.tx_queue, &m, 1) != 1) {
        rte_pktmbuf_free(m);
        ++mc.counters.tx_full;
        ++mc.counters.tx_drops[port];
    }
}

// The address the gateway speaks ARP from on a port: its interface address.
std::optional<Ipv4Address> source_for(const Tables& t, uint16_t port, Ipv4Address target) {
    const auto& addr = t.ports()[port].address;
    if (addr && addr->subnet().contains(target)) return addr->address;
    if (addr) return addr->address;
    return std::nullopt;
}

void send_arp_request(MainContext& mc, uint16_t port, Ipv4Address target) {
    auto src = source_for(*mc.tables, port, target);
    if (!src) return;
    rte_mbuf* m = rte_pktmbuf_alloc(mc.pool);
    if (!m) return;
    if (!build_arp_request(m, mc.tables->ports()[port].mac, *src, target)) {
        rte_pktmbuf_free(m);
        return;
    }
    ++mc.counters.arp_requests_sent;
    send(mc, port, m);
}

// A packet (data at its IP header) whose neighbour is now known.
void send_resolved(MainContext& mc, rte_mbuf* m, const rte_ether_addr& mac) {
    const PacketMeta& pm = meta_of(m, mc.meta_offset);
    auto* eth = reinterpret_cast<rte_ether_hdr*>(rte_pktmbuf_prepend(m, kEthLen));
    if (!eth) {
        rte_pktmbuf_free(m);
        return;
    }
    eth->dst_addr = mac;
    eth->src_addr = mc.tables->ports()[pm.egress_port].mac;
    eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
    ++mc.counters.resolved_sent;
    send(mc, pm.egress_port, m);
}

void handle_arp(MainContext& mc, rte_mbuf* m, uint64_t now_ms) {
    ++mc.counters.arp_in;
    uint16_t port = meta_of(m, mc.meta_offset).ingress_port;
    auto arp = parse_arp(m, kEthLen);
    if (!arp) {
        ++mc.counters.arp_bad;
        rte_pktmbuf_free(m);
        return;
    }
    const AddressSet* local = mc.tables->addresses();
    const LocalAddress* target = local->find(arp->target_ip);
    bool to_us = target && target->port == port;
    std::vector<rte_mbuf*> released;
    mc.tables->neighbours_mut().learn(port, arp->sender_ip, arp->sender_mac, now_ms, to_us, released);
    for (rte_mbuf* r : released) send_resolved(mc, r, arp->sender_mac);

    if (to_us && target->is_virtual) {
        if (arp->op == RTE_ARP_OP_REQUEST && !arp->is_gratuitous()) {
            rte_mbuf* reply = rte_pktmbuf_alloc(mc.pool);
            if (reply && build_arp_reply(reply, target->mac, target->ip, arp->sender_mac, arp->sender_ip)) {
                ++mc.counters.arp_replies_sent;
                send(mc, port, reply);
            } else if (reply) {
                rte_pktmbuf_free(reply);
            }
        }
        rte_pktmbuf_free(m);  // the kernel must not answer for a virtual address with the port MAC
        return;
    }
    // The kernel answers for its own address and learns the neighbours its sockets need.
    const PortInfo& info = mc.tables->ports()[port];
    if (info.kernel_eth_id != RTE_MAX_ETHPORTS && (to_us || arp->is_gratuitous())) {
        if (rte_eth_tx_burst(info.kernel_eth_id, mc.tx_queue, &m, 1) == 1) return;
    }
    rte_pktmbuf_free(m);
}

void handle_resolve(MainContext& mc, rte_mbuf* m, uint64_t now_ms) {
    const PacketMeta& pm = meta_of(m, mc.meta_offset);
    uint16_t port = pm.egress_port;
    Ipv4Address hop(pm.next_hop);
    rte_ether_addr mac{};
    switch (mc.tables->neighbours_mut().resolve(port, hop, m, now_ms, &mac)) {
        case ResolveResult::ready: send_resolved(mc, m, mac); break;
        case ResolveResult::send_request: send_arp_request(mc, port, hop); break;
        case ResolveResult::queued:
        case ResolveResult::dropped: break;
    }
}

}  // namespace

bool main_poll(MainContext& mc, uint64_t now_ms) {
    bool did_work = false;
    const auto& ports = mc.tables->ports();
    for (uint16_t p = 0; p < ports.size(); ++p) {
        if (ports[p].kernel_eth_id == RTE_MAX_ETHPORTS) continue;
        for (uint16_t q = 0; q < ports[p].kernel_rx_queues; ++q) {
            rte_mbuf* pkts[kBurst];
            uint16_t n = rte_eth_rx_burst(ports[p].kernel_eth_id, q, pkts, kBurst);
            if (!n) continue;
            did_work = true;
            uint16_t sent = rte_eth_tx_burst(ports[p].eth_id, mc.tx_queue, pkts, n);
            mc.counters.kernel_to_port += sent;
            if (sent < n) {
                mc.counters.tx_full += n - sent;
                mc.counters.tx_drops[p] += n - sent;
                rte_pktmbuf_free_bulk(pkts + sent, n - sent);
            }
        }
    }
    rte_mbuf* pkts[kBurst];
    unsigned n = rte_ring_sc_dequeue_burst(mc.to_main, reinterpret_cast<void**>(pkts), kBurst, nullptr);
    for (unsigned i = 0; i < n; ++i) {
        if (meta_of(pkts[i], mc.meta_offset).stage == PacketStage::resolve) {
            handle_resolve(mc, pkts[i], now_ms);
        } else {
            handle_arp(mc, pkts[i], now_ms);
        }
    }
    did_work |= n > 0;

    std::vector<ArpRequestDue> due;
    mc.tables->neighbours_mut().tick(now_ms, due);
    for (const auto& d : due) send_arp_request(mc, d.port, d.ip);

    if (mc.events) {
        AcquireEvent ev;
        while (rte_ring_sc_dequeue_elem(mc.events, &ev, sizeof ev) == 0) {
            mc.acquires.push_back(ev);
            did_work = true;
        }
    }
    mc.tables->poll();
    return did_work;
}

bool send_gratuitous_arp(MainContext& mc, const dpapi::VirtualAddress& v) {
    rte_mbuf* m = rte_pktmbuf_alloc(mc.pool);
    if (!m) return false;
    rte_ether_addr mac;
    std::copy(v.mac.begin(), v.mac.end(), mac.addr_bytes);
    if (!build_gratuitous_arp(m, mac, v.address)) {
        rte_pktmbuf_free(m);
        return false;
    }
    send(mc, v.port, m);
    return true;
}

}  // namespace tandem::dp
