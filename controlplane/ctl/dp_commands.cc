// `tandemctl dp ...` (dp_commands.h): one connection, HELLO, then one command. Each command is a
// function from its arguments to a request (or a few) and a printer for the answer.
#include "controlplane/ctl/dp_commands.h"

#include <cinttypes>
#include <cstdio>
#include <map>
#include <ostream>

#include "common/dpapi/names.h"
#include "controlplane/ctl/dp_client.h"
#include "controlplane/ctl/dp_yaml.h"

namespace tandem::ctl {

const char* const dp_usage_text = R"(Dataplane commands (talk to a running tandem-dataplane over its API socket):
  dp [--socket PATH] hello     Protocol version and limits of the dataplane.
  dp show sa [ID]              Installed SAs with their counters (keys are not shown).
  dp show policies             Security policy rules of every port, in evaluation order.
  dp show routes               Every route with its origin (api, config, connected); a version 1
                               dataplane lists only those installed through the API.
  dp show stats [ports|workers|drops]
                               Port, worker and drop counters (all three by default).
  dp add sa FILE.yaml          Install the SAs of FILE (all or nothing).
  dp del sa ID...              Delete SAs.
  dp set policies PORT FILE.yaml
                               Replace the whole rule set of PORT with the rules of FILE.
  dp add route PREFIX (via GW port N | local port N | blackhole)
                               Install or replace a route.
  dp del route PREFIX          Remove a route installed through the API.
  dp claim vaddr PORT IP MAC   Claim a virtual address (answers ARP with MAC, gratuitous ARP).
  dp release vaddr PORT IP     Release it.
  dp events [--count N]        Subscribe to ACQUIRE, SA_EXPIRE and SA_IDLE (30 s) events and
                               print them until interrupted or N have arrived.
  --socket PATH                The dataplane's API socket (default /run/tandem/dataplane.sock;
                               the configuration's dataplane.api_socket).
  --json                       JSON output for hello, show and events.

SA file (YAML; a list under 'sas:'):
  sas:
    - sa_id: 1                      spi: 0x1001 (>= 256)
      direction: inbound            inbound | outbound
      cipher: aes-gcm-128           aes-gcm-128 | aes-gcm-256 | aes-cbc-128 | aes-cbc-256
      integrity: none               none (GCM) | sha1-96 | sha256-128 | sha384-192 | sha512-256
      cipher_key: 00112233...       hex; integrity_key: hex (CBC); salt: 0x01020304 (GCM)
      tunnel: {src: 192.0.2.10, dst: 192.0.2.2}
      esn: false                    replay_window: 64 (inbound; 0 off, 32..4096)
      natt: {src_port: 4500, dst_port: 4500}     (optional: UDP encapsulation)
      policy_id: 7                  (outbound: the PROTECT rule it serves)
      selector: {src: 10.2.1.0/24, dst: 10.1.0.0/24, protocol: any, src_ports: any, dst_ports: any}
      lifetime: {soft_bytes: 0, hard_bytes: 0, soft_packets: 0, hard_packets: 0}
Policy file (YAML; the port's whole rule set, a list under 'rules:'):
  rules:
    - {priority: 10, action: protect, policy_id: 7, src: 10.1.0.0/24, dst: 10.2.1.0/24}
    - {priority: 20, action: bypass, protocol: udp, src: any, dst: any, dst_ports: 500-4500}
  Errors in either file are reported as FILE:LINE:COL: message.
)";

namespace {

using dpapi::Client;

int usage(Output& o, const std::string& why) {
    o.err << "tandemctl: " << why << "\nTry 'tandemctl --help'.\n";
    return 2;
}

int fail(Output& o, const std::string& why) {
    o.err << "tandemctl: " << why << "\n";
    return 1;
}

int answer(Output& o, const Result<dpapi::Response>& r) {
    if (!r) return fail(o, r.error().message);
    if (!r->ok()) return fail(o, "the dataplane refused: " + r->error_text());
    return 0;
}

std::optional<uint64_t> number(const std::string& s, uint64_t max) {
    if (s.empty() || s.size() > 20) return std::nullopt;
    uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    if (v > max) return std::nullopt;
    return v;
}

std::optional<dpapi::MacAddress> parse_mac(const std::string& s) {
    dpapi::MacAddress mac{};
    unsigned b[6];
    char tail;
    if (std::sscanf(s.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &tail) != 6) {
        return std::nullopt;
    }
    for (int i = 0; i < 6; ++i) mac[i] = static_cast<uint8_t>(b[i]);
    return mac;
}

std::string q(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

const char* auth_name(dpapi::AuthAlg a) {
    switch (a) {
    case dpapi::AuthAlg::none: return "none";
    case dpapi::AuthAlg::sha1_96: return "sha1-96";
    case dpapi::AuthAlg::sha256_128: return "sha256-128";
    case dpapi::AuthAlg::sha384_192: return "sha384-192";
    case dpapi::AuthAlg::sha512_256: return "sha512-256";
    }
    return "?";
}

const char* action_name(dpapi::PolicyAction a) {
    switch (a) {
    case dpapi::PolicyAction::protect: return "protect";
    case dpapi::PolicyAction::bypass: return "bypass";
    case dpapi::PolicyAction::discard: return "discard";
    }
    return "?";
}

std::string range_str(const Ipv4Range& r) {
    if (r.first.value() == 0 && r.last.value() == ~0u) return "any";
    if (r.first == r.last) return r.first.str();
    return r.first.str() + "-" + r.last.str();
}

std::string ports_str(const PortRange& p) {
    if (p.lo == 0 && p.hi == 65535) return "any";
    if (p.lo == p.hi) return std::to_string(p.lo);
    return std::to_string(p.lo) + "-" + std::to_string(p.hi);
}

std::string proto_str(uint8_t p) { return p == 0 ? "any" : protocol_name(p); }

std::string route_str(const dpapi::Route& r) {
    switch (r.kind) {
    case dpapi::RouteKind::forward:
        return r.gateway.is_unspecified() ? "directly connected, port " + std::to_string(r.port)
                                          : "via " + r.gateway.str() + ", port " + std::to_string(r.port);
    case dpapi::RouteKind::local: return "local, port " + std::to_string(r.port);
    case dpapi::RouteKind::blackhole: return "blackhole";
    }
    return "?";
}

int cmd_hello(Client&, const dpapi::HelloInfo& i, Output& o) {
    if (o.json) {
        o.out << "{\"name\": " << q(i.name) << ", \"version\": " << i.version << ", \"min_version\": " << i.min_version
              << ", \"max_version\": " << i.max_version << ", \"ports\": " << i.port_count << ", \"workers\": "
              << i.worker_count << ", \"max_sas\": " << i.max_sas << ", \"max_policies\": " << i.max_policies
              << ", \"max_routes\": " << i.max_routes << ", \"tsc_hz\": " << i.tsc_hz << "}\n";
        return 0;
    }
    o.out << "Dataplane " << i.name << ", API version " << i.version << " (speaks " << i.min_version << ".."
          << i.max_version << ")\n"
          << "  " << i.port_count << " ports, " << i.worker_count << " workers, TSC " << i.tsc_hz << " Hz\n"
          << "  limits: " << i.max_sas << " SAs, " << i.max_policies << " policies, " << i.max_routes << " routes\n";
    return 0;
}

int cmd_show_sa(Client& c, const std::vector<std::string>& args, Output& o) {
    std::vector<uint32_t> ids;
    if (args.size() > 3) return usage(o, "'dp show sa' takes at most one ID");
    if (args.size() == 3) {
        auto id = number(args[2], UINT32_MAX);
        if (!id) return usage(o, "'" + args[2] + "' is not an SA id");
        ids.push_back(static_cast<uint32_t>(*id));
    }
    auto sas = c.dump_sas();
    if (!sas) return fail(o, sas.error().message);
    auto stats = c.sa_stats(ids);
    if (!stats) return fail(o, stats.error().message);
    std::map<uint32_t, dpapi::SaStats> by_id;
    for (const auto& s : *stats) by_id[s.sa_id] = s;
    bool first = true;
    if (o.json) o.out << "[";
    for (const auto& sa : *sas) {
        if (!ids.empty() && sa.sa_id != ids[0]) continue;
        dpapi::SaStats st = by_id.count(sa.sa_id) ? by_id[sa.sa_id] : dpapi::SaStats{};
        bool in = sa.direction == dpapi::Direction::inbound;
        const auto& ts = sa.selector;
        if (o.json) {
            o.out << (first ? "" : ",") << "\n  {\"sa_id\": " << sa.sa_id << ", \"spi\": " << sa.spi
                  << ", \"direction\": \"" << (in ? "inbound" : "outbound") << "\", \"cipher\": \""
                  << dpapi::cipher_name(sa.cipher) << "\", \"integrity\": \"" << auth_name(sa.auth) << "\", \"tunnel_src\": \""
                  << sa.tunnel_src.str() << "\", \"tunnel_dst\": \"" << sa.tunnel_dst.str() << "\", \"esn\": "
                  << (sa.esn ? "true" : "false") << ", \"natt\": " << (sa.natt ? "true" : "false")
                  << ", \"replay_window\": " << sa.replay_window << ", \"policy_id\": " << sa.policy_id
                  << ", \"selector\": {\"src\": \"" << range_str(ts.src) << "\", \"dst\": \"" << range_str(ts.dst)
                  << "\", \"protocol\": \"" << proto_str(ts.protocol) << "\", \"src_ports\": \""
                  << ports_str(ts.src_ports) << "\", \"dst_ports\": \"" << ports_str(ts.dst_ports) << "\"}"
                  << ", \"packets\": " << st.packets << ", \"bytes\": " << st.bytes << ", \"replay_drops\": "
                  << st.replay_drops << ", \"auth_drops\": " << st.auth_drops << ", \"policy_mismatch_drops\": "
                  << st.policy_mismatch_drops << ", \"malformed_drops\": " << st.malformed_drops
                  << ", \"last_sequence\": " << st.last_sequence << ", \"idle_ms\": ";
            if (st.idle_ms == dpapi::kNeverUsed) o.out << "null}";
            else o.out << st.idle_ms << "}";
        } else {
            char spi[32];
            std::snprintf(spi, sizeof spi, "0x%08X(%u)", sa.spi, sa.spi);
            o.out << "SA " << sa.sa_id << ": " << (in ? "inbound" : "outbound") << " esp sa, spi: " << spi << "\n"
                  << "   tunnel " << sa.tunnel_src.str() << " -> " << sa.tunnel_dst.str() << ", transform: esp-"
                  << dpapi::cipher_name(sa.cipher) << (sa.auth == dpapi::AuthAlg::none ? "" : std::string(" esp-") + auth_name(sa.auth))
                  << (sa.esn ? ", esn" : "") << (sa.natt ? ", udp-encaps " + std::to_string(sa.natt_src_port) + "/" +
                                                               std::to_string(sa.natt_dst_port) : "")
                  << "\n   selector: " << range_str(ts.src) << " -> " << range_str(ts.dst) << ", protocol "
                  << proto_str(ts.protocol) << ", ports " << ports_str(ts.src_ports) << " -> " << ports_str(ts.dst_ports)
                  << "\n";
            if (in) {
                o.out << "   replay detection " << (sa.replay_window ? "on, window " + std::to_string(sa.replay_window) : std::string("off"))
                      << "\n";
            } else {
                o.out << "   serves policy " << sa.policy_id << "\n";
            }
            const auto& l = sa.lifetime;
            if (l.soft_bytes || l.hard_bytes || l.soft_packets || l.hard_packets) {
                o.out << "   lifetime (bytes/packets): soft " << l.soft_bytes << "/" << l.soft_packets << ", hard "
                      << l.hard_bytes << "/" << l.hard_packets << "\n";
            }
            o.out << "    #pkts " << (in ? "decaps: " : "encaps: ") << st.packets << ", #bytes: " << st.bytes
                  << ", #pkts replay failed: " << st.replay_drops << ", #pkts verify failed: " << st.auth_drops
                  << ", #pkts policy mismatch: " << st.policy_mismatch_drops << ", #pkts malformed: "
                  << st.malformed_drops << "\n"
                  << "    " << (in ? "highest sequence number accepted: " : "last sequence number sent: ")
                  << st.last_sequence << "\n"
                  << "    idle: " << (st.idle_ms == dpapi::kNeverUsed ? std::string("never used") : std::to_string(st.idle_ms) + " ms")
                  << "\n\n";
        }
        first = false;
    }
    if (o.json) o.out << (first ? "]\n" : "\n]\n");
    return 0;
}

int cmd_show_policies(Client& c, Output& o) {
    auto rules = c.dump_policies();
    if (!rules) return fail(o, rules.error().message);
    if (o.json) {
        o.out << "[";
        for (size_t i = 0; i < rules->size(); ++i) {
            const auto& r = (*rules)[i];
            o.out << (i ? "," : "") << "\n  {\"port\": " << r.port << ", \"priority\": " << r.priority
                  << ", \"action\": \"" << action_name(r.action) << "\", \"policy_id\": " << r.policy_id
                  << ", \"protocol\": \"" << proto_str(r.protocol) << "\", \"src\": \"" << r.src.str()
                  << "\", \"dst\": \"" << r.dst.str() << "\", \"src_ports\": \"" << ports_str(r.src_ports)
                  << "\", \"dst_ports\": \"" << ports_str(r.dst_ports) << "\"}";
        }
        o.out << (rules->empty() ? "]\n" : "\n]\n");
        return 0;
    }
    int port = -1;
    for (const auto& r : *rules) {
        if (r.port != port) {
            port = r.port;
            o.out << "Port " << port << " security policy:\n";
        }
        char line[160];
        std::snprintf(line, sizeof line, "  %6u %-8s policy %-5u %-5s %s %s -> %s %s\n", r.priority, action_name(r.action),
                      r.policy_id, proto_str(r.protocol).c_str(), r.src.str().c_str(), ports_str(r.src_ports).c_str(),
                      r.dst.str().c_str(), ports_str(r.dst_ports).c_str());
        o.out << line;
    }
    if (rules->empty()) o.out << "No security policy installed.\n";
    return 0;
}

const char* origin_name(dpapi::RouteOrigin o) {
    switch (o) {
    case dpapi::RouteOrigin::api: return "api";
    case dpapi::RouteOrigin::config: return "config";
    case dpapi::RouteOrigin::connected: return "connected";
    }
    return "?";
}

int cmd_show_routes(Client& c, Output& o) {
    auto routes = c.dump_routes();
    if (!routes) return fail(o, routes.error().message);
    const bool with_origin = c.info() && c.info()->version >= 2;
    if (o.json) {
        o.out << "[";
        for (size_t i = 0; i < routes->size(); ++i) {
            const auto& r = (*routes)[i];
            const char* kind = r.kind == dpapi::RouteKind::forward ? "forward"
                               : r.kind == dpapi::RouteKind::local ? "local" : "blackhole";
            o.out << (i ? "," : "") << "\n  {\"prefix\": \"" << r.prefix.str() << "\", \"kind\": \"" << kind
                  << "\", \"port\": " << r.port << ", \"gateway\": \"" << r.gateway.str() << "\"";
            if (with_origin) o.out << ", \"origin\": \"" << origin_name(r.origin) << "\"";
            o.out << "}";
        }
        o.out << (routes->empty() ? "]\n" : "\n]\n");
        return 0;
    }
    if (!with_origin) {
        o.out << "Routes installed through the API:\n";
        for (const auto& r : *routes) o.out << "  " << r.prefix.str() << " " << route_str(r) << "\n";
        return 0;
    }
    o.out << "Routes (origin: api = installed through the API, config = static, connected = the dataplane's own):\n";
    for (const auto& r : *routes) {
        char origin[16];
        std::snprintf(origin, sizeof origin, "%-10s", origin_name(r.origin));
        o.out << "  " << origin << r.prefix.str() << " " << route_str(r) << "\n";
    }
    return 0;
}

int cmd_show_stats(Client& c, const std::vector<std::string>& args, Output& o) {
    std::string what = args.size() > 3 ? "" : args.size() == 3 ? args[2] : "all";
    if (what != "all" && what != "ports" && what != "workers" && what != "drops") {
        return usage(o, "'dp show stats' takes ports, workers or drops");
    }
    std::string json;
    if (what == "all" || what == "ports") {
        auto ports = c.port_stats();
        if (!ports) return fail(o, ports.error().message);
        json += "\"ports\": [";
        for (const auto& p : *ports) {
            if (o.json) {
                json += std::string(p.port ? ", " : "") + "{\"port\": " + std::to_string(p.port) + ", \"rx_packets\": " +
                        std::to_string(p.rx_packets) + ", \"rx_bytes\": " + std::to_string(p.rx_bytes) +
                        ", \"rx_errors\": " + std::to_string(p.rx_errors) + ", \"rx_drops\": " + std::to_string(p.rx_drops) +
                        ", \"tx_packets\": " + std::to_string(p.tx_packets) + ", \"tx_bytes\": " +
                        std::to_string(p.tx_bytes) + ", \"tx_errors\": " + std::to_string(p.tx_errors) +
                        ", \"tx_drops\": " + std::to_string(p.tx_drops) + "}";
            } else {
                o.out << "Port " << p.port << ":\n     " << p.rx_packets << " packets input, " << p.rx_bytes << " bytes, "
                      << p.rx_errors << " input errors, " << p.rx_drops << " input drops\n     " << p.tx_packets
                      << " packets output, " << p.tx_bytes << " bytes, " << p.tx_errors << " output errors, " << p.tx_drops << " output drops\n";
            }
        }
        json += "]";
    }
    if (what == "all" || what == "workers") {
        auto workers = c.worker_stats();
        if (!workers) return fail(o, workers.error().message);
        json += std::string(json.empty() ? "" : ", ") + "\"workers\": [";
        bool first = true;
        for (const auto& w : *workers) {
            uint64_t total = w.busy_cycles + w.idle_cycles;
            double busy = total ? 100.0 * static_cast<double>(w.busy_cycles) / static_cast<double>(total) : 0.0;
            if (o.json) {
                json += std::string(first ? "" : ", ") + "{\"lcore\": " + std::to_string(w.lcore_id) + ", \"packets\": " +
                        std::to_string(w.packets) + ", \"busy_cycles\": " + std::to_string(w.busy_cycles) +
                        ", \"idle_cycles\": " + std::to_string(w.idle_cycles) + ", \"handoffs\": " +
                        std::to_string(w.handoffs) + "}";
            } else {
                char line[160];
                std::snprintf(line, sizeof line, "Worker lcore %u: %" PRIu64 " packets, %" PRIu64 " handed off, busy %.1f%%\n",
                              w.lcore_id, w.packets, w.handoffs, busy);
                o.out << line;
            }
            first = false;
        }
        json += "]";
    }
    if (what == "all" || what == "drops") {
        auto drops = c.drop_stats();
        if (!drops) return fail(o, drops.error().message);
        json += std::string(json.empty() ? "" : ", ") + "\"drops\": {";
        if (!o.json) o.out << "Drops:\n";
        for (size_t i = 0; i < dpapi::kDropReasonCount; ++i) {
            if (o.json) {
                json += std::string(i ? ", " : "") + q(std::string(dpapi::kDropReasonNames[i])) + ": " + std::to_string((*drops)[i]);
            } else if ((*drops)[i] != 0) {
                o.out << "  " << dpapi::kDropReasonNames[i] << ": " << (*drops)[i] << "\n";
            }
        }
        json += "}";
    }
    if (o.json) o.out << "{" << json << "}\n";
    return 0;
}

int cmd_add_route(Client& c, const std::vector<std::string>& args, Output& o) {
    // add route PREFIX (via GW port N | local port N | blackhole)
    if (args.size() < 4) return usage(o, "'dp add route' needs PREFIX and (via GW port N | local port N | blackhole)");
    auto prefix = Ipv4Prefix::parse(args[2]);
    if (!prefix) return usage(o, prefix.error().message);
    dpapi::Route r{*prefix, dpapi::RouteKind::forward, 0, Ipv4Address()};
    size_t at = 3;
    if (args[at] == "blackhole" && args.size() == 4) {
        r.kind = dpapi::RouteKind::blackhole;
    } else {
        if (args[at] == "via" && at + 1 < args.size()) {
            auto gw = Ipv4Address::parse(args[at + 1]);
            if (!gw) return usage(o, gw.error().message);
            r.gateway = *gw;
            at += 2;
        } else if (args[at] == "local") {
            r.kind = dpapi::RouteKind::local;
            ++at;
        }
        auto port = at + 2 == args.size() && args[at] == "port" ? number(args[at + 1], 65535) : std::nullopt;
        if (!port) return usage(o, "'dp add route' needs PREFIX (via GW port N | local port N | blackhole)");
        r.port = static_cast<uint16_t>(*port);
    }
    return answer(o, c.add_routes({r}));
}

int cmd_events(Client& c, const DpOptions& opts, Output& o) {
    auto sub = c.request(dpapi::Subscribe{dpapi::kEventAll, 30000});
    if (int rc = answer(o, sub); rc != 0) return rc;
    for (long seen = 0; opts.count < 0 || seen < opts.count;) {
        auto ev = c.next_event(1000);
        if (!ev) return fail(o, ev.error().message);
        if (!ev->has_value()) continue;
        const dpapi::Message& m = **ev;
        ++seen;
        if (const auto* a = std::get_if<dpapi::Acquire>(&m.body)) {
            const auto& p = a->packet;
            if (o.json) {
                o.out << "{\"seq\": " << m.request_id << ", \"event\": \"acquire\", \"policy_id\": " << a->policy_id
                      << ", \"port\": " << a->port << ", \"protocol\": " << unsigned(p.protocol) << ", \"src\": \""
                      << p.src.str() << "\", \"dst\": \"" << p.dst.str() << "\", \"src_port\": " << p.src_port
                      << ", \"dst_port\": " << p.dst_port << "}\n";
            } else {
                o.out << "#" << m.request_id << " ACQUIRE policy " << a->policy_id << " port " << a->port << ": "
                      << proto_str(p.protocol) << " " << p.src.str() << ":" << p.src_port << " -> " << p.dst.str() << ":"
                      << p.dst_port << "\n";
            }
        } else if (const auto* e = std::get_if<dpapi::SaExpire>(&m.body)) {
            const char* kind = e->kind == dpapi::ExpireKind::soft ? "soft" : "hard";
            const char* trig = e->trigger == dpapi::ExpireTrigger::bytes ? "bytes" : "packets";
            if (o.json) {
                o.out << "{\"seq\": " << m.request_id << ", \"event\": \"sa_expire\", \"sa_id\": " << e->sa_id
                      << ", \"kind\": \"" << kind << "\", \"trigger\": \"" << trig << "\"}\n";
            } else {
                o.out << "#" << m.request_id << " SA_EXPIRE sa " << e->sa_id << " " << kind << " (" << trig << ")\n";
            }
        } else if (const auto* i = std::get_if<dpapi::SaIdle>(&m.body)) {
            if (o.json) {
                o.out << "{\"seq\": " << m.request_id << ", \"event\": \"sa_idle\", \"sa_id\": " << i->sa_id
                      << ", \"idle_ms\": " << i->idle_ms << "}\n";
            } else {
                o.out << "#" << m.request_id << " SA_IDLE sa " << i->sa_id << " idle " << i->idle_ms << " ms\n";
            }
        }
        o.out.flush();
    }
    return 0;
}

}  // namespace

int cmd_dp(const std::vector<std::string>& args, const DpOptions& opts, Output& o) {
    if (args.empty()) return usage(o, "'dp' needs a command (hello, show, add, del, set, claim, release, events)");
    const std::string& cmd = args[0];
    const std::string sub = args.size() > 1 ? args[1] : "";
    auto known = [&](std::initializer_list<const char*> words) {
        for (const char* w : words) {
            if (sub == w) return true;
        }
        return false;
    };
    bool valid = cmd == "hello" || cmd == "events" || (cmd == "show" && known({"sa", "policies", "routes", "stats"})) ||
                 (cmd == "add" && known({"sa", "route"})) || (cmd == "del" && known({"sa", "route"})) ||
                 (cmd == "set" && known({"policies"})) || (cmd == "claim" && known({"vaddr"})) ||
                 (cmd == "release" && known({"vaddr"}));
    if (!valid) return usage(o, "unknown dp command '" + cmd + (sub.empty() ? "" : " " + sub) + "'");

    // Files are read before connecting: a typo costs no round trip.
    std::vector<dpapi::SaParams> sas;
    std::vector<dpapi::PolicyRule> rules;
    if (cmd == "add" && sub == "sa") {
        if (args.size() != 3) return usage(o, "'dp add sa' takes one FILE");
        auto r = load_sa_file(args[2]);
        if (!r) return fail(o, r.error().message);
        sas = std::move(*r);
    }
    uint16_t port = 0;
    if (cmd == "set") {
        if (args.size() != 4) return usage(o, "'dp set policies' takes PORT and FILE");
        auto p = number(args[2], 65535);
        if (!p) return usage(o, "'" + args[2] + "' is not a port number");
        port = static_cast<uint16_t>(*p);
        auto r = load_policy_file(args[3], port);
        if (!r) return fail(o, r.error().message);
        rules = std::move(*r);
    }

    auto client = Client::connect(opts.socket, opts.timeout_ms);
    if (!client) return fail(o, client.error().message);
    Client& c = *client;
    auto info = c.hello("tandemctl");
    if (!info) return fail(o, info.error().message);

    if (cmd == "hello") return cmd_hello(c, *info, o);
    if (cmd == "events") return cmd_events(c, opts, o);
    if (cmd == "show") {
        if (sub == "sa") return cmd_show_sa(c, args, o);
        if (sub == "policies") return cmd_show_policies(c, o);
        if (sub == "routes") return cmd_show_routes(c, o);
        return cmd_show_stats(c, args, o);
    }
    if (cmd == "add" && sub == "sa") return answer(o, c.add_sas(sas));
    if (cmd == "set") return answer(o, c.set_policies(port, rules));
    if (cmd == "add") return cmd_add_route(c, args, o);
    if (cmd == "del" && sub == "sa") {
        if (args.size() < 3) return usage(o, "'dp del sa' needs at least one ID");
        std::vector<uint32_t> ids;
        for (size_t i = 2; i < args.size(); ++i) {
            auto id = number(args[i], UINT32_MAX);
            if (!id) return usage(o, "'" + args[i] + "' is not an SA id");
            ids.push_back(static_cast<uint32_t>(*id));
        }
        return answer(o, c.delete_sas(ids));
    }
    if (cmd == "del") {
        if (args.size() != 3) return usage(o, "'dp del route' takes one PREFIX");
        auto prefix = Ipv4Prefix::parse(args[2]);
        if (!prefix) return usage(o, prefix.error().message);
        return answer(o, c.delete_routes({*prefix}));
    }
    // claim vaddr PORT IP MAC / release vaddr PORT IP
    bool claim = cmd == "claim";
    if (args.size() != (claim ? 5u : 4u)) {
        return usage(o, claim ? "'dp claim vaddr' takes PORT IP MAC" : "'dp release vaddr' takes PORT IP");
    }
    auto vport = number(args[2], 65535);
    auto ip = Ipv4Address::parse(args[3]);
    if (!vport) return usage(o, "'" + args[2] + "' is not a port number");
    if (!ip) return usage(o, ip.error().message);
    if (!claim) return answer(o, c.request(dpapi::VaddrRelease{{dpapi::VaddrRef{static_cast<uint16_t>(*vport), *ip}}}));
    auto mac = parse_mac(args[4]);
    if (!mac) return usage(o, "'" + args[4] + "' is not a MAC address (xx:xx:xx:xx:xx:xx)");
    dpapi::VirtualAddress v{static_cast<uint16_t>(*vport), *ip, *mac};
    return answer(o, c.request(dpapi::VaddrClaim{{v}}));
}

}  // namespace tandem::ctl
