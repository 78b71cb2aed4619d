// The worker lcore: run to completion, bursts of 32.
//
//   rx burst (port p)
//     -> classify: frame for us? ARP -> main lcore; IPv4 to a local address: ESP or UDP-4500 ESP
//        -> inbound; other traffic for us (IKE, HSRP, ICMP, OSPF, BGP) -> the port's kernel
//        interface; transit -> TTL, then forward
//   inbound: SA by SPI -> (hand-off to the SA's owner) -> esp_inbound_burst -> forward (no SPD)
//   forward: LPM -> next hop; egress port with an SPD and not from a tunnel -> classify:
//        PROTECT -> the policy's outbound SA (none: ACQUIRE, drop) -> (hand-off) ->
//        esp_outbound_burst -> LPM for the outer destination -> out; BYPASS -> out; DISCARD -> drop
//   out: neighbour (usable: Ethernet header, buffered TX; else -> main lcore to resolve)
//
// Everything a worker touches is in its WorkerContext (no globals); tables are read through
// Tables' acquire loads, and the worker reports an RCU quiescent state once per loop. Counters
// are written by the worker alone (relaxed load + store) and read by the main lcore.
#pragma once

#include <rte_ring.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

#include "common/dpapi/drop_reason.h"
#include "dataplane/ipsec/crypto_device.h"
#include "dataplane/pipeline/tables.h"

namespace tandem::dp {

inline constexpr uint16_t kBurst = 32;

struct RxQueue {
    uint16_t port;    // dataplane port index
    uint16_t queue;
};

// What a worker tells the main lcore about a PROTECT hit without an SA (ring element, 20 bytes).
struct AcquireEvent {
    uint32_t policy_id;
    uint16_t port;
    uint8_t protocol;
    uint8_t pad;
    uint32_t src;  // host order
    uint32_t dst;
    uint16_t src_port;
    uint16_t dst_port;
};
static_assert(sizeof(AcquireEvent) == 20);

struct alignas(64) WorkerCounters {
    std::atomic<uint64_t> packets{0};
    std::atomic<uint64_t> busy_cycles{0};
    std::atomic<uint64_t> idle_cycles{0};
    std::atomic<uint64_t> handoffs{0};
    std::array<std::atomic<uint64_t>, dpapi::kDropReasonCount> drops{};
    std::array<std::atomic<uint64_t>, kMaxPorts> tx_drops{};  // by dataplane port (also in tx_full)

    static void add(std::atomic<uint64_t>& c, uint64_t n) {
        c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }
    void drop(dpapi::DropReason r, uint64_t n = 1) { add(drops[static_cast<size_t>(r)], n); }
};

// Packets waiting to be sent on one DPDK port (flushed when full and at the end of each loop).
struct TxBatch {
    static constexpr uint16_t kSize = 64;
    rte_mbuf* pkts[kSize];
    uint16_t n = 0;
};

struct WorkerContext {
    uint16_t index = 0;                 // 0 .. workers-1; also its TX queue on every port
    Tables* tables = nullptr;
    CryptoLane lane{};
    int meta_offset = -1;
    std::vector<RxQueue> rx;
    rte_ring* handoff_in = nullptr;     // MP/SC: packets whose SA this worker owns
    std::vector<rte_ring*> handoff_out; // by worker index
    rte_ring* to_main = nullptr;        // MP/SC: ARP frames and packets to resolve
    rte_ring* events = nullptr;         // MP/SC, AcquireEvent elements
    rte_rcu_qsbr* rcu = nullptr;
    const std::atomic<bool>* stop = nullptr;
    bool adaptive = false;
    uint64_t acquire_interval_tsc = 0;  // at most one ACQUIRE per policy per interval
    WorkerCounters counters;
    std::array<TxBatch, kMaxPorts> tx;         // by dataplane port
    std::array<TxBatch, kMaxPorts> kernel_tx;  // to each port's kernel interface
};

// Processes one burst received on dataplane port `port` (also used by tests). Takes ownership of
// every mbuf: each is transmitted, handed over, queued, or freed and counted.
void worker_process_rx(WorkerContext& ctx, uint16_t port, rte_mbuf** pkts, uint16_t n);
// Processes what other workers handed over (and the flushes that follow).
uint16_t worker_process_handoffs(WorkerContext& ctx);
// Sends what the worker has buffered for transmission.
void worker_flush(WorkerContext& ctx);

// The lcore entry point (rte_eal_remote_launch): polls until *stop.
int worker_main(void* ctx);

}  // namespace tandem::dp
