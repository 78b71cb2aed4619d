// Crypto maps and dynamic crypto maps: entry completeness, references, SA policy values and
// reverse route injection options.
//
// A static crypto map entry (IOS `crypto map NAME SEQ ipsec-isakmp`) is usable only with a peer,
// a `match address` ACL and a transform set; IOS accepts an incomplete entry but keeps it
// disabled, which is almost never what was meant, so it is an error here. An entry may instead
// point at a dynamic map (`crypto map NAME SEQ ipsec-isakmp dynamic DYN`), a template whose
// entries need only a transform set: peer and selectors come from the peer that connects.
//
// Reverse route injection: on a static map routes are installed for the ACL's destinations
// (`static`: always; `follow_sa`: only while an SA is up, which is what dynamic maps always do);
// `remote-peer ADDR` uses ADDR as next hop, and `gateway` additionally keeps the route to the
// peer itself, so it needs a remote peer.
#include <map>

#include "common/config/validate_detail.h"

namespace tandem::config::validation {

namespace {

constexpr uint32_t lifetime_min_seconds = 120;
constexpr uint32_t lifetime_max_seconds = 86400;
constexpr uint64_t lifetime_min_kilobytes = 2560;

// One static or dynamic map entry, seen through what both kinds share.
struct PolicySite {
    const CryptoPolicy& policy;
    const SourcePos& pos;
    const FieldPositions& fields;
    std::string path;  // crypto_maps.mymap[seq 1]
    bool dynamic;

