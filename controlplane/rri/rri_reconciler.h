// The RRI reconciler: keeps every consumer (the dataplane FIB, BIRD) converged on the routes
// Reverse Route Injection owes (route_set.h).
//
// Model. Inputs change the reconciler's state and ask for a convergence round:
//
//     set_config (start, reload) ──┐
//     child_up / child_down ───────┼──> request() ──zero-delay timer──> round: compute_routes()
//     refresh (HSRP, link back) ───┘        (armed once)                  └─> each consumer.converge(set)
//
// The round runs on the loop after the current round's events are all handled, so a burst
// (100 CHILD SAs coming up in one loop round, a rekey's new-up/old-down pair, a reload) costs one
// computation and at most one change per consumer — one BIRD `configure`, one ROUTE_ADD. Rounds
// are idempotent: a consumer handed a set it already holds does nothing.
//
// The reconciler holds its own copy of the configuration, so a reload never leaves it pointing at
// a replaced object.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "common/config/model.h"
#include "controlplane/ike/events.h"
#include "controlplane/loop/event_loop.h"
#include "controlplane/rri/consumer.h"
#include "controlplane/rri/route_set.h"

namespace tandem::rri {

struct ReconcilerOptions {
    IsActiveFn is_active;  // null: every HSRP group counts as Active
    LogFn log;
};

// A CHILD SA event's addresses and SPIs; the caller fills in the crypto map entry.
ChildSa child_from_event(const ike::ChildSaEvent& ev);

class RriReconciler {
public:
    RriReconciler(loop::EventLoop& loop, const config::Config& cfg, ReconcilerOptions options);
    RriReconciler(const RriReconciler&) = delete;
    RriReconciler& operator=(const RriReconciler&) = delete;

    // Consumers are not owned; they must outlive the reconciler or be removed first.
    void add_consumer(Consumer& c);
    void remove_consumer(Consumer& c);

    void set_config(const config::Config& cfg);
    void child_up(ChildSa sa);
    void child_down(uint32_t child_id);
    // Something outside the reconciler changed (HSRP state, a consumer reconnected).
    void refresh() { request(); }

    // Runs a round now (the timer would run it later in this loop round).
    void converge_now();

    const RouteSet& routes() const { return routes_; }
    const std::map<uint32_t, ChildSa>& children() const { return children_; }
    const config::Config& config() const { return *cfg_; }
    bool pending() const { return timer_.armed(); }
    uint64_t rounds() const { return rounds_; }

private:
    void request();
    void log(const std::string& line) const {
        if (options_.log) options_.log(line);
    }

    loop::EventLoop& loop_;
    std::unique_ptr<config::Config> cfg_;
    ReconcilerOptions options_;
    std::vector<Consumer*> consumers_;
    std::map<uint32_t, ChildSa> children_;
    RouteSet routes_;
    loop::Timer timer_;
    uint64_t rounds_ = 0;
};

}  // namespace tandem::rri
