// Crypto access lists: the ACLs crypto map and dynamic map entries name with match_address.
//
// Each permit entry of a crypto ACL becomes an IPsec traffic selector pair (and, with reverse
// route injection on a static map, a route to its destination). A selector is one address prefix
// and one port range per side, so entries that are not (a discontiguous wildcard such as
// 10.0.0.0 0.0.254.255, a `neq` port) cannot be compiled and are errors here even though IOS
// accepts them in ordinary ACLs. Cisco's RRI note "Use of any keyword in ACLs with RRI is not
// supported" is enforced for every ACL an RRI entry uses. Unused ACLs are not checked beyond
// their names: they may serve another purpose.
#include <algorithm>
#include <bit>
#include <map>

#include "common/config/acl_text.h"
#include "common/config/validate_detail.h"

namespace tandem::config::validation {

namespace {

// The entries that use one ACL as their match_address.
struct AclUsers {
    std::vector<std::string> all;  // "crypto map mymap seq 1"
    std::vector<std::string> rri;  // those of them with reverse_route
};

std::map<std::string, AclUsers> crypto_acl_users(const Config& cfg) {
    std::map<std::string, AclUsers> users;
    auto add = [&](const CryptoPolicy& p, std::string label) {
        if (!p.match_address) return;
        AclUsers& u = users[*p.match_address];
        if (p.reverse_route) u.rri.push_back(label);
        u.all.push_back(std::move(label));
    };
    for (const auto& m : cfg.crypto_maps) {
        for (const auto& e : m.entries) {
            if (!e.dynamic_map) add(e.policy, "crypto map " + m.name + " " + std::to_string(e.seq));
        }
    }
    for (const auto& m : cfg.dynamic_maps) {
        for (const auto& e : m.entries) add(e.policy, "dynamic map " + m.name + " " + std::to_string(e.seq));
    }
    return users;
}

// How to say a discontiguous wildcard as prefixes: the covering prefix, and the exact split when
// it is short.
std::string prefix_advice(const Ipv4Wildcard& w) {
    uint32_t wild = w.wildcard().value();
    int run = std::countr_one(wild);  // the contiguous low don't-care bits
    uint32_t holes = wild & ~(run >= 32 ? ~0u : (1u << run) - 1);
    int top = 31 - std::countl_zero(wild);
    Ipv4Prefix cover = Ipv4Prefix::containing(w.address(), static_cast<unsigned>(31 - top));
    std::string s = "the smallest prefix covering it is " + Ipv4Wildcard::from_prefix(cover).str() + " (" +
                    cover.str() + "), which matches more addresses";
    if (std::popcount(holes) <= 2) {
        std::vector<uint32_t> subs;
        for (uint32_t sub = holes;; sub = (sub - 1) & holes) {
            subs.push_back(sub);
            if (sub == 0) break;
        }
        std::sort(subs.begin(), subs.end());
        std::vector<std::string> parts;
        for (uint32_t sub : subs) {
            parts.push_back(Ipv4Prefix(Ipv4Address(w.address().value() | sub), static_cast<unsigned>(32 - run)).str());
        }
        s += "; or write one entry per prefix: " + join(parts);
    }
    return s;
}

std::string neq_advice(uint16_t p) {
    if (p == 0) return "write `range 1 65535`";
    if (p == 65535) return "write `range 0 65534`";
    return "write two entries, `range 0 " + std::to_string(p - 1) + "` and `range " + std::to_string(p + 1) +
           " 65535`";
}

void check_selector(const AccessList& acl, size_t index, const AclEntry& e, Diagnostics& diags) {
    const std::string path = access_list_path(acl) + "[" + std::to_string(index) + "]";
    const std::string text = quoted(format_ace(e));
    struct Side {
        const char* name;
        const char* port_name;
        const Ipv4Wildcard& addr;
        const PortMatch& ports;
    };
    for (const Side& side : {Side{"source", "source_port", e.source, e.source_ports},
                             Side{"destination", "destination_port", e.destination, e.destination_ports}}) {
        if (!side.addr.is_contiguous()) {
            diags.error(pos_of(e, side.name), path + "." + side.name,
                        text + ": " + side.name + " " + side.addr.str() +
                            " has a discontiguous wildcard and cannot be an IPsec traffic selector (a selector is "
                            "one prefix); " + prefix_advice(side.addr));
        }
        if (side.ports.op == PortMatch::Op::neq) {
            diags.error(pos_of(e, side.port_name), path + "." + side.port_name,
                        text + ": `neq " + std::to_string(side.ports.lo) +
                            "` is two port ranges and an IPsec traffic selector holds one; " +
                            neq_advice(side.ports.lo));
        }
    }
}

void check_rri_any(const AccessList& acl, size_t index, const AclEntry& e, const std::vector<std::string>& rri,
                   Diagnostics& diags) {
    if (!e.source.is_any() && !e.destination.is_any()) return;
    const char* side = e.source.is_any() && e.destination.is_any() ? "source and destination"
                       : e.source.is_any()                          ? "source"
                                                                    : "destination";
    diags.error(pos_of(e, e.destination.is_any() ? "destination" : "source"),
                access_list_path(acl) + "[" + std::to_string(index) + "]",
                "access list " + acl.name + " entry " + std::to_string(index) + ": 'any' as " + side +
                    " cannot be used with reverse-route (" + join(rri) +
                    "): routes are injected for the networks the ACL names and 'any' is none; name the remote "
                    "network, e.g. 10.0.0.0 0.0.255.255");
}

void check_crypto_acl(const AccessList& acl, const AclUsers& users, Diagnostics& diags) {
    bool any_permit = false;
    for (size_t i = 0; i < acl.entries.size(); ++i) {
        const AclEntry& e = acl.entries[i];
        if (e.is_remark || e.action != AclAction::permit) continue;
        any_permit = true;
        check_selector(acl, i, e, diags);
        if (!users.rri.empty()) check_rri_any(acl, i, e, users.rri, diags);
    }
    if (!any_permit) {
        diags.error(acl.pos, access_list_path(acl),
                    "access list " + acl.name + " has no permit entry, so as the crypto ACL of " + join(users.all) +
                        " it protects nothing; add a permit entry for the traffic to encrypt");
    }
}

}  // namespace

void validate_crypto_acls(const Config& cfg, Diagnostics& diags) {
    check_unique_names(cfg.access_lists, "access list", access_list_path, diags);
    auto users = crypto_acl_users(cfg);
    std::vector<std::string> checked;
    for (const auto& acl : cfg.access_lists) {
        auto it = users.find(acl.name);
        if (it == users.end()) continue;
        if (std::find(checked.begin(), checked.end(), acl.name) != checked.end()) continue;  // a duplicate
        checked.push_back(acl.name);
        check_crypto_acl(acl, it->second, diags);
    }
}

}  // namespace tandem::config::validation
