// ApiServer's events: what the dataplane tells subscribers without being asked.
//
//   ACQUIRE    taken from MainContext::acquires (workers raise them, rate-limited per policy,
//              through the events ring that main_poll drains) on every poll
//   SA_EXPIRE  Sa::take_events() of every installed SA, every event_scan_interval_ms
//   SA_IDLE    the same scan watches each SA's packet counter: a change marks the SA active at
//              that time (a new "activity epoch"); an inbound SA whose last activity (or
//              installation) is at least a subscriber's threshold ago is reported to that
//              subscriber once per epoch, i.e. again only after it has passed traffic and gone
//              idle again. Idle times have the scan's resolution.
//
// Events go to every connection subscribed to their class; an event nobody is subscribed to is
// dropped (the SA's flags are consumed either way: soft and hard expiry fire once per SA).
#include "dataplane/api/server.h"

namespace tandem::dp {

namespace {

dpapi::ExpireTrigger trigger_of(const dpapi::SaLifetime& l, const SaStats& st, bool hard) {
    uint64_t packet_limit = hard ? l.hard_packets : l.soft_packets;
    return packet_limit != 0 && st.packets >= packet_limit ? dpapi::ExpireTrigger::packets
                                                           : dpapi::ExpireTrigger::bytes;
}

}  // namespace

void ApiServer::broadcast(uint32_t event_bit, const dpapi::Body& body) {
    for (auto& c : clients_) {
        if (!c->dead && c->hello_done && (c->events & event_bit)) send_event(*c, body);
    }
}

void ApiServer::scan_sas(uint64_t now_ms) {
    Tables& t = *cfg_.tables;
    if (watch_.size() != cfg_.max_sas) watch_.resize(cfg_.max_sas);
    last_scan_ms_ = now_ms;
    scanned_ = true;
    for (uint32_t id = 0; id < cfg_.max_sas; ++id) {
        SaEntry* e = t.sa_at(id);
        SaWatch& w = watch_[id];
        if (!e) {
            if (w.entry) w = SaWatch{};
            continue;
        }
        uint64_t packets = e->sa.runtime().packets.load(std::memory_order_relaxed);
        if (w.entry != e) {  // a new SA in this slot
            w = SaWatch{e, packets, now_ms, ++next_epoch_, packets != 0};
        } else if (packets != w.packets) {
            w.packets = packets;
            w.last_active_ms = now_ms;
            w.used = true;
            w.epoch = ++next_epoch_;
        }

        if (uint32_t ev = e->sa.take_events()) {
            SaStats st = e->sa.stats();
            const auto& life = e->sa.params().lifetime;
            if (ev & kSaEventSoftLifetime) {
                broadcast(dpapi::kEventSaExpire,
                          dpapi::SaExpire{id, dpapi::ExpireKind::soft, trigger_of(life, st, false)});
            }
            if (ev & kSaEventHardLifetime) {
                broadcast(dpapi::kEventSaExpire,
                          dpapi::SaExpire{id, dpapi::ExpireKind::hard, trigger_of(life, st, true)});
            }
        }

        if (e->outbound) continue;
        uint64_t idle = now_ms >= w.last_active_ms ? now_ms - w.last_active_ms : 0;
        for (auto& c : clients_) {
            if (c->dead || !c->hello_done || !(c->events & dpapi::kEventSaIdle) || idle < c->idle_threshold_ms) continue;
            auto [it, fresh] = c->idle_sent.try_emplace(id, w.epoch);
            if (!fresh) {
                if (it->second == w.epoch) continue;
                it->second = w.epoch;
            }
            send_event(*c, dpapi::SaIdle{id, idle});
        }
    }
}

bool ApiServer::publish_events(uint64_t now_ms) {
    bool did = false;
    if (cfg_.main && !cfg_.main->acquires.empty()) {
        for (const AcquireEvent& a : cfg_.main->acquires) {
            dpapi::Acquire ev;
            ev.policy_id = a.policy_id;
            ev.port = a.port;
            ev.packet = dpapi::FiveTuple{Ipv4Address(a.src), Ipv4Address(a.dst), a.protocol, a.src_port, a.dst_port};
            broadcast(dpapi::kEventAcquire, ev);
        }
        cfg_.main->acquires.clear();
        did = true;
    }
    if (!scanned_ || now_ms - last_scan_ms_ >= cfg_.event_scan_interval_ms) {
        uint64_t sent = counters_.events_sent + counters_.events_dropped;
        scan_sas(now_ms);
        did |= counters_.events_sent + counters_.events_dropped != sent;
    }
    return did;
}

}  // namespace tandem::dp
