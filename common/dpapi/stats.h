// Statistics the dataplane reports through the API (STATS_PORTS, STATS_SAS, STATS_WORKERS,
// STATS_DROPS). Plain value structs: the dataplane fills them by summing its per-lcore counters
// off the fast path; the codec carries every field verbatim (u64, big-endian).
#pragma once

#include <cstdint>

#include "common/dpapi/drop_reason.h"

namespace tandem::dpapi {

// One DPDK port (rte_eth_stats plus what the application itself dropped).
struct PortStats {
    uint16_t port = 0;
    uint64_t rx_packets = 0;
    uint64_t rx_bytes = 0;
    uint64_t rx_errors = 0;    // ierrors
    uint64_t rx_drops = 0;     // imissed + rx_nombuf
    uint64_t tx_packets = 0;
    uint64_t tx_bytes = 0;
    uint64_t tx_errors = 0;    // oerrors
    uint64_t tx_drops = 0;     // packets the TX queue did not take
    friend bool operator==(const PortStats&, const PortStats&) = default;
};

inline constexpr uint64_t kNeverUsed = ~uint64_t{0};

// One SA. Packets and bytes are those that passed (bytes of the inner IP packets); drops are the
// SA's share of the drop reasons that can be charged to an SA.
struct SaStats {
    uint32_t sa_id = 0;
    uint64_t packets = 0;
    uint64_t bytes = 0;
    uint64_t replay_drops = 0;
    uint64_t auth_drops = 0;
    uint64_t policy_mismatch_drops = 0;
    uint64_t malformed_drops = 0;     // bad padding, trailer, truncated ESP
    uint64_t last_sequence = 0;       // outbound: last sent; inbound: highest accepted (64-bit)
    uint64_t idle_ms = kNeverUsed;    // milliseconds since the last packet passed; kNeverUsed
    friend bool operator==(const SaStats&, const SaStats&) = default;
};

// One worker lcore. Cycles are TSC cycles (HELLO_INFO gives the TSC frequency); busy cycles are
// loop iterations that did work, idle cycles those that polled nothing (including sleeps).
struct WorkerStats {
    uint32_t lcore_id = 0;
    uint64_t packets = 0;          // received from ports and rings and processed
    uint64_t busy_cycles = 0;
    uint64_t idle_cycles = 0;
    uint64_t handoffs = 0;         // packets passed to another worker (the SA's owner)
    friend bool operator==(const WorkerStats&, const WorkerStats&) = default;
};

}  // namespace tandem::dpapi
