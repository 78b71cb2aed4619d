// The outbound security policy database of one port, classified by DPDK's rte_acl.
//
// Model. The control plane hands the dataplane an ordered list of dpapi::PolicyRule per outside
// port: first match in ascending `priority` (ties keep list order), each PROTECT(policy_id),
// BYPASS or DISCARD. A packet no rule matches is BYPASSed — an empty SPD forwards everything in
// the clear, as a Cisco interface without a crypto map does (spd_compile.h ends every compiled
// list with an explicit BYPASS, so this default only matters for hand-made lists).
//
// rte_acl returns, per packet, the matching rule with the *highest* priority. Rules are sorted
// (priority, list position) and the rule at position i gets rte_acl priority MAX - i, so the
// earliest rule wins; its userdata is i + 1 (0 is rte_acl's "no match") and indexes the verdict
// table. Classification costs one rte_acl_classify per burst; no per-rule work at run time.
//
// The key. rte_acl reads the first field as one byte and the rest in groups of four bytes, all in
// network byte order. SpdKey is that layout, 16 bytes, filled from the IPv4 header by
// spd_key_from_ipv4() with plain copies (no byte swapping):
//
//    0      1      2      3
//   +------+------+------+------+
//   |proto |    (zero padding)  |   input 0: protocol           (bitmask: value/0xff, or any)
//   +------+------+------+------+
//   |      source address       |   input 1: src, network order (mask: prefix length)
//   +------+------+------+------+
//   |   destination address     |   input 2: dst, network order (mask: prefix length)
//   +------+------+------+------+
//   |  src port   |  dst port   |   input 3: ports, network order (ranges)
//   +------+------+------+------+
//
// Ports are those of TCP and UDP first fragments; every other packet (ICMP, ESP, GRE, non-first
// fragments, a transport header that does not fit the segment) has ports 0 — RFC 4301's OPAQUE
// ports: a rule with a port range that excludes 0 does not match them.
//
// Lifetime. create() builds the classifier off the fast path (rte_acl_build takes milliseconds to
// seconds for thousands of rules). The result is immutable: workers only call classify(), which is
// const and thread-safe. Changing policy means building a new Spd and publishing it (the RCU
// layer swaps whole objects and destroys the old one after a grace period).
#pragma once

#include <rte_ip.h>
#include <rte_mbuf.h>

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "common/dpapi/types.h"
#include "common/result.h"

struct rte_acl_ctx;

namespace tandem::dp {

struct alignas(16) SpdKey {
    uint8_t protocol;
    uint8_t pad[3];
    uint32_t src_be;       // network byte order, as on the wire
    uint32_t dst_be;
    uint16_t src_port_be;
    uint16_t dst_port_be;
};
static_assert(sizeof(SpdKey) == 16);

// Fills `key` from an IPv4 header of which `avail` bytes are readable (the caller has checked the
// 20-byte fixed header). Ports are read only for unfragmented or first-fragment TCP/UDP whose
// first four transport bytes are within `avail`.
inline void spd_key_from_ipv4(const rte_ipv4_hdr* ip, uint32_t avail, SpdKey& key) {
    key.protocol = ip->next_proto_id;
    key.pad[0] = key.pad[1] = key.pad[2] = 0;
    key.src_be = ip->src_addr;
    key.dst_be = ip->dst_addr;
    uint32_t ihl = (ip->version_ihl & 0x0f) * 4u;
    bool first_fragment = (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK)) == 0;
    bool has_ports = key.protocol == IPPROTO_TCP || key.protocol == IPPROTO_UDP;
    if (has_ports && first_fragment && ihl >= 20 && ihl + 4 <= avail) {
        const auto* l4 = reinterpret_cast<const uint8_t*>(ip) + ihl;
        std::memcpy(&key.src_port_be, l4, 2);
        std::memcpy(&key.dst_port_be, l4 + 2, 2);
    } else {
        key.src_port_be = 0;
        key.dst_port_be = 0;
    }
}

// The same from an mbuf whose IPv4 header starts `l3_offset` bytes into its first segment.
// Returns false (key untouched) when the fixed IPv4 header does not fit that segment.
inline bool spd_key_from_mbuf(const rte_mbuf* m, uint32_t l3_offset, SpdKey& key) {
    uint32_t len = rte_pktmbuf_data_len(m);
    if (l3_offset > len || len - l3_offset < sizeof(rte_ipv4_hdr)) return false;
    const auto* ip = rte_pktmbuf_mtod_offset(m, const rte_ipv4_hdr*, l3_offset);
    spd_key_from_ipv4(ip, len - l3_offset, key);
    return true;
}

// Host-order key, for the control plane and tests.
SpdKey make_spd_key(uint8_t protocol, Ipv4Address src, Ipv4Address dst, uint16_t src_port,
                    uint16_t dst_port);

struct SpdVerdict {
    dpapi::PolicyAction action = dpapi::PolicyAction::bypass;
    uint32_t policy_id = 0;   // meaningful for PROTECT
    uint32_t rule = 0;        // 0 = no rule matched (default BYPASS); else position + 1 in rules()
};

class Spd {
public:
    // Largest burst classify() hands to rte_acl in one call (longer spans are chunked).
    static constexpr uint32_t kChunk = 64;

    // Builds the classifier of `port` from the rules of `rules` whose port is `port` (the others
    // are ignored, so one list can feed every port). Fails on rte_acl errors (no memory).
    // `max_memory` bounds rte_acl's run-time structures (0 = no limit); with a bound, rte_acl
    // splits the rules into more tries (slower classify) instead of exceeding it.
    static Result<Spd> create(uint16_t port, std::span<const dpapi::PolicyRule> rules,
                              size_t max_memory = 0);

    Spd(Spd&& o) noexcept;
    Spd& operator=(Spd&& o) noexcept;
    Spd(const Spd&) = delete;
    Spd& operator=(const Spd&) = delete;
    ~Spd();

    // Classifies keys[i] into out[i]. Fast path: no allocation, one rte_acl_classify per 64 keys.
    void classify(std::span<const SpdKey> keys, SpdVerdict* out) const;
    // Only the rule numbers (0 = none, else position + 1), for callers that keep their own table.
    void classify_rules(std::span<const SpdKey> keys, uint32_t* rules_out) const;

    const SpdVerdict& verdict_of_rule(uint32_t rule) const { return verdicts_[rule]; }

    uint16_t port() const { return port_; }
    // The rules of this port in evaluation order (sorted by priority, stable).
    const std::vector<dpapi::PolicyRule>& rules() const { return rules_; }
    bool empty() const { return rules_.empty(); }

private:
    Spd() = default;

    rte_acl_ctx* ctx_ = nullptr;            // null when empty
    std::vector<SpdVerdict> verdicts_;      // [0] = default BYPASS; [i + 1] = rules_[i]
    std::vector<dpapi::PolicyRule> rules_;
    uint16_t port_ = 0;
};

// First match over `rules` (already in evaluation order), without rte_acl: the reference the
// property tests compare with, and a helper for the control plane's "show" commands.
SpdVerdict spd_linear_match(std::span<const dpapi::PolicyRule> rules, const SpdKey& key);

}  // namespace tandem::dp
