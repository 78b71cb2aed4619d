// RRI's routes in BIRD 2 (controlplane/bird/bird_client.h), which advertises them over OSPF and BGP
// with the export filters of configs/bird/tandem-bird.conf.example.
//
// Model. Each injected route becomes one `route` line of the include file:
//   - next hop: `remote_peer ADDR` when set (`via ADDR`: BIRD keeps a route whose next hop is not
//     directly reachable dormant, so the operator's ADDR must be on a connected subnet), otherwise
//     the crypto interface's kernel interface (`via "tdm-outside"`), which BIRD always accepts and
//     advertises. What the inside routers learn is "go to this gateway" in either case: OSPF
//     gives them the originating router (the forwarding address stays 0.0.0.0 because the crypto
//     interface is not an OSPF interface), BGP uses `next hop self`;
//   - `metric` -> ospf_metric2 (external type 2), `tag` -> ospf_tag;
//   - a comment names the crypto map entry and, for SA routes, the SA.
// The BIRD client keeps only the latest set and ignores a set equal to the one it holds, so the
// consumer hands every set over as is.
#pragma once

#include <functional>
#include <string>

#include "common/kernel_ifname.h"
#include "controlplane/bird/bird_client.h"
#include "controlplane/rri/consumer.h"

namespace tandem::rri {

// The Linux name of the kernel interface tandem-dataplane makes (common/kernel_ifname.h).
using tandem::kernel_ifname;

// The BIRD routes for a route set (pure; tested).
std::vector<bird::Route> bird_routes(const RouteSet& set);

class BirdConsumer final : public Consumer {
public:
    BirdConsumer(bird::BirdClient& client, LogFn log) : client_(client), log_(std::move(log)) {}
    const char* name() const override { return "bird"; }
    void converge(const RouteSet& set) override;
    bird::BirdClient& client() { return client_; }

private:
    bird::BirdClient& client_;
    LogFn log_;
};

}  // namespace tandem::rri
