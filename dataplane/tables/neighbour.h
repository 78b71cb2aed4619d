// The ARP neighbour table: (port, IPv4) -> MAC, with resolution, aging and a small pending queue.
//
// States (RFC 826 resolution with Linux-like aging, simplified):
//
//          resolve() miss                 ARP from the neighbour
//   (none) -------------> INCOMPLETE ------------------------------> REACHABLE
//                          |  retry every retry_ms,                   |  ^
//                          |  max_retries requests                    |  | ARP from it again
//                          v                                          v  |
//                        FAILED  (pending packets freed)             STALE (still used)
//                          |  failed_hold_ms                          |  stale_ms without news
//                          v                                          v
//                        (removed: the next packet resolves afresh) (removed)
//
// REACHABLE turns STALE reachable_ms after the last confirmation. Workers forward to REACHABLE and
// STALE entries; for anything else they hand the packet to the main lcore, which calls resolve():
// the packet waits in the entry's pending queue (at most pending_per_entry packets; when full the
// oldest is freed and counted) until learn() resolves the entry and hands the packets back, or the
// entry fails and they are freed (counted). Time is an argument (milliseconds from any monotonic
// clock): nothing here sleeps or reads a clock, so tests drive it step by step.
//
// Concurrency: the main lcore is the only writer (resolve, learn, tick, remove); workers only call
// lookup_bulk(). The index is an rte_hash created with RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF (lock-
// free readers, one writer). The hash's key position indexes an array of 64-bit atomic words, each
// holding the MAC and the state, so a reader sees an old or a new (MAC, state) pair, never a torn
// one. A deleted key's position is not reusable until no reader can still hold it: with an
// rte_rcu_qsbr variable (workers report quiescence once per loop) the position is freed one grace
// period after the delete (reclaim(), also run by tick()); without one, at once — single-threaded
// use only. Before a key is deleted its word is set to NONE, so a reader racing with the delete
// sees a miss, never another neighbour's MAC.
//
// ARP wire format (RFC 826, Ethernet/IPv4), after the 14-byte Ethernet header:
//
//    0                   1                   2                   3
//   +---------------+---------------+---------------+---------------+
//   |      HTYPE = 1 (Ethernet)     |      PTYPE = 0x0800 (IPv4)    |
//   +---------------+---------------+---------------+---------------+
//   |   HLEN = 6    |   PLEN = 4    |   OPER (1 request, 2 reply)   |
//   +---------------+---------------+---------------+---------------+
//   |  sender hardware address (6)  ...  sender protocol address (4)|
//   |  target hardware address (6)  ...  target protocol address (4)|
//   +---------------------------------------------------------------+
#pragma once

#include <rte_ether.h>
#include <rte_mbuf.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "common/ipv4.h"
#include "common/result.h"

struct rte_hash;
struct rte_rcu_qsbr;

namespace tandem::dp {

enum class NeighbourState : uint8_t { none = 0, incomplete, reachable, stale, failed };

struct NeighbourKey {
    uint32_t ip = 0;      // host byte order
    uint16_t port = 0;
    uint16_t zero = 0;    // keeps the 8-byte key free of indeterminate padding
};
static_assert(sizeof(NeighbourKey) == 8);

struct NeighbourHit {
    NeighbourState state = NeighbourState::none;
    rte_ether_addr mac{};
    bool usable() const { return state == NeighbourState::reachable || state == NeighbourState::stale; }
};

struct NeighbourConfig {
    uint32_t capacity = 1024;        // entries (rte_hash may refuse a little earlier: "full")
    uint32_t pending_per_entry = 4;  // packets waiting per INCOMPLETE entry
    uint64_t retry_ms = 1000;        // between ARP requests while INCOMPLETE
    uint32_t max_retries = 3;        // requests before FAILED (the first one included)
    uint64_t reachable_ms = 30000;   // REACHABLE -> STALE
    uint64_t stale_ms = 600000;      // STALE -> removed (counted from the last confirmation)
    uint64_t failed_hold_ms = 20000; // FAILED -> removed
    int socket_id = -1;
    rte_rcu_qsbr* rcu = nullptr;
};

struct NeighbourStats {
    uint64_t pending_overflow = 0;   // oldest pending packet freed because the queue was full
    uint64_t pending_failed = 0;     // pending packets freed when resolution failed
    uint64_t dropped_failed = 0;     // packets for a FAILED neighbour
    uint64_t dropped_full = 0;       // packets dropped because the table was full
    uint64_t requests = 0;           // ARP requests asked for (first + retries)
    uint64_t resolved = 0;           // INCOMPLETE -> REACHABLE
};

// What resolve() did with the packet.
enum class ResolveResult : uint8_t {
    ready,         // usable entry: *mac is set; the caller still owns and sends the packet
    queued,        // held in the pending queue (learn() hands it back)
    send_request,  // held, and the entry is new: send an ARP request now
    dropped,       // freed (FAILED neighbour or full table), counted
};

struct ArpRequestDue {
    uint16_t port;
    Ipv4Address ip;
};

class NeighbourTable {
public:
    static Result<NeighbourTable> create(const NeighbourConfig& config);

