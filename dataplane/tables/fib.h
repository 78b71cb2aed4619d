// The IPv4 FIB: longest-prefix match on DPDK's rte_lpm, to indices into a next-hop table.
//
// Model. A route (dpapi::Route) maps a prefix to a next hop: (kind, port, gateway). Identical next
// hops are shared: the table keeps one slot per distinct next hop with a reference count (how many
// routes use it), so ten thousand RRI routes through one peer cost one slot. rte_lpm stores the
// slot index (24 bits in DPDK 22.11: at most 2^24 slots) per prefix; a worker does one
// rte_lpm_lookup_bulk per burst, then reads the slots it got.
//
//   prefix --rte_lpm--> slot index --hops_[slot]--> {kind, port, gateway}   (gateway 0: connected,
//                                                                              the packet's own dst
//                                                                              is the neighbour)
//
// rte_lpm cannot hold a /0 (depth 1..32), so the default route is kept beside it and used on a
// miss. add() on an existing prefix replaces its next hop in place (rte_lpm_add updates the
// entries; no moment without a route); remove() falls back to the next shorter prefix (rte_lpm
// keeps its rules and rewrites the entries to the covering one).
//
// Concurrency: one control thread writes (add/remove/reclaim); any number of workers read
// (lookup_bulk, next_hop). A slot is written only while no route refers to it and no reader can
// still hold its index, then published by rte_lpm_add; slot contents are one 64-bit atomic word, so
// a reader never sees a torn next hop. What a freed slot or a freed tbl8 group may be reused for is
// the one hazard: a worker that looked up an index just before the route went away must not find
// another next hop in that slot. Give create() an rte_rcu_qsbr variable (workers report quiescent
// states once per loop) and the FIB defers both: rte_lpm's own RCU integration
// (rte_lpm_rcu_qsbr_add, defer-queue mode) for tbl8 groups, and a grace-period token per freed slot
// here (reclaim(), also run by add()). Without RCU, slots and tbl8 groups are reused at once:
// only for single-threaded use (tests, or a caller that stops readers itself).
//
// Sizing: rte_lpm allocates its 2^24-entry tbl24 (64 MiB) whatever max_routes is, plus 8 bytes per
// route and 1 KiB per tbl8 group (one per /24 holding routes longer than /24). A full table fails
// add() with an error; nothing is changed then. rte_lpm_add scans the routes of the same length
// linearly to find duplicates, so building N routes of one length costs O(N^2): ~100k routes load
// in seconds, a million in minutes (see the tests).
#pragma once

#include <rte_lpm.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "common/dpapi/types.h"
#include "common/result.h"

struct rte_rcu_qsbr;

namespace tandem::dp {

struct NextHop {
    dpapi::RouteKind kind = dpapi::RouteKind::blackhole;
    uint16_t port = 0;
    Ipv4Address gateway;  // 0.0.0.0 = connected: resolve the packet's destination itself
    friend bool operator==(const NextHop&, const NextHop&) = default;
};

struct FibConfig {
    uint32_t max_routes = 65536;      // excluding the default route
    uint32_t number_tbl8s = 1024;     // /24 blocks that may hold routes longer than /24
    uint32_t max_next_hops = 4096;    // at most 2^24 (rte_lpm's next-hop field)
    uint16_t max_ports = 64;          // valid ports are 0 .. max_ports - 1
    int socket_id = -1;               // SOCKET_ID_ANY
    rte_rcu_qsbr* rcu = nullptr;      // see the file comment; null = single-threaded use
};

class Fib {
public:
    static constexpr uint32_t kNoRoute = UINT32_MAX;
    static constexpr uint32_t kMaxNextHops = 1u << 24;

    static Result<Fib> create(const FibConfig& config);

    Fib(Fib&& o) noexcept;
    Fib& operator=(Fib&& o) noexcept;
    Fib(const Fib&) = delete;
    Fib& operator=(const Fib&) = delete;
    ~Fib();

    // ---- control thread
    // Adds the route, or replaces the next hop of an existing route with this prefix.
    Result<void> add(const dpapi::Route& route);
    // Removes the route of exactly this prefix (error if there is none).
    Result<void> remove(const Ipv4Prefix& prefix);
    // Makes slots freed at least one grace period ago reusable (add() calls it too).
    void reclaim();

    std::optional<dpapi::Route> find(const Ipv4Prefix& prefix) const;
    size_t route_count() const { return routes_.size(); }
    size_t next_hop_count() const { return by_value_.size(); }        // slots in use
    uint32_t refcount(uint32_t slot) const { return slot < refs_.size() ? refs_[slot] : 0; }
    size_t deferred_slots() const { return deferred_.size(); }

    // ---- workers (thread-safe, no allocation)
    // dst[i] in host byte order -> out[i] = next-hop slot, or kNoRoute. n <= 64 per call is not
    // required but rte_lpm keeps a variable-length array of n entries on the stack.
    void lookup_bulk(const uint32_t* dst, uint32_t* out, uint32_t n) const {
        rte_lpm_lookup_bulk(lpm_, dst, out, n);
        uint32_t fallback = default_slot_->load(std::memory_order_acquire);
        for (uint32_t i = 0; i < n; ++i) {
            out[i] = (out[i] & RTE_LPM_LOOKUP_SUCCESS) ? (out[i] & 0x00ffffffu) : fallback;
        }
    }
    uint32_t lookup(Ipv4Address dst) const {
        uint32_t v = dst.value(), out;
        lookup_bulk(&v, &out, 1);
        return out;
    }
    NextHop next_hop(uint32_t slot) const { return unpack(hops_[slot].load(std::memory_order_acquire)); }

private:
    Fib() = default;

    static uint64_t pack(const NextHop& h) {
        return uint64_t{h.gateway.value()} | (uint64_t{h.port} << 32) |
               (uint64_t{static_cast<uint8_t>(h.kind)} << 48);
    }
    static NextHop unpack(uint64_t w) {
        return NextHop{static_cast<dpapi::RouteKind>((w >> 48) & 0xff), static_cast<uint16_t>(w >> 32),
                       Ipv4Address(static_cast<uint32_t>(w))};
    }

    Result<uint32_t> acquire_slot(const NextHop& hop);
    void release_slot(uint32_t slot);

    FibConfig config_;
    rte_lpm* lpm_ = nullptr;
    std::unique_ptr<std::atomic<uint64_t>[]> hops_;           // read by workers
    std::unique_ptr<std::atomic<uint32_t>> default_slot_;     // read by workers; kNoRoute = none
    // Control-thread state.
    std::vector<uint32_t> refs_;
    std::map<uint64_t, uint32_t> by_value_;                   // packed next hop -> slot
    std::vector<uint32_t> free_;                              // reusable slots
    std::vector<std::pair<uint64_t, uint32_t>> deferred_;     // (RCU token, slot)
    std::map<Ipv4Prefix, uint32_t> routes_;                   // prefix -> slot (with the /0)
};

}  // namespace tandem::dp
