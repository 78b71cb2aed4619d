// Telemetry: the dataplane's statistics as DPDK telemetry commands, for `dpdk-telemetry.py` and
// any client of the telemetry socket (<EAL runtime dir>/dpdk_telemetry.v2; the runtime dir
// follows --file-prefix, so several gateways on one host each have their own socket).
//
//   /tandem/info          version, API version, ports, workers, SAs, crypto, uptime
//   /tandem/ports         one array per counter, indexed by dataplane port
//   /tandem/port,<id>     one port by index or by interface name
//   /tandem/workers       one array per counter, indexed by worker
//   /tandem/drops         the workers' drop counters summed, by reason name
//   /tandem/sa            the installed sa_ids (at most 512; /tandem/info has the count)
//   /tandem/sa,<id>       one SA: SPI, direction, addresses, algorithms, packets, bytes, drops
//                         by the SA's own reasons (dp::DropReason of ipsec/sa.h)
//
// Thread model: the callbacks run on DPDK's telemetry threads (one per client connection), not
// on an lcore, and may run concurrently. They never touch the dataplane. The main lcore — the
// only writer of the tables, so it reads SA entries without RCU — builds an immutable
// TelemetrySnapshot every `interval_ms` in poll() (off the fast path: it sums relaxed-atomic
// counters, calls rte_eth_stats_get, scans the SA table) and publishes it by swapping a
// shared_ptr under a mutex. A callback holds that mutex only to copy the shared_ptr, then
// formats from its own reference. The main lcore only try_locks: if a callback holds the mutex,
// the new snapshot is published on the next poll, so the main lcore never waits on the telemetry
// thread. Registering the telemetry thread as an RCU reader was the alternative; it would make a
// thread outside the lcore model delay every grace period and needs the RCU variable sized for
// it, for data that is read a few times a second at most.
//
// rte_telemetry in DPDK 22.11 passes no user argument to callbacks and has no way to unregister a
// command, so the snapshot is pinned on one process-wide board (the one mutable global here; it
// is never destroyed, because a telemetry thread may answer after main() returned). Commands are
// registered once per process (one Telemetry at a time); a destroyed Telemetry withdraws its
// snapshot and the commands then answer with an error (null to the client). Counter values are at
// most interval_ms old (plus one main-loop iteration); answers say how old (`snapshot_age_ms`).
//
// Switching it off: `--no-telemetry` in dataplane.eal_args (EAL then opens no socket; main.cc
// then does not create a Telemetry either).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/dpapi/drop_reason.h"
#include "common/result.h"
#include "dataplane/ipsec/sa.h"

namespace tandem::dp {

class Dataplane;

struct TelemetryOptions {
    uint32_t interval_ms = 250;   // snapshot period
    std::string name;             // the gateway's hostname, reported by /tandem/info
};

// What the callbacks read: plain values, built on the main lcore, never changed once published.
struct TelemetrySnapshot {
    struct Port {
        std::string name;        // configured interface name
        uint16_t eth_id = 0;     // DPDK port id
        std::string mac;
        std::string address;     // "10.0.0.1/24" or empty
        bool outside = false;
        uint64_t rx_packets = 0, rx_bytes = 0, rx_errors = 0, rx_drops = 0;  // drops: missed + no mbuf
        uint64_t tx_packets = 0, tx_bytes = 0, tx_errors = 0;
    };
    struct Worker {
        uint32_t lcore = 0;
        uint64_t packets = 0, busy_cycles = 0, idle_cycles = 0, handoffs = 0;
        uint64_t drops = 0;      // all reasons
    };
    struct Sa {
        uint32_t sa_id = 0;
        uint32_t spi = 0;
        bool outbound = false;
        std::string local;       // the gateway's tunnel end
        std::string peer;        // the remote tunnel end
        std::string cipher, integrity;
        bool esn = false, natt = false;
        uint16_t owner = 0;      // worker index
        uint32_t policy_id = 0;  // outbound only
        uint64_t packets = 0, bytes = 0;
        std::array<uint64_t, kDropReasonCount> drops{};  // the SA's own reasons (ipsec/sa.h)
    };

    uint64_t taken_ms = 0;       // CLOCK_MONOTONIC
    uint64_t started_ms = 0;     // when the Telemetry was created (uptime = now - started_ms)
    uint32_t interval_ms = 0;
    std::string name;
    std::string crypto;
    bool cpu_crypto = false;
    uint64_t tsc_hz = 0;
    uint32_t max_sas = 0;
    std::vector<Port> ports;
    std::vector<Worker> workers;
    dpapi::DropCounters drops{};
    std::vector<Sa> sas;         // by sa_id, ascending
};

class Telemetry {
public:
    // Registers the commands (first time in the process) and publishes a first snapshot. Call on
    // the main lcore after rte_eal_init and Dataplane::create; `dp` must outlive the Telemetry.
    static Result<std::unique_ptr<Telemetry>> create(Dataplane& dp, const TelemetryOptions& opts, uint64_t now_ms);
    ~Telemetry();
    Telemetry(const Telemetry&) = delete;
    Telemetry& operator=(const Telemetry&) = delete;

    // Main lcore, once per loop: a new snapshot every interval_ms. Returns whether it built one.
    bool poll(uint64_t now_ms);

    // The snapshot poll() would publish now (also for tests).
    TelemetrySnapshot take_snapshot(uint64_t now_ms) const;

private:
    Telemetry(Dataplane& dp, const TelemetryOptions& opts, uint64_t now_ms);
    bool try_publish();

    Dataplane& dp_;
    TelemetryOptions opts_;
    uint64_t started_ms_;
    uint64_t last_ms_ = 0;
    std::shared_ptr<const TelemetrySnapshot> pending_;  // built, not yet published (mutex busy)
};

// Monotonic milliseconds, the clock TelemetrySnapshot's times use.
uint64_t telemetry_clock_ms();

}  // namespace tandem::dp
