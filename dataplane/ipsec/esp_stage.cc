// The crypto step of an ESP burst: CPU crypto (synchronous, on this core) or lookaside (crypto
// ops on this worker's queue pair, waited for before returning: suited to software devices,
// which complete on enqueue; a hardware accelerator would want the burst split across loop
// iterations instead).
#include "dataplane/ipsec/esp_stage.h"

#include <rte_cryptodev.h>
#include <rte_ipsec_group.h>
#include <rte_pause.h>

// rte_crypto_op reaches its sym op through a zero-length array, which g++ 12 flags with
// -Warray-bounds once DPDK's inline helpers are inlined here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"

namespace tandem::dp::esp_detail {

namespace {

uint16_t run_lookaside(SaRuntime& sa, const CryptoLane& lane, rte_mbuf* mb[], uint16_t n) {
    rte_crypto_op* cop[kEspChunk];
    if (lane.op_pool == nullptr ||
        rte_crypto_op_bulk_alloc(lane.op_pool, RTE_CRYPTO_OP_TYPE_SYMMETRIC, cop, n) == 0) {
        return 0;
    }
    const uint16_t k = rte_ipsec_pkt_crypto_prepare(&sa.session, mb, cop, n);
    if (k < n) rte_mempool_put_bulk(lane.op_pool, reinterpret_cast<void**>(cop + k), n - k);
    if (k == 0) return 0;

    rte_crypto_op* done[kEspChunk];
    uint16_t enq = 0;
    uint16_t deq = 0;
    while (deq < k) {
        if (enq < k) {
            enq = static_cast<uint16_t>(
                enq + rte_cryptodev_enqueue_burst(lane.dev_id, lane.qp_id, cop + enq, k - enq));
        }
        const uint16_t got =
            rte_cryptodev_dequeue_burst(lane.dev_id, lane.qp_id, done + deq, static_cast<uint16_t>(enq - deq));
        deq = static_cast<uint16_t>(deq + got);
        if (got == 0) rte_pause();
    }
    // Back to mbufs; failed operations flag theirs with RTE_MBUF_F_RX_SEC_OFFLOAD_FAILED.
    rte_mbuf* out[kEspChunk];
    rte_ipsec_group grp[kEspChunk];
    rte_ipsec_pkt_crypto_group(const_cast<const rte_crypto_op**>(done), out, grp, k);
    std::copy(out, out + k, mb);
    rte_mempool_put_bulk(lane.op_pool, reinterpret_cast<void**>(done), k);
    return k;
}

}  // namespace

uint16_t run_crypto(SaRuntime& sa, const CryptoLane& lane, rte_mbuf* mb[], uint16_t n) {
    if (n == 0) return 0;
    if (sa.cpu_crypto) return rte_ipsec_pkt_cpu_prepare(&sa.session, mb, n);
    return run_lookaside(sa, lane, mb, n);
}

}  // namespace tandem::dp::esp_detail

#pragma GCC diagnostic pop
