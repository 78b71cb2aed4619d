// The YAML loader's crypto sections: access lists, transform sets, IKE, IPsec defaults, crypto
// maps and dynamic maps.
//
// An access-list entry is either IOS text, parsed by parse_ace() so that YAML and IOS input report
// the same errors (at the column of the token at fault), or a structured mapping
// {action, protocol, source, source_port, destination, destination_port, log} or {remark}.
// Crypto map entries are sorted by seq as the model requires (a repeated seq is validate()'s to report).
#include <algorithm>

#include "common/config/acl_text.h"
#include "common/config/yaml_loader_detail.h"

namespace tandem::config::yaml_detail {

namespace {

// ---------------------------------------------------------------- access lists

// `any`, `host A`, `A WILDCARD` or `A/N` as a structured entry's source or destination, parsed by
// acl_text so both forms report the same errors at the same token.
std::optional<Ipv4Wildcard> read_acl_address(Reader& r, const Field& f) {
    auto s = r.scalar_text(f, "an address match (any, host A.B.C.D, A.B.C.D WILDCARD or A.B.C.D/N)");
    if (!s) return std::nullopt;
    Ipv4Wildcard w;
    AceError err;
    if (!parse_address_match(*s, w, err)) {
        r.error(r.pos_at(f.node, err.offset), f.path, err.message);
        return std::nullopt;
    }
    return w;
}

// `eq P`, `neq P`, `lt P`, `gt P` or `range P1 P2`.
std::optional<PortMatch> read_port_match(Reader& r, const Field& f, bool udp) {
    auto s = r.scalar_text(f, "a port match (eq P, neq P, lt P, gt P or range P1 P2)");
    if (!s) return std::nullopt;
    PortMatch pm;
    AceError err;
    if (!parse_port_match(*s, udp, pm, err)) {
        r.error(r.pos_at(f.node, err.offset), f.path, err.message);
        return std::nullopt;
    }
    return pm;
}

void read_structured_ace(Reader& r, const Field& f, AclEntry& e) {
    auto m = r.mapping(f, {"remark", "action", "protocol", "source", "source_port", "destination",
                           "destination_port", "log"});
    if (!m) return;
    if (auto x = m->get("remark", e.fields)) {
        e.is_remark = true;
        set_if(e.remark, r.string(*x));
        for (const auto& entry : m->entries()) {
            if (entry.key != "remark") {
                r.error(entry.key_pos, entry.value.path, "a remark entry takes no other key");
            }
        }
        return;
    }
    if (auto x = m->get("action", e.fields)) {
        set_if(e.action, r.word<AclAction>(*x, "action", {{"permit", AclAction::permit}, {"deny", AclAction::deny}}));
    } else {
        r.missing(*m, "action", "permit or deny");
    }
    if (auto x = m->get("protocol", e.fields)) {
        if (auto s = r.scalar_text(*x, "a protocol (ip, tcp, udp, icmp, ... or 0..255)")) {
            auto p = protocol_by_name(*s);
            if (p) {
                e.protocol = *p;
            } else {
                r.error(*x, "'" + *s + "' is not a protocol (ip, tcp, udp, icmp, esp, gre, ... or a number 0..255)");
            }
        }
    }
    if (auto x = m->get("source", e.fields)) {
        set_if(e.source, read_acl_address(r, *x));
    } else {
        r.missing(*m, "source", "any, host A.B.C.D, A.B.C.D WILDCARD or A.B.C.D/N");
    }
    if (auto x = m->get("destination", e.fields)) {
        set_if(e.destination, read_acl_address(r, *x));
    } else {
        r.missing(*m, "destination", "any, host A.B.C.D, A.B.C.D WILDCARD or A.B.C.D/N");
    }
    bool ports_allowed = e.protocol == 6 || e.protocol == 17;
    for (const char* key : {"source_port", "destination_port"}) {
        auto x = m->get(key, e.fields);
        if (!x) continue;
        if (!ports_allowed) {
            r.error(*x, "ports can only be matched with protocol tcp or udp (protocol is " +
                            protocol_name(e.protocol) + ")");
            continue;
        }
        auto pm = read_port_match(r, *x, e.protocol == 17);
        if (pm) (std::string_view(key) == "source_port" ? e.source_ports : e.destination_ports) = *pm;
    }
    if (auto x = m->get("log", e.fields)) set_if(e.log, r.boolean(*x));
}

// Stands in for an entry that did not load (its error is already reported), so the entries after
// it keep their index and later diagnostics name the entry the user sees. A configuration with
// errors is never applied, so the stand-in never matches a packet.
AclEntry unusable_entry(const Field& ef) {
    AclEntry e;
    e.pos = ef.pos;
    e.is_remark = true;
    e.remark = "(entry not loaded: see the error above)";
    return e;
}

void read_access_list(Reader& r, const NamedField& nf, AccessList& acl) {
    acl.name = nf.name;
    acl.pos = nf.name_pos;
    acl.fields.set("name", nf.name_pos);
    auto items = r.sequence(nf.value);
    for (size_t k = 0; k < items.size(); ++k) {
        Field ef = r.field(items[k], nf.value.path + "[" + std::to_string(k) + "]");
        AclEntry e;
        e.pos = ef.pos;
        if (ef.node.IsScalar()) {
            AceError err;
            if (!parse_ace(ef.node.Scalar(), e, err)) {
                r.error(r.pos_at(ef.node, err.offset), ef.path, err.message);
                acl.entries.push_back(unusable_entry(ef));
                continue;
            }
            e.pos = ef.pos;  // parse_ace leaves positions alone, but be explicit
        } else if (ef.node.IsMap()) {
            read_structured_ace(r, ef, e);
        } else {
            r.error(ef, "expected an entry in IOS form ('permit ip A W B W') or a mapping, got " + describe(ef.node));
            acl.entries.push_back(unusable_entry(ef));
            continue;
        }
        acl.entries.push_back(std::move(e));
    }
}

// ---------------------------------------------------------------- crypto map policy

// The keys a static or dynamic crypto map entry may set, besides seq (and dynamic).
constexpr std::string_view policy_keys[] = {"peers", "peer", "transform_sets", "match_address", "reverse_route",
                                            "pfs", "lifetime", "ike_proposal"};

void read_reverse_route(Reader& r, const Field& f, CryptoPolicy& p) {
    if (f.node.IsScalar()) {
        auto on = r.boolean(f);
        if (!on) return;
        if (*on) {
            ReverseRoute rr;
            rr.pos = f.pos;
            p.reverse_route = rr;
        }
        return;
    }
    if (!f.node.IsMap()) {
        r.error(f, "expected true, false or a mapping {static, follow_sa, remote_peer, gateway, tag, distance, "
                   "metric}, got " + describe(f.node));
        return;
    }
    auto m = r.mapping(f, {"static", "follow_sa", "remote_peer", "gateway", "tag", "distance", "metric"});
    if (!m) return;
    ReverseRoute rr;
    rr.pos = f.pos;
    if (auto x = m->get("static", rr.fields)) set_if(rr.static_routes, r.boolean(*x));
    if (auto x = m->get("follow_sa", rr.fields)) set_if(rr.follow_sa, r.boolean(*x));
    if (auto x = m->get("remote_peer", rr.fields)) set_if(rr.remote_peer, r.address(*x));
    if (auto x = m->get("gateway", rr.fields)) set_if(rr.gateway, r.boolean(*x));
    if (auto x = m->get("tag", rr.fields)) set_if(rr.tag, r.integer(*x, 0, UINT32_MAX));
    if (auto x = m->get("distance", rr.fields)) set_if(rr.distance, r.integer(*x, 1, 255));
    if (auto x = m->get("metric", rr.fields)) set_if(rr.metric, r.integer(*x, 0, UINT32_MAX));
    p.reverse_route = rr;
}

std::vector<std::string> read_name_list(Reader& r, const Field& f) {
    std::vector<std::string> out;
    auto items = r.sequence(f);
    for (size_t k = 0; k < items.size(); ++k) {
        auto s = r.nonempty_string(r.field(items[k], f.path + "[" + std::to_string(k) + "]"));
        if (s) out.push_back(*s);
    }
    return out;
}

template <typename Entry>
void read_policy(Reader& r, const Mapping& m, Entry& e) {
    CryptoPolicy& p = e.policy;
    auto peers = m.get("peers", e.fields);
    auto peer = m.get("peer", e.fields);
    if (peers && peer) r.error(peer->pos, peer->path, "give either peers (a list) or peer, not both");
    if (peers) {
        auto items = r.sequence(*peers);
        for (size_t k = 0; k < items.size(); ++k) {
            auto a = r.address(r.field(items[k], peers->path + "[" + std::to_string(k) + "]"));
            if (a) p.peers.push_back(*a);
        }
    } else if (peer) {
        e.fields.set("peers", peer->pos);
        if (auto a = r.address(*peer)) p.peers.push_back(*a);
    }
    if (auto x = m.get("transform_sets", e.fields)) p.transform_sets = read_name_list(r, *x);
    if (auto x = m.get("match_address", e.fields)) set_if(p.match_address, r.nonempty_string(*x));
    if (auto x = m.get("reverse_route", e.fields)) read_reverse_route(r, *x, p);
    if (auto x = m.get("pfs", e.fields)) set_if(p.pfs_group, r.dh_group(*x));
    if (auto x = m.get("lifetime", e.fields)) read_lifetime(r, *x, p.lifetime);
    if (auto x = m.get("ike_proposal", e.fields)) set_if(p.ike_proposal, r.nonempty_string(*x));
}

// The model keeps entries sorted by seq. A repeated seq is left for validate() to report.
template <typename Entry>
void sort_by_seq(std::vector<Entry>& entries) {
    std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.seq < b.seq; });
}

