// IKE SA rekey bookkeeping (RFC 7296 2.18, 2.8.2) -- the engine's side of tasks/rekey_ike.cc --
// and the lifetime entry points (rekey_ike, on_sa_expire, the IKE SA timers).
//
//   rekey initiator, on the old SA              rekey responder, on the old SA
//   CREATE_CHILD_SA { SA, Ni, KEi }  -->        successor created; response sent, then
//                                               hand_over(old, successor): CHILD SAs and queued
//                                               requests move, the old SA waits for the Delete
//   <--  { SA, Nr, KEr }
//   successor created, hand_over(old, successor)
//   INFORMATIONAL { D(IKE) } on the old SA  -->
//
// The successor is reported with ike_up, the old SA with ike_down (`replaced`); the CHILD SAs move
// without events and keep their ids, SPIs and dataplane SAs.
//
// Collision (2.8.2): both sides sent a rekey of the same IKE SA. Each answers the other's,
// recording the successor it created as `peer_rekey` without moving anything, and decides when
// its own response arrives: the exchange holding the lowest of the four nonces loses. The loser
// hands over to the winner's successor and deletes its own (redundant) one; the winner proceeds as
// without a collision and deletes the old SA. If our own rekey fails instead, the peer's successor
// takes over. Both sides see the same four nonces, so they agree.
//
// Timers: the IKE SA's initiator rekeys at a random 85-95% of ike_lifetime_seconds (jitter from
// the RandomSource, so gateways configured alike rarely collide); at 100% an IKE SA not rekeyed is
// deleted (`expired`). A replaced SA lingers at most EngineConfig::rekeyed_linger. A rekey refused
// (TEMPORARY_FAILURE, NO_PROPOSAL_CHOSEN, ...) is tried again after a random 1-2 x rekey_retry.
#include <algorithm>

#include "controlplane/ike/engine.h"

