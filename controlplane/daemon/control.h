// tandem-control: the control-plane daemon of one gateway.
//
// Model. One object owns the running configuration and the modules that act on it, all driven by
// one event loop (controlplane/loop): the tandemctl socket (controlplane/cli), the link to
// tandem-dataplane (dataplane_link.h) and the security policy kept in it (policy_sync.h). IKE, RRI,
// HSRP and the BIRD client attach here as they are built.
//
// Configuration changes are transactional: `reload` (or SIGHUP) loads and validates the file
// again; a file with errors is refused with every file:line:column diagnostic and the running
// configuration stays as it was. Only a valid configuration replaces it and is pushed to the
// dataplane.
#pragma once

#include <memory>
#include <string>

#include "common/config/model.h"
#include "common/result.h"
#include "controlplane/cli/cli_server.h"
#include "controlplane/cli/command_registry.h"
#include "controlplane/daemon/dataplane_link.h"
#include "controlplane/daemon/hsrp_service.h"
#include "controlplane/daemon/ike_service.h"
#include "controlplane/daemon/policy_sync.h"
#include "controlplane/rri/rri_service.h"
#include "controlplane/loop/event_loop.h"
#include "controlplane/show/live.h"

namespace tandem::control {

struct ControlOptions {
    std::string config_path;
    std::string control_socket;    // empty: the configuration's control.socket
    std::string dataplane_socket;  // empty: the configuration's dataplane.api_socket
    uint16_t ike_port = 500;       // tests may move IKE off the well-known ports
    uint16_t natt_port = 4500;
};

class Control {
public:
    // Loads the configuration (refusing one with errors: the message lists them), opens the
    // tandemctl socket and starts connecting to the dataplane.
    static Result<std::unique_ptr<Control>> create(loop::EventLoop& loop, const ControlOptions& options);
    ~Control();

    const config::Config& config() const { return *config_; }
    cli::CommandRegistry& commands() { return commands_; }
    DataplaneLink& dataplane() { return *dataplane_; }
    IkeService& ike() { return *ike_; }
    rri::RriService& rri() { return *rri_; }
    HsrpService& hsrp() { return *hsrp_; }
    const PolicySet& policies() const { return policies_; }

    // Re-reads the configuration file. The answer says what happened, for the operator.
    Result<std::string> reload();

private:
    Control(loop::EventLoop& loop, ControlOptions options) : loop_(loop), options_(std::move(options)) {}
    void register_commands();
    std::vector<show::IpsecSaView> ipsec_views();
    void on_dataplane_up();
    Result<void> push_policies();
    Result<void> push_port(uint16_t port);
    Result<void> start_rri();
    Result<void> start_hsrp();
    void abandon_unused_endpoints();

    loop::EventLoop& loop_;
    ControlOptions options_;
    std::unique_ptr<config::Config> config_;
    cli::CommandRegistry commands_;
    std::unique_ptr<cli::CliServer> cli_;
    std::unique_ptr<DataplaneLink> dataplane_;
    PolicySet policies_;
    std::unique_ptr<IkeService> ike_;
    std::unique_ptr<rri::RriService> rri_;
    std::unique_ptr<HsrpService> hsrp_;
    loop::Time started_{};
    uint64_t reloads_ = 0;
};

}  // namespace tandem::control