template <typename Entry>
bool read_seq(Reader& r, const Mapping& m, Entry& e) {
    auto x = m.get("seq", e.fields);
    if (!x) {
        r.missing(m, "seq", "the entry's sequence number, 1..65535");
        return false;
    }
    auto v = r.integer(*x, 1, 65535);
    if (!v) return false;
    e.seq = static_cast<uint32_t>(*v);
    return true;
}

}  // namespace

void read_access_lists(Reader& r, const Field& f, std::vector<AccessList>& out) {
    for (const auto& nf : r.named(f, "access list")) {
        AccessList acl;
        read_access_list(r, nf, acl);
        out.push_back(std::move(acl));
    }
}

void read_transform_sets(Reader& r, const Field& f, std::vector<TransformSet>& out) {
    for (const auto& nf : r.named(f, "transform set")) {
        TransformSet ts;
        ts.name = nf.name;
        ts.pos = nf.name_pos;
        ts.fields.set("name", nf.name_pos);
        auto m = r.mapping(nf.value, {"esp", "integrity", "mode"});
        if (m) {
            if (auto x = m->get("esp", ts.fields)) {
                set_if(ts.cipher, r.word<EspCipher>(*x, "ESP cipher",
                                                    {{"aes-gcm-128", EspCipher::aes_gcm_128},
                                                     {"aes-gcm-256", EspCipher::aes_gcm_256},
                                                     {"aes-cbc-128", EspCipher::aes_cbc_128},
                                                     {"aes-cbc-256", EspCipher::aes_cbc_256}}));
            } else {
                r.missing(*m, "esp", "aes-gcm-128, aes-gcm-256, aes-cbc-128 or aes-cbc-256");
            }
            if (auto x = m->get("integrity", ts.fields)) {
                set_if(ts.integrity, r.word<EspIntegrity>(*x, "ESP integrity algorithm",
                                                          {{"sha1", EspIntegrity::sha1_96},
                                                           {"sha256", EspIntegrity::sha256_128},
                                                           {"sha384", EspIntegrity::sha384_192},
                                                           {"sha512", EspIntegrity::sha512_256}}));
            }
            if (auto x = m->get("mode", ts.fields)) {
                auto s = r.scalar_text(*x, "tunnel");
                if (s && *s == "transport") {
                    r.error(*x, "transport mode is not supported; Tandem runs IPsec in tunnel mode only (mode: tunnel)");
                } else if (s && *s != "tunnel") {
                    r.error(*x, "'" + *s + "' is not a valid mode (expected tunnel)");
                }
            }
        }
        out.push_back(std::move(ts));
    }
}

