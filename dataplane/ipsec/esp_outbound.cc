// Outbound ESP: inner IPv4 packets of one SA -> outer IPv4 [+ UDP] + ESP (conventions in
// esp_burst.h).
//
//   1. per packet: hard lifetime, inner IPv4 sanity (trim link padding), head/tailroom; note the
//      inner length and DF bit
//   2. rte_ipsec: sequence numbers, padding, encryption, outer header from the template
//      (DSCP/ECN copied), UDP header for NAT-T; refusals now are exhausted sequence numbers
//   3. rte_ipsec_pkt_process: crypto failures out
//   4. per packet: outer DF, outer checksum (rte_ipsec leaves it to us), counters, the last
//      sequence number sent (read back from the ESP header)
#include <arpa/inet.h>
#include <rte_esp.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "dataplane/ipsec/esp_burst.h"
#include "dataplane/ipsec/esp_stage.h"

namespace tandem::dp {

namespace {

using esp_detail::header_at;
using esp_detail::Sorter;

constexpr uint64_t kNoteDf = 1;  // note = inner length << 1 | DF

// Checks an inner packet; returns its note or a drop reason.
DropReason check_inner(const SaRuntime& sa, rte_mbuf* m, uint64_t& note) {
    auto* ip = header_at<rte_ipv4_hdr>(m, 0);
    if (ip == nullptr || (ip->version_ihl >> 4) != 4) return DropReason::malformed;
    const uint32_t ihl = (ip->version_ihl & 0xf) * 4u;
    const uint32_t total = ntohs(ip->total_length);
    if (ihl < sizeof(rte_ipv4_hdr) || total < ihl || total > m->pkt_len) return DropReason::malformed;
    if (m->pkt_len > total && rte_pktmbuf_trim(m, static_cast<uint16_t>(m->pkt_len - total)) != 0) {
        return DropReason::malformed;
    }
    if (rte_pktmbuf_headroom(m) < sa.head_room ||
        rte_pktmbuf_tailroom(rte_pktmbuf_lastseg(m)) < sa.tail_room) {
        return DropReason::no_room;
    }
    m->l2_len = 0;
    m->l3_len = ihl;
    m->ol_flags &= ~esp_detail::kSecFlags;
    const bool df = (ntohs(ip->fragment_offset) & RTE_IPV4_HDR_DF_FLAG) != 0;
    note = (uint64_t{total} << 1) | (df ? kNoteDf : 0);
    return DropReason::none;
}

uint16_t outbound_chunk(SaRuntime& sa, const CryptoLane& lane, rte_mbuf* mb[], uint16_t n,
                        DropReason reasons[]) {
    Sorter s;
    uint64_t admitted_packets = sa.packets.load(std::memory_order_relaxed);
    uint64_t admitted_bytes = sa.bytes.load(std::memory_order_relaxed);
    for (uint16_t i = 0; i < n; ++i) {
        rte_mbuf* m = mb[i];
        if (sa.hard_reached_at(admitted_packets, admitted_bytes)) {
            if (!sa.hard_fired) sa.raise_hard();
            s.drop(sa, m, DropReason::lifetime_expired);
            continue;
        }
        uint64_t note = 0;
        const DropReason r = check_inner(sa, m, note);
        if (r != DropReason::none) {
            s.drop(sa, m, r);
            continue;
        }
        admitted_packets += 1;
        admitted_bytes += note >> 1;
        s.keep(m, note);
    }

    s.save();
    const uint16_t prepared = esp_detail::run_crypto(sa, lane, s.good, s.n_good);
    // Refused by prepare although head/tailroom were checked: the sequence numbers ran out
    // (rte_ipsec stops at 2^32 - 1, or 2^64 - 1 with ESN), or, lookaside, no crypto op.
    for (uint16_t i = prepared; i < s.n_good; ++i) {
        const bool no_ops = prepared == 0 && !sa.cpu_crypto;
        if (!no_ops && !sa.hard_fired) sa.raise_hard();
        s.drop(sa, s.good[i], no_ops ? DropReason::no_room : DropReason::lifetime_expired);
    }
    const uint16_t k = rte_ipsec_pkt_process(&sa.session, s.good, prepared);
    for (uint16_t i = k; i < prepared; ++i) s.drop(sa, s.good[i], DropReason::crypto_error);
    s.n_good = k;
    s.renote(k);

    uint64_t bytes = 0;
    uint64_t last = sa.last_sequence.load(std::memory_order_relaxed);
    const uint32_t esp_off = sizeof(rte_ipv4_hdr) + (sa.natt ? sizeof(rte_udp_hdr) : 0);
    for (uint16_t i = 0; i < k; ++i) {
        rte_mbuf* m = s.good[i];
        if (const auto* esp = header_at<rte_esp_hdr>(m, esp_off)) {
            // The wire carries the low half; outbound numbers only grow, so a smaller low half
            // than the last one's means the high half moved on (ESN).
            const uint32_t low = ntohl(esp->seq);
            uint64_t seq = (last & ~uint64_t{0xffffffff}) | low;
            if (seq < last) seq += uint64_t{1} << 32;
            last = sa.esn ? seq : low;
        }
        auto* outer = rte_pktmbuf_mtod(m, rte_ipv4_hdr*);
        if (sa.df == DfMode::copy && (s.note[i] & kNoteDf) != 0) {
            outer->fragment_offset = htons(RTE_IPV4_HDR_DF_FLAG);
        }
        outer->hdr_checksum = 0;
        outer->hdr_checksum = rte_ipv4_cksum(outer);
        m->l2_len = 0;
        m->l3_len = sizeof(rte_ipv4_hdr);
        bytes += s.note[i] >> 1;
    }
    sa.last_sequence.store(last, std::memory_order_relaxed);
    sa.count_good(k, bytes);
    return esp_detail::write_back(s, mb, reasons);
}

}  // namespace

uint16_t esp_outbound_burst(SaRuntime& sa, const CryptoLane& lane, rte_mbuf* mb[], uint16_t n,
                            DropReason reasons[]) {
    return esp_detail::for_each_chunk(mb, n, reasons, [&](rte_mbuf** c, uint16_t cn, DropReason* cr) {
        return outbound_chunk(sa, lane, c, cn, cr);
    });
}

}  // namespace tandem::dp
