#include "controlplane/rri/show_routes.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "controlplane/show/args.h"
#include "controlplane/show/json.h"

namespace tandem::rri {

namespace {

struct Line {
    Ipv4Prefix prefix;
    char code = 'S';  // C, L, S
    bool rri = false;
    uint8_t distance = 0;
    uint32_t metric = 0;
    std::optional<Ipv4Address> next_hop;
    std::optional<std::string> interface;
    std::optional<uint32_t> tag;
    std::optional<std::string> map;
    std::optional<uint32_t> seq;
};

std::string spi_hex(uint32_t spi) {
    char b[16];
    std::snprintf(b, sizeof b, "0x%08X", spi);
    return b;
}

std::vector<Line> ip_routes(const config::Config& cfg, const RouteSet& rri, bool static_only) {
    std::vector<Line> out;
    if (!static_only) {
        for (const auto& itf : cfg.interfaces) {
            if (!itf.address || itf.shutdown) continue;
            Line c;
            c.prefix = itf.address->subnet();
            c.code = 'C';
            c.interface = itf.name;
            out.push_back(c);
            if (itf.address->length < 32) {
                Line l = c;
                l.prefix = Ipv4Prefix(itf.address->address, 32);
                l.code = 'L';
                out.push_back(l);
            }
        }
    }
    for (const auto& s : cfg.routes) {
        Line l;
        l.prefix = s.prefix;
        l.distance = s.distance;
        l.next_hop = s.next_hop;
        l.interface = s.interface;
        l.tag = s.tag;
        out.push_back(l);
    }
    for (const auto& r : rri.routes) {
        Line l;
        l.prefix = r.prefix;
        l.rri = true;
        l.distance = r.distance;
        if (!r.gateway.is_unspecified()) l.next_hop = r.gateway;
        l.interface = r.interface;
        l.tag = r.tag;
        l.map = r.map;
        l.seq = r.seq;
        out.push_back(l);
    }
    std::stable_sort(out.begin(), out.end(), [](const Line& a, const Line& b) { return a.prefix < b.prefix; });
    return out;
}

std::string ip_route_text(const std::vector<Line>& lines, const config::Config& cfg) {
    std::string o =
        "Codes: L - local, C - connected, S - static, * - candidate default\n"
        "       V - reverse route injection (RRI), injected by a crypto map\n\n";
    const config::StaticRoute* def = nullptr;
    for (const auto& s : cfg.routes)
        if (s.prefix.is_default() && s.next_hop) def = &s;
    if (def) o += "Gateway of last resort is " + def->next_hop->str() + " to network 0.0.0.0\n\n";
    else o += "Gateway of last resort is not set\n\n";
    for (const auto& l : lines) {
        std::string code(1, l.code);
        if (l.code == 'S' && l.prefix.is_default()) code += '*';
        if (l.rri) code += " V";
        code.resize(7, ' ');
        o += code + l.prefix.str();
        if (l.code != 'S') {
            o += " is directly connected, " + l.interface.value_or("?");
        } else {
            o += " [" + std::to_string(l.distance) + "/" + std::to_string(l.metric) + "]";
            if (l.next_hop) {
                o += " via " + l.next_hop->str();
                if (l.interface) o += ", " + *l.interface;
            } else {
                o += " is directly connected, " + l.interface.value_or("?");
            }
            if (l.tag) o += ", tag " + std::to_string(*l.tag);
        }
        o += "\n";
    }
    return o;
}

}  // namespace

Result<std::string> show_ip_route(const config::Config& cfg, const RouteSet& rri, const std::vector<std::string>& args,
                                  bool json) {
    bool static_only = false;
    if (args.size() == 1 && show::abbreviates(args[0], "static")) static_only = true;
    else if (!args.empty()) return Error("Invalid input '" + args[0] + "': expected static");
    auto lines = ip_routes(cfg, rri, static_only);
    if (!json) return ip_route_text(lines, cfg);
    std::vector<std::string> docs;
    for (const auto& l : lines) {
        show::JsonWriter w;
        w.begin_object().key("prefix").value(l.prefix.str()).key("code").value(std::string(1, l.code));
        w.key("rri").boolean(l.rri).key("distance").number(uint64_t{l.distance}).key("metric").number(uint64_t{l.metric});
        w.key("next_hop").value(l.next_hop ? std::optional<std::string>(l.next_hop->str()) : std::nullopt);
        w.key("interface").value(l.interface).key("tag").number(l.tag);
        w.key("crypto_map").value(l.map).key("seq").number(l.seq);
        w.end_object();
        docs.push_back(w.str());
    }
    return show::json_lines_array(docs);
}

namespace {

void crypto_route_text(std::string& o, const Route& r, const std::string* withheld) {
    o += r.prefix.address().str() + "/" + Ipv4Address(r.prefix.mask()).str() + " [" + std::to_string(r.distance) +
         "/0] via " + r.gateway.str() + " tag " + std::to_string(r.tag.value_or(0)) + "\n";
    const std::string indent(32, ' ');
    o += indent + "on " + r.interface + " RRI" + (r.source == Source::static_map ? " S" : "") + "\n";
    std::string entry = "crypto map " + r.map + " " + std::to_string(r.seq);
    if (r.dynamic_map) entry += ", dynamic map " + *r.dynamic_map + " " + std::to_string(r.dynamic_seq);
    if (r.source == Source::follow_sa) entry += " (follow-sa)";
    o += indent + entry + "\n";
    if (r.via_remote_peer) o += indent + "remote-peer " + r.gateway.str() + (r.remote_peer_gateway ? " gateway" : "") + "\n";
    if (r.metric) o += indent + "metric " + std::to_string(*r.metric) + "\n";
    if (r.standby_name) o += indent + "redundancy " + *r.standby_name + "\n";
    for (const auto& sa : r.sas) {
        o += indent + "SA peer " + sa.peer.str() + ", spi in " + spi_hex(sa.spi_in) + " out " + spi_hex(sa.spi_out) +
             " (CHILD SA " + std::to_string(sa.child_id) + ")\n";
    }
    if (withheld) o += indent + "NOT injected: " + *withheld + "\n";
}

std::string crypto_route_json(const Route& r, const std::string* withheld) {
    show::JsonWriter w;
    w.begin_object().key("prefix").value(r.prefix.str()).key("injected").boolean(withheld == nullptr);
    w.key("reason").value(withheld ? std::optional<std::string>(*withheld) : std::nullopt);
    w.key("source").value(to_string(r.source)).key("distance").number(uint64_t{r.distance});
    w.key("metric").number(r.metric).key("tag").number(r.tag);
    w.key("next_hop").value(r.gateway.is_unspecified() ? std::nullopt : std::optional<std::string>(r.gateway.str()));
    w.key("remote_peer").boolean(r.via_remote_peer).key("interface").value(r.interface);
    w.key("crypto_map").value(r.map).key("seq").number(uint64_t{r.seq});
    w.key("dynamic_map").value(r.dynamic_map);
    w.key("dynamic_seq").number(r.dynamic_map ? std::optional<uint32_t>(r.dynamic_seq) : std::nullopt);
    w.key("standby_group").value(r.standby_name);
    w.key("sas").begin_array();
    for (const auto& sa : r.sas) {
        w.begin_object().key("child_sa_id").number(uint64_t{sa.child_id}).key("peer").value(sa.peer.str());
        w.key("spi_in").number(uint64_t{sa.spi_in}).key("spi_out").number(uint64_t{sa.spi_out}).end_object();
    }
    w.end_array().end_object();
    return w.str();
}

}  // namespace

Result<std::string> show_crypto_route(const RouteSet& rri, const std::vector<std::string>& args, bool json) {
    if (!args.empty()) return Error("Invalid input '" + args[0] + "'");
    if (json) {
        std::vector<std::string> docs;
        for (const auto& r : rri.routes) docs.push_back(crypto_route_json(r, nullptr));
        for (const auto& w : rri.withheld) docs.push_back(crypto_route_json(w.route, &w.reason));
        return show::json_lines_array(docs);
    }
    std::string o =
        "VPN Routing Table: Shows RRI and VTI created routes\n"
        "Codes: RRI - Reverse-Route, VTI- Virtual Tunnel Interface\n"
        "        S - Static Map ACLs\n\n"
        "Routes created in table GLOBAL DEFAULT\n";
    for (const auto& r : rri.routes) crypto_route_text(o, r, nullptr);
    if (!rri.withheld.empty()) {
        o += "\nRoutes computed but not injected\n";
        for (const auto& w : rri.withheld) crypto_route_text(o, w.route, &w.reason);
    }
    return o;
}

}  // namespace tandem::rri
