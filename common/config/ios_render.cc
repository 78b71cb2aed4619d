// Rendering the model as IOS text; see ios_render.h for the layout and what has no IOS form.
//
// Every choice here is the inverse of one in the importer (ios_import*.cc): lists are written in
// model order (the importer keeps the order it reads), group 0 of HSRP without its number, a
// standby group always with its `ip` line (which creates it on import), timers in msec when they
// are not whole seconds, and the numbered form `access-list N` only for non-empty lists whose
// name is an extended-list number.
#include "common/config/ios_render.h"

#include <algorithm>

#include "common/config/acl_text.h"

namespace tandem::config {

namespace {

class Out {
public:
    void line(const std::string& s) { text_ += s + "\n"; }
    void bang() {
        if (text_.size() >= 2 && text_.compare(text_.size() - 2, 2, "!\n") != 0) text_ += "!\n";
    }
    std::string take() { return std::move(text_); }

private:
    std::string text_;
};

std::string netmask(unsigned len) { return Ipv4Address(prefix_mask(len)).str(); }
std::string num(uint64_t v) { return std::to_string(v); }

bool is_numbered_acl(const AccessList& acl) {
    if (acl.entries.empty() || acl.name.empty() || acl.name.size() > 4) return false;
    if (!std::all_of(acl.name.begin(), acl.name.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
    if (acl.name[0] == '0') return false;
    unsigned n = static_cast<unsigned>(std::stoul(acl.name));
    return (n >= 100 && n <= 199) || (n >= 2000 && n <= 2699);
}

std::string esp_transforms(const TransformSet& ts) {
    switch (ts.cipher) {
    case EspCipher::aes_gcm_128: return "esp-gcm 128";
    case EspCipher::aes_gcm_256: return "esp-gcm 256";
    case EspCipher::aes_cbc_128: break;
    case EspCipher::aes_cbc_256: break;
    }
    std::string s = ts.cipher == EspCipher::aes_cbc_256 ? "esp-aes 256" : "esp-aes 128";
    switch (ts.integrity) {
    case EspIntegrity::none: break;
    case EspIntegrity::sha1_96: s += " esp-sha-hmac"; break;
    case EspIntegrity::sha256_128: s += " esp-sha256-hmac"; break;
    case EspIntegrity::sha384_192: s += " esp-sha384-hmac"; break;
    case EspIntegrity::sha512_256: s += " esp-sha512-hmac"; break;
    }
    return s;
}

template <typename T, typename F>
std::string join(const std::vector<T>& v, F f) {
    std::string s;
    for (const auto& x : v) s += " " + std::string(f(x));
    return s;
}

void render_ike(const Config& cfg, Out& o) {
    const auto& ike = cfg.ike;
    for (const auto& p : ike.proposals) {
        o.line("crypto ikev2 proposal " + p.name);
        if (!p.encryption.empty()) o.line(" encryption" + join(p.encryption, [](IkeCipher c) { return to_string(c); }));
        if (!p.integrity.empty()) o.line(" integrity" + join(p.integrity, [](IkeHash h) { return to_string(h); }));
        if (!p.prf.empty()) o.line(" prf" + join(p.prf, [](IkeHash h) { return to_string(h); }));
        if (!p.dh_groups.empty()) o.line(" group" + join(p.dh_groups, [](uint16_t g) { return num(g); }));
        o.bang();
    }
    if (!ike.keys.empty()) {
        o.line("crypto ikev2 keyring tandem");
        for (size_t i = 0; i < ike.keys.size(); ++i) {
            const auto& k = ike.keys[i];
            o.line(" peer peer-" + num(i + 1));
            o.line("  address " + k.peer.address().str() + " " + netmask(k.peer.length()));
            o.line("  pre-shared-key " + k.key);
        }
        o.bang();
    }
    if (ike.lifetime_seconds) {
        o.line("crypto ikev2 profile tandem");
        o.line(" lifetime " + num(*ike.lifetime_seconds));
        o.bang();
    }
    if (ike.keepalive) {
        const auto& k = *ike.keepalive;
        o.line("crypto ikev2 dpd " + num(k.interval) + " " + num(k.retry) + " " + std::string(to_string(k.mode)));
    }
    if (ike.nat_keepalive) o.line("crypto ikev2 nat keepalive " + num(*ike.nat_keepalive));
    o.bang();
}

void render_ipsec(const Config& cfg, Out& o) {
    const auto& ipsec = cfg.ipsec;
    if (ipsec.lifetime.seconds) o.line("crypto ipsec security-association lifetime seconds " + num(*ipsec.lifetime.seconds));
    if (ipsec.lifetime.kilobytes) {
        o.line("crypto ipsec security-association lifetime kilobytes " + num(*ipsec.lifetime.kilobytes));
    }
    if (ipsec.replay_window) {
        o.line(*ipsec.replay_window == 0 ? std::string("crypto ipsec security-association replay disable")
                                         : "crypto ipsec security-association replay window-size " +
                                               num(*ipsec.replay_window));
    }
    o.bang();
    for (const auto& ts : cfg.transform_sets) {
        o.line("crypto ipsec transform-set " + ts.name + " " + esp_transforms(ts));
        o.line(" mode tunnel");
        o.bang();
    }
}

void render_policy(const CryptoPolicy& p, Out& o) {
    for (const auto& peer : p.peers) o.line(" set peer " + peer.str());
    if (p.lifetime.seconds) o.line(" set security-association lifetime seconds " + num(*p.lifetime.seconds));
    if (p.lifetime.kilobytes) o.line(" set security-association lifetime kilobytes " + num(*p.lifetime.kilobytes));
    if (!p.transform_sets.empty()) {
        o.line(" set transform-set" + join(p.transform_sets, [](const std::string& s) { return s; }));
    }
    if (p.pfs_group) o.line(" set pfs group" + num(*p.pfs_group));
    if (p.match_address) o.line(" match address " + *p.match_address);
    if (p.reverse_route) {
        const auto& rr = *p.reverse_route;
        std::string s = " reverse-route";
        if (rr.static_routes) s += " static";
        if (rr.remote_peer) s += " remote-peer " + rr.remote_peer->str() + (rr.gateway ? " gateway" : "");
        if (rr.tag) s += " tag " + num(*rr.tag);
        o.line(s);
        if (rr.distance) o.line(" set reverse-route distance " + num(*rr.distance));
    }
}

void render_maps(const Config& cfg, Out& o) {
    for (const auto& m : cfg.dynamic_maps) {
        for (const auto& e : m.entries) {
            o.line("crypto dynamic-map " + m.name + " " + num(e.seq));
            render_policy(e.policy, o);
            o.bang();
        }
    }
    for (const auto& m : cfg.crypto_maps) {
        for (const auto& e : m.entries) {
            if (e.dynamic_map) {
                o.line("crypto map " + m.name + " " + num(e.seq) + " ipsec-isakmp dynamic " + *e.dynamic_map);
                continue;
            }
            o.line("crypto map " + m.name + " " + num(e.seq) + " ipsec-isakmp");
            render_policy(e.policy, o);
        }
        o.bang();
    }
}

std::string hsrp_time(uint32_t ms) {
    if (ms % 1000 == 0 && ms > 0) return num(ms / 1000);
    return "msec " + num(ms);
}

void render_standby(const StandbyGroup& g, Out& o) {
    std::string p = g.group == 0 ? " standby " : " standby " + num(g.group) + " ";
    o.line(p + "ip" + (g.ip ? " " + g.ip->str() : std::string()));
    if (g.hello_ms != 3000 || g.hold_ms != 10000) o.line(p + "timers " + hsrp_time(g.hello_ms) + " " + hsrp_time(g.hold_ms));
    if (g.priority != 100) o.line(p + "priority " + num(g.priority));
    if (g.preempt) {
        o.line(p + "preempt" + (g.preempt_delay_ms ? " delay minimum " + num((g.preempt_delay_ms + 999) / 1000) : ""));
    }
    if (g.auth) {
        o.line(p + "authentication " + (g.auth->kind == StandbyAuth::Kind::md5 ? "md5 key-string " : "text ") + g.auth->key);
    }
    if (g.name) o.line(p + "name " + *g.name);
    for (const auto& t : g.track) {
        if (t.object) {
            o.line(p + "track " + num(*t.object) + " decrement " + num(t.decrement));
        } else if (t.interface) {
            o.line(p + "track " + *t.interface + " " + num(t.decrement));
        }
    }
}

void render_interfaces(const Config& cfg, Out& o) {
    for (const auto& itf : cfg.interfaces) {
        o.line("interface " + itf.name);
        if (itf.mtu != 1500) o.line(" mtu " + num(itf.mtu));
        if (itf.address) {
            o.line(" ip address " + itf.address->address.str() + " " + netmask(itf.address->length));
        } else {
            o.line(" no ip address");
        }
        if (itf.standby_version != 1) o.line(" standby version " + num(itf.standby_version));
        for (const auto& g : itf.standby) render_standby(g, o);
        if (itf.crypto_map) {
            const auto& b = *itf.crypto_map;
            std::string s = " crypto map " + b.map;
            if (b.redundancy) s += " redundancy" + (b.standby_name ? " " + *b.standby_name : std::string());
            o.line(s);
        }
        if (itf.shutdown) o.line(" shutdown");
        o.bang();
    }
}

void render_routes_and_acls(const Config& cfg, Out& o) {
    for (const auto& r : cfg.routes) {
        std::string s = "ip route " + r.prefix.address().str() + " " + netmask(r.prefix.length());
        if (r.interface) s += " " + *r.interface;
        if (r.next_hop) s += " " + r.next_hop->str();
        if (r.distance != 1) s += " " + num(r.distance);
        if (r.tag) s += " tag " + num(*r.tag);
        o.line(s);
    }
    o.bang();
    for (const auto& acl : cfg.access_lists) {
        if (is_numbered_acl(acl)) {
            for (const auto& e : acl.entries) o.line("access-list " + acl.name + " " + format_ace(e));
        } else {
            o.line("ip access-list extended " + acl.name);
            for (const auto& e : acl.entries) o.line(" " + format_ace(e));
        }
        o.bang();
    }
}

// `! tandem ...` lines for what IOS has no command for (only values that differ from defaults).
void render_tandem_comments(const Config& cfg, Out& o) {
    std::vector<std::string> lines;
    for (const auto& itf : cfg.interfaces) {
        if (itf.port) lines.push_back("interface " + itf.name + " port " + *itf.port);
        if (itf.role) lines.push_back("interface " + itf.name + " role " + std::string(to_string(*itf.role)));
    }
    auto policy_notes = [&](const std::string& where, const CryptoPolicy& p) {
        if (p.ike_proposal) lines.push_back(where + " ike-proposal " + *p.ike_proposal);
        if (p.reverse_route && p.reverse_route->follow_sa) lines.push_back(where + " reverse-route follow-sa");
        if (p.reverse_route && p.reverse_route->metric) {
            lines.push_back(where + " reverse-route metric " + num(*p.reverse_route->metric));
        }
    };
    for (const auto& m : cfg.crypto_maps) {
        for (const auto& e : m.entries) {
            policy_notes("crypto map " + m.name + " " + num(e.seq), e.policy);
            if (e.initiate_at_start) lines.push_back("crypto map " + m.name + " " + num(e.seq) + " initiate start");
        }
    }
    for (const auto& m : cfg.dynamic_maps) {
        for (const auto& e : m.entries) policy_notes("crypto dynamic-map " + m.name + " " + num(e.seq), e.policy);
    }
    if (cfg.ipsec.pfs_group) lines.push_back("ipsec pfs group" + num(*cfg.ipsec.pfs_group));
    const DataplaneSettings dp_default;
    const auto& dp = cfg.dataplane;
    if (!(dp == dp_default)) {
        std::string workers;
        for (auto w : dp.workers) workers += (workers.empty() ? "" : ",") + num(w);
        lines.push_back("dataplane main-lcore " + num(dp.main_lcore) + " workers " + (workers.empty() ? "-" : workers) +
                        " crypto " + std::string(to_string(dp.crypto)) + " poll " + std::string(to_string(dp.poll)));
        lines.push_back("dataplane mbufs " + num(dp.mbufs) + " mbuf-cache " + num(dp.mbuf_cache) + " hugepages " +
                        (dp.hugepages ? "yes" : "no") + " memory-mb " + num(dp.memory_mb));
        lines.push_back("dataplane file-prefix " + dp.file_prefix + " api-socket " + dp.api_socket);
        lines.push_back("dataplane max-sas " + num(dp.max_sas) + " max-policies " + num(dp.max_policies) +
                        " max-routes " + num(dp.max_routes) +
                        (dp.main_cpu ? " main-cpu " + num(*dp.main_cpu) : std::string()));
        if (!dp.eal_args.empty()) lines.push_back("dataplane eal-args" + join(dp.eal_args, [](const std::string& s) { return s; }));
    }
    const BirdSettings bird_default;
    if (!(cfg.bird == bird_default)) {
        lines.push_back("bird socket " + cfg.bird.socket + " include-file " + cfg.bird.include_file + " protocol " +
                        cfg.bird.protocol);
    }
    const ControlSettings control_default;
    if (!(cfg.control == control_default)) lines.push_back("control socket " + cfg.control.socket);
    if (lines.empty()) return;
    o.line("! tandem: settings without an IOS form (comments; ignored when imported)");
    for (const auto& l : lines) o.line("! tandem " + l);
    o.bang();
}

}  // namespace

std::string render_ios(const Config& cfg) {
    Out o;
    o.line("! Tandem configuration, IOS form");
    o.bang();
    o.line("hostname " + cfg.hostname);
    o.bang();
    render_ike(cfg, o);
    render_ipsec(cfg, o);
    render_maps(cfg, o);
    render_interfaces(cfg, o);
    render_routes_and_acls(cfg, o);
    render_tandem_comments(cfg, o);
    o.line("end");
    return o.take();
}

}  // namespace tandem::config
