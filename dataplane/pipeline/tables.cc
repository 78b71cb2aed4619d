#include "dataplane/pipeline/tables.h"

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_jhash.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "dataplane/tables/spd_compile.h"

namespace tandem::dp {

Tables::Tables(const TablesConfig& cfg, std::vector<PortInfo> ports, const CryptoDevice& crypto, rte_rcu_qsbr* rcu)
    : ports_(std::move(ports)),
      crypto_(crypto),
      rcu_(rcu),
      workers_(std::max<uint16_t>(cfg.workers, 1)),
      reclaimer_(rcu),
      sas_(cfg.max_sas),
      policy_sa_(cfg.max_policies),
      last_acquire_(cfg.max_policies) {}

Result<std::unique_ptr<Tables>> Tables::create(const TablesConfig& cfg, std::vector<PortInfo> ports,
                                               const CryptoDevice& crypto, rte_rcu_qsbr* rcu) {
    if (ports.size() > kMaxPorts) return Error("at most " + std::to_string(kMaxPorts) + " ports");
    std::unique_ptr<Tables> t(new Tables(cfg, std::move(ports), crypto, rcu));

    FibConfig fc = cfg.fib;
    fc.rcu = rcu;
    fc.max_ports = static_cast<uint16_t>(t->ports_.size());
    fc.socket_id = cfg.socket_id;
    auto fib = Fib::create(fc);
    if (!fib) return fib.error();
    t->fib_ = std::make_unique<Fib>(std::move(*fib));

    NeighbourConfig nc = cfg.neighbours;
    nc.rcu = rcu;
    nc.socket_id = cfg.socket_id;
    auto nt = NeighbourTable::create(nc);
    if (!nt) return nt.error();
    t->neighbours_ = std::make_unique<NeighbourTable>(std::move(*nt));

    char name[RTE_HASH_NAMESIZE];
    std::snprintf(name, sizeof name, "spi%p", static_cast<void*>(t.get()));
    rte_hash_parameters hp{};
    hp.name = name;
    hp.entries = std::max<uint32_t>(cfg.max_sas, 8);
    hp.key_len = sizeof(uint32_t);
    hp.hash_func = rte_jhash;
    hp.socket_id = cfg.socket_id;
    hp.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF;
    t->spi_hash_ = rte_hash_create(&hp);
    if (!t->spi_hash_) return Error(std::string("SPI hash: ") + rte_strerror(rte_errno));
    if (rcu) {
        rte_hash_rcu_config rc{};
        rc.v = rcu;
        rc.mode = RTE_HASH_QSBR_MODE_DQ;
        if (rte_hash_rcu_qsbr_add(t->spi_hash_, &rc) != 0) {
            return Error(std::string("SPI hash RCU: ") + rte_strerror(rte_errno));
        }
    }

    // Connected routes and the gateway's own addresses.
    std::vector<LocalAddress> own;
    for (uint16_t p = 0; p < t->ports_.size(); ++p) {
        const auto& info = t->ports_[p];
        if (!info.address) continue;
        own.push_back(LocalAddress{info.address->address, p, info.mac, false});
        dpapi::Route connected{info.address->subnet(), dpapi::RouteKind::forward, p, Ipv4Address()};
        if (auto r = t->fib_->add(connected); !r) return r.error();
        dpapi::Route local{Ipv4Prefix(info.address->address, 32), dpapi::RouteKind::local, p, Ipv4Address()};
        if (auto r = t->fib_->add(local); !r) return r.error();
        t->route_origin_[connected.prefix] = dpapi::RouteOrigin::connected;
        t->route_origin_[local.prefix] = dpapi::RouteOrigin::connected;
    }
    t->publish_addresses(std::move(own));
    return t;
}

Tables::~Tables() {
    for (auto& slot : sas_) delete slot.exchange(nullptr);
    reclaimer_.drain();
    addresses_.store(nullptr);  // addresses_owned_ frees the set
    if (spi_hash_) rte_hash_free(spi_hash_);
}

SaEntry* Tables::sa_by_spi(uint32_t spi) const {
    void* data = nullptr;
    if (rte_hash_lookup_data(spi_hash_, &spi, &data) < 0) return nullptr;
    return sa_at(static_cast<uint32_t>(reinterpret_cast<uintptr_t>(data)));
}

bool Tables::acquire_due(uint32_t policy_id, uint64_t now, uint64_t interval) const {
    if (policy_id >= last_acquire_.size()) return false;
    auto& last = last_acquire_[policy_id];
    uint64_t prev = last.load(std::memory_order_relaxed);
    if (prev != 0 && now - prev < interval) return false;
    last.store(now, std::memory_order_relaxed);
    return true;
}

Result<void> Tables::add_sas(std::span<const dpapi::SaParams> sas) {
    // Check everything first: a bad item changes nothing.
    std::set<uint32_t> ids, spis;
    for (size_t i = 0; i < sas.size(); ++i) {
        const auto& p = sas[i];
        std::string item = "SA " + std::to_string(p.sa_id) + " (item " + std::to_string(i) + "): ";
        if (p.sa_id >= sas_.size()) return Error(item + "id beyond the table size " + std::to_string(sas_.size()));
        if (sa_at(p.sa_id) || !ids.insert(p.sa_id).second) return Error(item + "id in use");
        if (p.direction == dpapi::Direction::outbound && p.policy_id >= policy_sa_.size()) {
            return Error(item + "policy id beyond the table size");
        }
        if (p.direction == dpapi::Direction::inbound) {
            if (sa_by_spi(p.spi) || !spis.insert(p.spi).second) return Error(item + "inbound SPI in use");
        }
    }
    std::vector<std::unique_ptr<SaEntry>> built;
    for (size_t i = 0; i < sas.size(); ++i) {
        auto sa = Sa::create(sas[i], crypto_);
        if (!sa) return Error("SA " + std::to_string(sas[i].sa_id) + " (item " + std::to_string(i) + "): " + sa.error().message);
        bool out = sas[i].direction == dpapi::Direction::outbound;
        built.push_back(std::make_unique<SaEntry>(
            SaEntry{std::move(*sa), sas[i].sa_id, static_cast<uint16_t>(sas[i].sa_id % workers_), out, sas[i].policy_id}));
    }
    if (rte_hash_count(spi_hash_) + spis.size() > static_cast<uint32_t>(sas_.size())) {
        return Error("the SPI table is full");
    }
    // Publish: inbound SAs become findable by SPI; an outbound SA takes over its policy (a rekey
    // switches every new packet to the new SA at once: make-before-break).
    for (auto& e : built) {
        uint32_t id = e->sa_id;
        const auto& p = e->sa.params();
        SaEntry* raw = e.release();
        sas_[id].store(raw, std::memory_order_release);
        if (raw->outbound) {
            policy_sa_[p.policy_id].store(id + 1, std::memory_order_release);
        } else {
            uint32_t spi = p.spi;
            rte_hash_add_key_data(spi_hash_, &spi, reinterpret_cast<void*>(static_cast<uintptr_t>(id)));
        }
    }
    return {};
}

Result<void> Tables::delete_sas(std::span<const uint32_t> ids) {
    std::set<uint32_t> seen;
    for (size_t i = 0; i < ids.size(); ++i) {
        if (!sa_at(ids[i]) || !seen.insert(ids[i]).second) {
            return Error("SA " + std::to_string(ids[i]) + " (item " + std::to_string(i) + "): no such SA");
        }
    }
    for (uint32_t id : ids) {
        SaEntry* e = sa_at(id);
        const auto& p = e->sa.params();
        if (e->outbound) {
            uint32_t expect = id + 1;
            policy_sa_[p.policy_id].compare_exchange_strong(expect, 0, std::memory_order_release);
        } else {
            uint32_t spi = p.spi;
            rte_hash_del_key(spi_hash_, &spi);
        }
        sas_[id].store(nullptr, std::memory_order_release);
        reclaimer_.retire(std::unique_ptr<SaEntry>(e));
    }
    return {};
}

Result<void> Tables::set_policies(uint16_t port, std::span<const dpapi::PolicyRule> rules) {
    if (port >= ports_.size()) return Error("port " + std::to_string(port) + " does not exist");
    for (size_t i = 0; i < rules.size(); ++i) {
        if (rules[i].port != port) return Error("rule " + std::to_string(i) + " is for another port");
        if (rules[i].action == dpapi::PolicyAction::protect && rules[i].policy_id >= policy_sa_.size()) {
            return Error("rule " + std::to_string(i) + ": policy id beyond the table size");
        }
    }
    auto spd = Spd::create(port, rules);
    if (!spd) return spd.error();
    auto mirrored = mirror_policies(rules);
    auto inbound = Spd::create(port, mirrored);
    if (!inbound) return inbound.error();
    auto fresh = std::make_unique<PortSpd>(PortSpd{std::move(*spd), std::move(*inbound), inbound_check_needed(rules)});
    spd_[port].store(fresh.get(), std::memory_order_release);
    reclaimer_.retire(std::move(spd_owned_[port]));
    spd_owned_[port] = std::move(fresh);
    policy_rules_[port].assign(rules.begin(), rules.end());
    return {};
}

Result<void> Tables::add_routes(std::span<const dpapi::Route> routes, dpapi::RouteOrigin origin) {
    for (size_t i = 0; i < routes.size(); ++i) {
        if (routes[i].port >= ports_.size()) return Error("route " + std::to_string(i) + ": no such port");
    }
    for (size_t i = 0; i < routes.size(); ++i) {
        if (auto r = fib_->add(routes[i]); !r) return Error("route " + routes[i].prefix.str() + ": " + r.error().message);
        route_origin_[routes[i].prefix] = origin;
    }
    return {};
}

Result<void> Tables::delete_routes(std::span<const Ipv4Prefix> prefixes) {
    for (size_t i = 0; i < prefixes.size(); ++i) {
        if (!fib_->find(prefixes[i])) return Error("route " + prefixes[i].str() + ": no such route");
    }
    for (const auto& p : prefixes) {
        if (auto r = fib_->remove(p); !r) return r;
        route_origin_.erase(p);
    }
    return {};
}

void Tables::publish_addresses(std::vector<LocalAddress> entries) {
    auto fresh = std::make_unique<AddressSet>(AddressSet{std::move(entries)});
    addresses_.store(fresh.get(), std::memory_order_release);
    reclaimer_.retire(std::move(addresses_owned_));
    addresses_owned_ = std::move(fresh);
}

Result<void> Tables::claim_address(const dpapi::VirtualAddress& v) {
    if (v.port >= ports_.size()) return Error("port " + std::to_string(v.port) + " does not exist");
    const AddressSet* cur = addresses();
    if (const LocalAddress* e = cur->find(v.address)) {
        if (!e->is_virtual) return Error(v.address.str() + " is an interface address");
        if (e->port == v.port && std::equal(v.mac.begin(), v.mac.end(), e->mac.addr_bytes)) return {};  // already held
        return Error(v.address.str() + " is already claimed with another port or MAC");
    }
    std::vector<LocalAddress> next = cur->entries;
    LocalAddress la{v.address, v.port, {}, true};
    std::copy(v.mac.begin(), v.mac.end(), la.mac.addr_bytes);
    next.push_back(la);
    if (auto r = fib_->add(dpapi::Route{Ipv4Prefix(v.address, 32), dpapi::RouteKind::local, v.port, Ipv4Address()}); !r) {
        return r;
    }
    route_origin_[Ipv4Prefix(v.address, 32)] = dpapi::RouteOrigin::connected;
    publish_addresses(std::move(next));
    virtual_.push_back(v);
    return {};
}

Result<void> Tables::release_address(const dpapi::VirtualAddress& v) {
    auto it = std::find_if(virtual_.begin(), virtual_.end(), [&](const dpapi::VirtualAddress& x) {
        return x.address == v.address && x.port == v.port;
    });
    if (it == virtual_.end()) return Error(v.address.str() + " is not claimed on port " + std::to_string(v.port));
    std::vector<LocalAddress> next;
    for (const auto& e : addresses()->entries) {
        if (!(e.is_virtual && e.ip == v.address)) next.push_back(e);
    }
    publish_addresses(std::move(next));
    (void)fib_->remove(Ipv4Prefix(v.address, 32));
    route_origin_.erase(Ipv4Prefix(v.address, 32));
    virtual_.erase(it);
    return {};
}

void Tables::poll() {
    reclaimer_.poll();
    fib_->reclaim();
    neighbours_->reclaim();
    // The SPI hash reclaims its deleted keys itself (RCU defer queue, on its next add/delete).
}

std::vector<dpapi::SaParams> Tables::dump_sas() const {
    std::vector<dpapi::SaParams> out;
    for (const auto& slot : sas_) {
        if (const SaEntry* e = slot.load(std::memory_order_acquire)) out.push_back(e->sa.params());
    }
    return out;
}

std::vector<dpapi::PolicyRule> Tables::dump_policies() const {
    std::vector<dpapi::PolicyRule> out;
    for (const auto& rules : policy_rules_) out.insert(out.end(), rules.begin(), rules.end());
    return out;
}

std::vector<dpapi::VirtualAddress> Tables::dump_addresses() const { return virtual_; }

std::vector<dpapi::Route> Tables::dump_routes() const {
    std::vector<dpapi::Route> out;
    for (const auto& [prefix, origin] : route_origin_) {
        if (auto r = fib_->find(prefix)) {
            r->origin = origin;
            out.push_back(*r);
        }
    }
    return out;
}

}  // namespace tandem::dp
