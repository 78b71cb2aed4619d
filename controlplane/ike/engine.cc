// The engine's bookkeeping: IKE SA creation and destruction, the request queue with
// retransmission, SA events to the daemon, and the DPD / keep-alive / lifetime timers. The
// receive path is in engine_receive.cc. See engine.h for the model.
#include "controlplane/ike/engine.h"

#include <cmath>

namespace tandem::ike {

const char* down_reason_name(DownReason r) {
    switch (r) {
        case DownReason::deleted_locally: return "deleted locally";
        case DownReason::deleted_by_peer: return "deleted by peer";
        case DownReason::peer_dead: return "peer dead";
        case DownReason::auth_failed: return "authentication failed";
        case DownReason::install_failed: return "install failed";
        case DownReason::replaced: return "replaced";
        case DownReason::negotiation_failed: return "negotiation failed";
        case DownReason::expired: return "expired";
        case DownReason::relinquished: return "relinquished";
    }
    return "?";
}

Engine::Engine(loop::Timers& timers, crypto::RandomSource& rng, PolicyProvider& provider, Callbacks callbacks,
               EngineConfig config)
    : timers_(timers), rng_(rng), provider_(provider), cb_(std::move(callbacks)), config_(config),
      drops_(timers.clock(), cb_.log), cookie_secret_(32) {
    auto mac = crypto::Hmac::create("SHA2-256");
    if (mac) cookie_mac_.emplace(std::move(*mac));
    (void)rng_.fill(cookie_secret_.span());
}

Engine::~Engine() = default;

std::string Engine::where(const Endpoint& e) { return e.address.str() + ":" + std::to_string(e.port); }

void Engine::log(const std::string& line) {
    if (cb_.log) cb_.log(line);
}

void Engine::reap() { graveyard_.clear(); }

uint64_t Engine::new_ike_spi() {
    for (;;) {
        uint8_t b[8];
        if (!rng_.fill(b)) continue;
        uint64_t v = spi64(b);
        if (v != 0 && !sas_.contains(v)) return v;
    }
}

uint32_t Engine::allocate_inbound_spi() {
    for (;;) {
        uint8_t b[4];
        if (!rng_.fill(b)) continue;
        uint32_t v = spi32(b);
        if (v >= 256 && inbound_spis_.insert(v).second) return v;
    }
}

IkeSa& Engine::create_sa(Role role, std::shared_ptr<const PeerPolicy> peer, const Endpoint& local,
                         const Endpoint& remote) {
    auto sa = std::make_unique<IkeSa>();
    sa->id = next_ike_id_++;
    sa->role = role;
    sa->peer = std::move(peer);
    sa->local = local;
    sa->remote = remote;
    sa->created = now();
    sa->last_heard = now();
    const uint64_t spi = new_ike_spi();
    if (role == Role::initiator) {
        sa->spi_i = spi;
        sa->state = IkeState::init_sent;
    } else {
        sa->spi_r = spi;
        sa->state = IkeState::half_open;
    }
    IkeSa& ref = *sa;
    sas_.emplace(spi, std::move(sa));
    return ref;
}

bool Engine::alive(const IkeSa& sa) const {
    auto it = sas_.find(sa.local_spi());
    return it != sas_.end() && it->second.get() == &sa;
}

IkeSa* Engine::find_sa(uint32_t id) {
    for (auto& [spi, sa] : sas_) {
        if (sa->id == id) return sa.get();
    }
    return nullptr;
}

IkeSa* Engine::sa_of_child(uint32_t child_id) {
    for (auto& [spi, sa] : sas_) {
        if (sa->children.contains(child_id)) return sa.get();
    }
    return nullptr;
}

size_t Engine::half_open() const {
    size_t n = 0;
    for (const auto& [spi, sa] : sas_) n += sa->state == IkeState::half_open ? 1 : 0;
    return n;
}

// ---- requests ---------------------------------------------------------------------------------

Result<uint32_t> Engine::initiate(std::shared_ptr<const PeerPolicy> peer, const ChildPolicy& child,
                                  std::optional<TriggerPacket> trigger) {
    reap();
    if (!peer || !peer->remote) return Error("initiate: the peer policy has no remote address");
    ChildRequest req{child, std::nullopt, std::nullopt};
    if (trigger) {
        const bool ports = trigger->protocol != 0 && (trigger->src_port != 0 || trigger->dst_port != 0);
        req.trigger_local = TsRange{trigger->src, trigger->src, trigger->protocol,
                                    ports ? trigger->src_port : uint16_t{0}, ports ? trigger->src_port : uint16_t{0xffff}};
        req.trigger_remote = TsRange{trigger->dst, trigger->dst, trigger->protocol,
                                     ports ? trigger->dst_port : uint16_t{0}, ports ? trigger->dst_port : uint16_t{0xffff}};
    }
    for (auto& [spi, sa] : sas_) {
        if (sa->peer->name == peer->name && sa->remote.address == *peer->remote && sa->state == IkeState::established &&
            !sa->superseded()) {
            enqueue(*sa, make_create_child(std::move(req)));
            return sa->id;
        }
    }
    IkeSa& sa = create_sa(Role::initiator, peer, Endpoint{peer->local, kIkePort}, Endpoint{*peer->remote, kIkePort});
    sa.queue.push_back(make_ike_init(Role::initiator));
    sa.queue.push_back(make_ike_auth(Role::initiator, std::move(req)));
    start_next(sa);
    return sa.id;
}

bool Engine::delete_child(uint32_t child_id) {
    reap();
    IkeSa* sa = sa_of_child(child_id);
    if (!sa || sa->children.at(child_id).state == ChildState::deleting) return false;
    enqueue(*sa, make_delete_child({child_id}, DownReason::deleted_locally));
    return true;
}

bool Engine::delete_ike(uint32_t ike_sa_id) {
    reap();
    IkeSa* sa = find_sa(ike_sa_id);
    if (!sa) return false;
    if (sa->state != IkeState::established) {
        destroy(*sa, DownReason::deleted_locally);
        return true;
    }
    // The Delete goes before anything queued.
    sa->queue.push_front(make_delete_ike(DownReason::deleted_locally));
    start_next(*sa);
    return true;
}

bool Engine::abandon_ike(uint32_t ike_sa_id, bool tell_peer) {
    reap();
    IkeSa* sa = find_sa(ike_sa_id);
    if (!sa) return false;
    // One Delete, not retransmitted and not waited for: only when the window is free, since a
    // request beside an outstanding one would be dropped by the peer (window size 1).
    if (tell_peer && sa->state == IkeState::established && !sa->outstanding) {
        std::vector<Payload> payloads;
        payloads.push_back(Payload::of(DeletePayload{ProtocolId::ike, 0, {}}));
        const IkeHeader h = sa->header(ExchangeType::informational, false, sa->next_request_id);
        if (auto b = sa->protect(h, payloads, rng_)) {
            std::vector<uint8_t> bytes = std::move(*b);
            if (sa->local.port == kNattPort) add_non_esp_marker(bytes);
            ++sa->next_request_id;
            send_datagram(sa->local, sa->remote, std::move(bytes));
        }
    }
    log("ike: " + sa->peer->name + ": IKE SA " + std::to_string(sa->id) + " abandoned" + (tell_peer ? " (Delete sent)" : ""));
    destroy(*sa, DownReason::relinquished);
    return true;
}

bool Engine::rekey_child(uint32_t child_id) {
    reap();
    IkeSa* sa = sa_of_child(child_id);
    if (!sa || sa->children.at(child_id).state != ChildState::up || sa->children.at(child_id).rekeying) return false;
    ChildSa& c = sa->children.at(child_id);
    c.rekeying = true;
    ChildRequest req{c.policy, std::nullopt, std::nullopt};
    req.policy.local_ts = c.local_ts;    // keep what was negotiated
    req.policy.remote_ts = c.remote_ts;
    enqueue(*sa, make_create_child(std::move(req), child_id));
    return true;
}

void Engine::note_traffic(uint32_t child_id) {
    if (IkeSa* sa = sa_of_child(child_id)) sa->last_heard = now();
}

void Engine::peer_alive(uint32_t ike_sa_id) {
    if (IkeSa* sa = find_sa(ike_sa_id)) sa->last_heard = now();
}

void Engine::enqueue(IkeSa& sa, std::unique_ptr<Task> task) {
    sa.queue.push_back(std::move(task));
    start_next(sa);
}

void Engine::start_next(IkeSa& sa) {
    if (!alive(sa) || sa.active) return;
    while (!sa.queue.empty() && sa.queue.front()->obsolete(sa)) sa.queue.pop_front();
    if (sa.queue.empty()) return;
    // Only IKE_SA_INIT and IKE_AUTH run before the IKE SA is established.
    const ExchangeType next = sa.queue.front()->exchange();
    const bool setup = next == ExchangeType::ike_sa_init || next == ExchangeType::ike_auth;
    if (!setup && sa.state != IkeState::established) return;
    sa.active = std::move(sa.queue.front());
    sa.queue.pop_front();
    send_request(sa);
}

void Engine::send_request(IkeSa& sa) {
    std::vector<Payload> payloads;
    if (sa.active->build(*this, sa, payloads) == TaskStatus::failed) {
        destroy(sa, sa.failure);
        return;
    }
    const IkeHeader h = sa.header(sa.active->exchange(), false, sa.next_request_id);
    std::vector<uint8_t> bytes;
    if (h.exchange == ExchangeType::ike_sa_init) {
        auto b = serialize_message(Message{h, std::move(payloads)});
        if (!b) {
            destroy(sa, DownReason::negotiation_failed);
            return;
        }
        bytes = std::move(*b);
        sa.init_request = bytes;
    } else {
        auto b = sa.protect(h, payloads, rng_);
        if (!b) {
            log("ike: " + sa.peer->name + ": cannot build " + sa.active->name() + ": " + b.error().message);
            destroy(sa, DownReason::negotiation_failed);
            return;
        }
        bytes = std::move(*b);
    }
    if (sa.local.port == kNattPort) add_non_esp_marker(bytes);
    sa.outstanding.emplace();
    sa.outstanding->message_id = h.message_id;
    sa.outstanding->datagram = bytes;
    sa.outstanding->sent = 1;
    IkeSa* p = &sa;
    sa.outstanding->timer = timers_.schedule(config_.retransmit_timeout, [this, p] { retransmit(*p); });
    send_datagram(sa.local, sa.remote, std::move(bytes));
}

void Engine::retransmit(IkeSa& sa) {
    reap();
    if (!sa.outstanding) return;
    Outstanding& o = *sa.outstanding;
    if (o.sent > retransmit_limit(sa)) {
        log("ike: " + sa.peer->name + ": no response to " + (sa.active ? sa.active->name() : "request") +
            " from " + where(sa.remote) + ", giving up");
        destroy(sa, DownReason::peer_dead);
        return;
    }
    const double wait_ns = static_cast<double>(config_.retransmit_timeout.count()) * std::pow(config_.retransmit_factor, o.sent);
    ++o.sent;
    ++retransmissions_;
    IkeSa* p = &sa;
    o.timer = timers_.schedule(loop::Duration(static_cast<int64_t>(wait_ns)), [this, p] { retransmit(*p); });
    send_datagram(sa.local, sa.remote, o.datagram);
}

unsigned Engine::retransmit_limit(const IkeSa& sa) const {
    // DPD has its own count in the peer policy (PeerPolicy::dpd_retries).
    return sa.active && sa.active->liveness_check() ? sa.peer->dpd_retries : config_.retransmit_tries;
}

void Engine::send_datagram(const Endpoint& local, const Endpoint& remote, std::vector<uint8_t> bytes) {
    if (cb_.send) cb_.send(local, remote, bytes);
}

void Engine::switch_to_natt(IkeSa& sa) {
    // RFC 7296 2.23: after IKE_SA_INIT, with a NAT on either side, the initiator moves to 4500.
    if (!sa.natt() || sa.local.port == kNattPort) return;
    sa.local.port = kNattPort;
    sa.remote.port = kNattPort;
}

// ---- teardown ---------------------------------------------------------------------------------

void Engine::destroy(IkeSa& sa, DownReason why) {
    auto it = sas_.find(sa.local_spi());
    if (it == sas_.end() || it->second.get() != &sa) return;   // already gone
    std::unique_ptr<IkeSa> owned = std::move(it->second);
    sas_.erase(it);
    owned->outstanding.reset();
    owned->dpd_timer.cancel();
    owned->lifetime_timer.cancel();
    owned->half_open_timer.cancel();
    owned->keepalive_timer.cancel();
    owned->rekey_timer.cancel();
    if (owned->superseded()) why = DownReason::replaced;
    // Going while the peer's rekey of it is waiting for ours (2.8.2): the peer's successor keeps
    // the CHILD SAs.
    if (IkeSa* heir = owned->peer_rekey ? find_by_local_spi(owned->peer_rekey) : nullptr;
        heir && heir->state == IkeState::established) {
        heir->children.merge(owned->children);
        why = DownReason::replaced;
    }
    if (owned->active) owned->active->abort(*this, *owned);
    for (auto& t : owned->queue) t->abort(*this, *owned);
    owned->active.reset();
    owned->queue.clear();
    std::vector<uint32_t> ids;
    for (const auto& [id, c] : owned->children) ids.push_back(id);
    for (uint32_t id : ids) remove_child(*owned, id, why);
    if (owned->state == IkeState::established || owned->state == IkeState::deleting) {
        log("ike: " + owned->peer->name + ": IKE SA " + std::to_string(owned->id) + " down (" + down_reason_name(why) + ")");
        if (cb_.ike_down) cb_.ike_down(ike_event(*owned, why));
    } else if (owned->role == Role::initiator) {
        log("ike: " + owned->peer->name + ": IKE SA " + std::to_string(owned->id) + " failed (" + down_reason_name(why) + ")");
    }
    graveyard_.push_back(std::move(owned));
}

void Engine::initial_contact(IkeSa& sa) {
    std::vector<IkeSa*> old;
    for (auto& [spi, other] : sas_) {
        if (other.get() != &sa && other->remote.address == sa.remote.address && other->peer->name == sa.peer->name) {
            old.push_back(other.get());
        }
    }
    for (IkeSa* o : old) destroy(*o, DownReason::replaced);
}

bool Engine::first_contact(const IkeSa& sa) const { return !contacted_.contains(sa.remote.address); }

// ---- SA events --------------------------------------------------------------------------------

IkeSaEvent Engine::ike_event(const IkeSa& sa, DownReason why) const {
    return IkeSaEvent{sa.id, sa.peer->name, sa.local, sa.remote, sa.spi_i, sa.spi_r, sa.is_initiator(), why};
}

ChildSaEvent Engine::child_event(const IkeSa& sa, const ChildSa& c, DownReason why) const {
    return ChildSaEvent{sa.id, c.id, sa.peer->name, c.policy.name, c.policy.tag, sa.local, sa.remote,
                        c.local_ts, c.remote_ts, c.inbound, c.outbound, why};
}

bool Engine::install_inbound(IkeSa& sa, ChildSa& child) {
    const bool ok = !cb_.install_inbound || cb_.install_inbound(child_event(sa, child));
    if (ok) {
        child.state = ChildState::inbound_only;
        child.installed = true;
    } else {
        log("ike: " + sa.peer->name + ": inbound SA " + std::to_string(child.inbound_spi) + " not installed");
    }
    return ok;
}

bool Engine::install_outbound(IkeSa& sa, ChildSa& child) {
    const bool ok = !cb_.install_outbound || cb_.install_outbound(child_event(sa, child));
    if (!ok) {
        log("ike: " + sa.peer->name + ": outbound SA " + std::to_string(child.outbound_spi) + " not installed");
        return false;
    }
    child.state = ChildState::up;
    arm_child_lifetime(sa, child);
    if (cb_.child_up) cb_.child_up(child_event(sa, child));
    return true;
}

void Engine::child_failed(IkeSa& sa, const ChildPolicy& policy, NotifyType why) {
    log("ike: " + sa.peer->name + ": CHILD SA " + policy.name + " not established (notify " +
        std::to_string(to_underlying(why)) + ")");
    if (cb_.child_failed) cb_.child_failed(ChildFailure{sa.id, sa.peer->name, policy.name, policy.tag, why});
}

void Engine::remove_child(IkeSa& sa, uint32_t child_id, DownReason why) {
    auto it = sa.children.find(child_id);
    if (it == sa.children.end()) {
        // Moved to the IKE SA's successor by a rekey meanwhile (child ids are engine-wide).
        IkeSa* other = sa_of_child(child_id);
        if (other && other != &sa) remove_child(*other, child_id, why);
        return;
    }
    ChildSa child = std::move(it->second);
    sa.children.erase(it);
    inbound_spis_.erase(child.inbound_spi);
    child.rekey_timer.cancel();
    child.expire_timer.cancel();
    if (child.installed && cb_.child_down) cb_.child_down(child_event(sa, child, why));
}

void Engine::drop(IkeSa& sa, DropReason why, const std::string& detail) { drops_.drop(why, where(sa.remote), detail); }

void Engine::established(IkeSa& sa) {
    sa.half_open_timer.cancel();
    contacted_.insert(sa.remote.address);
    sa.last_heard = now();
    log("ike: " + sa.peer->name + ": IKE SA " + std::to_string(sa.id) + " established with " + where(sa.remote));
    start_ike(sa);
}

// ---- timers -----------------------------------------------------------------------------------

void Engine::arm_dpd(IkeSa& sa) {
    const loop::Duration interval = sa.peer->dpd_interval;
    if (interval.count() == 0 || !alive(sa)) return;
    IkeSa* p = &sa;
    const loop::Time due = sa.last_heard + interval;
    sa.dpd_timer = timers_.schedule_at(due > now() ? due : now() + interval, [this, p] {
        reap();
        IkeSa& s = *p;
        const loop::Duration quiet = now() - s.last_heard;
        if (quiet >= s.peer->dpd_interval && !s.active && s.queue.empty() && s.state == IkeState::established) {
            s.queue.push_back(make_liveness_check());
            start_next(s);
            s.last_heard = now();   // the check itself covers the next interval
        }
        if (alive(s)) arm_dpd(s);
    });
}

void Engine::arm_keepalive(IkeSa& sa) {
    // RFC 3948 4: only the side behind the NAT keeps the mapping alive.
    if (!sa.nat_local || sa.peer->nat_keepalive.count() == 0 || !alive(sa)) return;
    IkeSa* p = &sa;
    sa.keepalive_timer = timers_.schedule(sa.peer->nat_keepalive, [this, p] {
        send_datagram(p->local, p->remote, {0xff});
        arm_keepalive(*p);
    });
}

void Engine::arm_child_lifetime(IkeSa& sa, ChildSa& child) {
    if (child.policy.lifetime_seconds == 0 || !alive(sa)) return;
    const uint32_t id = child.id;
    const auto lifetime = std::chrono::seconds(child.policy.lifetime_seconds);
    const auto soft = lifetime * (sa.is_initiator() ? 90 : 95) / 100;
    child.rekey_timer = timers_.schedule(soft, [this, id] {
        reap();
        rekey_child(id);
    });
    // By id: the CHILD SA may have moved to another IKE SA (IKE SA rekey) by then.
    child.expire_timer = timers_.schedule(lifetime, [this, id] {
        reap();
        IkeSa* s = sa_of_child(id);
        if (s && s->children.at(id).state == ChildState::up) enqueue(*s, make_delete_child({id}, DownReason::expired));
    });
}

// ---- show -------------------------------------------------------------------------------------

std::vector<IkeSaSnapshot> Engine::snapshot() const {
    std::vector<IkeSaSnapshot> out;
    const loop::Time t = now();
    for (const auto& [spi, sa] : sas_) {
        IkeSaSnapshot s;
        s.id = sa->id;
        s.peer = sa->peer->name;
        s.local = sa->local;
        s.remote = sa->remote;
        s.spi_i = sa->spi_i;
        s.spi_r = sa->spi_r;
        s.role = sa->role;
        s.state = sa->state;
        s.algs = sa->algs;
        s.natt = sa->natt();
        s.lifetime_remaining_s = int64_t{sa->peer->ike_lifetime_seconds} -
                                 std::chrono::duration_cast<std::chrono::seconds>(t - sa->created).count();
        for (const auto& [id, c] : sa->children) {
            const int64_t age = std::chrono::duration_cast<std::chrono::seconds>(t - c.created).count();
            s.children.push_back(ChildSaSnapshot{id, c.policy.name, c.policy.tag, c.state, c.inbound_spi, c.outbound_spi,
                                                 c.algs, c.local_ts, c.remote_ts, int64_t{c.policy.lifetime_seconds} - age});
        }
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace tandem::ike
