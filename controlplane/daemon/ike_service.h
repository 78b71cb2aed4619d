// IKE in tandem-control: the engine (controlplane/ike) wired to the sockets, the configuration's
// crypto maps (ike_policy.h) and the dataplane.
//
// Model.
//  - ACQUIRE from the dataplane (a PROTECT policy without an SA) -> the entry's peer and ACL line
//    -> Engine::initiate, at most once per policy every few seconds while one is pending.
//  - The engine's install_inbound/install_outbound -> SA_ADD (inbound first, outbound after:
//    make-before-break). SA ids are dense small integers, allocated here and reused.
//  - A CHILD SA negotiated through a dynamic map gets PROTECT rules of its own (policy_sync.h
//    add_dynamic) installed right after its outbound SA, and removed before its SAs on the way down.
//  - child_down -> POLICY_SET (dynamic) and SA_DEL.
//  - When the dataplane link comes (back) up, the SAs of the live CHILD SAs are installed again if
//    the dataplane lost them, and SAs this process does not know (left by an earlier tandem-control)
//    are deleted: their keys are gone with that process, so the peers must negotiate again.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "common/config/model.h"
#include "controlplane/daemon/dataplane_link.h"
#include "controlplane/daemon/ike_policy.h"
#include "controlplane/daemon/ike_socket.h"
#include "controlplane/daemon/policy_sync.h"
#include "controlplane/ike/crypto/random.h"
#include "controlplane/ike/engine.h"
#include "controlplane/loop/event_loop.h"

namespace tandem::control {

class IkeService {
public:
    // `push_port(port)` installs the current policy of one dataplane port.
    static Result<std::unique_ptr<IkeService>> create(loop::EventLoop& loop, DataplaneLink& dp, PolicySet& policies,
                                                      std::function<Result<void>(uint16_t port)> push_port,
                                                      const config::Config& cfg, uint16_t ike_port = ike::kIkePort,
                                                      uint16_t natt_port = ike::kNattPort);
    ~IkeService();

    Result<void> reconfigure(const config::Config& cfg);
    void on_acquire(const dpapi::Acquire& a);
    // The dataplane's byte/packet lifetime of an SA ran out: soft -> rekey its CHILD SA,
    // hard -> delete it.
    void on_expire(const dpapi::SaExpire& e);
    void on_dataplane_up();
    // Entries with `initiate: start`: negotiates every CHILD policy of theirs that has no CHILD SA
    // and no IKE SA under way with its peer (and whose local address may be used). Runs when the
    // dataplane link comes up, every few seconds after, and when HSRP hands this gateway an address.
    void bring_up();

    ike::Engine& engine() { return *engine_; }
    const IkePolicies& ike_policies() const { return ike_policies_; }

    struct Installed {
        ike::ChildSaEvent event;
        uint32_t in_id = 0;
        uint32_t out_id = 0;
        std::optional<uint32_t> dynamic_policy;
        std::optional<uint16_t> dynamic_port;
    };
    const std::map<uint32_t, Installed>& installed() const { return installed_; }  // by child id

    // Whether IKE may initiate from a local address now (HSRP: not from the virtual address of a
    // group that is not Active here). Unset: always.
    std::function<bool(Ipv4Address local)> may_initiate_from;
    std::function<void(const ike::ChildSaEvent&)> on_child_up;
    std::function<void(const ike::ChildSaEvent&)> on_child_down;

private:
    IkeService(loop::EventLoop& loop, DataplaneLink& dp, PolicySet& policies, std::function<Result<void>(uint16_t)> push)
        : loop_(loop), dp_(dp), policies_(policies), push_port_(std::move(push)) {}
    bool install_inbound(const ike::ChildSaEvent& ev);
    bool install_outbound(const ike::ChildSaEvent& ev);
    void child_down(const ike::ChildSaEvent& ev);
    uint32_t allocate_sa_id();
    void release_sa_id(uint32_t id);
    bool add_sa(const dpapi::SaParams& p);
    void delete_sas(const std::vector<uint32_t>& ids);

    loop::EventLoop& loop_;
    DataplaneLink& dp_;
    PolicySet& policies_;
    std::function<Result<void>(uint16_t)> push_port_;
    IkePolicies ike_policies_;
    ike::crypto::OpenSslRandom rng_;
    std::unique_ptr<ike::Engine> engine_;
    std::unique_ptr<IkeSockets> sockets_;
    std::map<uint32_t, Installed> installed_;
    std::map<uint32_t, loop::Time> acquiring_;  // policy id -> when we last initiated for it
    loop::Timer bring_up_timer_;
    std::vector<uint32_t> free_sa_ids_;
    uint32_t next_sa_id_ = 1;  // 0 means "none" in Installed
};

}  // namespace tandem::control
