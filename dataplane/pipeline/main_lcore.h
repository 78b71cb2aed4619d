// The main lcore's share of the packet work, one poll() per main-loop iteration:
//
//   kernel interfaces -> ports    what the kernel sends (IKE, HSRP, BIRD, ARP replies) goes out
//   to_main ring                   ARP frames from the workers: learn the sender (RFC 826 merge),
//                                  answer requests for virtual addresses with their virtual MAC,
//                                  pass the rest to the kernel (it answers for its own address);
//                                  packets whose next hop is unresolved: NeighbourTable::resolve,
//                                  ARP request when the entry is new
//   neighbour timers               retries and aging (NeighbourTable::tick)
//   events ring                    ACQUIREs raised by workers, collected for the API
//   reclamation                    Tables::poll (RCU grace periods)
//
// It transmits on TX queue `tx_queue` of every port (one past the workers' queues).
#pragma once

#include <rte_mempool.h>
#include <rte_ring.h>

#include <array>
#include <vector>

#include "dataplane/pipeline/tables.h"
#include "dataplane/pipeline/worker.h"

namespace tandem::dp {

struct MainCounters {
    uint64_t kernel_to_port = 0;
    uint64_t arp_in = 0;
    uint64_t arp_bad = 0;
    uint64_t arp_replies_sent = 0;     // for virtual addresses
    uint64_t arp_requests_sent = 0;
    uint64_t resolved_sent = 0;        // packets sent after their neighbour resolved
    uint64_t tx_full = 0;
    std::array<uint64_t, kMaxPorts> tx_drops{};  // tx_full by dataplane port
};

struct MainContext {
    Tables* tables = nullptr;
    int meta_offset = -1;
    rte_ring* to_main = nullptr;
    rte_ring* events = nullptr;
    rte_mempool* pool = nullptr;       // for ARP packets the main lcore builds
    uint16_t tx_queue = 0;
    std::vector<AcquireEvent> acquires;  // collected; the API layer takes them
    MainCounters counters;
};

// One iteration; returns whether there was anything to do. now_ms: a monotonic clock.
bool main_poll(MainContext& mc, uint64_t now_ms);

// Sends a gratuitous ARP for a virtual address (HSRP becoming Active).
bool send_gratuitous_arp(MainContext& mc, const dpapi::VirtualAddress& v);

}  // namespace tandem::dp
