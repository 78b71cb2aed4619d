#include "common/config/compile.h"

#include <algorithm>
#include <sstream>

namespace tandem::config {

std::string_view to_string(SpdAction a) {
    switch (a) {
        case SpdAction::protect: return "PROTECT";
        case SpdAction::skip_entry: return "SKIP-ENTRY";
        case SpdAction::bypass: return "BYPASS";
    }
    return "?";
}

namespace {

const StandbyGroup* bound_group(const Interface& itf) {
    if (!itf.crypto_map || !itf.crypto_map->redundancy) return nullptr;
    const auto& b = *itf.crypto_map;
    const StandbyGroup* only = nullptr;
    int named = 0;
    for (const auto& g : itf.standby) {
        if (!g.name) continue;
        if (b.standby_name && *g.name == *b.standby_name) return &g;
        ++named;
        only = &g;
    }
    return (!b.standby_name && named == 1) ? only : nullptr;
}

}  // namespace

std::vector<InterfacePolicy> compile_policies(const Config& cfg) {
    std::vector<InterfacePolicy> out;
    for (const auto& itf : cfg.interfaces) {
        if (!itf.crypto_map) continue;
        const CryptoMap* map = cfg.find_crypto_map(itf.crypto_map->map);
        if (!map) continue;
        InterfacePolicy p;
        p.interface = itf.name;
        p.map = map->name;
        if (itf.crypto_map->redundancy) {
            const StandbyGroup* g = bound_group(itf);
            if (g) {
                p.standby_name = g->name;
                p.local_endpoint = g->ip;
            } else if (itf.address) {
                // The bound group's name is gone (seed: the endpoint falls back to the interface).
                p.local_endpoint = itf.address->address;
            }
        } else if (itf.address) {
            p.local_endpoint = itf.address->address;
        }
        std::vector<const CryptoMapEntry*> entries;
        for (const auto& e : map->entries) entries.push_back(&e);
        std::stable_sort(entries.begin(), entries.end(),
                         [](const CryptoMapEntry* a, const CryptoMapEntry* b) { return a->seq < b->seq; });
        for (const CryptoMapEntry* e : entries) {
            if (e->dynamic_map) {
                p.dynamic_templates.emplace_back(e->seq, *e->dynamic_map);
                continue;
            }
            if (!e->policy.match_address) continue;
            const AccessList* acl = cfg.find_access_list(*e->policy.match_address);
            if (!acl) continue;
            for (size_t i = 0; i < acl->entries.size(); ++i) {
                const AclEntry& ace = acl->entries[i];
                if (ace.is_remark) continue;
                SpdRule r;
                r.action = ace.action == AclAction::permit ? SpdAction::protect : SpdAction::skip_entry;
                r.seq = e->seq;
                r.acl_line = i;
                r.protocol = ace.protocol;
                r.source = ace.source;
                r.source_ports = ace.source_ports;
                r.destination = ace.destination;
                r.destination_ports = ace.destination_ports;
                if (r.action == SpdAction::protect) r.peers = e->policy.peers;
                p.rules.push_back(std::move(r));
            }
        }
        p.rules.push_back(SpdRule{});  // everything else: BYPASS
        out.push_back(std::move(p));
    }
    return out;
}

std::vector<RriRoute> static_rri_routes(const Config& cfg) {
    std::vector<RriRoute> out;
    for (const auto& itf : cfg.interfaces) {
        if (!itf.crypto_map || itf.shutdown) continue;
        const CryptoMap* map = cfg.find_crypto_map(itf.crypto_map->map);
        if (!map) continue;
        const StandbyGroup* group = bound_group(itf);
        for (const auto& e : map->entries) {
            const auto& rr = e.policy.reverse_route;
            if (e.dynamic_map || !rr || rr->follow_sa || !e.policy.match_address) continue;
            const AccessList* acl = cfg.find_access_list(*e.policy.match_address);
            if (!acl) continue;
            for (const auto& ace : acl->entries) {
                if (ace.is_remark || ace.action != AclAction::permit) continue;
                auto prefix = ace.destination.prefix();
                // `any` and discontiguous destinations are configuration errors (validate());
                // a compiled config never routes them.
                if (!prefix || prefix->is_default()) continue;
                bool duplicate = std::any_of(out.begin(), out.end(), [&](const RriRoute& r) {
                    return r.prefix == *prefix && r.interface == itf.name;
                });
                if (duplicate) continue;
                RriRoute r;
                r.prefix = *prefix;
                r.interface = itf.name;
                r.next_hop = rr->remote_peer;
                r.distance = rr->distance.value_or(1);
                r.tag = rr->tag;
                r.metric = rr->metric;
                r.map = map->name;
                r.seq = e.seq;
                if (group) r.standby_name = group->name;
                r.shadowed_by_static = std::any_of(cfg.routes.begin(), cfg.routes.end(),
                                                   [&](const StaticRoute& s) { return s.prefix == *prefix; });
                out.push_back(std::move(r));
            }
        }
    }
    return out;
}

namespace {

std::string rule_text(const SpdRule& r) {
    if (r.action == SpdAction::bypass && r.seq == 0) return "BYPASS     any (no entry protects it: forwarded in the clear)";
    std::ostringstream s;
    s << to_string(r.action) << (r.action == SpdAction::protect ? "    " : " ") << "seq " << r.seq
      << " acl-line " << r.acl_line + 1 << ": " << protocol_name(r.protocol) << " " << r.source.str();
    if (!r.source_ports.is_any()) s << " " << r.source_ports.str();
    s << " -> " << r.destination.str();
    if (!r.destination_ports.is_any()) s << " " << r.destination_ports.str();
    if (!r.peers.empty()) {
        s << " peer";
        for (const auto& p : r.peers) s << " " << p.str();
    }
    return s.str();
}

}  // namespace

std::string render_compiled(const Config& cfg) {
    std::ostringstream s;
    auto policies = compile_policies(cfg);
    if (policies.empty()) s << "No crypto map is applied to an interface: no security policy.\n";
    for (const auto& p : policies) {
        s << "Interface " << p.interface << ", crypto map " << p.map << "\n";
        s << "  local endpoint: " << (p.local_endpoint ? p.local_endpoint->str() : std::string("(none)"));
        if (p.standby_name) s << " (HSRP group " << *p.standby_name << ", only while Active)";
        s << "\n  outbound policy, first match:\n";
        for (const auto& r : p.rules) s << "    " << rule_text(r) << "\n";
        for (const auto& [seq, dyn] : p.dynamic_templates) {
            s << "  seq " << seq << ": dynamic map " << dyn << " (responder template; policies per SA)\n";
        }
    }
    auto routes = static_rri_routes(cfg);
    s << "Reverse route injection, static crypto maps (present without SAs):\n";
    if (routes.empty()) s << "  (none)\n";
    for (const auto& r : routes) {
        s << "  ip route " << r.prefix.netmask_str() << " ";
        s << (r.next_hop ? r.next_hop->str() : r.interface);
        if (r.distance != 1) s << " " << unsigned{r.distance};
        if (r.tag) s << " tag " << *r.tag;
        s << "   ! crypto map " << r.map << " " << r.seq;
        if (r.standby_name) s << ", while HSRP " << *r.standby_name << " is Active";
        if (r.shadowed_by_static) s << ", NOT injected: a configured static route owns this prefix";
        s << "\n";
    }
    for (const auto& d : cfg.dynamic_maps) {
        for (const auto& e : d.entries) {
            if (e.policy.reverse_route) {
                s << "  dynamic map " << d.name << " " << e.seq
                  << ": one route per remote proxy of each SA, while the SA is up\n";
            }
        }
    }
    for (const auto& m : cfg.crypto_maps) {
        for (const auto& e : m.entries) {
            if (!e.dynamic_map && e.policy.reverse_route && e.policy.reverse_route->follow_sa) {
                s << "  crypto map " << m.name << " " << e.seq << ": routes follow the live SAs (follow_sa)\n";
            }
        }
    }
    return s.str();
}

}  // namespace tandem::config