    const SourcePos& at(std::string_view field) const {
        const SourcePos* p = fields.find(field);
        return p ? *p : pos;
    }
};

void check_reverse_route(const PolicySite& s, Diagnostics& diags) {
    if (!s.policy.reverse_route) return;
    const ReverseRoute& rr = *s.policy.reverse_route;
    const std::string path = s.path + ".reverse_route";
    if (rr.gateway && !rr.remote_peer) {
        diags.error(pos_of(rr, "gateway"), path + ".gateway",
                    "`gateway` needs remote_peer (IOS `reverse-route remote-peer ADDR gateway`); add remote_peer "
                    "or drop gateway");
    }
    if (s.dynamic) {
        if (rr.static_routes) {
            diags.error(pos_of(rr, "static"), path + ".static",
                        "`static` is not allowed on a dynamic map entry: dynamic maps have no ACL to take routes "
                        "from and always follow their SAs; remove it");
        }
        if (rr.follow_sa) {
            diags.error(pos_of(rr, "follow_sa"), path + ".follow_sa",
                        "`follow_sa` is not needed on a dynamic map entry: dynamic maps always follow their SAs; "
                        "remove it");
        }
    } else if (rr.static_routes && rr.follow_sa) {
        diags.error(pos_of(rr, "follow_sa"), path + ".follow_sa",
                    "`static` (routes always present) and `follow_sa` (routes only while an SA is up) contradict "
                    "each other; keep one");
    }
    if (rr.distance && *rr.distance == 0) {
        diags.error(pos_of(rr, "distance"), path + ".distance",
                    "administrative distance 0 is reserved for connected routes; use 1..255 (default 1)");
    }
    if (rr.remote_peer && rr.remote_peer->is_unspecified()) {
        diags.error(pos_of(rr, "remote_peer"), path + ".remote_peer",
                    "remote_peer 0.0.0.0 is not a next hop; give the address of the router towards the peer");
    }
}

// `fields` holds the object's positions: "lifetime.seconds" (IOS import) or "lifetime" (YAML).
void check_lifetime(const Lifetime& lt, const FieldPositions& fields, const SourcePos& fallback,
                    const std::string& path, Diagnostics& diags) {
    auto at = [&](std::string_view key) -> const SourcePos& {
        if (const SourcePos* p = fields.find(key)) return *p;
        if (const SourcePos* p = fields.find("lifetime")) return *p;
        return fallback;
    };
    if (lt.seconds && (*lt.seconds < lifetime_min_seconds || *lt.seconds > lifetime_max_seconds)) {
        diags.error(at("lifetime.seconds"), path + ".seconds",
                    "SA lifetime " + std::to_string(*lt.seconds) + " s is out of range (120..86400 s)");
    }
    if (lt.kilobytes && *lt.kilobytes < lifetime_min_kilobytes) {
        diags.error(at("lifetime.kilobytes"), path + ".kilobytes",
                    "SA lifetime " + std::to_string(*lt.kilobytes) + " KB is too small (at least 2560 KB)");
    }
}

void check_pfs(std::optional<uint16_t> group, const SourcePos& pos, const std::string& path, Diagnostics& diags) {
    if (group && !dh_group_supported(*group)) {
        diags.error(pos, path,
                    "DH group " + std::to_string(*group) + " is not supported for PFS; use 14, 19, 20, 21 or 31");
    }
}

void check_policy(const Config& cfg, const PolicySite& s, Diagnostics& diags) {
    const CryptoPolicy& p = s.policy;
    if (p.match_address && !cfg.find_access_list(*p.match_address)) {
        diags.error(s.at("match_address"), s.path + ".match_address",
                    "unknown access list " + quoted(*p.match_address) +
                        suggestion(*p.match_address, names_of(cfg.access_lists), "access lists"));
    }
    for (size_t i = 0; i < p.transform_sets.size(); ++i) {
        const std::string& ts = p.transform_sets[i];
        if (!cfg.find_transform_set(ts)) {
            diags.error(s.at("transform_sets"), s.path + ".transform_sets[" + std::to_string(i) + "]",
                        "unknown transform set " + quoted(ts) +
                            suggestion(ts, names_of(cfg.transform_sets), "transform sets"));
        }
    }
    if (p.ike_proposal && !cfg.find_ike_proposal(*p.ike_proposal)) {
        diags.error(s.at("ike_proposal"), s.path + ".ike_proposal",
                    "unknown IKE proposal " + quoted(*p.ike_proposal) +
                        suggestion(*p.ike_proposal, names_of(cfg.ike.proposals), "IKE proposals"));
    }
    check_pfs(p.pfs_group, s.at("pfs"), s.path + ".pfs", diags);
    check_lifetime(p.lifetime, s.fields, s.pos, s.path + ".lifetime", diags);
    check_reverse_route(s, diags);
}

void check_static_entry(const PolicySite& s, Diagnostics& diags) {
    const CryptoPolicy& p = s.policy;
    const std::string disabled = "; IOS keeps such an entry disabled (incomplete) and it protects no traffic";
    if (p.peers.empty()) {
        diags.error(s.at("peers"), s.path + ".peers",
                    "a static crypto map entry needs at least one peer (`peers: [ADDR]`)" + disabled);
    }
    if (!p.match_address) {
        diags.error(s.at("match_address"), s.path + ".match_address",
                    "a static crypto map entry needs match_address, the access list of the traffic to protect" +
                        disabled);
    }
    if (p.transform_sets.empty()) {
        diags.error(s.at("transform_sets"), s.path + ".transform_sets",
                    "a static crypto map entry needs at least one transform set" + disabled);
    }
}

template <typename Entry, typename PathFn>
void check_unique_seqs(const std::vector<Entry>& entries, PathFn path, Diagnostics& diags) {
    for (size_t i = 0; i < entries.size(); ++i) {
        for (size_t j = 0; j < i; ++j) {
            if (entries[j].seq == entries[i].seq) {
                diags.error(pos_of(entries[i], "seq"), path(entries[i]),
                            "duplicate sequence number " + std::to_string(entries[i].seq) +
                                first_defined_at(pos_of(entries[j], "seq")) + "; give each entry its own seq");
                break;
            }
        }
    }
}

void check_crypto_map(const Config& cfg, const CryptoMap& map, Diagnostics& diags) {
    check_unique_seqs(map.entries, [&](const CryptoMapEntry& e) { return crypto_map_entry_path(map, e); }, diags);
    for (const auto& e : map.entries) {
        PolicySite s{e.policy, e.pos, e.fields, crypto_map_entry_path(map, e), false};
        if (e.dynamic_map) {
            if (!cfg.find_dynamic_map(*e.dynamic_map)) {
                diags.error(s.at("dynamic"), s.path + ".dynamic",
                            "unknown dynamic map " + quoted(*e.dynamic_map) +
                                suggestion(*e.dynamic_map, names_of(cfg.dynamic_maps), "dynamic maps"));
            }
            if (e.initiate_at_start) {
                diags.error(s.at("initiate"), s.path + ".initiate",
                            "a dynamic entry only answers peers; `initiate: start` needs a static entry with a peer");
            }
            continue;
        }
        if (e.initiate_at_start && (e.policy.peers.empty() || !e.policy.match_address)) {
            diags.error(s.at("initiate"), s.path + ".initiate",
                        "`initiate: start` needs a peer and match_address to know what to negotiate");
        }
        check_static_entry(s, diags);
        check_policy(cfg, s, diags);
    }
    bool applied = false;
    for (const auto& itf : cfg.interfaces) {
        if (itf.crypto_map && itf.crypto_map->map == map.name) applied = true;
    }
    if (!applied) {
        diags.warning(map.pos, "crypto_maps." + map.name,
                      "crypto map " + quoted(map.name) +
                          " is applied to no interface, so it protects nothing; apply it with an interface's "
                          "crypto_map");
    }
}

void check_dynamic_map(const Config& cfg, const DynamicMap& map, Diagnostics& diags) {
    check_unique_seqs(map.entries, [&](const DynamicMapEntry& e) { return dynamic_map_entry_path(map, e); }, diags);
    for (const auto& e : map.entries) {
        PolicySite s{e.policy, e.pos, e.fields, dynamic_map_entry_path(map, e), true};
        if (e.policy.transform_sets.empty()) {
            diags.error(s.at("transform_sets"), s.path + ".transform_sets",
                        "a dynamic map entry needs at least one transform set (IOS `set transform-set`)");
        }
        check_policy(cfg, s, diags);
    }
    bool referenced = false;
    for (const auto& cm : cfg.crypto_maps) {
        for (const auto& e : cm.entries) {
            if (e.dynamic_map == map.name) referenced = true;
        }
    }
    if (!referenced) {
        diags.warning(map.pos, "dynamic_maps." + map.name,
                      "dynamic map " + quoted(map.name) +
                          " is not referenced by any crypto map; add an entry `dynamic: " + map.name +
                          "` to a crypto map");
    }
}

}  // namespace

void validate_crypto_maps(const Config& cfg, Diagnostics& diags) {
    check_unique_names(cfg.crypto_maps, "crypto map",
                       [](const CryptoMap& m) { return "crypto_maps." + m.name; }, diags);
    check_unique_names(cfg.dynamic_maps, "dynamic map",
                       [](const DynamicMap& m) { return "dynamic_maps." + m.name; }, diags);
    check_pfs(cfg.ipsec.pfs_group, pos_of(cfg.ipsec, "pfs"), "ipsec.pfs", diags);
    check_lifetime(cfg.ipsec.lifetime, cfg.ipsec.fields, cfg.ipsec.pos, "ipsec.lifetime", diags);
    for (const auto& map : cfg.crypto_maps) check_crypto_map(cfg, map, diags);
    for (const auto& map : cfg.dynamic_maps) check_dynamic_map(cfg, map, diags);
}

}  // namespace tandem::config::validation
