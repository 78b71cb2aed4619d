// RRI's routes in tandem-dataplane's FIB, over the control API (ROUTE_ADD / ROUTE_DEL).
//
// Model. The consumer remembers what it installed (prefix -> route). converge(set) turns the set
// into dataplane routes (the crypto interface's port, the route's gateway), then sends ROUTE_ADD
// for routes that are new or changed (ROUTE_ADD replaces a prefix's route in one publication, so a
// changed next hop never leaves a gap) and ROUTE_DEL for prefixes no longer wanted.
//
// What it installed is only known while the link is up and after a read-back: after every
// (re)connect — the dataplane keeps forwarding with its tables while tandem-control is gone, and
// may have been restarted empty — the first converge reads the FIB with DUMP_ROUTES: `api` routes
// are RRI's (RRI is the only module of tandem-control that installs routes; whatever an earlier
// tandem-control left that is no longer wanted is deleted), `config` and `connected` routes are the
// dataplane's own and their prefixes are never touched. Then it sends only the difference.
//
// A refused ROUTE_ADD (the dataplane checks each part all-or-nothing) is retried route by route,
// so one bad route does not keep the others out; each refusal is logged. A transport error leaves
// the consumer unsynchronised until the link comes up again.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/dpapi/types.h"
#include "common/result.h"
#include "controlplane/ctl/dp_client.h"
#include "controlplane/rri/consumer.h"

namespace tandem::rri {

// The dataplane as the FIB consumer sees it; the daemon binds these to its DataplaneLink.
struct FibOps {
    std::function<bool()> up;
    std::function<Result<dpapi::Response>(const std::vector<dpapi::Route>&)> add_routes;
    std::function<Result<dpapi::Response>(const std::vector<Ipv4Prefix>&)> delete_routes;
    std::function<Result<std::vector<dpapi::Route>>()> dump_routes;
    std::function<std::optional<uint16_t>(const std::string& interface)> port_of;
};

class FibConsumer final : public Consumer {
public:
    FibConsumer(FibOps ops, LogFn log) : ops_(std::move(ops)), log_(std::move(log)) {}

    const char* name() const override { return "dataplane"; }
    void converge(const RouteSet& set) override;

    // The link went down or came back: the next converge reads the FIB back first.
    void resync() { synced_ = false; }

    bool synced() const { return synced_; }
    const std::map<Ipv4Prefix, dpapi::Route>& installed() const { return installed_; }
    const std::set<Ipv4Prefix>& foreign() const { return foreign_; }  // config / connected prefixes
    uint64_t adds() const { return adds_; }
    uint64_t deletes() const { return deletes_; }
    uint64_t dumps() const { return dumps_; }

private:
    bool read_back();
    void add(const std::vector<dpapi::Route>& routes);
    void remove(const std::vector<Ipv4Prefix>& prefixes);
    void log(const std::string& line) const {
        if (log_) log_(line);
    }

    FibOps ops_;
    LogFn log_;
    bool synced_ = false;
    std::map<Ipv4Prefix, dpapi::Route> installed_;
    std::set<Ipv4Prefix> foreign_;
    uint64_t adds_ = 0;
    uint64_t deletes_ = 0;
    uint64_t dumps_ = 0;
};

}  // namespace tandem::rri