namespace tandem::ike {
namespace {

const std::vector<uint8_t>& lowest_nonce(const IkeSa& s) { return std::min(s.ni, s.nr); }

}  // namespace

IkeSa* Engine::find_by_local_spi(uint64_t local_spi) {
    auto it = sas_.find(local_spi);
    return it == sas_.end() ? nullptr : it->second.get();
}

IkeSa* Engine::create_rekeyed_sa(const IkeSa& old, Role role, uint64_t local_spi) {
    if (local_spi == 0 || sas_.contains(local_spi)) return nullptr;
    auto sa = std::make_unique<IkeSa>();
    sa->id = next_ike_id_++;
    sa->role = role;
    sa->state = IkeState::init_sent;   // established by ike_rekey_done()
    sa->peer = old.peer;
    sa->local = old.local;
    sa->remote = old.remote;
    sa->nat_local = old.nat_local;
    sa->nat_remote = old.nat_remote;
    sa->created = now();
    sa->last_heard = now();
    (role == Role::initiator ? sa->spi_i : sa->spi_r) = local_spi;
    IkeSa& ref = *sa;
    sas_.emplace(local_spi, std::move(sa));
    return &ref;
}

void Engine::discard_rekeyed(IkeSa& fresh) { destroy(fresh, DownReason::negotiation_failed); }

void Engine::start_ike(IkeSa& sa) {
    sa.last_heard = now();
    if (cb_.ike_up) cb_.ike_up(ike_event(sa));
    if (!alive(sa)) return;
    IkeSa* p = &sa;
    if (sa.peer->ike_lifetime_seconds != 0) {
        sa.lifetime_timer = timers_.schedule(std::chrono::seconds(sa.peer->ike_lifetime_seconds), [this, p] {
            reap();
            if (p->state == IkeState::established && !p->superseded()) {
                log("ike: " + p->peer->name + ": IKE SA " + std::to_string(p->id) + " not rekeyed within its lifetime");
                p->queue.push_front(make_delete_ike(DownReason::expired));
                start_next(*p);
            }
        });
    }
    arm_ike_rekey(sa);
    arm_dpd(sa);
    arm_keepalive(sa);
}

void Engine::arm_ike_rekey(IkeSa& sa) {
    if (!sa.is_initiator() || sa.peer->ike_lifetime_seconds == 0) return;
    uint8_t b[2] = {};
    (void)rng_.fill(b);
    const int64_t permille = 850 + ((int64_t{b[0]} << 8 | b[1]) % 101);
    const auto soft = std::chrono::milliseconds(int64_t{sa.peer->ike_lifetime_seconds} * permille);
    const uint32_t id = sa.id;
    sa.rekey_timer = timers_.schedule(soft, [this, id] {
        reap();
        rekey_ike(id);
    });
}

bool Engine::rekey_ike(uint32_t ike_sa_id) {
    reap();
    IkeSa* sa = find_sa(ike_sa_id);
    if (!sa || sa->state != IkeState::established || sa->superseded() || sa->rekey_queued) return false;
    sa->rekey_queued = true;
    sa->rekey_timer.cancel();
    enqueue(*sa, make_rekey_ike());
    return true;
}

void Engine::ike_rekey_done(IkeSa& old, IkeSa& fresh, bool initiated) {
    fresh.state = IkeState::established;
    log("ike: " + fresh.peer->name + ": IKE SA " + std::to_string(old.id) + " rekeyed (" +
        (initiated ? "by us" : "by the peer") + "), new IKE SA " + std::to_string(fresh.id));
    start_ike(fresh);
    if (!alive(fresh) || !alive(old)) return;
    if (!initiated) {
        if (old.rekeying) {
            old.peer_rekey = fresh.local_spi();   // collision: decided when our response arrives
            return;
        }
        hand_over(old, fresh, false);
        return;
    }
    old.rekeying = false;
    old.rekey_queued = false;
    IkeSa* theirs = old.peer_rekey ? find_by_local_spi(old.peer_rekey) : nullptr;
    old.peer_rekey = 0;
    if (theirs && theirs->state == IkeState::established && lowest_nonce(fresh) < lowest_nonce(*theirs)) {
        log("ike: " + fresh.peer->name + ": simultaneous IKE SA rekey, the peer's wins");
        hand_over(old, *theirs, false);
        enqueue(fresh, make_delete_ike(DownReason::replaced));
        return;
    }
    if (theirs) log("ike: " + fresh.peer->name + ": simultaneous IKE SA rekey, ours wins");
    hand_over(old, fresh, true);
}

void Engine::ike_rekey_failed(IkeSa& old, std::optional<DhGroup> retry_group) {
    old.rekeying = false;
    old.rekey_queued = false;
    IkeSa* theirs = old.peer_rekey ? find_by_local_spi(old.peer_rekey) : nullptr;
    old.peer_rekey = 0;
    if (theirs && theirs->state == IkeState::established) {
        hand_over(old, *theirs, false);
        return;
    }
    if (retry_group) {
        old.rekey_queued = true;
        enqueue(old, make_rekey_ike(retry_group));
        return;
    }
    if (old.peer->ike_lifetime_seconds == 0) return;
    const uint32_t id = old.id;
    old.rekey_timer = timers_.schedule(retry_delay(), [this, id] {
        reap();
        rekey_ike(id);
    });
}

void Engine::hand_over(IkeSa& old, IkeSa& fresh, bool delete_old) {
    // The CHILD SAs as they are: no event, the dataplane keeps its SAs (their timers find them
    // by id).
    fresh.children.merge(old.children);
    // Queued requests continue on the successor; a queued rekey or Delete (expiry) of the old SA
    // is moot.
    for (auto& t : old.queue) {
        if (!t->rekeys_ike() && !t->deletes_ike()) fresh.queue.push_back(std::move(t));
    }
    old.queue.clear();
    old.rekey_queued = false;
    old.successor = fresh.local_spi();
    old.dpd_timer.cancel();
    old.rekey_timer.cancel();
    old.keepalive_timer.cancel();
    IkeSa* p = &old;
    old.lifetime_timer = timers_.schedule(config_.rekeyed_linger, [this, p] {
        reap();
        destroy(*p, DownReason::replaced);
    });
    if (delete_old) old.queue.push_back(make_delete_ike(DownReason::replaced));
    start_next(old);
    start_next(fresh);
}

loop::Duration Engine::retry_delay() {
    // rekey_retry plus up to as much again: two peers refusing each other (2.25.2: an IKE SA rekey
    // and a CHILD exchange crossing) do not retry in lock-step.
    uint8_t b[2] = {};
    (void)rng_.fill(b);
    return config_.rekey_retry + config_.rekey_retry * ((int64_t{b[0]} << 8 | b[1]) % 1000) / 1000;
}

void Engine::rekey_child_later(uint32_t child_id) {
    IkeSa* sa = sa_of_child(child_id);
    if (!sa) return;
    sa->children.at(child_id).rekey_timer = timers_.schedule(retry_delay(), [this, child_id] {
        reap();
        rekey_child(child_id);
    });
}

bool Engine::on_sa_expire(uint32_t child_id, SaExpiry kind) {
    reap();
    IkeSa* sa = sa_of_child(child_id);
    if (!sa) return false;
    ChildSa& c = sa->children.at(child_id);
    if (kind == SaExpiry::hard) {
        if (c.state == ChildState::deleting) return true;   // on its way out already
        c.state = ChildState::deleting;
        enqueue(*sa, make_delete_child({child_id}, DownReason::expired));
        return true;
    }
    if (c.rekeying || c.state == ChildState::rekeyed || c.state == ChildState::deleting) return true;
    return rekey_child(child_id);
}

}  // namespace tandem::ike
