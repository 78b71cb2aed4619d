#include "controlplane/daemon/hsrp_service.h"

#include <syslog.h>

#include <set>

#include "common/kernel_ifname.h"
#include "controlplane/daemon/policy_sync.h"
#include "controlplane/hsrp/show_standby.h"

namespace tandem::control {

namespace {

constexpr auto kPollInterval = std::chrono::seconds(1);

std::string track_key(const config::StandbyTrack& t) {
    return t.interface ? "interface " + *t.interface : "object " + std::to_string(t.object.value_or(0));
}

bool timers_configured(const config::StandbyGroup& g) {
    return g.fields.find("timers") || g.fields.find("hello") || g.fields.find("hold") || g.hello_ms != 3000 ||
           g.hold_ms != 10000;
}

dpapi::MacAddress dp_mac(const hsrp::MacAddress& m) {
    dpapi::MacAddress out{};
    std::copy(m.begin(), m.end(), out.begin());
    return out;
}

// The interface fields HSRP runs on: a change to any of them restarts the interface's groups.
bool same_for_hsrp(const config::Interface& a, const config::Interface& b) {
    return a.name == b.name && a.port == b.port && a.address == b.address && a.standby_version == b.standby_version &&
           a.standby == b.standby && a.shutdown == b.shutdown;
}

std::string group_label(const std::string& interface, uint16_t group) {
    return hsrp::short_interface_name(interface) + " Grp " + std::to_string(group);
}

}  // namespace

Result<std::unique_ptr<HsrpService>> HsrpService::create(loop::EventLoop& loop, const config::Config& cfg, Hooks hooks) {
    std::unique_ptr<HsrpService> s(new HsrpService(loop, std::move(hooks)));
    s->cfg_ = &cfg;
    for (const auto& itf : cfg.interfaces) {
        if (itf.standby.empty()) continue;
        s->ifaces_.push_back(s->make_iface(cfg, itf));
    }
    for (const auto& i : s->ifaces_) {
        for (const auto& g : i->groups) {
            for (const auto& t : g->cfg.track) {
                if (!t.interface)
                    syslog(LOG_WARNING, "HSRP: %s: track object %u: tracked objects are not supported yet; it counts as up",
                           group_label(i->cfg.name, static_cast<uint16_t>(g->cfg.group)).c_str(), t.object.value_or(0));
            }
        }
    }
    HsrpService* p = s.get();
    s->poll_timer_ = loop.timers().schedule(kPollInterval, [p] { p->poll(); });
    return s;
}

HsrpService::~HsrpService() {
    // Leave cleanly: Resign and release what is held, so the standby takes over at once.
    for (auto& i : ifaces_) disable(*i, "shutting down");
}

std::unique_ptr<HsrpService::Iface> HsrpService::make_iface(const config::Config& cfg, const config::Interface& itf) {
    auto i = std::make_unique<Iface>();
    i->cfg = itf;
    i->ifname = kernel_ifname(itf.name);
    i->port = dataplane_port(cfg, itf.name);
    if (auto k = kernel_link(i->ifname)) i->mac = k->mac;
    for (const auto& sg : itf.standby) {
        auto g = std::make_unique<Group>();
        g->cfg = sg;
        for (const auto& t : sg.track) g->track_up[track_key(t)] = true;
        g->fsm = make_fsm(*i, *g);
        i->groups.push_back(std::move(g));
    }
    return i;
}

std::unique_ptr<hsrp::Fsm> HsrpService::make_fsm(Iface& itf, Group& g) {
    hsrp::GroupConfig c;
    c.interface = itf.cfg.name;
    c.version = itf.cfg.standby_version == 2 ? hsrp::Version::v2 : hsrp::Version::v1;
    c.group = static_cast<uint16_t>(g.cfg.group);
    c.name = g.cfg.name;
    if (itf.cfg.address) c.interface_ip = itf.cfg.address->address;
    c.interface_mac = itf.mac;
    c.virtual_ip = g.cfg.ip;
    c.priority = g.cfg.priority;
    c.preempt = g.cfg.preempt;
    c.preempt_minimum = std::chrono::milliseconds(g.cfg.preempt_delay_ms);
    if (timers_configured(g.cfg)) {
        c.hello = std::chrono::milliseconds(g.cfg.hello_ms);
        c.hold = std::chrono::milliseconds(g.cfg.hold_ms);
    }
    if (g.cfg.auth) {
        c.auth.kind = g.cfg.auth->kind == config::StandbyAuth::Kind::md5 ? hsrp::AuthConfig::Kind::md5
                                                                         : hsrp::AuthConfig::Kind::text;
        c.auth.key = g.cfg.auth->key;
    }
    for (const auto& t : g.cfg.track) c.tracks.push_back(hsrp::TrackConfig{track_key(t), t.decrement});
    Iface* ip = &itf;
    Group* gp = &g;
    return std::make_unique<hsrp::Fsm>(std::move(c), loop_.timers(),
                                       [this, ip, gp](hsrp::Actions a) { execute(*ip, *gp, std::move(a)); });
}

void HsrpService::reconfigure(const config::Config& cfg) {
    cfg_ = &cfg;
    std::vector<std::unique_ptr<Iface>> next;
    for (const auto& itf : cfg.interfaces) {
        if (itf.standby.empty()) continue;
        auto same = std::find_if(ifaces_.begin(), ifaces_.end(), [&](const auto& i) {
            return i && same_for_hsrp(i->cfg, itf) && i->port == dataplane_port(cfg, itf.name);
        });
        if (same != ifaces_.end()) {
            (*same)->cfg = itf;  // the crypto map binding may have changed; HSRP does not care
            next.push_back(std::move(*same));
        } else {
            next.push_back(make_iface(cfg, itf));
        }
    }
    for (auto& old : ifaces_) {
        if (!old) continue;
        syslog(LOG_NOTICE, "HSRP: %s: configuration changed, its groups restart", old->cfg.name.c_str());
        disable(*old, "configuration changed");
    }
    ifaces_ = std::move(next);
    for (auto& i : ifaces_) update(*i);
    if (hooks_.changed) hooks_.changed();
}

void HsrpService::dataplane_up() {
    dataplane_up_ = true;
    release_stale_vaddrs();
    for (auto& i : ifaces_) update(*i);
}

void HsrpService::dataplane_down() {
    dataplane_up_ = false;
    for (auto& i : ifaces_) disable(*i, "dataplane down");
}

void HsrpService::release_stale_vaddrs() {
    if (!hooks_.dump || !hooks_.release) return;
    auto held = hooks_.dump();
    if (!held) return;
    for (const auto& v : *held) {
        bool ours = false;
        for (const auto& i : ifaces_) {
            for (const auto& g : i->groups) {
                if (g->claimed && i->port == v.port && g->fsm->virtual_ip() == v.address) ours = true;
            }
        }
        if (ours) continue;
        syslog(LOG_NOTICE, "HSRP: releasing %s on port %u: held in the dataplane but not Active here", v.address.str().c_str(),
               v.port);
        if (auto r = hooks_.release(v); !r) syslog(LOG_WARNING, "HSRP: release %s: %s", v.address.str().c_str(), r.error().message.c_str());
    }
}

bool HsrpService::tracked_interface_up(const std::string& name) const {
    const config::Interface* itf = cfg_ ? cfg_->find_interface(name) : nullptr;
    if (!itf || itf->shutdown) return false;
    auto k = kernel_link(kernel_ifname(name));
    return k && k->up && k->running;
}

void HsrpService::poll() {
    poll_timer_ = loop_.timers().schedule(kPollInterval, [this] { poll(); });
    for (auto& i : ifaces_) {
        update(*i);
        if (!i->enabled) continue;
        for (auto& g : i->groups) {
            for (const auto& t : g->cfg.track) {
                if (!t.interface) continue;
                const std::string key = track_key(t);
                const bool up = tracked_interface_up(*t.interface);
                if (g->track_up[key] == up) continue;
                g->track_up[key] = up;
                syslog(LOG_NOTICE, "%%TRACK-6-STATE: %s: %s %s", group_label(i->cfg.name, g->fsm->config().group).c_str(),
                       key.c_str(), up ? "Down -> Up" : "Up -> Down");
                execute(*i, *g, g->fsm->set_tracked(key, up));
            }
        }
    }
}

// Enables or disables the interface's groups to match whether it can speak now.
void HsrpService::update(Iface& itf) {
    if (itf.socket && itf.socket->broken()) disable(itf, "interface gone");
    const char* why = nullptr;
    std::optional<KernelLink> link;
    if (!dataplane_up_) {
        why = "dataplane down";
    } else if (itf.cfg.shutdown) {
        why = "interface shutdown";
    } else if (!itf.cfg.address) {
        why = "no interface address";
    } else if (auto k = kernel_link(itf.ifname); !k) {
        why = "kernel interface missing";
    } else if (!k->up) {
        why = "kernel interface down";
    } else {
        link = *k;
    }
    if (why) {
        if (itf.enabled) disable(itf, why);
        return;
    }
    if (itf.enabled) return;
    if (link->mac != itf.mac) {  // a new dataplane port MAC: the machines' burned-in MAC changes
        itf.mac = link->mac;
        for (auto& g : itf.groups) g->fsm = make_fsm(itf, *g);
    }
    enable(itf);
}

void HsrpService::enable(Iface& itf) {
    Iface* ip = &itf;
    auto s = HsrpSocket::open(loop_, itf.ifname,
                              [this, ip](std::span<const uint8_t> d, Ipv4Address src) { receive(*ip, d, src); });
    if (!s) {
        syslog(LOG_WARNING, "HSRP: %s: %s", itf.cfg.name.c_str(), s.error().message.c_str());
        return;
    }
    itf.socket = std::move(*s);
    itf.enabled = true;
    syslog(LOG_INFO, "HSRP: %s: up on %s, %zu group(s)", itf.cfg.name.c_str(), itf.ifname.c_str(), itf.groups.size());
    for (auto& g : itf.groups) {
        for (const auto& t : g->cfg.track) {
            if (!t.interface) continue;
            const std::string key = track_key(t);
            const bool up = tracked_interface_up(*t.interface);
            g->track_up[key] = up;
            if (!up) execute(itf, *g, g->fsm->set_tracked(key, false));
        }
        execute(itf, *g, g->fsm->enable());
    }
}

void HsrpService::disable(Iface& itf, const char* why) {
    if (!itf.enabled) return;
    syslog(LOG_INFO, "HSRP: %s: down (%s)", itf.cfg.name.c_str(), why);
    for (auto& g : itf.groups) execute(itf, *g, g->fsm->disable());
    itf.enabled = false;
    itf.socket.reset();
}

void HsrpService::receive(Iface& itf, std::span<const uint8_t> datagram, Ipv4Address source) {
    if (itf.groups.empty()) return;
    Group* target = itf.groups.front().get();
    auto p = hsrp::parse(datagram);
    if (p) {
        target = nullptr;
        for (auto& g : itf.groups) {
            if (g->fsm->config().group == p->group && g->fsm->config().version == p->version) target = g.get();
        }
        if (debug_) {
            syslog(LOG_DEBUG, "HSRP: %s %s in %s %s pri %u vIP %s", group_label(itf.cfg.name, p->group).c_str(),
                   std::string(hsrp::op_name(p->op)).c_str(), source.str().c_str(),
                   std::string(hsrp::state_name(p->state)).c_str(), p->priority, p->virtual_ip.str().c_str());
        }
        if (!target) return;  // a group this gateway does not run
    }
    execute(itf, *target, target->fsm->receive(datagram, source));
}

void HsrpService::execute(Iface& itf, Group& g, hsrp::Actions actions) {
    if (actions.empty()) return;
    const std::string label = group_label(itf.cfg.name, g.fsm->config().group);
    bool claimed_now = false;
    bool state_changed = false;
    auto send = [&](const hsrp::Transmit& tx) {
        if (!itf.socket || !itf.cfg.address) return;
        itf.socket->send(tx.source_mac, itf.cfg.address->address, tx.destination, tx.payload);
        if (debug_) {
            syslog(LOG_DEBUG, "HSRP: %s %s out %s %s pri %u vIP %s", label.c_str(), std::string(hsrp::op_name(tx.packet.op)).c_str(),
                   itf.cfg.address->address.str().c_str(), std::string(hsrp::state_name(tx.packet.state)).c_str(),
                   tx.packet.priority, tx.packet.virtual_ip.str().c_str());
        }
    };
    auto claim = [&](Ipv4Address vip, const hsrp::MacAddress& mac) {
        if (!itf.port || !hooks_.claim) return;
        auto r = hooks_.claim(dpapi::VirtualAddress{*itf.port, vip, dp_mac(mac)});
        if (!r) {
            syslog(LOG_ERR, "HSRP: %s: cannot claim %s in the dataplane: %s", label.c_str(), vip.str().c_str(),
                   r.error().message.c_str());
            return;
        }
        g.claimed = true;
    };
    for (auto& a : actions) {
        if (auto* h = std::get_if<hsrp::SendHello>(&a)) {
            send(h->tx);
        } else if (auto* c = std::get_if<hsrp::SendCoup>(&a)) {
            send(c->tx);
        } else if (auto* r = std::get_if<hsrp::SendResign>(&a)) {
            send(r->tx);
        } else if (auto* cl = std::get_if<hsrp::ClaimVip>(&a)) {
            claim(cl->vip, cl->mac);
            claimed_now = true;
        } else if (auto* ga = std::get_if<hsrp::GratuitousArp>(&a)) {
            if (!claimed_now) claim(ga->vip, ga->mac);  // a claim again announces the address again
        } else if (auto* rel = std::get_if<hsrp::ReleaseVip>(&a)) {
            if (hooks_.leaving_active) hooks_.leaving_active(rel->vip);
            if (g.claimed && itf.port && hooks_.release) {
                if (auto res = hooks_.release(dpapi::VirtualAddress{*itf.port, rel->vip, dp_mac(rel->mac)}); !res)
                    syslog(LOG_WARNING, "HSRP: %s: release %s: %s", label.c_str(), rel->vip.str().c_str(),
                           res.error().message.c_str());
            }
            g.claimed = false;
        } else if (auto* sc = std::get_if<hsrp::StateChanged>(&a)) {
            state_changed = true;
            syslog(LOG_NOTICE, "%%HSRP-5-STATECHANGE: %s state %s -> %s%s%s", label.c_str(),
                   std::string(hsrp::state_name(sc->from)).c_str(), std::string(hsrp::state_name(sc->to)).c_str(),
                   sc->reason.empty() ? "" : " (", sc->reason.empty() ? "" : (sc->reason + ")").c_str());
        }
    }
    if (state_changed && hooks_.changed) hooks_.changed();
}

bool HsrpService::is_active(const std::string& standby_name) const {
    for (const auto& i : ifaces_) {
        for (const auto& g : i->groups) {
            if (g->cfg.name == standby_name) return g->fsm->state() == hsrp::State::active;
        }
    }
    return false;
}

bool HsrpService::may_use_local(Ipv4Address a) const {
    for (const auto& i : ifaces_) {
        for (const auto& g : i->groups) {
            if (g->fsm->virtual_ip() == a && g->fsm->state() != hsrp::State::active) return false;
        }
    }
    return true;
}

std::vector<hsrp::GroupSnapshot> HsrpService::snapshots() const {
    std::vector<hsrp::GroupSnapshot> out;
    for (const auto& i : ifaces_) {
        for (const auto& g : i->groups) out.push_back(g->fsm->snapshot());
    }
    return out;
}

size_t HsrpService::group_count() const {
    size_t n = 0;
    for (const auto& i : ifaces_) n += i->groups.size();
    return n;
}

void HsrpService::register_commands(cli::CommandRegistry& commands) {
    commands.add("show standby", "[brief] [INTERFACE [GROUP]]", "HSRP groups: state, virtual address, timers, peers",
                 [this](const cli::Request& r) -> Result<std::string> {
                     auto q = hsrp::parse_standby_query(r.args);
                     if (!q) return q.error();
                     auto groups = snapshots();
                     if (r.json) return hsrp::render_standby_json(groups, *q);
                     if (groups.empty()) return std::string("No HSRP groups are configured.\n");
                     return hsrp::render_standby(groups, *q);
                 });
    commands.add("debug standby", "", "Log every HSRP packet sent and received (syslog, debug level)",
                 [this](const cli::Request&) -> Result<std::string> {
                     debug_ = true;
                     return std::string("HSRP debugging is on\n");
                 });
    commands.add("undebug standby", "", "Stop logging HSRP packets",
                 [this](const cli::Request&) -> Result<std::string> {
                     debug_ = false;
                     return std::string("HSRP debugging is off\n");
                 });
}

}  // namespace tandem::control
