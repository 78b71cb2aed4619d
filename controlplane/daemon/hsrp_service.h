// HSRP in tandem-control: one state machine (controlplane/hsrp/fsm.h) per configured standby
// group, carried out on the interface's kernel interface (hsrp_io.h) and in the dataplane.
//
// Model.
//  - A group runs while its interface can speak: the dataplane link is up, the interface's TAP
//    exists and is administratively up, and the configuration does not shut the interface down.
//    Otherwise it is disabled (RFC 2281 event b: Init, releasing the virtual address if held).
//  - The machine's actions are carried out in order: hellos, coups and resigns leave as frames
//    from the interface address (and from the virtual MAC when Active); ClaimVip / GratuitousArp
//    become VADDR_CLAIM (the dataplane answers ARP for the address with the virtual MAC, puts the
//    address on the TAP so IKE can use it, and sends gratuitous ARPs); ReleaseVip is preceded by
//    `leaving_active` (IKE abandons the SAs on that address while it can still tell the peers)
//    and becomes VADDR_RELEASE. After every batch `changed` runs (RRI re-evaluates is_active).
//  - Tracking: `track INTERFACE` follows that interface's TAP (up and running) and its
//    `shutdown`, polled every second; tracked objects are not modelled and count as up (a warning
//    at start says so).
//  - When the dataplane link comes up, virtual addresses the dataplane holds for groups that are
//    not Active here (left by an earlier tandem-control) are released.
//  - `reload`: groups whose interface or group configuration changed are disabled (Resign when
//    Active) and started again with the new one; the others keep running untouched.
//
// Logs: state changes as IOS does (`%HSRP-5-STATECHANGE: Fa0/0 Grp 1 state Standby -> Active`);
// with `debug standby`, every packet sent and received.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/config/model.h"
#include "common/dpapi/types.h"
#include "common/result.h"
#include "controlplane/cli/command_registry.h"
#include "controlplane/daemon/hsrp_io.h"
#include "controlplane/hsrp/fsm.h"
#include "controlplane/loop/event_loop.h"

namespace tandem::control {

class HsrpService {
public:
    struct Hooks {
        std::function<Result<void>(const dpapi::VirtualAddress&)> claim;
        std::function<Result<void>(const dpapi::VirtualAddress&)> release;
        std::function<Result<std::vector<dpapi::VirtualAddress>>()> dump;
        std::function<void(Ipv4Address vip)> leaving_active;
        std::function<void()> changed;
    };

    static Result<std::unique_ptr<HsrpService>> create(loop::EventLoop& loop, const config::Config& cfg, Hooks hooks);
    ~HsrpService();
    HsrpService(const HsrpService&) = delete;
    HsrpService& operator=(const HsrpService&) = delete;

    void reconfigure(const config::Config& cfg);
    void dataplane_up();
    void dataplane_down();

    // Whether the group with this standby name is Active here.
    bool is_active(const std::string& standby_name) const;
    // False when `a` is the virtual address of a group here that is not Active: IKE must not
    // initiate from it.
    bool may_use_local(Ipv4Address a) const;
    std::vector<hsrp::GroupSnapshot> snapshots() const;
    size_t group_count() const;

    // show standby [brief] [INTERFACE [GROUP]], debug standby, undebug standby.
    void register_commands(cli::CommandRegistry& commands);

private:
    struct Group {
        config::StandbyGroup cfg;
        std::unique_ptr<hsrp::Fsm> fsm;
        bool claimed = false;
        std::map<std::string, bool> track_up;  // by track key
    };
    struct Iface {
        config::Interface cfg;
        std::string ifname;                     // its TAP
        std::optional<uint16_t> port;           // dataplane port
        std::vector<std::unique_ptr<Group>> groups;
        std::unique_ptr<HsrpSocket> socket;
        hsrp::MacAddress mac{};                 // the TAP's (the port's) MAC, once seen
        bool enabled = false;
    };

    HsrpService(loop::EventLoop& loop, Hooks hooks) : loop_(loop), hooks_(std::move(hooks)) {}
    std::unique_ptr<Iface> make_iface(const config::Config& cfg, const config::Interface& itf);
    std::unique_ptr<hsrp::Fsm> make_fsm(Iface& itf, Group& g);
    void poll();
    void update(Iface& itf);
    void enable(Iface& itf);
    void disable(Iface& itf, const char* why);
    void receive(Iface& itf, std::span<const uint8_t> datagram, Ipv4Address source);
    void execute(Iface& itf, Group& g, hsrp::Actions actions);
    void release_stale_vaddrs();
    bool tracked_interface_up(const std::string& name) const;

    loop::EventLoop& loop_;
    Hooks hooks_;
    const config::Config* cfg_ = nullptr;   // the running configuration (owned by Control)
    std::vector<std::unique_ptr<Iface>> ifaces_;
    loop::Timer poll_timer_;
    bool dataplane_up_ = false;
    bool debug_ = false;
};

}  // namespace tandem::control
