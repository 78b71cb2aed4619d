#include "controlplane/rri/fib_consumer.h"

namespace tandem::rri {

bool FibConsumer::read_back() {
    auto dump = ops_.dump_routes();
    ++dumps_;
    if (!dump) {
        log("rri: dataplane: reading the FIB back failed: " + dump.error().message);
        return false;
    }
    installed_.clear();
    foreign_.clear();
    for (const auto& r : *dump) {
        if (r.origin == dpapi::RouteOrigin::api) installed_[r.prefix] = r;
        else foreign_.insert(r.prefix);
    }
    synced_ = true;
    return true;
}

void FibConsumer::add(const std::vector<dpapi::Route>& routes) {
    if (routes.empty()) return;
    auto r = ops_.add_routes(routes);
    if (!r) {
        log("rri: dataplane: ROUTE_ADD failed: " + r.error().message);
        synced_ = false;
        return;
    }
    if (r->ok()) {
        for (const auto& x : routes) installed_[x.prefix] = x;
        adds_ += routes.size();
        return;
    }
    // Refused: find out which, one at a time, and install the others.
    for (const auto& x : routes) {
        auto one = ops_.add_routes({x});
        if (!one) {
            log("rri: dataplane: ROUTE_ADD failed: " + one.error().message);
            synced_ = false;
            return;
        }
        if (one->ok()) {
            installed_[x.prefix] = x;
            ++adds_;
        } else {
            log("rri: dataplane refused route " + x.prefix.str() + ": " + one->error_text());
        }
    }
}

void FibConsumer::remove(const std::vector<Ipv4Prefix>& prefixes) {
    if (prefixes.empty()) return;
    auto r = ops_.delete_routes(prefixes);
    if (!r) {
        log("rri: dataplane: ROUTE_DEL failed: " + r.error().message);
        synced_ = false;
        return;
    }
    if (!r->ok()) {
        // Most likely not_found (someone else removed it); read back to learn the truth.
        log("rri: dataplane refused ROUTE_DEL: " + r->error_text() + "; reading the FIB back");
        read_back();
        return;
    }
    for (const auto& p : prefixes) installed_.erase(p);
    deletes_ += prefixes.size();
}

void FibConsumer::converge(const RouteSet& set) {
    if (ops_.up && !ops_.up()) {
        synced_ = false;
        return;
    }
    if (!synced_ && !read_back()) return;

    std::map<Ipv4Prefix, dpapi::Route> want;
    for (const auto& r : set.routes) {
        if (foreign_.contains(r.prefix)) continue;  // the dataplane's own route (connected, config)
        auto port = ops_.port_of ? ops_.port_of(r.interface) : std::nullopt;
        if (!port) continue;  // the interface has no dataplane port
        dpapi::Route d;
        d.prefix = r.prefix;
        d.kind = dpapi::RouteKind::forward;
        d.port = *port;
        d.gateway = r.gateway;
        want.emplace(r.prefix, d);
    }
    std::vector<dpapi::Route> adds;
    for (const auto& [p, d] : want) {
        auto it = installed_.find(p);
        if (it == installed_.end() || !(it->second == d)) adds.push_back(d);
    }
    std::vector<Ipv4Prefix> dels;
    for (const auto& [p, d] : installed_)
        if (!want.contains(p)) dels.push_back(p);
    add(adds);
    if (synced_) remove(dels);
}

}  // namespace tandem::rri
