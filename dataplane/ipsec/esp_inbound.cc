// Inbound ESP: outer IPv4 [+ UDP] + ESP of one SA -> the inner IPv4 packet (conventions in
// esp_burst.h).
//
//   1. per packet: hard lifetime; outer IPv4 (version, lengths, checksum, no fragment); the
//      encapsulation the SA negotiated (UDP to natt_dst_port with a non-zero SPI where the
//      non-ESP marker would be, RFC 3948 section 2.2; or plain ESP); SPI; ESP lengths; then
//      Tandem's replay check on the reconstructed sequence number (note = that number)
//   2. rte_ipsec prepare + crypto (refusals: lengths/room, already checked: malformed)
//   3. rte_ipsec_pkt_process: strips to the inner packet; failures are auth failures (flagged by
//      the crypto step), bad padding or next header (malformed), or, with ESN, the library's own
//      window (replay)
//   4. Tandem's replay update: a second copy of one number in this burst fails here
//   5. inner IPv4 sanity (trim TFC padding) and the SA's traffic selector
#include <arpa/inet.h>
#include <netinet/in.h>
#include <rte_esp.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "dataplane/ipsec/esp_burst.h"
#include "dataplane/ipsec/esp_stage.h"

namespace tandem::dp {

namespace {

using esp_detail::header_at;
using esp_detail::Sorter;

// Outer headers up to ESP. On success sets l2_len/l3_len (l3 covers IPv4 and UDP) and seq_low.
DropReason check_outer(const SaRuntime& sa, rte_mbuf* m, uint32_t& seq_low) {
    auto* ip = header_at<rte_ipv4_hdr>(m, 0);
    if (ip == nullptr || (ip->version_ihl >> 4) != 4) return DropReason::malformed;
    const uint32_t ihl = (ip->version_ihl & 0xf) * 4u;
    const uint32_t total = ntohs(ip->total_length);
    if (ihl < sizeof(rte_ipv4_hdr) || total < ihl || total > m->pkt_len) return DropReason::malformed;
    if (header_at<uint8_t>(m, 0, ihl) == nullptr) return DropReason::malformed;
    if ((m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) == RTE_MBUF_F_RX_IP_CKSUM_BAD) return DropReason::malformed;
    if ((m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) != RTE_MBUF_F_RX_IP_CKSUM_GOOD &&
        rte_raw_cksum(ip, ihl) != 0xffff) {
        return DropReason::malformed;
    }
    if ((ntohs(ip->fragment_offset) & (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) != 0) {
        return DropReason::malformed;  // fragments are reassembled before ESP
    }
    if (m->pkt_len > total && rte_pktmbuf_trim(m, static_cast<uint16_t>(m->pkt_len - total)) != 0) {
        return DropReason::malformed;
    }

    uint32_t esp_off = ihl;
    if (ip->next_proto_id == IPPROTO_UDP) {
        if (!sa.natt) return DropReason::policy_mismatch;
        auto* udp = header_at<rte_udp_hdr>(m, ihl);
        if (udp == nullptr || ntohs(udp->dgram_len) != total - ihl) return DropReason::malformed;
        if (ntohs(udp->dst_port) != sa.natt_dst_port) return DropReason::policy_mismatch;
        esp_off += sizeof(rte_udp_hdr);
    } else if (ip->next_proto_id == IPPROTO_ESP) {
        if (sa.natt) return DropReason::policy_mismatch;
    } else {
        return DropReason::malformed;
    }
    // ESP header and IV must be in the first segment (rte_ipsec reads them there).
    auto* esp = header_at<rte_esp_hdr>(m, esp_off, sizeof(rte_esp_hdr) + sa.iv_len);
    if (esp == nullptr) return DropReason::malformed;
    const uint32_t spi = ntohl(esp->spi);
    if (spi == 0) return DropReason::malformed;  // non-ESP marker: IKE, not for this path
    if (spi != sa.spi) return DropReason::wrong_sa;
    const uint32_t esp_len = total - esp_off;
    if (esp_len < sa.min_esp_len ||
        (esp_len - sizeof(rte_esp_hdr) - sa.iv_len - sa.icv_len) % sa.pad_align != 0) {
        return DropReason::malformed;
    }
    // rte_ipsec writes the ESN high half and the AAD after the ICV.
    if (rte_pktmbuf_tailroom(rte_pktmbuf_lastseg(m)) < 4 + 16) return DropReason::no_room;
    m->l2_len = 0;
    m->l3_len = esp_off;
    m->ol_flags &= ~esp_detail::kSecFlags;
    seq_low = ntohl(esp->seq);
    return DropReason::none;
}

bool in_range(uint32_t v, uint32_t lo, uint32_t hi) { return v >= lo && v <= hi; }

// The decrypted packet: a sane IPv4 header, inside the selector (remote -> local).
DropReason check_inner(const SaRuntime& sa, rte_mbuf* m) {
    auto* ip = header_at<rte_ipv4_hdr>(m, 0);
    if (ip == nullptr || (ip->version_ihl >> 4) != 4) return DropReason::malformed;
    const uint32_t ihl = (ip->version_ihl & 0xf) * 4u;
    const uint32_t total = ntohs(ip->total_length);
    if (ihl < sizeof(rte_ipv4_hdr) || total < ihl || total > m->pkt_len) return DropReason::malformed;
    if (m->pkt_len > total && rte_pktmbuf_trim(m, static_cast<uint16_t>(m->pkt_len - total)) != 0) {
        return DropReason::malformed;  // TFC padding (RFC 4303 2.7) that spans segments
    }
    m->l2_len = 0;
    m->l3_len = ihl;

    const SelectorMatch& sel = sa.selector;
    if (!in_range(ntohl(ip->src_addr), sel.src_lo, sel.src_hi) ||
        !in_range(ntohl(ip->dst_addr), sel.dst_lo, sel.dst_hi)) {
        return DropReason::policy_mismatch;
    }
    if (sel.protocol != 0 && ip->next_proto_id != sel.protocol) return DropReason::policy_mismatch;
    if (sel.ports_any) return DropReason::none;
    const uint8_t proto = ip->next_proto_id;
    if (proto != IPPROTO_TCP && proto != IPPROTO_UDP && proto != IPPROTO_SCTP) {
        return DropReason::none;  // ports only constrain TCP, UDP and SCTP
    }
    if ((ntohs(ip->fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK) != 0) {
        return DropReason::policy_mismatch;  // a non-first fragment has no ports to check
    }
    auto* ports = header_at<uint16_t>(m, ihl, 4);
    if (ports == nullptr || total < ihl + 4) return DropReason::malformed;
    if (!in_range(ntohs(ports[0]), sel.sport_lo, sel.sport_hi) ||
        !in_range(ntohs(ports[1]), sel.dport_lo, sel.dport_hi)) {
        return DropReason::policy_mismatch;
    }
    return DropReason::none;
}

uint16_t inbound_chunk(SaRuntime& sa, const CryptoLane& lane, rte_mbuf* mb[], uint16_t n,
                       DropReason reasons[]) {
    Sorter s;
    for (uint16_t i = 0; i < n; ++i) {
        rte_mbuf* m = mb[i];
        if (sa.hard_fired) {
            s.drop(sa, m, DropReason::lifetime_expired);
            continue;
        }
        uint32_t low = 0;
        const DropReason r = check_outer(sa, m, low);
        if (r != DropReason::none) {
            s.drop(sa, m, r);
            continue;
        }
        const uint64_t seq = sa.window.reconstruct(low);
        if (!sa.window.check(seq)) {
            s.drop(sa, m, DropReason::replay);
            continue;
        }
        s.keep(m, seq);
    }

    s.save();
    const uint16_t prepared = esp_detail::run_crypto(sa, lane, s.good, s.n_good);
    for (uint16_t i = prepared; i < s.n_good; ++i) {
        const bool no_ops = prepared == 0 && !sa.cpu_crypto;
        s.drop(sa, s.good[i], no_ops ? DropReason::no_room : DropReason::malformed);
    }
    const uint16_t k = rte_ipsec_pkt_process(&sa.session, s.good, prepared);

    // Record the authenticated numbers first: a library failure below may be the second copy of
    // one of them.
    uint16_t kept = 0;
    rte_mbuf* failed[kEspChunk];
    uint16_t n_failed = 0;
    for (uint16_t i = k; i < prepared; ++i) failed[n_failed++] = s.good[i];
    uint64_t bytes = 0;
    uint64_t highest = sa.last_sequence.load(std::memory_order_relaxed);
    for (uint16_t i = 0; i < k; ++i) {
        rte_mbuf* m = s.good[i];
        const uint64_t seq = s.note_of(m);
        if (!sa.window.update(seq)) {
            s.drop(sa, m, DropReason::replay);
            continue;
        }
        highest = std::max(highest, seq);  // authenticated, even if the inner checks fail
        const DropReason r = check_inner(sa, m);
        if (r != DropReason::none) {
            s.drop(sa, m, r);
            continue;
        }
        bytes += m->pkt_len;
        s.good[kept++] = m;
    }
    for (uint16_t i = 0; i < n_failed; ++i) {
        rte_mbuf* m = failed[i];
        DropReason r = DropReason::malformed;  // padding or next header
        if ((m->ol_flags & RTE_MBUF_F_RX_SEC_OFFLOAD_FAILED) != 0) {
            r = DropReason::auth_failure;
        } else if (!sa.window.check(s.note_of(m))) {
            r = DropReason::replay;  // the library's ESN window refused it
        }
        s.drop(sa, m, r);
    }
    s.n_good = kept;
    sa.last_sequence.store(highest, std::memory_order_relaxed);
    sa.count_good(kept, bytes);
    return esp_detail::write_back(s, mb, reasons);
}

}  // namespace

uint16_t esp_inbound_burst(SaRuntime& sa, const CryptoLane& lane, rte_mbuf* mb[], uint16_t n,
                           DropReason reasons[]) {
    return esp_detail::for_each_chunk(mb, n, reasons, [&](rte_mbuf** c, uint16_t cn, DropReason* cr) {
        return inbound_chunk(sa, lane, c, cn, cr);
    });
}

}  // namespace tandem::dp
