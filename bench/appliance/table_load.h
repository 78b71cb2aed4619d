// Loading a running tandem-dataplane's tables through its control API (docs/dataplane-api.md),
// as tandem-control would, for the appliance benchmark: the tunnels of topology.h in bulk, the
// scale test's extra SAs and routes, and a steady stream of SA rekeys and route changes.
//
// Every operation goes through the client library (common/dpapi, controlplane/ctl/dp_client.h):
// bulk lists are split into messages of at most max_items_per_message() items, each
// all-or-nothing; POLICY_SET is one atomic set however many parts it takes. Times are wall-clock
// (steady_clock) around the requests, answers included.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/appliance/topology.h"
#include "common/result.h"
#include "controlplane/ctl/dp_client.h"

namespace tandem::bench {

struct InstallTimes {
    double sas_s = 0, policies_s = 0, routes_s = 0;
};

// Tunnels [0, n): the gateway's SA of each (outbound for encap, inbound for decap, sa_id = tunnel),
// the outside port's PROTECT rules and the tunnels' routes.
Result<InstallTimes> install_tunnels(dpapi::Client& c, uint32_t n, Cipher cipher, bool encap);

// `count` outbound SAs with ids [first_id, first_id + count) for tunnels [first_id, ...) (no
// traffic uses them; they cost what an SA costs). Returns seconds.
Result<double> install_extra_sas(dpapi::Client& c, uint32_t first_id, uint32_t count, Cipher cipher);
// `count` /24 routes from 11.0.0.0 upwards via the outside router. Returns seconds.
Result<double> install_extra_routes(dpapi::Client& c, uint32_t count);
Result<double> delete_extra_routes(dpapi::Client& c, uint32_t count);

struct ChurnSpec {
    uint32_t tunnels = 1000;       // tunnels [0, tunnels) are installed (encap) and carry traffic
    Cipher cipher = Cipher::gcm128;
    double seconds = 5;
    double rekeys_per_s = 100;     // make-before-break: SA_ADD successor, then SA_DEL predecessor
    double routes_per_s = 1000;    // alternately: replace a tunnel's route; add or remove a spare /32
};

struct ChurnResult {
    uint64_t rekeys = 0, route_changes = 0, failures = 0;
    double seconds = 0;
    double start_mono = 0, end_mono = 0;      // CLOCK_MONOTONIC seconds, for lining up with samples
    std::vector<double> request_ms;           // every request's round trip
    std::string first_failure;
};

// Needs sa_id room for 2 x tunnels (each tunnel alternates between two ids).
Result<ChurnResult> churn(dpapi::Client& c, const ChurnSpec& spec);

double monotonic_seconds();

}  // namespace tandem::bench
