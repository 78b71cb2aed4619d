// The whole per-packet pipeline on one core without I/O: Tables, a WorkerContext and two
// net_ring ports assembled in-process as tests/dataplane/pipeline/pipeline_test.cc does, fed
// directly through worker_process_rx().
//
//   inside host 10.1.0.5 --- port 0 "inside" 10.1.0.2/24 [gateway] port 1 "outside" 192.0.2.2/24
//                                                                    --- peer 192.0.2.10
//   remote network 10.2.1.0/24 behind the peer. SPD of port 1: PROTECT 10.1.0.0/24 <->
//   10.2.1.0/24 (policy 7), BYPASS the rest. One SA pair (ours) plus its mirror image (the peer's).
//
//   encap: Ethernet + IPv4/UDP 10.1.0.5 -> 10.2.1.7 arrives on port 0: classify, TTL, LPM, SPD
//          (rte_acl), outbound SA, ESP (rte_ipsec, CPU crypto), LPM of the outer destination,
//          neighbour, Ethernet header, buffered TX on port 1
//   decap: Ethernet + ESP from the peer arrives on port 1: classify, SA by SPI (rte_hash), replay
//          check, ESP, replay update, selector check, LPM, neighbour, Ethernet, TX on port 0
//
// One timed burst is what worker_main() does per loop iteration for one RX queue:
// worker_process_handoffs (an empty ring here), worker_process_rx (32 packets), worker_flush
// (rte_eth_tx_burst into the TX ring: the hand-over to a driver), rte_rcu_qsbr_quiescent.
//
// Not timed (the I/O a NIC and its driver would do): before a burst, the TX ring is emptied and
// its mbufs freed, 32 mbufs are allocated and the input frames copied into them. The frames:
//   encap: one prepared frame, copied 32 times
//   decap: 512 ESP frames made beforehand by the peer's outbound SA (sequence numbers 1..512),
//          copied in turn; when the set wraps, the inbound SA's replay window is reset (Tandem's
//          window stays on and checks/records every packet; the reset is the only concession)
#pragma once

#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include <memory>
#include <vector>

#include "bench/bench_common.h"
#include "common/result.h"
#include "dataplane/eal/mempool.h"
#include "dataplane/eal/port.h"
#include "dataplane/ipsec/crypto_device.h"
#include "dataplane/ipsec/sa.h"
#include "dataplane/pipeline/tables.h"
#include "dataplane/pipeline/worker.h"

namespace tandem::bench {

class PipelineHarness {
public:
    // `crypto` must outlive the harness.
    static Result<std::unique_ptr<PipelineHarness>> create(const dp::CryptoDevice& crypto);
    ~PipelineHarness();
    PipelineHarness(const PipelineHarness&) = delete;
    PipelineHarness& operator=(const PipelineHarness&) = delete;

    // Installs a fresh SA pair for the case's algorithm (and the peer's mirror image) and
    // prepares the input frames.
    Result<void> configure(const BenchCase& c);
    // Timed bursts for duration_tsc; failures = packets that went in and did not come out.
    Sample measure(uint64_t duration_tsc);
    // The ESP engine alone, for the breakdown: the same frames with their Ethernet header
    // stripped (not timed), then only esp_outbound_burst / esp_inbound_burst on our SA, 32 at a
    // time (rte_ipsec, CPU crypto and Tandem's checks, replay window and counters around them).
    Sample measure_esp(uint64_t duration_tsc);
    // rte_ipsec alone on the same SA session: rte_ipsec_pkt_cpu_prepare + rte_ipsec_pkt_process,
    // nothing of Tandem's around them (inbound: the library's own replay window is off for
    // non-ESN SAs, so replayed frames pass).
    Sample measure_library(uint64_t duration_tsc);
    // A few bursts whose output is checked frame by frame: encap output is ESP to the peer that
    // the peer's inbound SA decrypts back to the inner packet (TTL - 1); decap output is the inner
    // packet to the inside host, byte for byte. No drops anywhere.
    Result<void> check();

private:
    explicit PipelineHarness(const dp::CryptoDevice& crypto) : crypto_(crypto) {}
    Result<void> build();
    Result<void> install_sas();
    Result<void> prepare_frames();
    bool refill(rte_mbuf** pkts);
    bool refill_l3(rte_mbuf** pkts);  // refill, then the Ethernet header stripped
    void run_burst(rte_mbuf** pkts);
    // Frames the pipeline sent on a port since the last call (caller frees).
    uint16_t take_sent(uint16_t port, rte_mbuf** out, uint16_t max);
    uint64_t drain_sent();
    uint64_t drops() const;

    const dp::CryptoDevice& crypto_;
    BenchCase case_{};
    std::unique_ptr<dp::Mempool> pool_;
    std::vector<dp::Port> ports_;
    rte_ring* rx_[2]{};
    rte_ring* tx_[2]{};
    rte_rcu_qsbr* rcu_ = nullptr;
    std::unique_ptr<dp::Tables> tables_;
    std::unique_ptr<dp::WorkerContext> ctx_;
    rte_ring* handoff_ = nullptr;
    rte_ring* to_main_ = nullptr;
    rte_ring* events_ = nullptr;
    std::unique_ptr<dp::Sa> peer_out_, peer_in_;
    bool sas_installed_ = false;
    uint32_t our_in_id_ = 0;

    std::vector<uint8_t> inner_;   // the inner IPv4 packet of the case
    std::vector<uint8_t> frames_;  // input frames, stride frame_stride_
    uint32_t frame_len_ = 0;
    uint32_t frame_stride_ = 0;
    uint32_t n_frames_ = 0;
    uint32_t next_frame_ = 0;
    uint16_t in_port_ = 0;
};

}  // namespace tandem::bench
