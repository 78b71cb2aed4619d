// rte_lpm set-up, next-hop slots with reference counts and RCU-deferred reuse (see fib.h).
#include "dataplane/tables/fib.h"

#include <rte_errno.h>
#include <rte_rcu_qsbr.h>

#include <cinttypes>
#include <cstdio>
#include <string>
#include <utility>

namespace tandem::dp {

Result<Fib> Fib::create(const FibConfig& config) {
    if (config.max_next_hops == 0 || config.max_next_hops > kMaxNextHops) {
        return Error("FIB: max_next_hops must be 1 .. 2^24 (rte_lpm's next-hop field is 24 bits)");
    }
    if (config.max_routes == 0) return Error("FIB: max_routes must be at least 1");
    Fib fib;
    fib.config_ = config;
    fib.hops_ = std::make_unique<std::atomic<uint64_t>[]>(config.max_next_hops);
    fib.default_slot_ = std::make_unique<std::atomic<uint32_t>>(kNoRoute);
    fib.refs_.assign(config.max_next_hops, 0);
    fib.free_.reserve(config.max_next_hops);
    for (uint32_t i = config.max_next_hops; i > 0; --i) fib.free_.push_back(i - 1);  // lowest first

    // rte_lpm names are unique among live tables; the slot array's address is.
    char name[RTE_LPM_NAMESIZE];
    std::snprintf(name, sizeof(name), "fib%" PRIxPTR, reinterpret_cast<uintptr_t>(fib.hops_.get()));
    rte_lpm_config lpm_config{};
    lpm_config.max_rules = config.max_routes;
    lpm_config.number_tbl8s = config.number_tbl8s;
    fib.lpm_ = rte_lpm_create(name, config.socket_id, &lpm_config);
    if (!fib.lpm_) return Error(std::string("rte_lpm_create: ") + rte_strerror(rte_errno));

    if (config.rcu) {
        rte_lpm_rcu_config rcu_config{};
        rcu_config.v = config.rcu;
        rcu_config.mode = RTE_LPM_QSBR_MODE_DQ;
        int rc = rte_lpm_rcu_qsbr_add(fib.lpm_, &rcu_config);
        if (rc != 0) return Error(std::string("rte_lpm_rcu_qsbr_add: ") + rte_strerror(rte_errno));
    }
    return fib;
}

Fib::Fib(Fib&& o) noexcept
    : config_(o.config_),
      lpm_(std::exchange(o.lpm_, nullptr)),
      hops_(std::move(o.hops_)),
      default_slot_(std::move(o.default_slot_)),
      refs_(std::move(o.refs_)),
      by_value_(std::move(o.by_value_)),
      free_(std::move(o.free_)),
      deferred_(std::move(o.deferred_)),
      routes_(std::move(o.routes_)) {}

Fib& Fib::operator=(Fib&& o) noexcept {
    if (this != &o) {
        rte_lpm_free(lpm_);
        config_ = o.config_;
        lpm_ = std::exchange(o.lpm_, nullptr);
        hops_ = std::move(o.hops_);
        default_slot_ = std::move(o.default_slot_);
        refs_ = std::move(o.refs_);
        by_value_ = std::move(o.by_value_);
        free_ = std::move(o.free_);
        deferred_ = std::move(o.deferred_);
        routes_ = std::move(o.routes_);
    }
    return *this;
}

Fib::~Fib() { rte_lpm_free(lpm_); }

void Fib::reclaim() {
    size_t kept = 0;
    for (auto& [token, slot] : deferred_) {
        if (rte_rcu_qsbr_check(config_.rcu, token, false) == 1) {
            free_.push_back(slot);
        } else {
            deferred_[kept++] = {token, slot};
        }
    }
    deferred_.resize(kept);
}

Result<uint32_t> Fib::acquire_slot(const NextHop& hop) {
    uint64_t word = pack(hop);
    auto it = by_value_.find(word);
    if (it != by_value_.end()) {
        ++refs_[it->second];
        return it->second;
    }
    if (free_.empty() && config_.rcu) reclaim();
    if (free_.empty()) {
        return Error("FIB: next-hop table full (" + std::to_string(config_.max_next_hops) + " distinct next hops" +
                     (deferred_.empty() ? std::string(")") : ", some waiting for an RCU grace period)"));
    }
    uint32_t slot = free_.back();
    free_.pop_back();
    // No route refers to this slot and no reader holds its index: write it before rte_lpm (or the
    // default-route store) publishes the index.
    hops_[slot].store(word, std::memory_order_release);
    refs_[slot] = 1;
    by_value_.emplace(word, slot);
    return slot;
}

void Fib::release_slot(uint32_t slot) {
    if (--refs_[slot] != 0) return;
    by_value_.erase(hops_[slot].load(std::memory_order_relaxed));
    if (config_.rcu) {
        deferred_.emplace_back(rte_rcu_qsbr_start(config_.rcu), slot);
    } else {
        free_.push_back(slot);
    }
}

Result<void> Fib::add(const dpapi::Route& route) {
    const Ipv4Prefix& p = route.prefix;
    if (p.length() > 32) return Error("route " + p.str() + ": prefix length over 32");
    if ((p.address().value() & ~p.mask()) != 0) {
        return Error("route " + p.address().str() + "/" + std::to_string(p.length()) + ": host bits set past the prefix length");
    }
    NextHop hop{route.kind, route.port, route.gateway};
    switch (route.kind) {
        case dpapi::RouteKind::forward:
        case dpapi::RouteKind::local:
            if (route.port >= config_.max_ports) {
                return Error("route " + p.str() + ": port " + std::to_string(route.port) + " out of range");
            }
            break;
        case dpapi::RouteKind::blackhole:
            hop.port = 0;
            hop.gateway = Ipv4Address();
            break;
        default:
            return Error("route " + p.str() + ": unknown kind");
    }
    if (route.kind == dpapi::RouteKind::forward && (hop.gateway.is_multicast() || hop.gateway.is_broadcast())) {
        return Error("route " + p.str() + ": gateway " + hop.gateway.str() + " is not a unicast address");
    }

    auto existing = routes_.find(p);
    if (existing == routes_.end() && !p.is_default() &&
        routes_.size() - (routes_.count(Ipv4Prefix()) ? 1 : 0) >= config_.max_routes) {
        return Error("FIB full: " + std::to_string(config_.max_routes) + " routes");
    }
    auto slot = acquire_slot(hop);
    if (!slot) return slot.error();

    if (p.is_default()) {
        default_slot_->store(*slot, std::memory_order_release);
    } else {
        int rc = rte_lpm_add(lpm_, p.address().value(), static_cast<uint8_t>(p.length()), *slot);
        if (rc == -ENOSPC && config_.rcu) {
            // rte_lpm's defer queue hands freed tbl8 groups back lazily: in batches once more than
            // its threshold (32) are queued, or one on demand if that one's grace period is over.
            // Under route churn with a reader that was descheduled a few milliseconds, every
            // group can sit in the queue (measured: a route add failed after ~590k updates with
            // 64 groups). One grace period makes them all reclaimable: the control thread waits
            // for it (at most one worker loop; workers never wait) and tries once more.
            rte_rcu_qsbr_synchronize(config_.rcu, RTE_QSBR_THRID_INVALID);
            rc = rte_lpm_add(lpm_, p.address().value(), static_cast<uint8_t>(p.length()), *slot);
        }
        if (rc != 0) {
            release_slot(*slot);
            return Error("route " + p.str() + ": rte_lpm_add: " + rte_strerror(-rc) +
                         (rc == -ENOSPC ? " (out of tbl8 groups or rule slots)" : ""));
        }
    }
    if (existing != routes_.end()) {
        uint32_t old = std::exchange(existing->second, *slot);
        release_slot(old);
    } else {
        routes_.emplace(p, *slot);
    }
    return {};
}

Result<void> Fib::remove(const Ipv4Prefix& prefix) {
    auto it = routes_.find(prefix);
    if (it == routes_.end()) return Error("no route " + prefix.str());
    if (prefix.is_default()) {
        default_slot_->store(kNoRoute, std::memory_order_release);
    } else {
        int rc = rte_lpm_delete(lpm_, prefix.address().value(), static_cast<uint8_t>(prefix.length()));
        if (rc != 0) return Error("route " + prefix.str() + ": rte_lpm_delete: " + rte_strerror(-rc));
    }
    release_slot(it->second);
    routes_.erase(it);
    return {};
}

std::optional<dpapi::Route> Fib::find(const Ipv4Prefix& prefix) const {
    auto it = routes_.find(prefix);
    if (it == routes_.end()) return std::nullopt;
    NextHop h = next_hop(it->second);
    dpapi::Route r;
    r.prefix = prefix;
    r.kind = h.kind;
    r.port = h.port;
    r.gateway = h.gateway;
    return r;
}

}  // namespace tandem::dp