    NeighbourTable(NeighbourTable&&) noexcept;
    NeighbourTable& operator=(NeighbourTable&&) noexcept;
    NeighbourTable(const NeighbourTable&) = delete;
    NeighbourTable& operator=(const NeighbourTable&) = delete;
    ~NeighbourTable();  // frees pending packets

    // ---- workers (lock-free, no allocation)
    void lookup_bulk(const NeighbourKey* keys, uint32_t n, NeighbourHit* out) const;
    NeighbourHit lookup(uint16_t port, Ipv4Address ip) const;

    // ---- main lcore
    ResolveResult resolve(uint16_t port, Ipv4Address ip, rte_mbuf* m, uint64_t now_ms, rte_ether_addr* mac);
    // An ARP packet from (ip, mac) was received on port. Updates an existing entry; creates one only
    // when `create` (the packet was addressed to us: RFC 826's merge rule). Pending packets of an
    // entry that became usable are appended to `released` (the caller fills in the MAC and sends).
    void learn(uint16_t port, Ipv4Address ip, const rte_ether_addr& mac, uint64_t now_ms, bool create,
               std::vector<rte_mbuf*>& released);
    // Advances timers: appends the ARP requests due (retries) to `requests`.
    void tick(uint64_t now_ms, std::vector<ArpRequestDue>& requests);
    bool remove(uint16_t port, Ipv4Address ip);
    void reclaim();

    NeighbourState state(uint16_t port, Ipv4Address ip) const { return lookup(port, ip).state; }
    size_t pending(uint16_t port, Ipv4Address ip) const;
    size_t size() const;
    const NeighbourStats& stats() const { return stats_; }

private:
    struct Cold;
    NeighbourTable() = default;

    static uint64_t pack(NeighbourState s, const rte_ether_addr& mac);
    static NeighbourHit unpack(uint64_t w);
    int32_t find(const NeighbourKey& key) const;
    void set(int32_t pos, NeighbourState s, const rte_ether_addr& mac);
    void erase(int32_t pos);
    void free_pending(Cold& c, uint64_t& counter);

    NeighbourConfig config_;
    rte_hash* hash_ = nullptr;
    std::unique_ptr<std::atomic<uint64_t>[]> words_;      // read by workers, by key position
    std::vector<Cold> cold_;                              // main lcore only
    std::vector<std::pair<uint64_t, int32_t>> deferred_;  // (RCU token, key position)
    NeighbourStats stats_;
};

// ---- ARP packets

struct ArpMessage {
    uint16_t op = 0;  // RTE_ARP_OP_REQUEST or RTE_ARP_OP_REPLY
    rte_ether_addr sender_mac{};
    Ipv4Address sender_ip;
    rte_ether_addr target_mac{};
    Ipv4Address target_ip;
    bool is_gratuitous() const { return sender_ip == target_ip; }
};

// Parses the ARP payload (after the Ethernet header). Rejects short input, a hardware type other
// than Ethernet, a protocol other than IPv4, address lengths other than 6/4, operations other than
// request/reply, and a multicast or zero sender MAC (never learnt).
Result<ArpMessage> parse_arp(std::span<const uint8_t> payload);
// The same from an mbuf whose ARP header starts l2_len bytes into the first segment.
Result<ArpMessage> parse_arp(const rte_mbuf* m, uint32_t l2_len);

// Builders write a complete Ethernet frame into an empty mbuf, padded to the 60-byte minimum
// frame (without FCS). They fail (false) when the mbuf is not empty or has no room.
bool build_arp_request(rte_mbuf* m, const rte_ether_addr& src_mac, Ipv4Address src_ip, Ipv4Address target_ip);
bool build_arp_reply(rte_mbuf* m, const rte_ether_addr& src_mac, Ipv4Address src_ip,
                     const rte_ether_addr& dst_mac, Ipv4Address dst_ip);
// A gratuitous ARP announcing (ip, mac), as HSRP sends on becoming Active: a broadcast request with
// sender and target address both `ip` and a zero target MAC (RFC 5227's ARP announcement).
bool build_gratuitous_arp(rte_mbuf* m, const rte_ether_addr& mac, Ipv4Address ip);

}  // namespace tandem::dp
