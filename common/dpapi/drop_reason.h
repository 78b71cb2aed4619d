// Why the dataplane dropped a packet: one enum shared by the workers (which count with it, one
// counter per reason per lcore: `std::array<uint64_t, kDropReasonCount>`), by the API (STATS_DROPS
// carries the counters in this order) and by telemetry (the names below).
//
// The numbering is part of the wire protocol: reasons are appended, never renumbered or removed,
// and adding one is a protocol version change (the DROP_STATS count must equal kDropReasonCount).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tandem::dpapi {

enum class DropReason : uint8_t {
    malformed = 0,            // L2/L3/L4 header invalid or does not fit the segment
    unsupported = 1,          // not IPv4 / not ARP (IPv6, VLAN, ...), IP options we do not forward
    ttl_exceeded = 2,         // TTL reached 0 on forwarding
    no_route = 3,             // FIB miss
    no_neighbour = 4,         // next hop unresolved and its pending queue full or ARP failed
    blackhole = 5,            // a blackhole route matched
    acquire_pending = 6,      // PROTECT hit without an SA (an ACQUIRE was raised, rate-limited)
    policy_discard = 7,       // a DISCARD rule matched
    unknown_spi = 8,          // inbound ESP for no installed SA
    replay = 9,               // inbound sequence number outside or already seen in the window
    auth_failed = 10,         // ICV check failed
    policy_mismatch = 11,     // decrypted inner packet outside the SA's selectors
    sa_expired = 12,          // hard lifetime reached
    sequence_overflow = 13,   // outbound sequence number would wrap (no ESN)
    mtu_exceeded = 14,        // too big after encapsulation with DF set
    crypto_error = 15,        // the crypto device failed an operation
    handoff_full = 16,        // ring to the SA's owner worker full
    tx_full = 17,             // port TX queue full
    exception_full = 18,      // exception path (TAP) queue full
    not_for_us = 19,          // frame to another MAC / packet to no local or routed address
    // Version 2:
    cleartext_protected = 20, // arrived in the clear but policy requires IPsec (RFC 4301 5.2)
};

inline constexpr size_t kDropReasonCount = 21;
// How many reasons each protocol version's DROP_STATS carries (the first N of the enum).
inline constexpr size_t kDropReasonCountV1 = 20;

inline constexpr std::array<std::string_view, kDropReasonCount> kDropReasonNames = {
    "malformed", "unsupported", "ttl_exceeded", "no_route", "no_neighbour", "blackhole",
    "acquire_pending", "policy_discard", "unknown_spi", "replay", "auth_failed", "policy_mismatch",
    "sa_expired", "sequence_overflow", "mtu_exceeded", "crypto_error", "handoff_full", "tx_full",
    "exception_full", "not_for_us", "cleartext_protected",
};
static_assert(static_cast<size_t>(DropReason::cleartext_protected) + 1 == kDropReasonCount,
              "kDropReasonCount and kDropReasonNames follow the last reason");

constexpr std::string_view drop_reason_name(DropReason r) {
    auto i = static_cast<size_t>(r);
    return i < kDropReasonCount ? kDropReasonNames[i] : std::string_view();
}

// Per-reason drop counters, indexed by DropReason.
using DropCounters = std::array<uint64_t, kDropReasonCount>;

constexpr uint64_t& drop_counter(DropCounters& c, DropReason r) { return c[static_cast<size_t>(r)]; }
constexpr uint64_t drop_counter(const DropCounters& c, DropReason r) {
    return c[static_cast<size_t>(r)];
}

}  // namespace tandem::dpapi
