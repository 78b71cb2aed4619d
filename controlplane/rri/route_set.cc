#include "controlplane/rri/route_set.h"

#include <algorithm>
#include <tuple>

#include "common/config/compile.h"

namespace tandem::rri {

const char* to_string(Source s) {
    switch (s) {
        case Source::static_map: return "static";
        case Source::follow_sa: return "follow-sa";
        case Source::dynamic_map: return "dynamic";
    }
    return "?";
}

namespace {

const config::CryptoMapEntry* crypto_entry(const config::Config& cfg, const std::string& map, uint32_t seq) {
    const config::CryptoMap* m = cfg.find_crypto_map(map);
    if (!m) return nullptr;
    for (const auto& e : m->entries)
        if (e.seq == seq) return &e;
    return nullptr;
}

bool configured_static(const config::Config& cfg, const Ipv4Prefix& p) {
    return std::any_of(cfg.routes.begin(), cfg.routes.end(), [&](const config::StaticRoute& s) { return s.prefix == p; });
}

// The crypto map is still applied to the SA's interface, which is not shut down.
bool applied(const config::Config& cfg, const ChildSa& sa) {
    const config::Interface* itf = cfg.find_interface(sa.interface);
    return itf && !itf->shutdown && itf->crypto_map && itf->crypto_map->map == sa.map;
}

bool same_origin(const Route& a, const Route& b) {
    return std::tie(a.source, a.map, a.seq, a.dynamic_map, a.dynamic_seq, a.interface, a.gateway) ==
           std::tie(b.source, b.map, b.seq, b.dynamic_map, b.dynamic_seq, b.interface, b.gateway);
}

std::string entry_name(const Route& r) {
    std::string s = "crypto map " + r.map + " " + std::to_string(r.seq);
    if (r.dynamic_map) s += " (dynamic map " + *r.dynamic_map + " " + std::to_string(r.dynamic_seq) + ")";
    return s;
}

}  // namespace

const config::ReverseRoute* sa_reverse_route(const config::Config& cfg, const ChildSa& sa) {
    if (sa.dynamic_map) {
        const config::DynamicMap* d = cfg.find_dynamic_map(*sa.dynamic_map);
        if (!d) return nullptr;
        for (const auto& e : d->entries)
            if (e.seq == sa.dynamic_seq && e.policy.reverse_route) return &*e.policy.reverse_route;
        return nullptr;
    }
    const config::CryptoMapEntry* e = crypto_entry(cfg, sa.map, sa.seq);
    if (!e || e->dynamic_map || !e->policy.reverse_route || !e->policy.reverse_route->follow_sa) return nullptr;
    return &*e->policy.reverse_route;
}

RouteSet compute_routes(const config::Config& cfg, const std::map<uint32_t, ChildSa>& children,
                        const IsActiveFn& is_active) {
    std::vector<Route> candidates;

    for (const auto& s : config::static_rri_routes(cfg)) {
        Route r;
        r.prefix = s.prefix;
        r.interface = s.interface;
        r.distance = s.distance;
        r.tag = s.tag;
        r.metric = s.metric;
        r.source = Source::static_map;
        r.map = s.map;
        r.seq = s.seq;
        r.standby_name = s.standby_name;
        const config::CryptoMapEntry* e = crypto_entry(cfg, s.map, s.seq);
        if (s.next_hop) {
            r.gateway = *s.next_hop;
            r.via_remote_peer = true;
            r.remote_peer_gateway = e && e->policy.reverse_route && e->policy.reverse_route->gateway;
        } else if (e && !e->policy.peers.empty()) {
            r.gateway = e->policy.peers.front();
        }
        candidates.push_back(std::move(r));
    }

    std::map<std::string, std::optional<std::string>> standby_of;  // interface -> bound HSRP group
    for (const auto& p : config::compile_policies(cfg)) standby_of[p.interface] = p.standby_name;

    std::vector<const ChildSa*> sas;
    for (const auto& [id, sa] : children) sas.push_back(&sa);
    std::stable_sort(sas.begin(), sas.end(), [](const ChildSa* a, const ChildSa* b) {
        return std::tie(a->map, a->seq, a->dynamic_seq, a->child_id) < std::tie(b->map, b->seq, b->dynamic_seq, b->child_id);
    });
    for (const ChildSa* sa : sas) {
        const config::ReverseRoute* rr = sa_reverse_route(cfg, *sa);
        if (!rr || !applied(cfg, *sa)) continue;
        for (const auto& prefix : range_prefixes(sa->remote_first, sa->remote_last)) {
            if (prefix.is_default()) continue;  // `any`: never a route (logged when the SA comes up)
            Route r;
            r.prefix = prefix;
            r.interface = sa->interface;
            r.gateway = rr->remote_peer.value_or(sa->peer);
            r.via_remote_peer = rr->remote_peer.has_value();
            r.remote_peer_gateway = rr->remote_peer && rr->gateway;
            r.distance = rr->distance.value_or(1);
            r.tag = rr->tag;
            r.metric = rr->metric;
            r.source = sa->dynamic_map ? Source::dynamic_map : Source::follow_sa;
            r.map = sa->map;
            r.seq = sa->seq;
            r.dynamic_map = sa->dynamic_map;
            r.dynamic_seq = sa->dynamic_seq;
            if (auto it = standby_of.find(sa->interface); it != standby_of.end()) r.standby_name = it->second;
            r.sas.push_back(SaRef{sa->child_id, sa->peer, sa->spi_in, sa->spi_out});
            candidates.push_back(std::move(r));
        }
    }

    RouteSet out;
    std::map<Ipv4Prefix, size_t> index;  // prefix -> position in out.routes
    for (auto& r : candidates) {
        if (configured_static(cfg, r.prefix)) {
            out.withheld.push_back({std::move(r), "a configured static route owns this prefix"});
            continue;
        }
        if (r.standby_name && is_active && !is_active(*r.standby_name)) {
            std::string why = "HSRP group " + *r.standby_name + " is not Active";
            out.withheld.push_back({std::move(r), std::move(why)});
            continue;
        }
        auto it = index.find(r.prefix);
        if (it == index.end()) {
            index.emplace(r.prefix, out.routes.size());
            out.routes.push_back(std::move(r));
            continue;
        }
        Route& have = out.routes[it->second];
        if (same_origin(have, r) && !r.sas.empty()) {
            have.sas.insert(have.sas.end(), r.sas.begin(), r.sas.end());
            continue;
        }
        std::string why = entry_name(have) + " already injects this prefix";
        out.withheld.push_back({std::move(r), std::move(why)});
    }
    std::sort(out.routes.begin(), out.routes.end(), [](const Route& a, const Route& b) { return a.prefix < b.prefix; });
    return out;
}

}  // namespace tandem::rri
