#include "controlplane/rri/bird_consumer.h"

#include <cctype>
#include <cstdio>

namespace tandem::rri {

namespace {

std::string origin_of(const Route& r) {
    std::string s = "crypto map " + r.map + " " + std::to_string(r.seq);
    if (r.dynamic_map) s += ", dynamic map " + *r.dynamic_map + " " + std::to_string(r.dynamic_seq);
    s += " (" + std::string(to_string(r.source)) + " RRI)";
    for (const auto& sa : r.sas) {
        char spi[32];
        std::snprintf(spi, sizeof spi, "0x%08x", sa.spi_in);
        s += ", SA peer " + sa.peer.str() + " spi in " + spi;
    }
    return s;
}

}  // namespace

std::vector<bird::Route> bird_routes(const RouteSet& set) {
    std::vector<bird::Route> out;
    out.reserve(set.routes.size());
    for (const auto& r : set.routes) {
        bird::Route b;
        b.prefix = r.prefix;
        b.next_hop = r.via_remote_peer ? bird::NextHop::via_address(r.gateway)
                                       : bird::NextHop::via_interface(kernel_ifname(r.interface));
        b.ospf_metric2 = r.metric;
        b.ospf_tag = r.tag;
        b.origin = origin_of(r);
        out.push_back(std::move(b));
    }
    return out;
}

void BirdConsumer::converge(const RouteSet& set) {
    auto routes = bird_routes(set);
    if (auto r = client_.apply(routes); !r && log_) log_("rri: bird: " + r.error().message);
}

}  // namespace tandem::rri
