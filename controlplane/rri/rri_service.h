// Reverse Route Injection inside tandem-control: the reconciler with its consumers, assembled from
// the configuration, and its show commands.
//
// Model. The service owns the RriReconciler (rri_reconciler.h), the dataplane FIB consumer and,
// when `bird.enabled` is set, a BIRD client (controlplane/bird) with its consumer. The daemon
// feeds it:
//   - the configuration at start and after each successful reload (a changed `bird:` section
//     replaces the BIRD client; disabling it stops feeding BIRD, leaving BIRD's routes as they are
//     until BIRD is reconfigured by the operator);
//   - CHILD SAs up and down, with the crypto map entry each came through;
//   - the dataplane link coming (back) up: the FIB consumer reads the FIB back and converges.
// HSRP state comes through `is_active` (every group Active until the HSRP module supplies it);
// call refresh() when it changes.
#pragma once

#include <memory>
#include <string>

#include "common/config/model.h"
#include "common/result.h"
#include "controlplane/bird/bird_client.h"
#include "controlplane/cli/command_registry.h"
#include "controlplane/loop/event_loop.h"
#include "controlplane/rri/bird_consumer.h"
#include "controlplane/rri/fib_consumer.h"
#include "controlplane/rri/rri_reconciler.h"

namespace tandem::rri {

class RriService {
public:
    static Result<std::unique_ptr<RriService>> create(loop::EventLoop& loop, const config::Config& cfg, FibOps fib,
                                                      IsActiveFn is_active = {}, LogFn log = {});
    ~RriService();
    RriService(const RriService&) = delete;
    RriService& operator=(const RriService&) = delete;

    // A reloaded configuration. Fails only when a newly enabled BIRD client cannot be set up
    // (its include file cannot be created); the routes are recomputed either way.
    Result<void> reconfigure(const config::Config& cfg);
    void on_dataplane_up();
    void child_up(ChildSa sa) { reconciler_->child_up(std::move(sa)); }
    void child_down(uint32_t child_id) { reconciler_->child_down(child_id); }
    void refresh() { reconciler_->refresh(); }

    // `show ip route [static]`, `show crypto route`.
    void register_commands(cli::CommandRegistry& commands);

    RriReconciler& reconciler() { return *reconciler_; }
    FibConsumer& fib() { return *fib_; }
    bird::BirdClient* bird() { return bird_.get(); }

private:
    RriService(loop::EventLoop& loop, LogFn log) : loop_(loop), log_(std::move(log)) {}
    Result<void> setup_bird(const config::Config& cfg);

    loop::EventLoop& loop_;
    LogFn log_;
    std::unique_ptr<FibConsumer> fib_;
    std::unique_ptr<bird::BirdClient> bird_;
    std::unique_ptr<BirdConsumer> bird_consumer_;
    std::optional<config::BirdSettings> bird_settings_;
    std::unique_ptr<RriReconciler> reconciler_;
};

}  // namespace tandem::rri
