// Tables: everything the workers read, and the only way to change it.
//
//   reader side (workers, lock-free)          writer side (main lcore only)
//   ------------------------------------      -----------------------------------------------
//   sa_by_spi(spi)  -> SaEntry*               add_sas / delete_sas     (all or nothing)
//   outbound_sa(policy_id) -> SaEntry*        set_policies(port, rules)  (a new Spd, swapped)
//   spd(port) -> const Spd*                   add_routes / delete_routes (the FIB, in place)
//   inbound_spd(port) -> const Spd*
//   fib(), neighbours()                       claim / release a virtual address
//   addresses() -> const AddressSet*          poll(): RCU reclamation, SA events
//
// Publication: every pointer a worker reads is a std::atomic loaded with acquire and stored with
// release; an object replaced or deleted is retired to the Reclaimer and destroyed one
// rte_rcu_qsbr grace period later (workers report quiescence once per loop). The FIB, the
// neighbour table and the SPI hash do the same internally with the same rte_rcu_qsbr variable.
// No worker ever takes a lock or waits for the main lcore, and no update leaves a moment in which
// a table a worker reads is half-changed: a packet sees the old state or the new one.
//
// Policy per port: set_policies() compiles the outbound Spd from the rules and the inbound Spd
// from their mirror image (spd_compile.h, mirror_policies) and publishes both as one PortSpd, so
// a worker never sees the outbound half of one rule set with the inbound half of another.
//
// SA ownership: each SA has one owner worker (sa_id modulo the number of workers), the only
// writer of its sequence numbers and replay window. Other workers hand its packets over.
#pragma once

#include <rte_ether.h>

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <span>
#include <vector>

#include "common/dpapi/types.h"
#include "common/result.h"
#include "dataplane/ipsec/crypto_device.h"
#include "dataplane/ipsec/sa.h"
#include "dataplane/pipeline/reclaimer.h"
#include "dataplane/tables/fib.h"
#include "dataplane/tables/neighbour.h"
#include "dataplane/tables/spd.h"

struct rte_hash;

namespace tandem::dp {

inline constexpr uint16_t kMaxPorts = 16;

struct PortInfo {
    uint16_t eth_id = 0;                     // DPDK port id
    uint16_t kernel_eth_id = RTE_MAX_ETHPORTS;  // the TAP's DPDK port id (none: RTE_MAX_ETHPORTS)
    uint16_t kernel_rx_queues = 1;              // the main lcore polls them all
    rte_ether_addr mac{};
    std::optional<Ipv4InterfaceAddress> address;
    bool outside = false;
    uint16_t mtu = 1500;
};

struct LocalAddress {
    Ipv4Address ip;
    uint16_t port = 0;
    rte_ether_addr mac{};
    bool is_virtual = false;
};

// The gateway's own addresses and the virtual addresses it holds: small, read per packet,
// replaced whole.
struct AddressSet {
    std::vector<LocalAddress> entries;

    const LocalAddress* find(Ipv4Address ip) const {
        for (const auto& e : entries) {
            if (e.ip == ip) return &e;
        }
        return nullptr;
    }
    // Frames to this MAC on this port are ours (port MAC, broadcast, multicast, a virtual MAC).
    bool accepts(uint16_t port, const rte_ether_addr& dst, const rte_ether_addr& port_mac) const {
        if (rte_is_same_ether_addr(&dst, &port_mac) || rte_is_multicast_ether_addr(&dst)) return true;
        for (const auto& e : entries) {
            if (e.is_virtual && e.port == port && rte_is_same_ether_addr(&dst, &e.mac)) return true;
        }
        return false;
    }
};

// The two classifiers of one port's rule set (see above).
struct PortSpd {
    Spd outbound;            // cleartext leaving by the port
    Spd inbound;             // cleartext arriving on it: the mirrored rules
    bool inbound_needed;     // the mirrored rules can refuse something (not all BYPASS)
};

struct SaEntry {
    Sa sa;
    uint32_t sa_id;
    uint16_t owner;  // worker index
    bool outbound;
    uint32_t policy_id;  // outbound: the policy it serves (a copy of sa.params().policy_id, hot)
};

struct TablesConfig {
    uint32_t max_sas = 4096;
    uint32_t max_policies = 4096;
    uint16_t workers = 1;
    FibConfig fib;
    NeighbourConfig neighbours;
    int socket_id = -1;
};

class Tables {
public:
    // `rcu` must have room for `workers` threads; `crypto` must outlive the tables.
    static Result<std::unique_ptr<Tables>> create(const TablesConfig& cfg, std::vector<PortInfo> ports,
                                                  const CryptoDevice& crypto, rte_rcu_qsbr* rcu);
    ~Tables();
    Tables(const Tables&) = delete;
    Tables& operator=(const Tables&) = delete;

