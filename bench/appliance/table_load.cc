#include "bench/appliance/table_load.h"

#include <time.h>

#include <chrono>
#include <thread>

namespace tandem::bench {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

Result<void> check(const Result<dpapi::Response>& r, const std::string& what) {
    if (!r) return Error(what + ": " + r.error().message);
    if (!r->ok()) return Error(what + ": the dataplane refused: " + r->error_text());
    return ok_result();
}

dpapi::Route extra_route(uint32_t k) {
    dpapi::Route r;
    r.prefix = Ipv4Prefix(Ipv4Address(Ipv4Address(11, 0, 0, 0).value() + 256u * k), 24);
    r.port = kOutsidePort;
    r.gateway = kOutsideRouter;
    return r;
}

// The churn's spare routes: /32s in 10.32.0.0/16, which no traffic uses.
dpapi::Route spare_route(uint32_t k) {
    dpapi::Route r;
    r.prefix = Ipv4Prefix(Ipv4Address(Ipv4Address(10, 32, 0, 0).value() + k % 65536u), 32);
    r.port = kOutsidePort;
    r.gateway = kOutsideRouter;
    return r;
}

}  // namespace

double monotonic_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

Result<InstallTimes> install_tunnels(dpapi::Client& c, uint32_t n, Cipher cipher, bool encap) {
    InstallTimes t;
    std::vector<dpapi::SaParams> sas;
    std::vector<dpapi::PolicyRule> rules;
    std::vector<dpapi::Route> routes;
    sas.reserve(n);
    rules.reserve(n);
    routes.reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
        sas.push_back(gateway_sa(i, cipher, encap, i));
        rules.push_back(protect_rule(i));
        routes.push_back(tunnel_route(i));
    }
    // The order tandem-control uses for a new tunnel: routes, policy, then SAs.
    auto t0 = Clock::now();
    if (auto r = check(c.add_routes(routes), "ROUTE_ADD"); !r) return r.error();
    t.routes_s = since(t0);
    t0 = Clock::now();
    if (auto r = check(c.set_policies(kOutsidePort, rules), "POLICY_SET"); !r) return r.error();
    t.policies_s = since(t0);
    t0 = Clock::now();
    if (auto r = check(c.add_sas(sas), "SA_ADD"); !r) return r.error();
    t.sas_s = since(t0);
    return t;
}

Result<double> install_extra_sas(dpapi::Client& c, uint32_t first_id, uint32_t count, Cipher cipher) {
    std::vector<dpapi::SaParams> sas;
    sas.reserve(count);
    for (uint32_t k = 0; k < count; ++k) {
        // Spread over tunnel numbers past the traffic's, wrapping inside the topology's range.
        sas.push_back(gateway_sa((first_id + k) % kMaxTunnels, cipher, true, first_id + k, 1 + (first_id + k) / kMaxTunnels));
    }
    auto t0 = Clock::now();
    if (auto r = check(c.add_sas(sas), "SA_ADD"); !r) return r.error();
    return since(t0);
}

Result<double> install_extra_routes(dpapi::Client& c, uint32_t count) {
    std::vector<dpapi::Route> routes;
    routes.reserve(count);
    for (uint32_t k = 0; k < count; ++k) routes.push_back(extra_route(k));
    auto t0 = Clock::now();
    if (auto r = check(c.add_routes(routes), "ROUTE_ADD"); !r) return r.error();
    return since(t0);
}

Result<double> delete_extra_routes(dpapi::Client& c, uint32_t count) {
    std::vector<Ipv4Prefix> prefixes;
    prefixes.reserve(count);
    for (uint32_t k = 0; k < count; ++k) prefixes.push_back(extra_route(k).prefix);
    auto t0 = Clock::now();
    if (auto r = check(c.delete_routes(prefixes), "ROUTE_DEL"); !r) return r.error();
    return since(t0);
}

Result<ChurnResult> churn(dpapi::Client& c, const ChurnSpec& spec) {
    ChurnResult out;
    if (spec.tunnels == 0) return Error("churn needs at least one tunnel");
    std::vector<uint32_t> generation(spec.tunnels, 0);
    std::vector<bool> spare_present(65536, false);
    uint32_t next_rekey = 0, next_route = 0;
    auto timed = [&](dpapi::Body body) -> bool {
        auto t0 = Clock::now();
        auto r = c.request(std::move(body));
        out.request_ms.push_back(since(t0) * 1000.0);
        if (!r || !r->ok()) {
            ++out.failures;
            if (out.first_failure.empty()) out.first_failure = r ? r->error_text() : r.error().message;
            return false;
        }
        return true;
    };
    const auto t0 = Clock::now();
    out.start_mono = monotonic_seconds();
    // Operations are due at fixed times (i / rate); each 2 ms tick does what is due, so the rates
    // hold even when single requests are slow.
    uint64_t rekeys_due = 0, routes_due = 0;
    for (;;) {
        const double t = since(t0);
        if (t >= spec.seconds) break;
        rekeys_due = static_cast<uint64_t>(t * spec.rekeys_per_s);
        routes_due = static_cast<uint64_t>(t * spec.routes_per_s);
        while (out.rekeys < rekeys_due) {
            const uint32_t tunnel = next_rekey++ % spec.tunnels;
            const uint32_t g = generation[tunnel];
            const uint32_t old_id = tunnel + (g % 2) * spec.tunnels, new_id = tunnel + ((g + 1) % 2) * spec.tunnels;
            // Make before break: the successor takes over the policy when it is added.
            if (timed(dpapi::SaAdd{{gateway_sa(tunnel, spec.cipher, true, new_id, g + 1)}})) {
                timed(dpapi::SaDel{{old_id}});
                generation[tunnel] = g + 1;
            }
            ++out.rekeys;
        }
        while (out.route_changes < routes_due) {
            const uint32_t k = next_route++;
            if (k % 2 == 0) {
                timed(dpapi::RouteAdd{{tunnel_route((k / 2) % spec.tunnels)}});  // replace, same next hop
            } else {
                const uint32_t s = (k / 2) % 65536u;
                if (spare_present[s]) {
                    timed(dpapi::RouteDel{{spare_route(s).prefix}});
                } else {
                    timed(dpapi::RouteAdd{{spare_route(s)}});
                }
                spare_present[s] = !spare_present[s];
            }
            ++out.route_changes;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    out.seconds = since(t0);
    out.end_mono = monotonic_seconds();
    return out;
}

}  // namespace tandem::bench
