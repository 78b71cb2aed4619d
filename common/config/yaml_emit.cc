// Config -> YAML, the inverse of yaml_loader: what to_yaml() writes, load_yaml_string() reads back
// into an equal Config. Keys follow the schema's order; a value equal to the model's default is
// left out (a section whose every value is a default is left out whole), short lists of scalars
// and small mappings are written in flow style ([a, b], {hello: 1, hold: 3}). Strings that a YAML
// reader would take for a number, a boolean or null are quoted.
#include "common/config/yaml_emit.h"

#include <yaml-cpp/yaml.h>

#include "common/config/acl_text.h"

namespace tandem::config {

namespace {

bool needs_quotes(const std::string& s) {
    if (s.empty()) return true;
    static constexpr std::string_view specials[] = {"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"};
    std::string lower;
    for (char c : s) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    for (auto w : specials) {
        if (lower == w) return true;
    }
    // Number-like: 101, -3, 1.5, 1e5, 0x1f, 0o17, 1:30 (YAML 1.1 sexagesimal), .inf
    if (lower == ".inf" || lower == "-.inf" || lower == ".nan") return true;
    size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
    if (i < s.size() && s[i] == '.') ++i;
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
    int dots = 0;
    for (char c : lower) {
        bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '_' || c == ':' || c == '+' ||
                  c == '-' || c == 'x' || c == 'o' || c == '.';
        if (!ok) return false;
        dots += c == '.';
    }
    return dots <= 1;
}

// Writes a string, quoted when it would otherwise read as something else.
YAML::Emitter& str(YAML::Emitter& e, const std::string& s) {
    if (needs_quotes(s)) return e << YAML::DoubleQuoted << s;
    return e << s;
}

YAML::Emitter& num(YAML::Emitter& e, uint64_t v) { return e << v; }

YAML::Emitter& key(YAML::Emitter& e, const char* k) { return e << YAML::Key << k << YAML::Value; }

// 3000 -> 3 (seconds), 250 -> "250ms"
YAML::Emitter& duration(YAML::Emitter& e, uint32_t ms) {
    if (ms % 1000 == 0) return num(e, ms / 1000);
    return e << (std::to_string(ms) + "ms");
}

template <typename T, typename F>
void flow_list(YAML::Emitter& e, const std::vector<T>& v, F write_one) {
    e << YAML::Flow << YAML::BeginSeq;
    for (const auto& x : v) write_one(x);
    e << YAML::EndSeq;
}

void lifetime(YAML::Emitter& e, const Lifetime& l) {
    e << YAML::Flow << YAML::BeginMap;
    if (l.seconds) num(key(e, "seconds"), *l.seconds);
    if (l.kilobytes) num(key(e, "kilobytes"), *l.kilobytes);
    e << YAML::EndMap;
}

// ---------------------------------------------------------------- interfaces

void standby_group(YAML::Emitter& e, const StandbyGroup& g) {
    const StandbyGroup d;
    e << YAML::BeginMap;
    num(key(e, "group"), g.group);
    if (g.name) str(key(e, "name"), *g.name);
    if (g.ip) key(e, "ip") << g.ip->str();
    if (g.priority != d.priority) num(key(e, "priority"), g.priority);
    if (g.preempt && g.preempt_delay_ms > 0) {
        key(e, "preempt") << YAML::Flow << YAML::BeginMap;
        duration(key(e, "delay"), g.preempt_delay_ms);
        e << YAML::EndMap;
    } else if (g.preempt) {
        key(e, "preempt") << true;
    }
    if (g.hello_ms != d.hello_ms || g.hold_ms != d.hold_ms) {
        key(e, "timers") << YAML::Flow << YAML::BeginMap;
        if (g.hello_ms != d.hello_ms) duration(key(e, "hello"), g.hello_ms);
        if (g.hold_ms != d.hold_ms) duration(key(e, "hold"), g.hold_ms);
        e << YAML::EndMap;
    }
    if (g.auth) {
        key(e, "authentication") << YAML::Flow << YAML::BeginMap;
        str(key(e, g.auth->kind == StandbyAuth::Kind::text ? "text" : "md5"), g.auth->key);
        e << YAML::EndMap;
    }
    if (!g.track.empty()) {
        key(e, "track") << YAML::BeginSeq;
        for (const auto& t : g.track) {
            e << YAML::Flow << YAML::BeginMap;
            if (t.object) num(key(e, "object"), *t.object);
            if (t.interface) str(key(e, "interface"), *t.interface);
            if (t.decrement != StandbyTrack{}.decrement) num(key(e, "decrement"), t.decrement);
            e << YAML::EndMap;
        }
        e << YAML::EndSeq;
    }
    e << YAML::EndMap;
}

void interface(YAML::Emitter& e, const Interface& i) {
    const Interface d;
    e << YAML::BeginMap;
    str(key(e, "name"), i.name);
    if (i.port) str(key(e, "port"), *i.port);
    if (i.address) key(e, "address") << i.address->str();
    if (i.role) key(e, "role") << std::string(to_string(*i.role));
    if (i.mtu != d.mtu) num(key(e, "mtu"), i.mtu);
    if (i.shutdown) key(e, "shutdown") << true;
    if (i.standby_version != d.standby_version) num(key(e, "standby_version"), i.standby_version);
    if (!i.standby.empty()) {
        key(e, "standby") << YAML::BeginSeq;
        for (const auto& g : i.standby) standby_group(e, g);
        e << YAML::EndSeq;
    }
    if (i.crypto_map) {
        const CryptoMapBinding& b = *i.crypto_map;
        if (!b.redundancy) {
            str(key(e, "crypto_map"), b.map);
        } else {
            key(e, "crypto_map") << YAML::Flow << YAML::BeginMap;
            str(key(e, "name"), b.map);
            if (b.standby_name) {
                str(key(e, "redundancy"), *b.standby_name);
            } else {
                key(e, "redundancy") << true;
            }
            e << YAML::EndMap;
        }
    }
    e << YAML::EndMap;
}

// ---------------------------------------------------------------- crypto

void transform_set(YAML::Emitter& e, const TransformSet& t) {
    e << YAML::BeginMap;
    key(e, "esp") << std::string(to_string(t.cipher));
    if (t.integrity != EspIntegrity::none) key(e, "integrity") << std::string(to_string(t.integrity));
    e << YAML::EndMap;
}

template <typename E>
void word_list(YAML::Emitter& e, const char* k, const std::vector<E>& v) {
    key(e, k);
    flow_list(e, v, [&](E x) { e << std::string(to_string(x)); });
}

void ike(YAML::Emitter& e, const IkeSettings& s) {
    e << YAML::BeginMap;
    if (!s.proposals.empty()) {
        key(e, "proposals") << YAML::BeginSeq;
        for (const auto& p : s.proposals) {
            e << YAML::BeginMap;
            str(key(e, "name"), p.name);
            word_list(e, "encryption", p.encryption);
            word_list(e, "prf", p.prf);
            if (!p.integrity.empty()) word_list(e, "integrity", p.integrity);
            key(e, "groups");
            flow_list(e, p.dh_groups, [&](uint16_t g) { num(e, g); });
            e << YAML::EndMap;
        }
        e << YAML::EndSeq;
    }
    if (!s.keys.empty()) {
        key(e, "keys") << YAML::BeginSeq;
        for (const auto& k : s.keys) {
            e << YAML::Flow << YAML::BeginMap;
            key(e, "peer") << (k.peer.length() == 32 ? k.peer.address().str() : k.peer.str());
            str(key(e, "key"), k.key);
            e << YAML::EndMap;
        }
        e << YAML::EndSeq;
    }
    if (s.lifetime_seconds) num(key(e, "lifetime"), *s.lifetime_seconds);
    if (s.keepalive) {
        key(e, "keepalive") << YAML::Flow << YAML::BeginMap;
        num(key(e, "interval"), s.keepalive->interval);
        num(key(e, "retry"), s.keepalive->retry);
        if (s.keepalive->mode != DpdMode::periodic) key(e, "mode") << std::string(to_string(s.keepalive->mode));
        e << YAML::EndMap;
    }
    if (s.nat_keepalive) num(key(e, "nat_keepalive"), *s.nat_keepalive);
    e << YAML::EndMap;
}

void ipsec(YAML::Emitter& e, const IpsecSettings& s) {
    e << YAML::BeginMap;
    if (s.lifetime != Lifetime{}) lifetime(key(e, "lifetime"), s.lifetime);
    if (s.replay_window) num(key(e, "replay_window"), *s.replay_window);
    if (s.pfs_group) num(key(e, "pfs"), *s.pfs_group);
    e << YAML::EndMap;
}

void reverse_route(YAML::Emitter& e, const ReverseRoute& rr) {
    if (rr == ReverseRoute{}) {
        key(e, "reverse_route") << true;
        return;
    }
    key(e, "reverse_route") << YAML::Flow << YAML::BeginMap;
    if (rr.static_routes) key(e, "static") << true;
    if (rr.follow_sa) key(e, "follow_sa") << true;
    if (rr.remote_peer) key(e, "remote_peer") << rr.remote_peer->str();
    if (rr.gateway) key(e, "gateway") << true;
    if (rr.tag) num(key(e, "tag"), *rr.tag);
    if (rr.distance) num(key(e, "distance"), *rr.distance);
    if (rr.metric) num(key(e, "metric"), *rr.metric);
    e << YAML::EndMap;
}

void policy(YAML::Emitter& e, const CryptoPolicy& p) {
    if (!p.peers.empty()) {
        key(e, "peers");
        flow_list(e, p.peers, [&](Ipv4Address a) { e << a.str(); });
    }
    if (!p.transform_sets.empty()) {
        key(e, "transform_sets");
        flow_list(e, p.transform_sets, [&](const std::string& s) { str(e, s); });
    }
    if (p.match_address) str(key(e, "match_address"), *p.match_address);
    if (p.reverse_route) reverse_route(e, *p.reverse_route);
    if (p.pfs_group) num(key(e, "pfs"), *p.pfs_group);
    if (p.lifetime != Lifetime{}) lifetime(key(e, "lifetime"), p.lifetime);
    if (p.ike_proposal) str(key(e, "ike_proposal"), *p.ike_proposal);
}

void crypto_map(YAML::Emitter& e, const CryptoMap& m) {
    str(e << YAML::Key, m.name) << YAML::Value << YAML::BeginSeq;
    for (const auto& x : m.entries) {
        e << YAML::BeginMap;
        num(key(e, "seq"), x.seq);
        if (x.dynamic_map) {
            str(key(e, "dynamic"), *x.dynamic_map);
        } else {
            policy(e, x.policy);
        }
        if (x.initiate_at_start) str(key(e, "initiate"), "start");
        e << YAML::EndMap;
    }
    e << YAML::EndSeq;
}

void dynamic_map(YAML::Emitter& e, const DynamicMap& m) {
    str(e << YAML::Key, m.name) << YAML::Value << YAML::BeginSeq;
    for (const auto& x : m.entries) {
        e << YAML::BeginMap;
        num(key(e, "seq"), x.seq);
        policy(e, x.policy);
        e << YAML::EndMap;
    }
    e << YAML::EndSeq;
}

// ---------------------------------------------------------------- routes and processes

void route(YAML::Emitter& e, const StaticRoute& r) {
    e << YAML::Flow << YAML::BeginMap;
    key(e, "prefix") << r.prefix.str();
    if (r.next_hop) key(e, "next_hop") << r.next_hop->str();
    if (r.interface) str(key(e, "interface"), *r.interface);
    if (r.distance != StaticRoute{}.distance) num(key(e, "distance"), r.distance);
    if (r.tag) num(key(e, "tag"), *r.tag);
    e << YAML::EndMap;
}

void dataplane(YAML::Emitter& e, const DataplaneSettings& s) {
    const DataplaneSettings d;
    e << YAML::BeginMap;
    if (s.main_lcore != d.main_lcore) num(key(e, "main_lcore"), s.main_lcore);
    if (!s.workers.empty()) {
        key(e, "workers");
        flow_list(e, s.workers, [&](uint32_t w) { num(e, w); });
    }
    if (s.crypto != d.crypto) key(e, "crypto") << std::string(to_string(s.crypto));
    if (s.poll != d.poll) key(e, "poll") << std::string(to_string(s.poll));
    if (s.mbufs != d.mbufs) num(key(e, "mbufs"), s.mbufs);
    if (s.mbuf_cache != d.mbuf_cache) num(key(e, "mbuf_cache"), s.mbuf_cache);
    if (s.hugepages != d.hugepages) key(e, "hugepages") << s.hugepages;
    if (s.memory_mb != d.memory_mb) num(key(e, "memory_mb"), s.memory_mb);
    if (s.main_cpu) num(key(e, "main_cpu"), *s.main_cpu);
    if (s.max_sas != d.max_sas) num(key(e, "max_sas"), s.max_sas);
    if (s.max_policies != d.max_policies) num(key(e, "max_policies"), s.max_policies);
    if (s.max_routes != d.max_routes) num(key(e, "max_routes"), s.max_routes);
    if (s.file_prefix != d.file_prefix) str(key(e, "file_prefix"), s.file_prefix);
    if (s.api_socket != d.api_socket) str(key(e, "api_socket"), s.api_socket);
    if (!s.eal_args.empty()) {
        key(e, "eal_args");
        flow_list(e, s.eal_args, [&](const std::string& a) { str(e, a); });
    }
    e << YAML::EndMap;
}

void bird(YAML::Emitter& e, const BirdSettings& s) {
    const BirdSettings d;
    e << YAML::BeginMap;
    if (s.enabled != d.enabled) key(e, "enabled") << s.enabled;
    if (s.socket != d.socket) str(key(e, "socket"), s.socket);
    if (s.include_file != d.include_file) str(key(e, "include_file"), s.include_file);
    if (s.protocol != d.protocol) str(key(e, "protocol"), s.protocol);
    e << YAML::EndMap;
}

}  // namespace

std::string to_yaml(const Config& cfg) {
    const Config d;
    YAML::Emitter e;
    e.SetIndent(2);
    e.SetBoolFormat(YAML::TrueFalseBool);
    e << YAML::BeginMap;
    if (cfg.hostname != d.hostname) str(key(e, "hostname"), cfg.hostname);
    if (!cfg.interfaces.empty()) {
        key(e, "interfaces") << YAML::BeginSeq;
        for (const auto& i : cfg.interfaces) interface(e, i);
        e << YAML::EndSeq;
    }
    if (!cfg.access_lists.empty()) {
        key(e, "access_lists") << YAML::BeginMap;
        for (const auto& acl : cfg.access_lists) {
            str(e << YAML::Key, acl.name) << YAML::Value << YAML::BeginSeq;  // "101" quoted
            for (const auto& x : acl.entries) e << format_ace(x);
            e << YAML::EndSeq;
        }
        e << YAML::EndMap;
    }
    if (!cfg.transform_sets.empty()) {
        key(e, "transform_sets") << YAML::BeginMap;
        for (const auto& t : cfg.transform_sets) {
            str(e << YAML::Key, t.name) << YAML::Value;
            transform_set(e, t);
        }
        e << YAML::EndMap;
    }
    if (cfg.ike != d.ike) ike(key(e, "ike"), cfg.ike);
    if (cfg.ipsec != d.ipsec) ipsec(key(e, "ipsec"), cfg.ipsec);
    if (!cfg.crypto_maps.empty()) {
        key(e, "crypto_maps") << YAML::BeginMap;
        for (const auto& m : cfg.crypto_maps) crypto_map(e, m);
        e << YAML::EndMap;
    }
    if (!cfg.dynamic_maps.empty()) {
        key(e, "dynamic_maps") << YAML::BeginMap;
        for (const auto& m : cfg.dynamic_maps) dynamic_map(e, m);
        e << YAML::EndMap;
    }
    if (!cfg.routes.empty()) {
        key(e, "routes") << YAML::BeginSeq;
        for (const auto& r : cfg.routes) route(e, r);
        e << YAML::EndSeq;
    }
    if (cfg.dataplane != d.dataplane) dataplane(key(e, "dataplane"), cfg.dataplane);
    if (cfg.bird != d.bird) bird(key(e, "bird"), cfg.bird);
    if (cfg.control != d.control) {
        key(e, "control") << YAML::BeginMap;
        str(key(e, "socket"), cfg.control.socket);
        e << YAML::EndMap;
    }
    e << YAML::EndMap;
    std::string out = e.c_str();
    if (cfg == d) out = "{}";  // an empty mapping, not an empty document
    return out + "\n";
}

}  // namespace tandem::config
