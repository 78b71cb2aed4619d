// Reverse Route Injection: the routes this gateway owes, as a pure function of the configuration,
// the live CHILD SAs and the HSRP state.
//
// Model (the seed's "IPsec VPN High Availability Enhancements", later IOS options opt-in):
//
//   static crypto map entry, reverse-route ──> one route per ACL permit destination, present
//       (config::static_rri_routes)           with or without SAs, as soon as the map is applied
//   static entry, reverse-route follow_sa ───> one route per remote proxy of each live CHILD SA
//   dynamic map entry, reverse-route ────────> one route per remote proxy of each live CHILD SA
//   entry without reverse-route ─────────────> nothing
//
// A remote proxy is the CHILD SA's remote traffic selector (TSi when Tandem responds): an address
// range, split into the fewest prefixes that cover it exactly (10.2.1.0-10.2.2.255 gives
// 10.2.1.0/24 and 10.2.2.0/24). A proxy of 0.0.0.0/0 never becomes a route (IOS: `any` is not
// supported with RRI); the reconciler logs the skip.
//
// Where a route points. `remote_peer ADDR` (with or without `gateway`) makes ADDR the next hop.
// Otherwise a route of a live SA points at the SA's IKE peer address and a static-map route at
// the crypto interface (in the dataplane: the interface's port with the entry's first `set peer`
// as gateway, or none). Either way the route leaves through the crypto interface: the dataplane
// routes the inner packet to that port, applies the port's SPD, encrypts, then routes the outer
// packet — so the gateway only matters for traffic the SPD lets through in the clear.
//
// What is computed but not injected (`withheld`, each with its reason, for `show crypto route`):
// a prefix the operator configured as a static route (never touched by RRI), a route of a map
// bound to an HSRP group that is not Active here, and a second route for a prefix another entry
// already injects (the first in the order static maps, then SAs by crypto map, sequence number,
// CHILD SA id wins; SAs of one entry for the same proxy — a rekey's old and new pair — make one
// route listing every SA).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/config/model.h"
#include "common/ipv4.h"
#include "common/ipv4_ranges.h"

namespace tandem::rri {

// Whether this gateway is Active in the named HSRP group.
using IsActiveFn = std::function<bool(const std::string& group)>;

enum class Source : uint8_t { static_map, follow_sa, dynamic_map };
const char* to_string(Source s);  // "static", "follow-sa", "dynamic"

// A live CHILD SA, with the crypto map entry it was negotiated through.
struct ChildSa {
    uint32_t child_id = 0;
    uint32_t ike_sa_id = 0;
    Ipv4Address peer;          // the IKE peer's address
    Ipv4Address remote_first;  // the remote proxy (negotiated remote traffic selector)
    Ipv4Address remote_last;
    uint32_t spi_in = 0;
    uint32_t spi_out = 0;
    std::string map;           // crypto map and entry (the parent entry for dynamic maps)
    uint32_t seq = 0;
    std::optional<std::string> dynamic_map;  // set when negotiated through a dynamic map
    uint32_t dynamic_seq = 0;
    std::string interface;     // the crypto interface
};

struct SaRef {
    uint32_t child_id = 0;
    Ipv4Address peer;
    uint32_t spi_in = 0;
    uint32_t spi_out = 0;
    friend bool operator==(const SaRef&, const SaRef&) = default;
};

struct Route {
    Ipv4Prefix prefix;
    std::string interface;          // the crypto interface: where the route leads
    Ipv4Address gateway;            // 0.0.0.0: out the interface
    bool via_remote_peer = false;   // gateway is `remote_peer ADDR`
    bool remote_peer_gateway = false;  // `remote-peer ADDR gateway`
    uint8_t distance = 1;
    std::optional<uint32_t> tag;
    std::optional<uint32_t> metric;
    Source source = Source::static_map;
    std::string map;
    uint32_t seq = 0;
    std::optional<std::string> dynamic_map;
    uint32_t dynamic_seq = 0;
    std::optional<std::string> standby_name;
    std::vector<SaRef> sas;         // the SAs behind it (none for static-map routes)
    friend bool operator==(const Route&, const Route&) = default;
};

struct Withheld {
    Route route;
    std::string reason;
    friend bool operator==(const Withheld&, const Withheld&) = default;
};

struct RouteSet {
    std::vector<Route> routes;      // injected: sorted by prefix, each prefix once
    std::vector<Withheld> withheld; // in computation order
    friend bool operator==(const RouteSet&, const RouteSet&) = default;
};

// The fewest prefixes that cover [first, last] exactly, in address order (common/ipv4_ranges.h).
using tandem::range_prefixes;

// The reverse_route settings behind a CHILD SA, when its entry has RRI that follows SAs (dynamic
// map entries with reverse_route, static entries with follow_sa); null otherwise.
const config::ReverseRoute* sa_reverse_route(const config::Config& cfg, const ChildSa& sa);

// Everything RRI owes now. `children` by child id; `is_active` null means every group is Active.
RouteSet compute_routes(const config::Config& cfg, const std::map<uint32_t, ChildSa>& children,
                        const IsActiveFn& is_active);

}  // namespace tandem::rri
