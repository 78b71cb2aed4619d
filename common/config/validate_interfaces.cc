// Interfaces and their HSRP standby groups, and how a crypto map is bound to an interface.
//
// An interface carries an address (its subnet bounds the standby addresses), up to 256 (HSRP
// version 1) or 4096 (version 2) standby groups, and at most one crypto map. With
// `crypto map NAME redundancy [GROUP]` the tunnel endpoint is the standby group's virtual address
// instead of the interface's own, and only the group's active router holds SAs and injects routes.
//
// HSRP version 1 carries timers as whole seconds in one octet (hello 1..254 s, hold 2..255 s),
// groups 0..255 and an 8-octet text authentication field; version 2 adds millisecond timers
// (hello from 15 ms) and groups up to 4095.
#include <map>

#include "common/config/validate_detail.h"

namespace tandem::config::validation {

namespace {

constexpr uint32_t v1_max_group = 255;
constexpr uint32_t v2_max_group = 4095;
constexpr uint32_t hello_max_ms = 254000;
constexpr uint32_t hold_max_ms = 255000;
constexpr uint32_t v1_hello_min_ms = 1000;
constexpr uint32_t v1_hold_min_ms = 2000;
constexpr uint32_t v2_hello_min_ms = 15;
constexpr size_t v1_text_auth_max = 8;

void check_address(const Interface& itf, Diagnostics& diags) {
    if (!itf.address || itf.address->length >= 31) return;
    Ipv4Prefix subnet = itf.address->subnet();
    Ipv4Address a = itf.address->address;
    if (a != subnet.first() && a != subnet.last()) return;
    diags.error(pos_of(itf, "address"), interface_path(itf) + ".address",
                itf.address->str() + " is the " + (a == subnet.first() ? "network" : "broadcast") +
                    " address of " + subnet.str() + "; use a host address " +
                    Ipv4Address(subnet.first().value() + 1).str() + ".." +
                    Ipv4Address(subnet.last().value() - 1).str());
}

void check_timers(const Interface& itf, const StandbyGroup& g, Diagnostics& diags) {
    const std::string path = standby_path(itf, g) + ".timers";
    const SourcePos& hello_pos = pos_of_any(g, {"hello", "timers"});
    const SourcePos& hold_pos = pos_of_any(g, {"hold", "timers"});
    if (itf.standby_version == 1) {
        const bool hello_whole = g.hello_ms % 1000 == 0;
        const bool hold_whole = g.hold_ms % 1000 == 0;
        if (!hello_whole) {
            diags.error(hello_pos, path + ".hello",
                        "hello " + duration_str(g.hello_ms) +
                            ": standby_version 1 timers are whole seconds (hello 1..254 s); use standby_version 2 "
                            "for millisecond timers");
        }
        if (!hold_whole) {
            diags.error(hold_pos, path + ".hold",
                        "hold " + duration_str(g.hold_ms) +
                            ": standby_version 1 timers are whole seconds (hold 2..255 s); use standby_version 2 "
                            "for millisecond timers");
        }
        if (hello_whole && (g.hello_ms < v1_hello_min_ms || g.hello_ms > hello_max_ms)) {
            diags.error(hello_pos, path + ".hello",
                        "hello " + duration_str(g.hello_ms) + " is out of range for standby_version 1 (1..254 s)");
        }
        if (hold_whole && (g.hold_ms < v1_hold_min_ms || g.hold_ms > hold_max_ms)) {
            diags.error(hold_pos, path + ".hold",
                        "hold " + duration_str(g.hold_ms) + " is out of range for standby_version 1 (2..255 s)");
        }
    } else {
        if (g.hello_ms < v2_hello_min_ms || g.hello_ms > hello_max_ms) {
            diags.error(hello_pos, path + ".hello",
                        "hello " + duration_str(g.hello_ms) + " is out of range (15 ms..254 s)");
        }
        if (g.hold_ms > hold_max_ms) {
            diags.error(hold_pos, path + ".hold", "hold " + duration_str(g.hold_ms) + " is out of range (at most 255 s)");
        }
    }
    if (g.hold_ms <= g.hello_ms) {
        diags.error(hold_pos, path + ".hold",
                    "hold " + duration_str(g.hold_ms) + " must be greater than hello " + duration_str(g.hello_ms) +
                        " (at least 3 times hello is usual, e.g. hello 3 s, hold 10 s)");
    }
}

void check_standby_ip(const Interface& itf, const StandbyGroup& g, Diagnostics& diags) {
    if (!g.ip || !itf.address) return;
    const std::string path = standby_path(itf, g) + ".ip";
    const SourcePos& pos = pos_of(g, "ip");
    Ipv4Prefix subnet = itf.address->subnet();
    Ipv4Address ip = *g.ip;
    if (!subnet.contains(ip)) {
        diags.error(pos, path,
                    "standby ip " + ip.str() + " is outside the interface subnet " + subnet.str() +
                        " (address " + itf.address->str() + "); use an address in " + subnet.str());
    } else if (ip == itf.address->address) {
        diags.error(pos, path,
                    "standby ip " + ip.str() +
                        " is the interface's own address; the virtual address must be another free address in " +
                        subnet.str());
    } else if (subnet.length() <= 30 && (ip == subnet.first() || ip == subnet.last())) {
        diags.error(pos, path,
                    "standby ip " + ip.str() + " is the " + (ip == subnet.first() ? "network" : "broadcast") +
                        " address of " + subnet.str() + "; use a host address in the subnet");
    }
}

void check_group(const Config& cfg, const Interface& itf, const StandbyGroup& g, Diagnostics& diags) {
    const std::string path = standby_path(itf, g);
    uint32_t max_group = itf.standby_version == 1 ? v1_max_group : v2_max_group;
    if (g.group > max_group) {
        diags.error(pos_of(g, "group"), path + ".group",
                    "group " + std::to_string(g.group) + " is out of range for standby_version " +
                        std::to_string(itf.standby_version) + " (0.." + std::to_string(max_group) + ")" +
                        (itf.standby_version == 1 ? "; use standby_version 2 for groups up to 4095" : ""));
    }
    check_timers(itf, g, diags);
    check_standby_ip(itf, g, diags);
    if (itf.standby_version == 1 && g.auth && g.auth->kind == StandbyAuth::Kind::text &&
        g.auth->key.size() > v1_text_auth_max) {
        diags.error(pos_of(g, "authentication"), path + ".authentication",
                    "text authentication is " + std::to_string(g.auth->key.size()) +
                        " characters; HSRP version 1 carries at most 8 (shorten it, or use md5)");
    }
    for (size_t i = 0; i < g.track.size(); ++i) {
        const StandbyTrack& t = g.track[i];
        if (!t.interface) continue;
        const std::string tpath = path + ".track[" + std::to_string(i) + "].interface";
        const SourcePos& tpos = pos_of(t, "interface");
        if (*t.interface == itf.name) {
            diags.error(tpos, tpath,
                        "a standby group cannot track its own interface " + quoted(itf.name) +
                            " (HSRP already leaves the group when it goes down); track another interface");
        } else if (!cfg.find_interface(*t.interface)) {
            diags.error(tpos, tpath,
                        "unknown interface " + quoted(*t.interface) +
                            suggestion(*t.interface, names_of(cfg.interfaces), "interfaces"));
        }
    }
}

void check_standby_groups(const Config& cfg, const Interface& itf, Diagnostics& diags) {
    if (itf.standby.empty()) return;
    if (!itf.address) {
        diags.error(pos_of(itf, "standby"), interface_path(itf) + ".standby",
                    "standby groups need an interface address (HSRP hellos are sent from it and the standby ip "
                    "must lie in its subnet); add `address`");
    }
    for (size_t i = 0; i < itf.standby.size(); ++i) {
        const StandbyGroup& g = itf.standby[i];
        for (size_t j = 0; j < i; ++j) {
            if (itf.standby[j].group == g.group) {
                diags.error(pos_of(g, "group"), standby_path(itf, g) + ".group",
                            "duplicate standby group " + std::to_string(g.group) + " on " + itf.name +
                                first_defined_at(pos_of(itf.standby[j], "group")) +
                                "; give each group its own number");
                break;
            }
        }
        check_group(cfg, itf, g, diags);
    }
}

// The group `crypto map NAME redundancy [GROUP]` binds, or null after reporting why there is none.
const StandbyGroup* redundancy_group(const Config& cfg, const Interface& itf, const CryptoMapBinding& b,
                                     Diagnostics& diags) {
    const std::string path = interface_path(itf) + ".crypto_map.redundancy";
    const SourcePos& pos = pos_of(b, "redundancy");
    std::vector<std::string> named;
    for (const auto& g : itf.standby) {
        if (g.name) named.push_back(*g.name);
    }
    if (b.standby_name) {
        for (const auto& g : itf.standby) {
            if (g.name == b.standby_name) return &g;
        }
        std::string elsewhere;
        for (const auto& other : cfg.interfaces) {
            for (const auto& g : other.standby) {
                if (&other != &itf && g.name == b.standby_name) elsewhere = other.name;
            }
        }
        if (!elsewhere.empty()) {
            diags.error(pos, path,
                        "standby group " + quoted(*b.standby_name) + " is on interface " + elsewhere +
                            ", not on " + itf.name + "; redundancy must name a standby group of the interface the "
                            "crypto map is applied to");
        } else {
            // The seed: with the standby name gone, the tunnel endpoint is reinitialised to the
            // interface address; Tandem re-binds by itself when the name comes back.
            diags.warning(pos, path,
                          "interface " + itf.name + " has no standby group named " + quoted(*b.standby_name) +
                              suggestion(*b.standby_name, named, "standby names on this interface") +
                              "; until it has, the tunnel endpoint is the interface address and no HSRP group "
                              "gates the crypto map");
        }
        return nullptr;
    }
    if (named.size() == 1) {
        for (const auto& g : itf.standby) {
            if (g.name) return &g;
        }
    }
    if (named.empty()) {
        diags.warning(pos, path,
                      "redundancy needs a named standby group on " + itf.name +
                          "; give one of its standby groups a `name` (IOS `standby name`). Until then the tunnel "
                          "endpoint is the interface address");
    } else {
        std::vector<std::string> q;
        for (const auto& n : named) q.push_back(quoted(n));
        diags.error(pos, path,
                    itf.name + " has several named standby groups (" + join(q) +
                        "); say which one the crypto map follows, e.g. redundancy: " + named.front());
    }
    return nullptr;
}

void check_binding(const Config& cfg, const Interface& itf, Diagnostics& diags) {
    if (!itf.crypto_map) return;
    const CryptoMapBinding& b = *itf.crypto_map;
    const std::string path = interface_path(itf) + ".crypto_map";
    if (!cfg.find_crypto_map(b.map)) {
        diags.error(pos_of_any(b, {"name", "map"}), path,
                    "unknown crypto map " + quoted(b.map) + suggestion(b.map, names_of(cfg.crypto_maps), "crypto maps"));
    }
    if (b.redundancy) {
        const StandbyGroup* g = redundancy_group(cfg, itf, b, diags);
        if (g && !g->ip) {
            diags.warning(pos_of(*g, "ip"), standby_path(itf, *g) + ".ip",
                          "the standby group the crypto map follows has no ip: the virtual IP will be learned from "
                          "the active router, and until then this gateway has no tunnel endpoint");
        }
    } else if (!itf.address) {
        diags.warning(b.pos, path,
                      "crypto map " + quoted(b.map) + " is applied to " + itf.name +
                          ", which has neither an address nor redundancy: there is no local tunnel endpoint; add "
                          "`address` or `redundancy`");
    }
    if (itf.role == InterfaceRole::inside) {
        diags.warning(pos_of(itf, "role"), interface_path(itf) + ".role",
                      "crypto map " + quoted(b.map) + " is applied to an inside interface; IPsec peers are reached "
                      "through outside interfaces (set role: outside, or move the crypto map)");
    }
}

void check_unique_standby_names(const Config& cfg, Diagnostics& diags) {
    std::map<std::string, std::pair<const Interface*, const StandbyGroup*>> first;
    for (const auto& itf : cfg.interfaces) {
        for (const auto& g : itf.standby) {
            if (!g.name) continue;
            auto [it, inserted] = first.try_emplace(*g.name, &itf, &g);
            if (inserted) continue;
            const auto& [fi, fg] = it->second;
            diags.error(pos_of(g, "name"), standby_path(itf, g) + ".name",
                        "standby name " + quoted(*g.name) + " is already used by " + standby_path(*fi, *fg) +
                            first_defined_at(pos_of(*fg, "name")) +
                            "; standby names identify one group in the whole configuration");
        }
    }
}

void check_interface_pairs(const Config& cfg, Diagnostics& diags) {
    const auto& v = cfg.interfaces;
    for (size_t i = 0; i < v.size(); ++i) {
        for (size_t j = 0; j < i; ++j) {
            if (v[i].port && v[j].port && *v[i].port == *v[j].port) {
                diags.error(pos_of(v[i], "port"), interface_path(v[i]) + ".port",
                            "DPDK port " + quoted(*v[i].port) + " is already used by interface " + v[j].name +
                                first_defined_at(pos_of(v[j], "port")) + "; each interface needs its own port");
            }
            if (v[i].address && v[j].address) {
                Ipv4Prefix a = v[i].address->subnet();
                Ipv4Prefix b = v[j].address->subnet();
                if (a.contains(b) || b.contains(a)) {
                    diags.warning(pos_of(v[i], "address"), interface_path(v[i]) + ".address",
                                  "subnet " + a.str() + " overlaps " + b.str() + " of interface " + v[j].name +
                                      "; connected routes would be ambiguous");
                }
            }
        }
    }
}

// The seed: with standby groups on both sides, priorities should be equal so that the interface
// addresses decide both elections the same way (one gateway lower on both LANs). Unequal
// priorities between this gateway's outside and inside groups, or a preempt on one side only,
// invite the active/standby split that breaks connectivity.
void check_split_risk(const Config& cfg, Diagnostics& diags) {
    const Interface* out_itf = nullptr;
    const StandbyGroup* out_g = nullptr;
    for (const auto& itf : cfg.interfaces) {
        if (itf.role != InterfaceRole::outside || itf.standby.empty()) continue;
        out_itf = &itf;
        out_g = &itf.standby.front();
        break;
    }
    if (!out_g) return;
    for (const auto& itf : cfg.interfaces) {
        if (itf.role != InterfaceRole::inside) continue;
        for (const auto& g : itf.standby) {
            if (g.priority != out_g->priority) {
                diags.warning(pos_of(g, "priority"), standby_path(itf, g) + ".priority",
                              "priority " + std::to_string(g.priority) + " differs from " +
                                  std::to_string(out_g->priority) + " of " + standby_path(*out_itf, *out_g) +
                                  ": the gateways may elect one Active outside and the other inside (the seed's "
                                  "active/standby split); use equal priorities on both sides and both gateways");
            } else if (g.preempt != out_g->preempt) {
                diags.warning(pos_of(g, "preempt"), standby_path(itf, g) + ".preempt",
                              std::string("preemption is ") + (g.preempt ? "on" : "off") + " here but " +
                                  (out_g->preempt ? "on" : "off") + " on " + standby_path(*out_itf, *out_g) +
                                  ": the two groups may settle on different gateways (active/standby split)");
            }
        }
    }
}

}  // namespace

void validate_interfaces(const Config& cfg, Diagnostics& diags) {
    check_split_risk(cfg, diags);
    check_unique_names(cfg.interfaces, "interface", interface_path, diags);
    check_interface_pairs(cfg, diags);
    check_unique_standby_names(cfg, diags);
    for (const auto& itf : cfg.interfaces) {
        check_address(itf, diags);
        check_standby_groups(cfg, itf, diags);
        check_binding(cfg, itf, diags);
    }
}

}  // namespace tandem::config::validation
