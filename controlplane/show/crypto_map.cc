// `show crypto map [interface IF | tag NAME]`: the crypto map sets, in configuration order, and
// in each its entries by sequence number.
//
//   Crypto Map IPv4 "mymap" idb: FastEthernet0/0 local address: 192.168.0.3
//
//   Crypto Map IPv4 "mymap" 1 ipsec-isakmp
//           Peer = 10.1.1.1
//           ... the policy block (policy.cc) ...
//           Interfaces using crypto map mymap:
//                   FastEthernet0/0 (redundancy group1)
//
//   Crypto Map IPv4 "mymap" 3 ipsec-isakmp
//           Dynamic map template tag: mydynmap
//           Interfaces using crypto map mymap:
//                   FastEthernet0/0
//
// The `idb:` line opens a set for each interface it is applied to whose local tunnel endpoint is
// known (the interface address, or the standby address with `redundancy`), as IOS prints it.
// `interface IF` shows the set applied to IF (nothing when none is) with IF's `idb:` line alone;
// `tag NAME` shows the set NAME.
//
// JSON: one object per entry: {"map", "seq", "type": "ipsec-isakmp", "dynamic_map" (null for a
// static entry), "peers", "ike_proposal", "access_list": {"name", "entries"} | null,
// "current_peer", "lifetime": {"kilobytes", "seconds"}, "responder_only", "pfs_group",
// "transform_sets": [...as in transform_sets.cc], "reverse_route": {"static", "follow_sa",
// "remote_peer", "gateway", "tag", "distance", "metric"} | null, "interfaces": [{"name",
// "local_address", "redundancy", "standby_name"}]}. A dynamic entry has empty lists and nulls for
// the policy it takes from its template.
#include "common/config/compile.h"
#include "controlplane/show/args.h"
#include "controlplane/show/detail.h"
#include "controlplane/show/show.h"

namespace tandem::show {

using namespace tandem::config;

namespace {

struct MapView {
    const CryptoMap* map = nullptr;
    std::vector<const InterfacePolicy*> bindings;  // the interfaces it is applied to
    const std::string* idb_only = nullptr;         // `interface IF`: the idb line of IF alone
};

std::string binding_text(const Config& cfg, const InterfacePolicy& b) {
    std::string s = b.interface;
    const Interface* itf = cfg.find_interface(b.interface);
    if (itf && itf->crypto_map && itf->crypto_map->redundancy) {
        s += b.standby_name ? " (redundancy " + *b.standby_name + ")" : std::string(" (redundancy, no standby group)");
    }
    return s;
}

std::optional<Ipv4Address> current_peer_of(const CryptoMap& map, const CryptoMapEntry& e, const CurrentPeerFn& fn) {
    if (fn) {
        if (auto live = fn(map.name, e.seq)) return live;
    }
    if (!e.policy.peers.empty()) return e.policy.peers.front();
    return std::nullopt;
}

std::string map_text(const Config& cfg, const MapView& v, const CurrentPeerFn& current_peer) {
    const CryptoMap& map = *v.map;
    const std::string in = kIndent;
    std::vector<std::string> blocks;
    for (const InterfacePolicy* b : v.bindings) {
        if (!b->local_endpoint || (v.idb_only && b->interface != *v.idb_only)) continue;
        blocks.push_back("Crypto Map IPv4 \"" + map.name + "\" idb: " + b->interface + " local address: " +
                         b->local_endpoint->str() + "\n");
    }
    std::string interfaces = in + "Interfaces using crypto map " + map.name + ":\n";
    for (const InterfacePolicy* b : v.bindings) interfaces += in + in + binding_text(cfg, *b) + "\n";

    for (const CryptoMapEntry* e : by_seq(map.entries)) {
        std::string s = "Crypto Map IPv4 \"" + map.name + "\" " + std::to_string(e->seq) + " ipsec-isakmp\n";
        if (e->dynamic_map) {
            s += in + "Dynamic map template tag: " + *e->dynamic_map + "\n";
        } else {
            s += policy_text(cfg, e->policy, current_peer_of(map, *e, current_peer), true);
        }
        blocks.push_back(s + interfaces);
    }
    std::string out;
    for (const auto& b : blocks) out += (out.empty() ? "" : "\n") + b;
    return out;
}

void map_json(const Config& cfg, const MapView& v, const CurrentPeerFn& current_peer, std::vector<std::string>& docs) {
    const CryptoMap& map = *v.map;
    for (const CryptoMapEntry* e : by_seq(map.entries)) {
        JsonWriter w;
        w.begin_object().key("map").value(map.name).key("seq").number(uint64_t{e->seq});
        w.key("type").value("ipsec-isakmp").key("dynamic_map").value(e->dynamic_map);
        std::optional<std::string> peer;
        if (e->dynamic_map) {
            write_no_policy_json(w);
        } else {
            write_policy_json(w, cfg, e->policy);
            if (auto p = current_peer_of(map, *e, current_peer)) peer = p->str();
        }
        w.key("current_peer").value(peer);
        w.key("interfaces").begin_array();
        for (const InterfacePolicy* b : v.bindings) {
            const Interface* itf = cfg.find_interface(b->interface);
            std::optional<std::string> local;
            if (b->local_endpoint) local = b->local_endpoint->str();
            w.begin_object().key("name").value(b->interface).key("local_address").value(local);
            w.key("redundancy").boolean(itf && itf->crypto_map && itf->crypto_map->redundancy);
            w.key("standby_name").value(b->standby_name).end_object();
        }
        w.end_array().end_object();
        docs.push_back(w.str());
    }
}

}  // namespace

Result<std::string> show_crypto_map(const Config& cfg, const std::vector<std::string>& args, bool json,
                                    const CurrentPeerFn& current_peer) {
    auto filter = parse_filter(args, "show crypto map", true);
    if (!filter) return filter.error();

    const std::vector<InterfacePolicy> policies = compile_policies(cfg);
    auto view_of = [&](const CryptoMap& m, const std::string* idb_only) {
        MapView v{&m, {}, idb_only};
        for (const auto& p : policies) {
            if (p.map == m.name) v.bindings.push_back(&p);
        }
        return v;
    };

    std::vector<MapView> views;
    switch (filter->kind) {
    case Filter::Kind::all:
        for (const auto& m : cfg.crypto_maps) views.push_back(view_of(m, nullptr));
        break;
    case Filter::Kind::tag: {
        const CryptoMap* m = cfg.find_crypto_map(filter->value);
        if (!m) return Error("Crypto map " + filter->value + " not found");
        views.push_back(view_of(*m, nullptr));
        break;
    }
    case Filter::Kind::interface: {
        auto itf = find_interface(cfg, filter->value);
        if (!itf) return itf.error();
        const CryptoMap* m = (*itf)->crypto_map ? cfg.find_crypto_map((*itf)->crypto_map->map) : nullptr;
        if (m) views.push_back(view_of(*m, &(*itf)->name));
        break;
    }
    }

    if (json) {
        std::vector<std::string> docs;
        for (const auto& v : views) map_json(cfg, v, current_peer, docs);
        return json_lines_array(docs);
    }
    std::string out;
    for (const auto& v : views) {
        std::string t = map_text(cfg, v, current_peer);
        if (t.empty()) continue;
        out += (out.empty() ? "" : "\n") + t;
    }
    return out;
}

}  // namespace tandem::show
