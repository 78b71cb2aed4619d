// IOS importer, interfaces: `interface NAME` and its address, MTU, shutdown state, HSRP standby
// groups and crypto map binding.
//
// HSRP commands name their group first (`standby 1 priority 110`); without a number they concern
// group 0, as in IOS. A group is created by its first command. Timers are stored in milliseconds
// (`standby 1 timers msec 250 msec 750`, `standby timers 1 3`).
#include <algorithm>

#include "common/config/ios_import_parser.h"

namespace tandem::config::ios {

// interface NAME   (also `Interface FastEthernet 0/0`)
void Importer::cmd_interface(const Line& l) {
    size_t i = 1;
    auto name = interface_name(l, i, "interfaces");
    if (!name) return skip_errored_block(l);
    if (iequals(l.word(i), "point-to-point") || iequals(l.word(i), "multipoint")) ++i;
    if (!expect_end(l, i, "interfaces[" + *name + "]")) return skip_errored_block(l);
    size_t idx = 0;
    while (idx < cfg_.interfaces.size() && cfg_.interfaces[idx].name != *name) ++idx;
    if (idx == cfg_.interfaces.size()) {
        Interface itf;
        itf.pos = cmd_pos(l);
        itf.name = *name;
        cfg_.interfaces.push_back(std::move(itf));
    }
    enter(Mode::interface);
    cur_ = idx;
}

void Importer::interface_line(const Line& l) {
    auto& itf = cfg_.interfaces[cur_];
    std::string base = "interfaces[" + itf.name + "]";
    std::string_view w = l.word(0);
    if (iequals(w, "description")) return;
    if (iequals(w, "standby")) return standby_line(l, itf, base);
    if (iequals(w, "crypto") && iequals(l.word(1), "map")) return interface_crypto_map(l, itf, base);
    if (iequals(w, "ip") && iequals(l.word(1), "address")) return interface_ip(l, itf, base);
    if (iequals(w, "shutdown") || (iequals(w, "no") && iequals(l.word(1), "shutdown"))) {
        bool no = iequals(w, "no");
        if (!expect_end(l, no ? 2 : 1, base + ".shutdown")) return;
        itf.shutdown = !no;
        itf.fields.set("shutdown", cmd_pos(l));
        return;
    }
    if (iequals(w, "no") && iequals(l.word(1), "ip") && iequals(l.word(2), "address")) {
        if (!expect_end(l, 3, base + ".address")) return;
        itf.address.reset();
        return;
    }
    if (iequals(w, "mtu")) {
        auto n = number(l, 1, 68, 9216, "MTU in bytes", base + ".mtu");
        if (!n || !expect_end(l, 2, base + ".mtu")) return;
        itf.mtu = static_cast<uint16_t>(*n);
        itf.fields.set("mtu", pos_at(l, 1));
        return;
    }
    not_imported(l);
}

// ip address A MASK [secondary]
void Importer::interface_ip(const Line& l, Interface& itf, const std::string& base) {
    std::string field = base + ".address";
    if (iequals(l.word(2), "dhcp") || iequals(l.word(2), "negotiated") || iequals(l.word(2), "unnumbered")) {
        error(l, 2, field, "Tandem needs a static interface address ('ip address A.B.C.D MASK')");
        return;
    }
    auto a = address(l, 2, "the interface address", field);
    if (!a) return;
    auto len = netmask(l, 3, field);
    if (!len) return;
    if (iequals(l.word(4), "secondary")) {
        not_imported(l, "Tandem uses one address per interface; secondary addresses are not imported");
        return;
    }
    if (!expect_end(l, 4, field)) return;
    itf.address = Ipv4InterfaceAddress{*a, *len};
    itf.fields.set("address", pos_at(l, 2));
}

// crypto map NAME [redundancy [STANDBY-NAME] [stateful]]
void Importer::interface_crypto_map(const Line& l, Interface& itf, const std::string& base) {
    std::string field = base + ".crypto_map";
    if (l.size() < 3) {
        error(l, 2, field, "missing crypto map name after 'crypto map'");
        return;
    }
    CryptoMapBinding b;
    b.pos = cmd_pos(l);
    b.map = std::string(l.word(2));
    b.fields.set("map", pos_at(l, 2));
    size_t i = 3;
    if (iequals(l.word(i), "redundancy")) {
        b.redundancy = true;
        b.fields.set("redundancy", pos_at(l, i));
        ++i;
        if (i < l.size() && !iequals(l.word(i), "stateful")) {
            b.standby_name = std::string(l.word(i));
            b.fields.set("standby_name", pos_at(l, i));
            b.fields.set("redundancy", pos_at(l, i));
            ++i;
        }
        if (iequals(l.word(i), "stateful")) {
            warning(l, i, field, "'stateful' is not imported: Tandem does not synchronise SAs; peers renegotiate "
                                 "after a failover");
            ++i;
        }
    }
    if (!expect_end(l, i, field, "'redundancy [STANDBY-NAME]' or the end of the command")) return;
    itf.crypto_map = std::move(b);
    itf.fields.set("crypto_map", pos_at(l, 2));
}

// standby version 1|2, standby [GROUP] ip|name|priority|preempt|timers|authentication|track ...
void Importer::standby_line(const Line& l, Interface& itf, const std::string& base) {
    if (iequals(l.word(1), "version")) {
        auto v = number(l, 2, 1, 2, "HSRP version", base + ".standby_version");
        if (!v || !expect_end(l, 3, base + ".standby_version")) return;
        itf.standby_version = static_cast<uint8_t>(*v);
        itf.fields.set("standby_version", pos_at(l, 2));
        return;
    }
    uint32_t group = 0;
    size_t i = 1;
    if (all_digits(l.word(1))) {
        auto g = number(l, 1, 0, 4095, "standby group number", base + ".standby");
        if (!g) return;
        group = static_cast<uint32_t>(*g);
        i = 2;
    }
    std::string gbase = base + ".standby[" + std::to_string(group) + "]";
    std::string_view cmd = l.word(i);
    for (std::string_view w : {"use-bia", "delay", "mac-address", "mac-refresh", "follow", "ipv6", "redirect", "bfd",
                               "arp"}) {
        if (iequals(cmd, w)) return not_imported(l);
    }
    auto which = keyword(l, i, {"ip", "name", "priority", "preempt", "timers", "authentication", "track"},
                         "a standby setting", gbase);
    if (!which) return;

    auto find_group = [&]() -> StandbyGroup& {
        auto it = std::find_if(itf.standby.begin(), itf.standby.end(),
                               [&](const StandbyGroup& g) { return g.group == group; });
        if (it != itf.standby.end()) return *it;
        StandbyGroup g;
        g.pos = cmd_pos(l);
        g.group = group;
        itf.standby.push_back(std::move(g));
        return itf.standby.back();
    };
    size_t v = i + 1;  // first value token
    switch (*which) {
    case 0: {  // ip [A [secondary]]
        std::optional<Ipv4Address> ip;
        if (v < l.size()) {
            ip = address(l, v, "the virtual IP address", gbase + ".ip");
            if (!ip) return;
            if (iequals(l.word(v + 1), "secondary")) {
                not_imported(l, "Tandem uses one virtual address per standby group");
                return;
            }
            if (!expect_end(l, v + 1, gbase + ".ip")) return;
        }
        auto& g = find_group();
        g.ip = ip;
        g.fields.set("ip", pos_at(l, ip ? v : i));
        return;
    }
    case 1: {  // name NAME
        if (v >= l.size()) {
            error(l, v, gbase + ".name", "missing group name after 'name'");
            return;
        }
        if (!expect_end(l, v + 1, gbase + ".name")) return;
        auto& g = find_group();
        g.name = std::string(l.word(v));
        g.fields.set("name", pos_at(l, v));
        return;
    }
    case 2: {  // priority N
        auto p = number(l, v, 0, 255, "standby priority", gbase + ".priority");
        if (!p || !expect_end(l, v + 1, gbase + ".priority")) return;
        auto& g = find_group();
        g.priority = static_cast<uint8_t>(*p);
        g.fields.set("priority", pos_at(l, v));
        return;
    }
    case 3: {  // preempt [delay [minimum S] [reload S] [sync S]]
        uint32_t delay_ms = 0;
        size_t k = v;
        if (iequals(l.word(k), "delay")) {
            ++k;
            if (k >= l.size()) {
                error(l, k, gbase + ".preempt", "missing 'minimum SECONDS' after 'delay'");
                return;
            }
            while (k < l.size()) {
                std::string_view opt = l.word(k);
                if (iequals(opt, "minimum") || all_digits(opt)) {
                    size_t at = all_digits(opt) ? k : k + 1;
                    auto s = number(l, at, 0, 3600, "preemption delay in seconds", gbase + ".preempt");
                    if (!s) return;
                    delay_ms = static_cast<uint32_t>(*s) * 1000;
                    k = at + 1;
                } else if (iequals(opt, "reload") || iequals(opt, "sync")) {
                    if (!number(l, k + 1, 0, 3600, "delay in seconds", gbase + ".preempt")) return;
                    warning(l, k, gbase + ".preempt", "'preempt delay " + std::string(opt) + "' is not imported; only "
                                                      "'minimum' is");
                    k += 2;
                } else {
                    expect_end(l, k, gbase + ".preempt", "minimum, reload or sync");
                    return;
                }
            }
        }
        if (!expect_end(l, k, gbase + ".preempt", "'delay minimum SECONDS' or the end of the command")) return;
        auto& g = find_group();
        g.preempt = true;
        g.preempt_delay_ms = delay_ms;
        g.fields.set("preempt", pos_at(l, i));
        return;
    }
    case 4: {  // timers [msec] HELLO [msec] HOLD
        size_t k = v;
        uint32_t ms[2] = {0, 0};
        for (int n = 0; n < 2; ++n) {
            bool msec = iequals(l.word(k), "msec");
            if (msec) ++k;
            const char* what = n == 0 ? (msec ? "hello time in milliseconds" : "hello time in seconds")
                                      : (msec ? "hold time in milliseconds" : "hold time in seconds");
            uint64_t lo = msec ? (n == 0 ? 15 : 50) : 1;
            uint64_t hi = msec ? (n == 0 ? 999 : 3000) : (n == 0 ? 254 : 255);
            auto t = number(l, k, lo, hi, what, gbase + ".timers");
            if (!t) return;
            ms[n] = static_cast<uint32_t>(msec ? *t : *t * 1000);
            ++k;
        }
        if (!expect_end(l, k, gbase + ".timers")) return;
        if (ms[1] <= ms[0]) {
            error(l, v, gbase + ".timers", "the hold time (" + std::to_string(ms[1]) + " ms) must be greater than the "
                                           "hello time (" + std::to_string(ms[0]) + " ms); IOS uses 3 and 10 seconds");
            return;
        }
        auto& g = find_group();
        g.hello_ms = ms[0];
        g.hold_ms = ms[1];
        g.fields.set("timers", pos_at(l, v));
        return;
    }
    case 5: {  // authentication [text] STR | md5 key-string [0|7] STR [timeout S] | md5 key-chain NAME
        std::string field = gbase + ".authentication";
        StandbyAuth auth;
        size_t k = v;
        if (iequals(l.word(k), "md5")) {
            auth.kind = StandbyAuth::Kind::md5;
            ++k;
            if (iequals(l.word(k), "key-chain")) {
                not_imported(l, "key chains are not part of Tandem's model; use 'md5 key-string KEY'");
                return;
            }
            if (!keyword(l, k, {"key-string", "key-chain"}, "an MD5 key source", field)) return;
            ++k;
            if (l.word(k) == "7" && k + 1 < l.size()) {
                error(l, k, field, "encrypted (type 7) key strings cannot be imported; write the key in clear");
                return;
            }
            if (l.word(k) == "0" && k + 1 < l.size()) ++k;
        } else if (iequals(l.word(k), "text")) {
            ++k;
        }
        if (k >= l.size()) {
            error(l, k, field, "missing authentication string");
            return;
        }
        auth.key = std::string(l.word(k));
        size_t key_at = k++;
        if (auth.kind == StandbyAuth::Kind::md5 && iequals(l.word(k), "timeout")) {
            if (!number(l, k + 1, 0, 32767, "key timeout in seconds", field)) return;
            warning(l, k, field, "'timeout' is not imported; the key changes when the configuration is reloaded");
            k += 2;
        }
        if (!expect_end(l, k, field)) return;
        auto& g = find_group();
        g.auth = auth;
        g.fields.set("authentication", pos_at(l, key_at));
        return;
    }
    case 6: {  // track OBJECT [decrement D | shutdown] | track IFNAME [D]
        std::string field = gbase + ".track";
        StandbyTrack t;
        t.pos = cmd_pos(l);
        size_t k = v;
        if (k >= l.size()) {
            error(l, k, field, "missing tracked object number or interface after 'track'");
            return;
        }
        if (all_digits(l.word(k))) {
            auto obj = number(l, k, 1, 1000, "tracked object number", field);
            if (!obj) return;
            t.object = static_cast<uint32_t>(*obj);
            t.fields.set("object", pos_at(l, k));
            ++k;
            if (iequals(l.word(k), "shutdown")) {
                not_imported(l, "'track ... shutdown' is not part of Tandem's model; use 'decrement D'");
                return;
            }
            if (iequals(l.word(k), "decrement")) {
                auto d = number(l, k + 1, 1, 255, "priority decrement", field);
                if (!d) return;
                t.decrement = static_cast<uint8_t>(*d);
                t.fields.set("decrement", pos_at(l, k + 1));
                k += 2;
            }
        } else {
            t.fields.set("interface", pos_at(l, k));
            auto name = interface_name(l, k, field);
            if (!name) return;
            t.interface = *name;
            if (k < l.size()) {
                auto d = number(l, k, 1, 255, "priority decrement", field);
                if (!d) return;
                t.decrement = static_cast<uint8_t>(*d);
                t.fields.set("decrement", pos_at(l, k));
                ++k;
            }
        }
        if (!expect_end(l, k, field)) return;
        auto& g = find_group();
        auto same = std::find_if(g.track.begin(), g.track.end(), [&](const StandbyTrack& x) {
            return x.object == t.object && x.interface == t.interface;
        });
        if (same != g.track.end()) {
            *same = std::move(t);  // IOS replaces the decrement
        } else {
            g.track.push_back(std::move(t));
        }
        if (!g.fields.find("track")) g.fields.set("track", cmd_pos(l));
        return;
    }
    default:
        return;
    }
}

}  // namespace tandem::config::ios
