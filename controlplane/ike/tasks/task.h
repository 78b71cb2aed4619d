// IKEv2 exchanges as tasks (the model of strongSwan's task manager).
//
// A task is one exchange seen from one side; its role is fixed at construction:
//
//   initiator:  build() -> request payloads ... response arrives ... process(response)
//   responder:  process(request) -> build() -> response payloads ... sent ... after_send()
//
// The engine owns the framing: message IDs, SK protection, retransmission, the response cache,
// and the non-ESP marker. Tasks see payloads (the inner ones for protected exchanges) and the
// IkeSa, and reach the rest of the engine only through TaskContext. A status tells the engine
// what to do next:
//
//   done     the exchange is complete (initiator: start the next queued task)
//   again    initiator only: build() a fresh request (IKE_SA_INIT after COOKIE or
//            INVALID_KE_PAYLOAD, RFC 7296 2.6 / 1.2)
//   failed   the IKE SA is to be destroyed (responder: after sending the response)
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "controlplane/ike/crypto/random.h"
#include "controlplane/ike/events.h"
#include "controlplane/ike/ike_sa.h"
#include "controlplane/ike/wire/chain.h"

namespace tandem::ike {

struct EngineConfig;

enum class TaskStatus : uint8_t { done, again, failed };

class TaskContext {
public:
    virtual ~TaskContext() = default;
    virtual crypto::RandomSource& rng() = 0;
    virtual PolicyProvider& provider() = 0;
    virtual const EngineConfig& config() const = 0;
    virtual loop::Time now() const = 0;
    virtual uint32_t allocate_child_id() = 0;
    // A random inbound ESP SPI (>= 256, RFC 4303 2.1) not used by any CHILD SA of the engine.
    virtual uint32_t allocate_inbound_spi() = 0;
    // Daemon callbacks with the event filled from the SAs. install_outbound reports child_up.
    virtual bool install_inbound(IkeSa& sa, ChildSa& child) = 0;
    virtual bool install_outbound(IkeSa& sa, ChildSa& child) = 0;
    virtual void child_failed(IkeSa& sa, const ChildPolicy& policy, NotifyType why) = 0;
    // Removes a CHILD SA, reporting child_down when it had been installed.
    virtual void remove_child(IkeSa& sa, uint32_t child_id, DownReason why) = 0;
    virtual void drop(IkeSa& sa, DropReason why, const std::string& detail) = 0;
    // INITIAL_CONTACT received: every other IKE SA with this peer goes (RFC 7296 2.4).
    virtual void initial_contact(IkeSa& sa) = 0;
    // Whether no IKE SA with this peer has been established before (send INITIAL_CONTACT).
    virtual bool first_contact(const IkeSa& sa) const = 0;
    // The IKE SA has just been authenticated: ike_up, DPD and lifetime timers.
    virtual void established(IkeSa& sa) = 0;
    // Queues an initiator task on the IKE SA (a Delete after a failed install, ...).
    virtual void enqueue(IkeSa& sa, std::unique_ptr<class Task> task) = 0;
    virtual void log(const std::string& line) = 0;

    // IKE SA rekey (RFC 7296 2.18). A fresh local IKE SPI, not used by any IKE SA.
    virtual uint64_t allocate_ike_spi() = 0;
    // A new IKE SA beside `old` (its peer, endpoints and NAT state), not yet keyed or
    // established, under `local_spi`; null when that SPI is taken meanwhile.
    virtual IkeSa* create_rekeyed_sa(const IkeSa& old, Role role, uint64_t local_spi) = 0;
    virtual IkeSa* find_by_local_spi(uint64_t local_spi) = 0;
    // The keyed successor `fresh` exists: `initiated` when we initiated the rekey (its response
    // has arrived), otherwise our response has been sent. The engine establishes it, resolves a
    // collision (2.8.2) and moves the CHILD SAs.
    virtual void ike_rekey_done(IkeSa& old, IkeSa& fresh, bool initiated) = 0;
    // Our rekey of `old` was refused or failed. With `retry_group` a new attempt with that DH
    // group is queued (INVALID_KE_PAYLOAD).
    virtual void ike_rekey_failed(IkeSa& old, std::optional<DhGroup> retry_group) = 0;
    // A successor that could not be keyed goes, without events.
    virtual void discard_rekeyed(IkeSa& fresh) = 0;
    // Our rekey of a CHILD SA got TEMPORARY_FAILURE (2.25): try again after a while.
    virtual void rekey_child_later(uint32_t child_id) = 0;
};

class Task {
public:
    explicit Task(Role role) : role_(role) {}
    virtual ~Task() = default;
    Task(const Task&) = delete;
    Task& operator=(const Task&) = delete;

