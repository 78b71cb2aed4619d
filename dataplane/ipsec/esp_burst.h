// The ESP burst functions of the fast path: one burst, one SA.
//
// Convention (both directions): packet data starts at an IPv4 header; the caller has stripped L2
// and prepends it again afterwards. Burst contract of rte_ipsec_pkt_process: the return value k
// is the number of good packets, now in mb[0..k) (in their original relative order where the
// crypto device keeps order); mb[k..n) are the failures with reasons[k..n) saying why (reasons
// of good packets are set to DropReason::none). Failed mbufs are left to the caller to free.
// Each SA's counters count what happened (packets and inner bytes of good packets; one drop
// counter per reason).
//
//   outbound  in:  inner IPv4 packets for this SA (headroom >= SaRuntime::head_room, tailroom
//                  >= tail_room in the last segment; mbufs from a pool with the default 128 B
//                  headroom and a 2 KB data room always fit)
//             out: outer IPv4 [+ UDP 4500, RFC 3948] + ESP; outer checksum computed, DSCP and
//                  ECN copied from the inner header (RFC 6040 normal mode), TTL and DF per
//                  SaOptions; l2_len = 0, l3_len = 20.
//             drops: malformed (not IPv4, bad lengths), no_room, lifetime_expired (hard limit
//                  or sequence numbers exhausted), crypto_error.
//   inbound   in:  outer IPv4 [+ UDP] + ESP packets the caller attributed to this SA (by SPI).
//                  Outer fragments are refused (reassemble first).
//             out: the inner IPv4 packet (TFC padding trimmed); l2_len = 0, l3_len = inner IHL.
//             order of checks: outer header, encapsulation, SPI, lengths -> Tandem replay check
//                  -> decrypt + verify (rte_ipsec) -> Tandem replay update -> inner header ->
//                  selector.
//
// No allocation (lookaside borrows crypto ops from the lane's pool), no exceptions, no logging.
// Bursts longer than kEspChunk are processed in chunks; the result has the same contract.
#pragma once

#include <rte_mbuf.h>

#include <cstdint>

#include "dataplane/ipsec/crypto_device.h"
#include "dataplane/ipsec/sa.h"

namespace tandem::dp {

inline constexpr uint16_t kEspChunk = 64;

uint16_t esp_outbound_burst(SaRuntime& sa, const CryptoLane& lane, rte_mbuf* mb[], uint16_t n,
                            DropReason reasons[]);

uint16_t esp_inbound_burst(SaRuntime& sa, const CryptoLane& lane, rte_mbuf* mb[], uint16_t n,
                           DropReason reasons[]);

}  // namespace tandem::dp
