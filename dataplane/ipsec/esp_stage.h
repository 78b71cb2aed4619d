// Internal building blocks of the ESP burst functions (esp_inbound.cc, esp_outbound.cc):
//
//   header_at<T>(m, off)   bounds-checked header access in the first segment (null if it does
//                          not fit)
//   Sorter                 sorts one chunk: packets still good (each with a 64-bit note: the
//                          sequence number inbound, length and DF outbound) and failures with
//                          their reasons; note_of() finds a packet's note again after rte_ipsec
//                          or the crypto device reordered the good list
//   run_crypto()           rte_ipsec prepare (+ CPU crypto, or lookaside enqueue/dequeue on the
//                          lane's queue pair) on the good list
//   for_each_chunk()       the chunking and final layout shared by both directions
#pragma once

#include <rte_ipsec.h>
#include <rte_mbuf.h>

#include <algorithm>
#include <cstdint>

#include "dataplane/ipsec/crypto_device.h"
#include "dataplane/ipsec/esp_burst.h"
#include "dataplane/ipsec/sa.h"

namespace tandem::dp::esp_detail {

template <typename T>
inline T* header_at(rte_mbuf* m, uint32_t off, uint32_t len = sizeof(T)) {
    if (off + len > m->data_len) return nullptr;
    return rte_pktmbuf_mtod_offset(m, T*, off);
}

struct Sorter {
    rte_mbuf* good[kEspChunk];
    uint64_t note[kEspChunk];
    uint16_t n_good = 0;
    rte_mbuf* bad[kEspChunk];
    DropReason why[kEspChunk];
    uint16_t n_bad = 0;
    // The good list as it was before the last reordering step, for note_of().
    rte_mbuf* saved[kEspChunk];
    uint64_t saved_note[kEspChunk];
    uint16_t n_saved = 0;
    uint16_t hint = 0;

    void keep(rte_mbuf* m, uint64_t n) {
        good[n_good] = m;
        note[n_good++] = n;
    }
    void drop(SaRuntime& sa, rte_mbuf* m, DropReason r) {
        bad[n_bad] = m;
        why[n_bad++] = r;
        sa.count_drop(r);
    }
    // Call before a step that may reorder good[]; afterwards note_of() finds the notes.
    void save() {
        std::copy(good, good + n_good, saved);
        std::copy(note, note + n_good, saved_note);
        n_saved = n_good;
        hint = 0;
    }
    // The note of m (saved before the reordering). Linear with a moving hint: O(1) per packet
    // when the order was kept.
    uint64_t note_of(const rte_mbuf* m) {
        for (uint16_t i = 0; i < n_saved; ++i) {
            uint16_t j = static_cast<uint16_t>((hint + i) % n_saved);
            if (saved[j] == m) {
                hint = static_cast<uint16_t>(j + 1);
                return saved_note[j];
            }
        }
        return 0;  // not reached: m always comes from the saved list
    }
    // Re-attaches notes to good[0..n) after reordering.
    void renote(uint16_t n) {
        for (uint16_t i = 0; i < n; ++i) note[i] = note_of(good[i]);
    }
};

// Runs rte_ipsec's prepare step, including the crypto, on good[0..n). Returns the number
// prepared: good[0..k) went through crypto (a failure is flagged with
// RTE_MBUF_F_RX_SEC_OFFLOAD_FAILED, as rte_ipsec_pkt_process expects), good[k..n) were refused by
// prepare. Lookaside without a free crypto op refuses all (returns 0).
uint16_t run_crypto(SaRuntime& sa, const CryptoLane& lane, rte_mbuf* mb[], uint16_t n);

// Splits a burst into chunks, runs `chunk(mb, n, reasons) -> good` on each and joins the results
// so that all good packets come first.
template <typename ChunkFn>
inline uint16_t for_each_chunk(rte_mbuf* mb[], uint16_t n, DropReason reasons[], ChunkFn&& chunk) {
    uint16_t total_good = 0;
    for (uint16_t off = 0; off < n; off = static_cast<uint16_t>(off + kEspChunk)) {
        const uint16_t c = std::min<uint16_t>(kEspChunk, static_cast<uint16_t>(n - off));
        const uint16_t k = chunk(mb + off, c, reasons + off);
        // [good so far][bad so far][good of this chunk][bad of this chunk] -> good first.
        std::rotate(mb + total_good, mb + off, mb + off + k);
        std::rotate(reasons + total_good, reasons + off, reasons + off + k);
        total_good = static_cast<uint16_t>(total_good + k);
    }
    return total_good;
}

// Writes a finished chunk back: good[0..k) then the failures.
inline uint16_t write_back(const Sorter& s, rte_mbuf* mb[], DropReason reasons[]) {
    uint16_t i = 0;
    for (uint16_t g = 0; g < s.n_good; ++g, ++i) {
        mb[i] = s.good[g];
        reasons[i] = DropReason::none;
    }
    for (uint16_t b = 0; b < s.n_bad; ++b, ++i) {
        mb[i] = s.bad[b];
        reasons[i] = s.why[b];
    }
    return s.n_good;
}

constexpr uint64_t kSecFlags = RTE_MBUF_F_RX_SEC_OFFLOAD | RTE_MBUF_F_RX_SEC_OFFLOAD_FAILED;

}  // namespace tandem::dp::esp_detail