    Role role() const { return role_; }
    virtual ExchangeType exchange() const = 0;
    virtual const char* name() const = 0;

    // Initiator: the request. Responder: the response, after process().
    virtual TaskStatus build(TaskContext& ctx, IkeSa& sa, std::vector<Payload>& out) = 0;
    // Initiator: the response. Responder: the request. `m` is the whole message (header and, for
    // IKE_SA_INIT, its payloads); `in` the payloads to act on (the inner ones when protected).
    virtual TaskStatus process(TaskContext& ctx, IkeSa& sa, const Message& m, std::span<const Payload> in) = 0;
    // Responder: the response has been sent (install outbound SAs: make-before-break).
    virtual void after_send(TaskContext&, IkeSa&) {}
    // Initiator: the IKE SA is going away with this task unfinished.
    virtual void abort(TaskContext&, IkeSa&) {}
    // What the engine needs to know of some tasks: an IKE SA rekey or Delete (dropped, not moved,
    // when the IKE SA is replaced by a rekey meanwhile) and a liveness check (retransmitted dpd_retries times).
    virtual bool rekeys_ike() const { return false; }
    virtual bool deletes_ike() const { return false; }
    // A queued initiator task made pointless meanwhile (a rekey of a CHILD SA the peer rekeyed):
    // the engine drops it instead of starting it.
    virtual bool obsolete(const IkeSa&) const { return false; }
    virtual bool liveness_check() const { return false; }

private:
    Role role_;
};

// Constructors of the tasks, one file each under tasks/.
std::unique_ptr<Task> make_ike_init(Role role);
// IKE_AUTH; the initiator negotiates its first CHILD SA from `child` (with the triggering
// packet's selectors first, when given).
struct ChildRequest {
    ChildPolicy policy;
    std::optional<TsRange> trigger_local;
    std::optional<TsRange> trigger_remote;
};
std::unique_ptr<Task> make_ike_auth(Role role, std::optional<ChildRequest> child = std::nullopt);
// INFORMATIONAL, initiator side: Delete of CHILD SAs (by child id), Delete of the IKE SA, or an
// empty request (liveness check / DPD).
std::unique_ptr<Task> make_delete_child(std::vector<uint32_t> child_ids, DownReason why);
std::unique_ptr<Task> make_delete_ike(DownReason why);
std::unique_ptr<Task> make_liveness_check();
std::unique_ptr<Task> make_informational_responder();
// CREATE_CHILD_SA: a new CHILD SA (initiator), a rekey of CHILD SA `rekey_child_id` (its
// negotiated selectors are in `child.policy`), or the responder to any CREATE_CHILD_SA.
std::unique_ptr<Task> make_create_child(ChildRequest child, uint32_t rekey_child_id = 0);
std::unique_ptr<Task> make_create_child_responder();
// CREATE_CHILD_SA rekeying the IKE SA (tasks/rekey_ike.cc): the initiator offers the peer's IKE
// proposals with `group` (default: the current SA's group) in KEi; the responder is used by
// make_create_child_responder() when the SA payload is for protocol IKE.
std::unique_ptr<Task> make_rekey_ike(std::optional<DhGroup> group = std::nullopt);
std::unique_ptr<Task> make_rekey_ike_responder();

}  // namespace tandem::ike
