#include "controlplane/daemon/control.h"

#include <syslog.h>

#include <set>
#include <sstream>

#include "common/config/compile.h"
#include "common/config/ios_render.h"
#include "common/config/load.h"
#include "controlplane/show/live.h"
#include "controlplane/show/show.h"

namespace tandem::control {

namespace {

std::string uptime_text(loop::Duration d) {
    auto s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
    char buf[64];
    std::snprintf(buf, sizeof buf, "%lldd%02lldh%02lldm%02llds", static_cast<long long>(s / 86400),
                  static_cast<long long>(s / 3600 % 24), static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
    return buf;
}

}  // namespace

Result<std::unique_ptr<Control>> Control::create(loop::EventLoop& loop, const ControlOptions& options) {
    auto loaded = config::load_config_file(options.config_path);
    if (!loaded.ok()) return Error("configuration refused:\n" + loaded.diags.str());
    std::unique_ptr<Control> c(new Control(loop, options));
    c->config_ = std::make_unique<config::Config>(std::move(loaded.config));
    c->started_ = loop.now();
    if (auto r = c->policies_.build(*c->config_); !r) return r.error();
    c->register_commands();

    std::string cli_path = options.control_socket.empty() ? c->config_->control.socket : options.control_socket;
    auto cli = cli::CliServer::create(loop, c->commands_, cli_path);
    if (!cli) return cli.error();
    c->cli_ = std::move(*cli);

    std::string dp_path = options.dataplane_socket.empty() ? c->config_->dataplane.api_socket : options.dataplane_socket;
    DataplaneLink::Handlers h;
    Control* ctl = c.get();
    h.on_up = [ctl] { ctl->on_dataplane_up(); };
    h.on_down = [ctl] {
        if (ctl->hsrp_) ctl->hsrp_->dataplane_down();
    };
    h.on_acquire = [ctl](const dpapi::Acquire& a) {
        if (ctl->ike_) ctl->ike_->on_acquire(a);
    };
    h.on_expire = [ctl](const dpapi::SaExpire& e) {
        if (ctl->ike_) ctl->ike_->on_expire(e);
    };
    c->dataplane_ = std::make_unique<DataplaneLink>(loop, dp_path, std::move(h));
    auto ike = IkeService::create(loop, *c->dataplane_, c->policies_, [ctl](uint16_t port) { return ctl->push_port(port); },
                                  *c->config_, options.ike_port, options.natt_port);
    if (!ike) return Error("IKE: " + ike.error().message);
    c->ike_ = std::move(*ike);
    if (auto r = c->start_hsrp(); !r) return r.error();
    if (auto r = c->start_rri(); !r) return r.error();
    c->dataplane_->start();
    return c;
}

Control::~Control() {
    hsrp_.reset();  // resigns and releases what it holds, telling IKE first
    ike_.reset();   // its engine may still talk to the dataplane link
}

void Control::on_dataplane_up() {
    // SAs first: a PROTECT rule whose SA is missing would only raise ACQUIREs.
    if (ike_) ike_->on_dataplane_up();
    if (auto r = push_policies(); !r) syslog(LOG_ERR, "policy: %s", r.error().message.c_str());
    if (rri_) rri_->on_dataplane_up();
    if (hsrp_) hsrp_->dataplane_up();
}

Result<void> Control::push_port(uint16_t port) {
    auto it = policies_.rules().find(port);
    if (it == policies_.rules().end()) return {};
    auto r = dataplane_->call([&](dpapi::Client& c) {
        // The dataplane answers once it has built the port's SPD: about 1 s per 10,000 rules on a
        // small machine (bench/rri_churn: 0.1-0.3 ms per rule), so a large policy gets 1 ms per rule
        // beyond the usual 3 s.
        c.set_timeout(DataplaneLink::kRequestTimeoutMs + static_cast<int>(it->second.size()));
        auto res = c.set_policies(port, it->second);
        c.set_timeout(DataplaneLink::kRequestTimeoutMs);
        return res;
    });
    if (!r) return r.error();
    if (!r->ok()) return Error("the dataplane refused the policy of port " + std::to_string(port) + ": " + r->error_text());
    syslog(LOG_INFO, "policy: port %u: %zu rules installed", port, it->second.size());
    return {};
}

Result<void> Control::push_policies() {
    for (const auto& [port, rules] : policies_.rules()) {
        if (auto r = push_port(port); !r) return r;
    }
    return {};
}

Result<std::string> Control::reload() {
    auto loaded = config::load_config_file(options_.config_path);
    if (!loaded.ok()) {
        syslog(LOG_ERR, "reload: %s refused; the running configuration is unchanged", options_.config_path.c_str());
        return Error("configuration refused, the running configuration is unchanged:\n" + loaded.diags.str());
    }
    PolicySet next = policies_;
    if (auto r = next.build(loaded.config); !r) return Error("configuration refused: " + r.error().message);
    const bool changed = !(loaded.config == *config_);
    config_ = std::make_unique<config::Config>(std::move(loaded.config));
    policies_ = std::move(next);
    if (auto r = ike_->reconfigure(*config_); !r) syslog(LOG_ERR, "reload: IKE: %s", r.error().message.c_str());
    if (auto r = rri_->reconfigure(*config_); !r) syslog(LOG_ERR, "reload: RRI: %s", r.error().message.c_str());
    hsrp_->reconfigure(*config_);
    abandon_unused_endpoints();
    ++reloads_;
    std::string out = changed ? "Configuration reloaded from " + options_.config_path + "\n"
                              : "Configuration unchanged (" + options_.config_path + ")\n";
    if (!loaded.diags.str().empty()) out += loaded.diags.str();
    if (dataplane_->up()) {
        if (auto r = push_policies(); !r) out += "% policy not installed: " + r.error().message + "\n";
    } else {
        out += "% the dataplane is not connected: the policy will be installed when it is\n";
    }
    syslog(LOG_INFO, "reload: %s", changed ? "configuration changed" : "no change");
    return out;
}

std::vector<show::IpsecSaView> Control::ipsec_views() {
    std::vector<show::IpsecSaView> views;
    std::vector<uint32_t> ids;
    for (const auto& sa : ike_->engine().snapshot()) {
        for (const auto& child : sa.children) {
            auto v = show::ipsec_sa_view(sa, child);
            if (const auto* d = ike_->ike_policies().dynamic_template(child.tag)) {
                v.map = d->map;
                v.map_seq = d->map_seq;
                v.interface = d->interface;
            } else if (const auto* e = policies_.entry(child.tag)) {
                v.map = e->map;
                v.map_seq = e->seq;
                v.interface = e->interface;
            }
            if (auto it = ike_->installed().find(child.id); it != ike_->installed().end()) {
                v.lifetime_kilobytes = it->second.event.inbound.lifetime.hard_bytes / 1024;
                v.replay_window = it->second.event.inbound.replay_window;
                ids.push_back(it->second.in_id);
                if (it->second.out_id) ids.push_back(it->second.out_id);
            }
            views.push_back(std::move(v));
        }
    }
    if (ids.empty() || !dataplane_->up()) return views;
    auto stats = dataplane_->call([&](dpapi::Client& c) { return c.sa_stats(ids); });
    if (!stats) return views;
    std::map<uint32_t, dpapi::SaStats> by_id;
    for (const auto& st : *stats) by_id[st.sa_id] = st;
    for (auto& v : views) {
        auto it = ike_->installed().find(v.child.id);
        if (it == ike_->installed().end()) continue;
        if (auto s = by_id.find(it->second.in_id); s != by_id.end()) v.inbound = s->second;
        if (auto s = by_id.find(it->second.out_id); it->second.out_id && s != by_id.end()) v.outbound = s->second;
    }
    return views;
}

void Control::register_commands() {
    commands_.add("show version", "", "Tandem version, uptime and configuration file",
                  [this](const cli::Request&) -> Result<std::string> {
                      std::ostringstream o;
                      o << "Tandem IPsec VPN gateway, tandem-control 0.1.0\n"
                        << config_->hostname << " uptime is " << uptime_text(loop_.now() - started_) << "\n"
                        << "Configuration file is " << options_.config_path << " (reloaded " << reloads_ << " times)\n";
                      return o.str();
                  });
    commands_.add("show running-config", "", "The running configuration, in IOS form",
                  [this](const cli::Request&) -> Result<std::string> { return config::render_ios(*config_); });
    commands_.add("show dataplane", "", "The link to tandem-dataplane and the policies installed through it",
                  [this](const cli::Request&) -> Result<std::string> {
                      std::ostringstream o;
                      o << "Dataplane API " << dataplane_->socket_path() << ": "
                        << (dataplane_->up() ? "connected" : "not connected");
                      if (const auto& info = dataplane_->info()) o << ", version " << info->version;
                      o << " (" << dataplane_->connects() << " connects)\n";
                      if (!dataplane_->last_error().empty()) o << "  last error: " << dataplane_->last_error() << "\n";
                      for (const auto& [port, rules] : policies_.rules())
                          o << "  port " << port << ": " << rules.size() << " policy rules\n";
                      for (const auto& e : policies_.entries())
                          o << "  policy " << e.policy_id << ": crypto map " << e.map << " " << e.seq << " on "
                            << e.interface << "\n";
                      return o.str();
                  });
    commands_.add("show crypto ipsec transform-set", "[tag NAME]", "Transform sets",
                  [this](const cli::Request& r) { return show::show_transform_sets(*config_, r.args, r.json); });
    commands_.add("show crypto map", "[interface IF | tag NAME]", "Crypto maps and the interfaces using them",
                  [this](const cli::Request& r) { return show::show_crypto_map(*config_, r.args, r.json); });
    commands_.add("show crypto dynamic-map", "[tag NAME]", "Dynamic crypto map templates",
                  [this](const cli::Request& r) { return show::show_dynamic_map(*config_, r.args, r.json); });
    commands_.add("show crypto ikev2 sa", "[detail]", "IKEv2 SAs",
                  [this](const cli::Request& r) {
                      std::vector<show::IkeSaView> views;
                      for (auto& sa : ike_->engine().snapshot())
                          views.push_back(show::IkeSaView{std::move(sa), config_->ike.lifetime_seconds.value_or(86400)});
                      return show::show_ikev2_sa(views, r.args, r.json);
                  });
    commands_.add("show crypto ipsec sa", "[map NAME | address | identity | peer ADDR] [detail]",
                  "IPsec SAs with the dataplane's counters",
                  [this](const cli::Request& r) { return show::show_ipsec_sa(ipsec_views(), r.args, r.json); });
    commands_.add("clear crypto sa", "[peer ADDR]", "Delete IPsec SAs (all, or those with one peer)",
                  [this](const cli::Request& r) -> Result<std::string> {
                      std::optional<Ipv4Address> peer;
                      if (r.args.size() == 2 && r.args[0] == "peer") {
                          auto a = Ipv4Address::parse(r.args[1]);
                          if (!a) return Error("invalid peer address '" + r.args[1] + "'");
                          peer = *a;
                      } else if (!r.args.empty()) {
                          return Error("invalid input '" + r.args[0] + "': expected peer ADDR");
                      }
                      size_t n = 0;
                      for (const auto& sa : ike_->engine().snapshot()) {
                          if (peer && sa.remote.address != *peer) continue;
                          for (const auto& c : sa.children) n += ike_->engine().delete_child(c.id) ? 1 : 0;
                      }
                      return std::to_string(n) + " IPsec SA pair(s) deleted\n";
                  });
    commands_.add("clear crypto ikev2 sa", "", "Delete every IKEv2 SA and its IPsec SAs",
                  [this](const cli::Request&) -> Result<std::string> {
                      size_t n = 0;
                      for (const auto& sa : ike_->engine().snapshot()) n += ike_->engine().delete_ike(sa.id) ? 1 : 0;
                      return std::to_string(n) + " IKEv2 SA(s) deleted\n";
                  });
    commands_.add("reload", "", "Re-read the configuration file (refused with its errors if invalid)",
                  [this](const cli::Request&) { return reload(); });
}

// HSRP (hsrp_service.h): virtual addresses claimed and released through the dataplane link; IKE
// abandons the SAs on an address before it is released (telling each peer with one Delete, so it
// renegotiates with the new Active router at once instead of waiting for DPD); every state change
// makes RRI re-evaluate which routes this gateway may advertise.
Result<void> Control::start_hsrp() {
    HsrpService::Hooks h;
    auto reply_ok = [](const Result<dpapi::Response>& r) -> Result<void> {
        if (!r) return r.error();
        if (!r->ok()) return Error(r->error_text());
        return {};
    };
    h.claim = [this, reply_ok](const dpapi::VirtualAddress& v) {
        return reply_ok(dataplane_->call([&](dpapi::Client& c) { return c.request(dpapi::VaddrClaim{{v}}); }));
    };
    h.release = [this, reply_ok](const dpapi::VirtualAddress& v) {
        return reply_ok(dataplane_->call(
            [&](dpapi::Client& c) { return c.request(dpapi::VaddrRelease{{dpapi::VaddrRef{v.port, v.address}}}); }));
    };
    h.dump = [this] { return dataplane_->call([](dpapi::Client& c) { return c.dump_vaddrs(); }); };
    h.leaving_active = [this](Ipv4Address vip) {
        if (!ike_) return;
        size_t n = 0;
        for (const auto& sa : ike_->engine().snapshot()) {
            if (sa.local.address == vip) n += ike_->engine().abandon_ike(sa.id, true) ? 1 : 0;
        }
        if (n) syslog(LOG_NOTICE, "HSRP: %s leaves this gateway: %zu IKE SA(s) on it abandoned", vip.str().c_str(), n);
    };
    h.changed = [this] {
        if (rri_) rri_->refresh();
        if (ike_) ike_->bring_up();  // `initiate: start` entries on an address just won
    };
    auto s = HsrpService::create(loop_, *config_, std::move(h));
    if (!s) return Error("HSRP: " + s.error().message);
    hsrp_ = std::move(*s);
    hsrp_->register_commands(commands_);
    ike_->may_initiate_from = [this](Ipv4Address local) { return hsrp_->may_use_local(local); };
    return {};
}

// After a reload: IKE SAs on a local address no crypto map uses any more (the seed: the standby
// name removed from the interface returns the tunnel endpoint to the interface address, and the
// SAs on the old endpoint are deleted).
void Control::abandon_unused_endpoints() {
    std::set<Ipv4Address> endpoints;
    for (const auto& p : config::compile_policies(*config_)) {
        if (p.local_endpoint) endpoints.insert(*p.local_endpoint);
    }
    for (const auto& sa : ike_->engine().snapshot()) {
        if (endpoints.contains(sa.local.address)) continue;
        syslog(LOG_NOTICE, "reload: %s is no longer a tunnel endpoint: IKE SA %u with %s deleted",
               sa.local.address.str().c_str(), sa.id, sa.remote.address.str().c_str());
        ike_->engine().abandon_ike(sa.id, true);
    }
}

// Reverse route injection (controlplane/rri): routes into the FIB through the dataplane link, and
// into BIRD when the configuration enables it; CHILD SAs come from IKE with the crypto map entry
// each was negotiated through. Routes of a map bound to a standby group exist only while that group
// is Active here (hsrp_service.h).
Result<void> Control::start_rri() {
    rri::FibOps fib;
    fib.up = [this] { return dataplane_->up(); };
    fib.add_routes = [this](const std::vector<dpapi::Route>& routes) {
        return dataplane_->call([&](dpapi::Client& c) { return c.add_routes(routes); });
    };
    fib.delete_routes = [this](const std::vector<Ipv4Prefix>& prefixes) {
        return dataplane_->call([&](dpapi::Client& c) { return c.delete_routes(prefixes); });
    };
    fib.dump_routes = [this] { return dataplane_->call([](dpapi::Client& c) { return c.dump_routes(); }); };
    fib.port_of = [this](const std::string& interface) { return dataplane_port(*config_, interface); };
    auto log = [](std::string_view line) { syslog(LOG_NOTICE, "%.*s", static_cast<int>(line.size()), line.data()); };
    auto is_active = [this](const std::string& group) { return hsrp_->is_active(group); };
    auto s = rri::RriService::create(loop_, *config_, std::move(fib), is_active, log);
    if (!s) return Error("RRI: " + s.error().message);
    rri_ = std::move(*s);
    rri_->register_commands(commands_);
    ike_->on_child_up = [this](const ike::ChildSaEvent& ev) {
        rri::ChildSa sa = rri::child_from_event(ev);
        if (const auto* d = ike_->ike_policies().dynamic_template(ev.tag)) {
            sa.map = d->map;
            sa.seq = d->map_seq;
            sa.dynamic_map = d->dynamic_map;
            sa.dynamic_seq = d->seq;
            sa.interface = d->interface;
        } else if (const auto* e = policies_.entry(ev.tag)) {
            sa.map = e->map;
            sa.seq = e->seq;
            sa.interface = e->interface;
        } else {
            return;
        }
        rri_->child_up(std::move(sa));
    };
    ike_->on_child_down = [this](const ike::ChildSaEvent& ev) { rri_->child_down(ev.child_id); };
    return {};
}

}  // namespace tandem::control