    // ---- workers
    SaEntry* sa_by_spi(uint32_t spi) const;
    SaEntry* sa_at(uint32_t sa_id) const {
        return sa_id < sas_.size() ? sas_[sa_id].load(std::memory_order_acquire) : nullptr;
    }
    SaEntry* outbound_sa(uint32_t policy_id) const {
        if (policy_id >= policy_sa_.size()) return nullptr;
        // Two loads: between them a make-before-break rekey may switch the policy to its new SA,
        // delete the old one and even reuse its id for another SA (a worker can be preempted).
        // The policy then names the successor: look again (add_sas stores the SA before the
        // policy; delete_sas moves the policy away before clearing the SA).
        for (int attempt = 0; attempt < 4; ++attempt) {
            uint32_t v = policy_sa_[policy_id].load(std::memory_order_acquire);
            if (!v) return nullptr;
            SaEntry* e = sa_at(v - 1);
            if (e && e->outbound && e->policy_id == policy_id) return e;
        }
        return nullptr;
    }
    // The outbound SPD of a port (null: no policy set).
    const Spd* spd(uint16_t port) const {
        const PortSpd* p = port_spd(port);
        return p ? &p->outbound : nullptr;
    }
    // The inbound SPD for cleartext arriving on a port; null when nothing there can be refused.
    const Spd* inbound_spd(uint16_t port) const {
        const PortSpd* p = port_spd(port);
        return p && p->inbound_needed ? &p->inbound : nullptr;
    }
    const PortSpd* port_spd(uint16_t port) const {
        return port < kMaxPorts ? spd_[port].load(std::memory_order_acquire) : nullptr;
    }
    const AddressSet* addresses() const { return addresses_.load(std::memory_order_acquire); }
    const Fib& fib() const { return *fib_; }
    const NeighbourTable& neighbours() const { return *neighbours_; }
    const std::vector<PortInfo>& ports() const { return ports_; }
    uint16_t workers() const { return workers_; }
    // ACQUIRE rate limit: true when the caller should raise one for policy_id now (at most one per
    // policy per `interval` TSC cycles; a benign race may let two through).
    bool acquire_due(uint32_t policy_id, uint64_t now_tsc, uint64_t interval) const;

    // ---- main lcore
    Result<void> add_sas(std::span<const dpapi::SaParams> sas);
    Result<void> delete_sas(std::span<const uint32_t> ids);
    Result<void> set_policies(uint16_t port, std::span<const dpapi::PolicyRule> rules);
    // `origin` is what DUMP_ROUTES reports (the API server passes api; the configuration's
    // static routes are installed with the default).
    Result<void> add_routes(std::span<const dpapi::Route> routes, dpapi::RouteOrigin origin = dpapi::RouteOrigin::config);
    Result<void> delete_routes(std::span<const Ipv4Prefix> prefixes);
    Result<void> claim_address(const dpapi::VirtualAddress& v);
    Result<void> release_address(const dpapi::VirtualAddress& v);
    NeighbourTable& neighbours_mut() { return *neighbours_; }
    Fib& fib_mut() { return *fib_; }
    // Frees what is due; call once per main-loop iteration.
    void poll();
    // Replaced or deleted objects still waiting for their grace period.
    size_t retired_pending() const { return reclaimer_.pending(); }

    // Read-back for resynchronisation and show commands.
    std::vector<dpapi::SaParams> dump_sas() const;
    std::vector<dpapi::PolicyRule> dump_policies() const;
    std::vector<dpapi::VirtualAddress> dump_addresses() const;
    // Every route of the FIB with its origin, in prefix order.
    std::vector<dpapi::Route> dump_routes() const;

private:
    Tables(const TablesConfig& cfg, std::vector<PortInfo> ports, const CryptoDevice& crypto, rte_rcu_qsbr* rcu);
    void publish_addresses(std::vector<LocalAddress> entries);

    std::vector<PortInfo> ports_;
    const CryptoDevice& crypto_;
    rte_rcu_qsbr* rcu_;
    uint16_t workers_;
    Reclaimer reclaimer_;
    std::unique_ptr<Fib> fib_;
    std::unique_ptr<NeighbourTable> neighbours_;
    rte_hash* spi_hash_ = nullptr;
    std::vector<std::atomic<SaEntry*>> sas_;
    std::vector<std::atomic<uint32_t>> policy_sa_;              // sa_id + 1, 0 = none
    mutable std::vector<std::atomic<uint64_t>> last_acquire_;   // TSC of the last ACQUIRE
    std::array<std::atomic<const PortSpd*>, kMaxPorts> spd_{};
    std::array<std::unique_ptr<PortSpd>, kMaxPorts> spd_owned_;
    std::array<std::vector<dpapi::PolicyRule>, kMaxPorts> policy_rules_;
    std::atomic<const AddressSet*> addresses_{nullptr};
    std::unique_ptr<AddressSet> addresses_owned_;
    std::vector<dpapi::VirtualAddress> virtual_;
    std::map<Ipv4Prefix, dpapi::RouteOrigin> route_origin_;  // every prefix in the FIB
};

}  // namespace tandem::dp
