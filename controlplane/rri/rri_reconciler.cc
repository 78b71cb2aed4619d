#include "controlplane/rri/rri_reconciler.h"

#include <algorithm>

namespace tandem::rri {

ChildSa child_from_event(const ike::ChildSaEvent& ev) {
    ChildSa sa;
    sa.child_id = ev.child_id;
    sa.ike_sa_id = ev.ike_sa_id;
    sa.peer = ev.remote.address;
    sa.remote_first = ev.remote_ts.first;
    sa.remote_last = ev.remote_ts.last;
    sa.spi_in = ev.inbound.spi;
    sa.spi_out = ev.outbound.spi;
    return sa;
}

RriReconciler::RriReconciler(loop::EventLoop& loop, const config::Config& cfg, ReconcilerOptions options)
    : loop_(loop), cfg_(std::make_unique<config::Config>(cfg)), options_(std::move(options)) {
    request();
}

void RriReconciler::add_consumer(Consumer& c) {
    consumers_.push_back(&c);
    request();
}

void RriReconciler::remove_consumer(Consumer& c) {
    consumers_.erase(std::remove(consumers_.begin(), consumers_.end(), &c), consumers_.end());
}

void RriReconciler::set_config(const config::Config& cfg) {
    cfg_ = std::make_unique<config::Config>(cfg);
    request();
}

void RriReconciler::child_up(ChildSa sa) {
    if (sa_reverse_route(*cfg_, sa)) {
        for (const auto& p : range_prefixes(sa.remote_first, sa.remote_last)) {
            if (p.is_default()) {
                log("rri: CHILD SA " + std::to_string(sa.child_id) + " with " + sa.peer.str() +
                    ": remote proxy 0.0.0.0/0 (any) is never injected; skipped");
            }
        }
    }
    const uint32_t id = sa.child_id;
    children_[id] = std::move(sa);
    request();
}

void RriReconciler::child_down(uint32_t child_id) {
    if (children_.erase(child_id) != 0) request();
}

void RriReconciler::request() {
    if (timer_.armed()) return;
    timer_ = loop_.timers().schedule(loop::Duration::zero(), [this] { converge_now(); });
}

void RriReconciler::converge_now() {
    timer_.cancel();
    ++rounds_;
    RouteSet next = compute_routes(*cfg_, children_, options_.is_active);
    if (!(next == routes_)) {
        log("rri: " + std::to_string(next.routes.size()) + " route(s) injected, " + std::to_string(next.withheld.size()) +
            " withheld");
    }
    routes_ = std::move(next);
    for (Consumer* c : consumers_) c->converge(routes_);
}

}  // namespace tandem::rri
