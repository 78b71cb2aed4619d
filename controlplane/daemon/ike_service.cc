#include "controlplane/daemon/ike_service.h"

#include <syslog.h>

#include <set>

namespace tandem::control {

namespace {

constexpr auto kAcquireHoldoff = std::chrono::seconds(5);
constexpr auto kBringUpInterval = std::chrono::seconds(5);

bool within(const ike::TsRange& inner, const ike::TsRange& outer) {
    return inner.first.value() >= outer.first.value() && inner.last.value() <= outer.last.value();
}

}  // namespace

Result<std::unique_ptr<IkeService>> IkeService::create(loop::EventLoop& loop, DataplaneLink& dp, PolicySet& policies,
                                                       std::function<Result<void>(uint16_t)> push_port,
                                                       const config::Config& cfg, uint16_t ike_port, uint16_t natt_port) {
    std::unique_ptr<IkeService> s(new IkeService(loop, dp, policies, std::move(push_port)));
    if (auto r = s->ike_policies_.build(cfg, policies); !r) return r.error();
    IkeService* self = s.get();
    ike::Callbacks cb;
    cb.send = [self](const ike::Endpoint& l, const ike::Endpoint& r, std::span<const uint8_t> b) { self->sockets_->send(l, r, b); };
    cb.install_inbound = [self](const ike::ChildSaEvent& ev) { return self->install_inbound(ev); };
    cb.install_outbound = [self](const ike::ChildSaEvent& ev) { return self->install_outbound(ev); };
    cb.child_up = [self](const ike::ChildSaEvent& ev) {
        self->acquiring_.erase(ev.tag);
        syslog(LOG_NOTICE, "ike: CHILD SA %s up with %s: %s <-> %s, SPIs in 0x%08x out 0x%08x", ev.child.c_str(),
               ev.remote.address.str().c_str(), ev.local_ts.first.str().c_str(), ev.remote_ts.first.str().c_str(),
               ev.inbound.spi, ev.outbound.spi);
        if (self->on_child_up) self->on_child_up(ev);
    };
    cb.child_down = [self](const ike::ChildSaEvent& ev) { self->child_down(ev); };
    cb.child_failed = [self](const ike::ChildFailure& f) {
        self->acquiring_.erase(f.tag);
        syslog(LOG_WARNING, "ike: CHILD SA %s with %s failed (notify %u)", f.child.c_str(), f.peer.c_str(),
               static_cast<unsigned>(f.notify));
    };
    cb.ike_up = [](const ike::IkeSaEvent& ev) {
        syslog(LOG_NOTICE, "ike: IKE SA %u with %s:%u established (%s)", ev.ike_sa_id, ev.remote.address.str().c_str(),
               ev.remote.port, ev.initiator ? "initiator" : "responder");
    };
    cb.ike_down = [self](const ike::IkeSaEvent& ev) {
        self->acquiring_.clear();
        syslog(LOG_NOTICE, "ike: IKE SA %u with %s down: %s", ev.ike_sa_id, ev.remote.address.str().c_str(),
               ike::down_reason_name(ev.reason));
    };
    cb.log = [](const std::string& line) { syslog(LOG_INFO, "ike: %s", line.c_str()); };
    s->engine_ = std::make_unique<ike::Engine>(loop.timers(), s->rng_, s->ike_policies_, std::move(cb));
    auto sockets = IkeSockets::create(
        loop, [self](const ike::Endpoint& l, const ike::Endpoint& r, std::span<const uint8_t> b) { self->engine_->receive(l, r, b); },
        ike_port, natt_port);
    if (!sockets) return sockets.error();
    s->sockets_ = std::move(*sockets);
    return s;
}

IkeService::~IkeService() {
    engine_.reset();  // before the sockets its callbacks use
}

Result<void> IkeService::reconfigure(const config::Config& cfg) { return ike_policies_.build(cfg, policies_); }

uint32_t IkeService::allocate_sa_id() {
    if (!free_sa_ids_.empty()) {
        uint32_t id = free_sa_ids_.back();
        free_sa_ids_.pop_back();
        return id;
    }
    return next_sa_id_++;
}

void IkeService::release_sa_id(uint32_t id) { free_sa_ids_.push_back(id); }

bool IkeService::add_sa(const dpapi::SaParams& p) {
    auto r = dp_.call([&](dpapi::Client& c) { return c.add_sas({p}); });
    if (!r) {
        syslog(LOG_ERR, "ike: SA 0x%08x not installed: %s", p.spi, r.error().message.c_str());
        return false;
    }
    if (!r->ok()) {
        syslog(LOG_ERR, "ike: the dataplane refused SA 0x%08x: %s", p.spi, r->error_text().c_str());
        return false;
    }
    return true;
}

void IkeService::delete_sas(const std::vector<uint32_t>& ids) {
    auto r = dp_.call([&](dpapi::Client& c) { return c.delete_sas(ids); });
    if (!r || !r->ok()) syslog(LOG_WARNING, "ike: deleting SAs: %s", r ? r->error_text().c_str() : r.error().message.c_str());
}

bool IkeService::install_inbound(const ike::ChildSaEvent& ev) {
    Installed inst;
    inst.event = ev;
    inst.in_id = allocate_sa_id();
    inst.event.inbound.sa_id = inst.in_id;
    inst.event.inbound.policy_id = 0;
    if (!add_sa(inst.event.inbound)) {
        release_sa_id(inst.in_id);
        return false;
    }
    installed_[ev.child_id] = std::move(inst);
    return true;
}

bool IkeService::install_outbound(const ike::ChildSaEvent& ev) {
    auto it = installed_.find(ev.child_id);
    if (it == installed_.end()) return false;
    Installed& inst = it->second;
    inst.event.outbound = ev.outbound;
    inst.out_id = allocate_sa_id();
    inst.event.outbound.sa_id = inst.out_id;
    const DynamicTemplate* dyn = ike_policies_.dynamic_template(ev.tag);
    std::optional<uint32_t> dyn_id;
    if (dyn) {
        PolicySet::DynamicSelectors sel{ev.local_ts.first, ev.local_ts.last, ev.remote_ts.first, ev.remote_ts.last,
                                        ev.local_ts.protocol, PortRange{ev.local_ts.port_lo, ev.local_ts.port_hi},
                                        PortRange{ev.remote_ts.port_lo, ev.remote_ts.port_hi}};
        auto id = policies_.add_dynamic(dyn->map, dyn->map_seq, dyn->interface, sel);
        if (!id) {
            syslog(LOG_ERR, "ike: no policy for the dynamic CHILD SA: %s", id.error().message.c_str());
            release_sa_id(inst.out_id);
            inst.out_id = 0;
            return false;
        }
        dyn_id = *id;
        inst.event.outbound.policy_id = *id;
    } else {
        inst.event.outbound.policy_id = ev.tag;
    }
    if (!add_sa(inst.event.outbound)) {
        if (dyn_id) policies_.remove_dynamic(*dyn_id);
        release_sa_id(inst.out_id);
        inst.out_id = 0;
        return false;
    }
    inst.out_id = inst.event.outbound.sa_id;
    if (dyn_id) {
        inst.dynamic_policy = dyn_id;
        inst.dynamic_port = dyn->port;
        if (auto r = push_port_(dyn->port); !r) syslog(LOG_ERR, "ike: dynamic policy: %s", r.error().message.c_str());
    }
    return true;
}

void IkeService::child_down(const ike::ChildSaEvent& ev) {
    auto it = installed_.find(ev.child_id);
    if (it == installed_.end()) return;
    Installed inst = std::move(it->second);
    installed_.erase(it);
    if (inst.dynamic_policy) {
        policies_.remove_dynamic(*inst.dynamic_policy);
        if (auto r = push_port_(*inst.dynamic_port); !r) syslog(LOG_ERR, "ike: dynamic policy: %s", r.error().message.c_str());
    }
    std::vector<uint32_t> ids{inst.in_id};
    if (inst.out_id) ids.push_back(inst.out_id);
    delete_sas(ids);
    for (uint32_t id : ids) release_sa_id(id);
    syslog(LOG_NOTICE, "ike: CHILD SA %s with %s down: %s", ev.child.c_str(), ev.remote.address.str().c_str(),
           ike::down_reason_name(ev.reason));
    if (on_child_down) on_child_down(ev);
}

void IkeService::on_acquire(const dpapi::Acquire& a) {
    auto now = loop_.now();
    if (auto it = acquiring_.find(a.policy_id); it != acquiring_.end() && now - it->second < kAcquireHoldoff) return;
    auto target = ike_policies_.for_acquire(a.policy_id, a.packet);
    if (!target) {
        syslog(LOG_WARNING, "ike: ACQUIRE for policy %u: no crypto map entry with a peer", a.policy_id);
        return;
    }
    if (may_initiate_from && !may_initiate_from(target->peer->local)) {
        syslog(LOG_DEBUG, "ike: ACQUIRE for policy %u ignored: %s is an HSRP virtual address not Active here", a.policy_id,
               target->peer->local.str().c_str());
        return;
    }
    acquiring_[a.policy_id] = now;
    ike::TriggerPacket t{a.packet.src, a.packet.dst, a.packet.protocol, a.packet.src_port, a.packet.dst_port};
    auto r = engine_->initiate(target->peer, *target->child, t);
    if (!r) syslog(LOG_WARNING, "ike: cannot initiate to %s: %s", target->peer->name.c_str(), r.error().message.c_str());
}

void IkeService::bring_up() {
    bring_up_timer_ = loop_.timers().schedule(kBringUpInterval, [this] { bring_up(); });
    if (ike_policies_.start_tags().empty() || !dp_.up()) return;
    const auto sas = engine_->snapshot();
    for (const auto& peer : ike_policies_.peers()) {
        if (!peer->remote) continue;
        if (may_initiate_from && !may_initiate_from(peer->local)) continue;
        bool negotiating = false;
        for (const auto& sa : sas) {
            if (sa.remote.address == *peer->remote && sa.state != ike::IkeState::established) negotiating = true;
        }
        if (negotiating) continue;
        for (const auto& child : peer->children) {
            if (!ike_policies_.start_tags().contains(child.tag)) continue;
            // IOS semantics: the entry's first peer is the one to try.
            auto first = ike_policies_.for_acquire(child.tag, dpapi::FiveTuple{child.local_ts.first, child.remote_ts.first});
            if (!first || first->peer != peer) continue;
            bool up = false;
            for (const auto& sa : sas) {
                if (sa.remote.address != *peer->remote) continue;
                for (const auto& c : sa.children) {
                    // The peer may have narrowed the selectors: inside the policy's counts.
                    if (c.tag == child.tag && within(c.local_ts, child.local_ts) && within(c.remote_ts, child.remote_ts))
                        up = true;
                }
            }
            if (up) continue;
            if (auto r = engine_->initiate(peer, child); !r) {
                syslog(LOG_WARNING, "ike: bring-up of %s to %s: %s", child.name.c_str(), peer->name.c_str(),
                       r.error().message.c_str());
            } else {
                syslog(LOG_INFO, "ike: bringing up %s with %s (initiate: start)", child.name.c_str(), peer->name.c_str());
            }
        }
    }
}

void IkeService::on_expire(const dpapi::SaExpire& e) {
    for (const auto& [child_id, inst] : installed_) {
        if (inst.in_id != e.sa_id && inst.out_id != e.sa_id) continue;
        const bool hard = e.kind == dpapi::ExpireKind::hard;
        syslog(LOG_INFO, "ike: SA %u of CHILD SA %s reached its %s %s lifetime", e.sa_id, inst.event.child.c_str(),
               hard ? "hard" : "soft", e.trigger == dpapi::ExpireTrigger::bytes ? "byte" : "packet");
        engine_->on_sa_expire(child_id, hard ? ike::SaExpiry::hard : ike::SaExpiry::soft);
        return;
    }
}

void IkeService::on_dataplane_up() {
    auto sas = dp_.call([](dpapi::Client& c) { return c.dump_sas(); });
    if (!sas) return;
    std::set<uint32_t> present;
    for (const auto& s : *sas) present.insert(s.sa_id);
    std::set<uint32_t> ours;
    for (auto& [_, inst] : installed_) {
        ours.insert(inst.in_id);
        if (!present.contains(inst.in_id)) add_sa(inst.event.inbound);
        if (inst.out_id) {
            ours.insert(inst.out_id);
            if (!present.contains(inst.out_id)) add_sa(inst.event.outbound);
        }
    }
    std::vector<uint32_t> stale;
    for (uint32_t id : present)
        if (!ours.contains(id)) stale.push_back(id);
    if (!stale.empty()) {
        syslog(LOG_NOTICE, "ike: deleting %zu SAs this tandem-control did not negotiate", stale.size());
        delete_sas(stale);
    }
    bring_up();
}

}  // namespace tandem::control
