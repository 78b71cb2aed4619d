// The policy block of a crypto map or dynamic map entry, as IOS prints it under the entry's
// header, and as JSON. See detail.h.
//
//         Peer = 10.1.1.1
//         Extended IP access list 101
//             access-list 101 permit ip 192.168.1.0 0.0.0.255 172.17.11.0 0.0.0.255
//         Current peer: 10.1.1.1
//         Security association lifetime: 4608000 kilobytes/3600 seconds
//         Responder-Only (Y/N): N
//         PFS (Y/N): Y
//         DH group:  group14
//         Transform sets={
//                 myset:  { esp-aes esp-sha-hmac  } ,
//         }
//         Reverse Route Injection Enabled
//             static, remote-peer 10.2.2.2 gateway, tag 7, distance 20
//
// "No matching address list set." replaces the access list when there is none (dynamic maps).
// Tandem adds `IKEv2 proposal: NAME` after the peers when the entry is restricted to one, and the
// line of reverse-route options under "Reverse Route Injection Enabled" when any is set.
#include <string>

#include "common/config/acl_text.h"
#include "controlplane/show/detail.h"

namespace tandem::show {

using namespace tandem::config;

EffectivePolicy effective_policy(const Config& cfg, const CryptoPolicy& p) {
    EffectivePolicy e;
    if (p.lifetime.seconds) e.seconds = *p.lifetime.seconds;
    else if (cfg.ipsec.lifetime.seconds) e.seconds = *cfg.ipsec.lifetime.seconds;
    if (p.lifetime.kilobytes) e.kilobytes = *p.lifetime.kilobytes;
    else if (cfg.ipsec.lifetime.kilobytes) e.kilobytes = *cfg.ipsec.lifetime.kilobytes;
    e.pfs_group = p.pfs_group ? p.pfs_group : cfg.ipsec.pfs_group;
    return e;
}

namespace {

// "static, remote-peer 10.2.2.2 gateway, tag 7, distance 20, metric 100", or "" with none set.
std::string reverse_route_options(const ReverseRoute& rr) {
    std::vector<std::string> parts;
    if (rr.static_routes) parts.emplace_back("static");
    if (rr.follow_sa) parts.emplace_back("routes follow SAs");
    if (rr.remote_peer) parts.push_back("remote-peer " + rr.remote_peer->str() + (rr.gateway ? " gateway" : ""));
    if (rr.tag) parts.push_back("tag " + std::to_string(*rr.tag));
    if (rr.distance) parts.push_back("distance " + std::to_string(*rr.distance));
    if (rr.metric) parts.push_back("metric " + std::to_string(*rr.metric));
    std::string out;
    for (const auto& s : parts) out += (out.empty() ? "" : ", ") + s;
    return out;
}

}  // namespace

std::string policy_text(const Config& cfg, const CryptoPolicy& p, const std::optional<Ipv4Address>& current_peer,
                        bool show_current_peer) {
    const std::string in = kIndent;
    std::string s;
    for (const auto& peer : p.peers) s += in + "Peer = " + peer.str() + "\n";
    if (p.ike_proposal) s += in + "IKEv2 proposal: " + *p.ike_proposal + "\n";
    if (p.match_address) {
        s += in + "Extended IP access list " + *p.match_address + "\n";
        if (const AccessList* acl = cfg.find_access_list(*p.match_address)) {
            for (const auto& e : acl->entries) {
                if (e.is_remark) continue;
                s += in + "    access-list " + acl->name + " " + format_ace(e) + "\n";
            }
        }
    } else {
        s += in + "No matching address list set.\n";
    }
    if (show_current_peer && current_peer) s += in + "Current peer: " + current_peer->str() + "\n";
    const EffectivePolicy eff = effective_policy(cfg, p);
    s += in + "Security association lifetime: " + std::to_string(eff.kilobytes) + " kilobytes/" +
         std::to_string(eff.seconds) + " seconds\n";
    s += in + "Responder-Only (Y/N): N\n";
    s += in + "PFS (Y/N): " + (eff.pfs_group ? "Y" : "N") + "\n";
    if (eff.pfs_group) s += in + "DH group:  group" + std::to_string(*eff.pfs_group) + "\n";
    s += in + "Transform sets={\n";
    for (const auto& name : p.transform_sets) {
        const TransformSet* ts = cfg.find_transform_set(name);
        s += in + in + name + ":  " + (ts ? braced_transforms(*ts) : std::string("{ }")) + " ,\n";
    }
    s += in + "}\n";
    if (p.reverse_route) {
        s += in + "Reverse Route Injection Enabled\n";
        std::string opts = reverse_route_options(*p.reverse_route);
        if (!opts.empty()) s += in + "    " + opts + "\n";
    }
    return s;
}

void write_policy_json(JsonWriter& w, const Config& cfg, const CryptoPolicy& p) {
    w.key("peers").begin_array();
    for (const auto& peer : p.peers) w.value(peer.str());
    w.end_array();
    w.key("ike_proposal").value(p.ike_proposal);
    w.key("access_list");
    if (p.match_address) {
        w.begin_object().key("name").value(*p.match_address).key("entries").begin_array();
        if (const AccessList* acl = cfg.find_access_list(*p.match_address)) {
            for (const auto& e : acl->entries) {
                if (!e.is_remark) w.value(format_ace(e));
            }
        }
        w.end_array().end_object();
    } else {
        w.null();
    }
    const EffectivePolicy eff = effective_policy(cfg, p);
    w.key("lifetime").begin_object().key("kilobytes").number(eff.kilobytes).key("seconds").number(uint64_t{eff.seconds});
    w.end_object();
    w.key("responder_only").boolean(false);
    w.key("pfs_group").number(eff.pfs_group);
    w.key("transform_sets").begin_array();
    for (const auto& name : p.transform_sets) {
        if (const TransformSet* ts = cfg.find_transform_set(name)) {
            write_transform_set_json(w, *ts);
        } else {
            // Validation refuses an undefined set; shown, not hidden, should one get through.
            w.begin_object().key("name").value(name).key("transforms").null().key("esp").null();
            w.key("integrity").null().key("mode").null().end_object();
        }
    }
    w.end_array();
    w.key("reverse_route");
    if (p.reverse_route) {
        const ReverseRoute& rr = *p.reverse_route;
        std::optional<std::string> remote_peer;
        if (rr.remote_peer) remote_peer = rr.remote_peer->str();
        w.begin_object()
            .key("static").boolean(rr.static_routes)
            .key("follow_sa").boolean(rr.follow_sa)
            .key("remote_peer").value(remote_peer)
            .key("gateway").boolean(rr.gateway)
            .key("tag").number(rr.tag)
            .key("distance").number(rr.distance)
            .key("metric").number(rr.metric)
            .end_object();
    } else {
        w.null();
    }
}

void write_no_policy_json(JsonWriter& w) {
    w.key("peers").begin_array().end_array();
    w.key("ike_proposal").null();
    w.key("access_list").null();
    w.key("lifetime").null();
    w.key("responder_only").boolean(false);
    w.key("pfs_group").null();
    w.key("transform_sets").begin_array().end_array();
    w.key("reverse_route").null();
}

}  // namespace tandem::show