void read_lifetime(Reader& r, const Field& f, Lifetime& out) {
    auto m = r.mapping(f, {"seconds", "kilobytes"});
    if (!m) return;
    if (auto x = m->get("seconds")) set_if(out.seconds, r.integer(*x, 120, 86400));
    if (auto x = m->get("kilobytes")) set_if(out.kilobytes, r.integer(*x, 2560, 4294967295ull));
}

void read_ike(Reader& r, const Field& f, IkeSettings& ike) {
    auto m = r.mapping(f, {"proposals", "keys", "lifetime", "keepalive", "nat_keepalive"});
    if (!m) return;
    ike.pos = f.pos;
    if (auto x = m->get("proposals", ike.fields)) {
        auto items = r.sequence(*x);
        for (size_t k = 0; k < items.size(); ++k) {
            Field pf = r.field(items[k], element_path(x->path, items[k], k, "name"));
            auto pm = r.mapping(pf, {"name", "encryption", "prf", "integrity", "groups"});
            if (!pm) continue;
            IkeProposal p;
            p.pos = pf.pos;
            if (auto y = pm->get("name", p.fields)) {
                set_if(p.name, r.nonempty_string(*y));
            } else {
                r.missing(*pm, "name", "the proposal's name");
            }
            auto list = [&](const char* key, bool required, const char* what, auto read_one) {
                auto y = pm->get(key, p.fields);
                if (!y) {
                    if (required) r.missing(*pm, key, what);
                    return;
                }
                auto elems = r.sequence(*y);
                if (required && elems.empty() && (y->node.IsNull() || y->node.IsSequence())) {
                    r.error(*y, std::string("must not be empty (") + what + ")");
                }
                for (size_t j = 0; j < elems.size(); ++j) read_one(r.field(elems[j], y->path + "[" + std::to_string(j) + "]"));
            };
            WordTable<IkeCipher> ciphers = {{"aes-gcm-128", IkeCipher::aes_gcm_128},
                                            {"aes-gcm-256", IkeCipher::aes_gcm_256},
                                            {"aes-cbc-128", IkeCipher::aes_cbc_128},
                                            {"aes-cbc-256", IkeCipher::aes_cbc_256}};
            WordTable<IkeHash> hashes = {{"sha256", IkeHash::sha256}, {"sha384", IkeHash::sha384},
                                         {"sha512", IkeHash::sha512}};
            list("encryption", true, "one or more of aes-gcm-128, aes-gcm-256, aes-cbc-128, aes-cbc-256",
                 [&](const Field& e) {
                     if (auto c = r.word<IkeCipher>(e, "IKE cipher", ciphers)) p.encryption.push_back(*c);
                 });
            list("prf", true, "one or more of sha256, sha384, sha512", [&](const Field& e) {
                if (auto h = r.word<IkeHash>(e, "PRF", hashes)) p.prf.push_back(*h);
            });
            list("integrity", false, "", [&](const Field& e) {
                if (auto h = r.word<IkeHash>(e, "integrity algorithm", hashes)) p.integrity.push_back(*h);
            });
            list("groups", true, "one or more of 14, 19, 20, 21, 31", [&](const Field& e) {
                if (auto g = r.dh_group(e)) p.dh_groups.push_back(*g);
            });
            ike.proposals.push_back(std::move(p));
        }
    }
    if (auto x = m->get("keys", ike.fields)) {
        auto items = r.sequence(*x);
        for (size_t k = 0; k < items.size(); ++k) {
            Field kf = r.field(items[k], x->path + "[" + std::to_string(k) + "]");
            auto km = r.mapping(kf, {"peer", "key"});
            if (!km) continue;
            PresharedKey psk;
            psk.pos = kf.pos;
            if (auto y = km->get("peer", psk.fields)) set_if(psk.peer, r.address_or_prefix(*y));
            if (auto y = km->get("key", psk.fields)) {
                set_if(psk.key, r.nonempty_string(*y));
            } else {
                r.missing(*km, "key", "the pre-shared key");
            }
            ike.keys.push_back(std::move(psk));
        }
    }
    if (auto x = m->get("lifetime", ike.fields)) set_if(ike.lifetime_seconds, r.integer(*x, 120, 86400));
    if (auto x = m->get("keepalive", ike.fields)) {
        if (auto km = r.mapping(*x, {"interval", "retry", "mode"})) {
            Keepalive ka;
            ka.pos = x->pos;
            if (auto y = km->get("interval", ka.fields)) set_if(ka.interval, r.integer(*y, 10, 3600));
            if (auto y = km->get("retry", ka.fields)) set_if(ka.retry, r.integer(*y, 2, 60));
            if (auto y = km->get("mode", ka.fields)) {
                set_if(ka.mode, r.word<DpdMode>(*y, "keepalive mode",
                                                {{"periodic", DpdMode::periodic}, {"on-demand", DpdMode::on_demand}}));
            }
            ike.keepalive = std::move(ka);
        }
    }
    if (auto x = m->get("nat_keepalive", ike.fields)) set_if(ike.nat_keepalive, r.integer(*x, 5, 3600));
}

