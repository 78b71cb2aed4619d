// The routing show commands of tandem-control, as IOS prints them and as JSON:
//
//   show ip route [static]     the gateway's routes: connected and local (from the interfaces),
//                              the operator's static routes, and the RRI routes in force
//   show crypto route          the RRI routes with the crypto map entry and SAs behind each,
//                              and the routes computed but withheld (with why)
//
// Pure functions of the configuration and the reconciler's route set. `show ip route` marks RRI
// routes with the code `V` (legend line) and prints their tag; `show crypto route` follows IOS
// 12.4T's layout (`VPN Routing Table: Shows RRI and VTI created routes`) with Tandem's extra lines
// (the entry, the SAs, the HSRP group) indented under each route.
//
//   S V    10.2.1.0/24 [1/0] via 192.0.2.2, outside, tag 101
//
// JSON (`--json`):
//   show ip route: [{"prefix", "code": "C" | "L" | "S", "rri", "distance", "metric", "next_hop"
//                    (null: directly connected), "interface" (or null), "tag" (or null),
//                    "crypto_map" (or null), "seq" (or null)}]
//   show crypto route: [{"prefix", "injected", "reason" (withheld: why; else null), "source":
//                        "static" | "follow-sa" | "dynamic", "distance", "metric", "tag",
//                        "next_hop", "remote_peer", "interface", "crypto_map", "seq",
//                        "dynamic_map", "dynamic_seq", "standby_group",
//                        "sas": [{"child_sa_id", "peer", "spi_in", "spi_out"}]}]
#pragma once

#include <string>
#include <vector>

#include "common/config/model.h"
#include "common/result.h"
#include "controlplane/rri/route_set.h"

namespace tandem::rri {

Result<std::string> show_ip_route(const config::Config& cfg, const RouteSet& rri, const std::vector<std::string>& args,
                                  bool json);

Result<std::string> show_crypto_route(const RouteSet& rri, const std::vector<std::string>& args, bool json);

}  // namespace tandem::rri
