// What the engine tells the daemon, and the callbacks it tells it through.
//
//   send(local, remote, bytes)    one UDP datagram. From local port 4500 the bytes already start
//                                 with the non-ESP marker (the engine adds it, and strips it from
//                                 what receive() gets on 4500); a NAT keep-alive is the single
//                                 octet 0xFF (RFC 3948 2.3).
//   install_inbound(event)        install event.inbound; called before the message that lets the
//                                 peer use the SA is sent. false: the CHILD SA is not created.
//   install_outbound(event)       install event.outbound; called after (make-before-break).
//                                 false: the CHILD SA is torn down with a Delete.
//   child_up / child_down         a CHILD SA with both directions installed / removed (the daemon
//                                 removes event.inbound.spi and event.outbound.spi).
//   child_failed                  a CHILD SA could not be negotiated (NO_PROPOSAL_CHOSEN,
//                                 TS_UNACCEPTABLE, ...) while its IKE SA may still be up.
//   ike_up / ike_down             IKE SA established / gone (its CHILD SAs are reported down
//                                 first).
//   log                           one line, never holding key material.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "common/dpapi/types.h"
#include "controlplane/ike/counters.h"
#include "controlplane/ike/policy.h"

namespace tandem::ike {

enum class DownReason : uint8_t {
    deleted_locally,      // delete_child() / delete_ike()
    deleted_by_peer,      // Delete payload received
    peer_dead,            // retransmissions (or DPD) exhausted
    auth_failed,          // AUTHENTICATION_FAILED either way
    install_failed,       // the daemon refused an SA
    replaced,             // INITIAL_CONTACT from the peer, or the SA was rekeyed
    negotiation_failed,   // IKE_SA_INIT/IKE_AUTH refused (NO_PROPOSAL_CHOSEN, ...)
    expired,              // lifetime reached
    relinquished,         // abandon_ike(): the local address went away (HSRP left Active)
};
const char* down_reason_name(DownReason r);

struct IkeSaEvent {
    uint32_t ike_sa_id = 0;
    std::string peer;            // PeerPolicy::name
    Endpoint local;
    Endpoint remote;
    uint64_t spi_i = 0;
    uint64_t spi_r = 0;
    bool initiator = false;      // we initiated the IKE SA
    DownReason reason = DownReason::deleted_locally;   // ike_down only
};

struct ChildSaEvent {
    uint32_t ike_sa_id = 0;
    uint32_t child_id = 0;
    std::string peer;
    std::string child;           // ChildPolicy::name
    uint32_t tag = 0;            // ChildPolicy::tag
    Endpoint local;
    Endpoint remote;
    TsRange local_ts;            // negotiated (narrowed)
    TsRange remote_ts;
    dpapi::SaParams inbound;     // sa_id left 0 for the daemon; policy_id = tag
    dpapi::SaParams outbound;
    DownReason reason = DownReason::deleted_locally;   // child_down only
};

struct ChildFailure {
    uint32_t ike_sa_id = 0;
    std::string peer;
    std::string child;
    uint32_t tag = 0;
    NotifyType notify = NotifyType::no_proposal_chosen;   // what was received or sent
};

struct Callbacks {
    std::function<void(const Endpoint& local, const Endpoint& remote, std::span<const uint8_t> bytes)> send;
    std::function<bool(const ChildSaEvent&)> install_inbound;
    std::function<bool(const ChildSaEvent&)> install_outbound;
    std::function<void(const ChildSaEvent&)> child_up;
    std::function<void(const ChildSaEvent&)> child_down;
    std::function<void(const ChildFailure&)> child_failed;
    std::function<void(const IkeSaEvent&)> ike_up;
    std::function<void(const IkeSaEvent&)> ike_down;
    LogFn log;
};

}  // namespace tandem::ike