void read_ipsec(Reader& r, const Field& f, IpsecSettings& ipsec) {
    auto m = r.mapping(f, {"lifetime", "replay_window", "pfs"});
    if (!m) return;
    ipsec.pos = f.pos;
    if (auto x = m->get("lifetime", ipsec.fields)) read_lifetime(r, *x, ipsec.lifetime);
    if (auto x = m->get("replay_window", ipsec.fields)) {
        auto v = r.integer(*x, 0, 4096);
        if (v && *v != 0 && *v < 32) {
            r.error(*x, std::to_string(*v) + " is out of range (0 to turn replay protection off, or 32..4096)");
        } else {
            set_if(ipsec.replay_window, v);
        }
    }
    if (auto x = m->get("pfs", ipsec.fields)) set_if(ipsec.pfs_group, r.dh_group(*x));
}

void read_crypto_maps(Reader& r, const Field& f, std::vector<CryptoMap>& out) {
    for (const auto& nf : r.named(f, "crypto map")) {
        CryptoMap cm;
        cm.name = nf.name;
        cm.pos = nf.name_pos;
        cm.fields.set("name", nf.name_pos);
        auto items = r.sequence(nf.value);
        for (size_t k = 0; k < items.size(); ++k) {
            Field ef = r.field(items[k], element_path(nf.value.path, items[k], k, "seq", "seq "));
            auto m = r.mapping(ef, {"seq", "dynamic", "peers", "peer", "transform_sets", "match_address",
                                    "reverse_route", "pfs", "lifetime", "ike_proposal", "initiate"});
            if (!m) continue;
            CryptoMapEntry e;
            e.pos = ef.pos;
            read_seq(r, *m, e);
            if (auto x = m->get("dynamic", e.fields)) {
                set_if(e.dynamic_map, r.nonempty_string(*x));
                for (const auto& entry : m->entries()) {
                    for (auto key : policy_keys) {
                        if (entry.key == key) {
                            r.error(entry.key_pos, entry.value.path,
                                    "an entry with 'dynamic' takes its policy from the dynamic map; remove '" +
                                        entry.key + "' or put it in the dynamic map");
                        }
                    }
                }
            } else {
                read_policy(r, *m, e);
            }
            if (auto x = m->get("initiate", e.fields)) {
                set_if(e.initiate_at_start, r.word<bool>(*x, "initiate mode", {{"traffic", false}, {"start", true}}));
            }
            cm.entries.push_back(std::move(e));
        }
        sort_by_seq(cm.entries);
        out.push_back(std::move(cm));
    }
}

void read_dynamic_maps(Reader& r, const Field& f, std::vector<DynamicMap>& out) {
    for (const auto& nf : r.named(f, "dynamic map")) {
        DynamicMap dm;
        dm.name = nf.name;
        dm.pos = nf.name_pos;
        dm.fields.set("name", nf.name_pos);
        auto items = r.sequence(nf.value);
        for (size_t k = 0; k < items.size(); ++k) {
            Field ef = r.field(items[k], element_path(nf.value.path, items[k], k, "seq", "seq "));
            auto m = r.mapping(ef, {"seq", "peers", "peer", "transform_sets", "match_address", "reverse_route", "pfs",
                                    "lifetime", "ike_proposal"});
            if (!m) continue;
            DynamicMapEntry e;
            e.pos = ef.pos;
            read_seq(r, *m, e);
            read_policy(r, *m, e);
            dm.entries.push_back(std::move(e));
        }
        sort_by_seq(dm.entries);
        out.push_back(std::move(dm));
    }
}

}  // namespace tandem::config::yaml_detail
