// The `show standby` renderers (see show_standby.h for the output).
#include "controlplane/hsrp/show_standby.h"

#include <cctype>
#include <chrono>
#include <cstdio>

#include "controlplane/show/json.h"

namespace tandem::hsrp {

namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

std::string lower(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c != ' ') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

// The letters of an interface name and the rest ("fastethernet", "0/0").
std::pair<std::string, std::string> split_name(std::string_view name) {
    const std::string l = lower(name);
    size_t i = 0;
    while (i < l.size() && std::isalpha(static_cast<unsigned char>(l[i]))) ++i;
    return {l.substr(0, i), l.substr(i)};
}

std::string hms(loop::Duration d) {
    const long long s = duration_cast<std::chrono::seconds>(d).count();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
    return buf;
}

std::string secs3(loop::Duration d) {
    const long long ms = std::max<long long>(0, duration_cast<milliseconds>(d).count());
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld.%03lld", ms / 1000, ms % 1000);
    return buf;
}

std::string timers_line(const GroupSnapshot& g) {
    if (g.hello_ms % 1000 == 0 && g.hold_ms % 1000 == 0) {
        return "Hello time " + std::to_string(g.hello_ms / 1000) + " sec, hold time " +
               std::to_string(g.hold_ms / 1000) + " sec";
    }
    return "Hello time " + std::to_string(g.hello_ms) + " msec, hold time " + std::to_string(g.hold_ms) + " msec";
}

std::string router_line(std::string_view role, bool local, const std::optional<NeighborView>& n) {
    std::string s = std::string(role) + " router is ";
    if (local) return s + "local";
    if (!n) return s + "unknown";
    s += n->ip.str() + ", priority " + std::to_string(n->priority);
    if (n->expires_in) s += " (expires in " + secs3(*n->expires_in) + " sec)";
    return s;
}

std::string default_group_name(const GroupSnapshot& g) {
    return "hsrp-" + short_interface_name(g.interface) + "-" + std::to_string(g.group);
}

bool selected(const GroupSnapshot& g, const StandbyQuery& q) {
    if (q.interface && !interface_matches(*q.interface, g.interface)) return false;
    if (q.group && *q.group != g.group) return false;
    return true;
}

void render_full(const GroupSnapshot& g, std::string& out) {
    auto line = [&out](std::string_view indent, const std::string& text) {
        out += indent;
        out += text;
        out += '\n';
    };
    line("", g.interface + " - Group " + std::to_string(g.group) + (g.version == Version::v2 ? " (version 2)" : ""));
    line("  ", "State is " + std::string(state_name(g.state)));
    line("    ", std::to_string(g.state_changes) + " state change" + (g.state_changes == 1 ? "" : "s") +
                      ", last state change " + (g.since_last_change ? hms(*g.since_last_change) : "never"));
    line("  ", "Virtual IP address is " + (g.virtual_ip ? g.virtual_ip->str() : std::string("unknown")));
    const bool active_known = g.active_local || g.active.has_value();
    line("  ", "Active virtual MAC address is " +
                   (active_known ? mac_dotted(g.virtual_mac) + (g.active_local ? " (MAC In Use)" : "")
                                 : std::string("unknown")));
    line("    ", "Local virtual MAC address is " + mac_dotted(g.virtual_mac) +
                     (g.version == Version::v1 ? " (v1 default)" : " (v2 default)"));
    line("  ", timers_line(g) + (g.timers_learned ? " (learned)" : ""));
    if (g.next_hello_in && (g.state == State::speak || g.state == State::standby || g.state == State::active)) {
        line("    ", "Next hello sent in " + secs3(*g.next_hello_in) + " secs");
    }
    if (g.md5) line("  ", "Authentication MD5, key-string");
    std::string preempt = g.preempt ? "Preemption enabled" : "Preemption disabled";
    const auto min_s = duration_cast<std::chrono::seconds>(g.preempt_minimum).count();
    const auto reload_s = duration_cast<std::chrono::seconds>(g.preempt_reload).count();
    if (g.preempt && min_s > 0) preempt += ", delay min " + std::to_string(min_s) + " secs";
    if (g.preempt && reload_s > 0) preempt += (min_s > 0 ? ", reload " : ", delay reload ") + std::to_string(reload_s) + " secs";
    line("  ", preempt);
    line("  ", router_line("Active", g.active_local, g.active));
    line("  ", router_line("Standby", g.standby_local, g.standby));
    line("  ", "Priority " + std::to_string(g.priority) + " (configured " + std::to_string(g.configured_priority) + ")");
    for (const auto& t : g.tracks) {
        line("    ", "Track " + t.key + " state " + (t.up ? "Up" : "Down") + " decrement " + std::to_string(t.decrement));
    }
    if (g.name) {
        line("  ", "Group name is \"" + *g.name + "\" (cfgd)");
    } else {
        line("  ", "Group name is \"" + default_group_name(g) + "\" (default)");
    }
}

std::string brief_address(bool local, const std::optional<NeighborView>& n) {
    if (local) return "local";
    return n ? n->ip.str() : "unknown";
}

}  // namespace

Result<StandbyQuery> parse_standby_query(const std::vector<std::string>& words) {
    StandbyQuery q;
    size_t i = 0;
    if (i < words.size() && lower(words[i]) == "brief") {
        q.brief = true;
        ++i;
    }
    if (i < words.size()) q.interface = words[i++];
    if (i < words.size()) {
        const std::string& w = words[i++];
        unsigned long n = 0;
        bool digits = !w.empty() && w.size() <= 4;
        for (char c : w) digits = digits && std::isdigit(static_cast<unsigned char>(c));
        if (digits) n = std::stoul(w);
        if (!digits || n > 4095) return Error("show standby: group '" + w + "' is not a number 0..4095");
        q.group = static_cast<uint16_t>(n);
    }
    if (i < words.size()) return Error("show standby: unexpected '" + words[i] + "'");
    return q;
}

std::string short_interface_name(std::string_view name) {
    static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
        {"TenGigabitEthernet", "Te"}, {"GigabitEthernet", "Gi"}, {"FastEthernet", "Fa"},
        {"Ethernet", "Et"}, {"Serial", "Se"}, {"Port-channel", "Po"}, {"Vlan", "Vl"},
    };
    for (const auto& [full, abbr] : kTypes) {
        if (name.substr(0, full.size()) == full) return std::string(abbr) + std::string(name.substr(full.size()));
    }
    return std::string(name);
}

bool interface_matches(std::string_view typed, std::string_view name) {
    const auto [t_type, t_rest] = split_name(typed);
    const auto [n_type, n_rest] = split_name(name);
    if (t_type.empty() || t_rest != n_rest) return false;
    return n_type.compare(0, t_type.size(), t_type) == 0;
}

std::string render_standby(const std::vector<GroupSnapshot>& groups, const StandbyQuery& q) {
    std::string out;
    if (q.brief) {
        out += "                     P indicates configured to preempt.\n";
        out += "                     |\n";
        out += "Interface   Grp  Pri P State   Active          Standby         Virtual IP\n";
        for (const auto& g : groups) {
            if (!selected(g, q)) continue;
            char buf[160];
            std::snprintf(buf, sizeof buf, "%-11s %-4u %-3u %c %-7s %-15s %-15s %s\n",
                          short_interface_name(g.interface).c_str(), unsigned{g.group}, g.priority,
                          g.preempt ? 'P' : ' ', std::string(state_name(g.state)).c_str(),
                          brief_address(g.active_local, g.active).c_str(),
                          brief_address(g.standby_local, g.standby).c_str(),
                          g.virtual_ip ? g.virtual_ip->str().c_str() : "unknown");
            out += buf;
        }
        return out;
    }
    for (const auto& g : groups) {
        if (selected(g, q)) render_full(g, out);
    }
    return out;
}

std::string render_standby_json(const std::vector<GroupSnapshot>& groups, const StandbyQuery& q) {
    std::vector<std::string> docs;
    auto ms = [](loop::Duration d) { return uint64_t(std::max<long long>(0, duration_cast<milliseconds>(d).count())); };
    auto neighbor = [&ms](show::JsonWriter& w, bool local, const std::optional<NeighborView>& n) {
        if (local) {
            w.value("local");
        } else if (!n) {
            w.null();
        } else {
            w.begin_object().key("address").value(n->ip.str()).key("priority").number(uint64_t{n->priority});
            w.key("expires_in_ms");
            if (n->expires_in) w.number(ms(*n->expires_in)); else w.null();
            w.end_object();
        }
    };
    for (const auto& g : groups) {
        if (!selected(g, q)) continue;
        show::JsonWriter w;
        w.begin_object();
        w.key("interface").value(g.interface).key("group").number(uint64_t{g.group});
        w.key("version").number(uint64_t{g.version == Version::v1 ? 1u : 2u});
        w.key("state").value(state_name(g.state));
        w.key("name").value(g.name);
        w.key("state_changes").number(g.state_changes);
        w.key("last_state_change_ms_ago");
        if (g.since_last_change) w.number(ms(*g.since_last_change)); else w.null();
        w.key("virtual_ip");
        if (g.virtual_ip) w.value(g.virtual_ip->str()); else w.null();
        w.key("virtual_ip_learned").boolean(g.virtual_ip_learned);
        w.key("virtual_mac").value(mac_dotted(g.virtual_mac));
        w.key("hello_ms").number(uint64_t{g.hello_ms}).key("hold_ms").number(uint64_t{g.hold_ms});
        w.key("timers_learned").boolean(g.timers_learned);
        w.key("preempt").boolean(g.preempt);
        w.key("preempt_delay_minimum_ms").number(ms(g.preempt_minimum));
        w.key("preempt_delay_reload_ms").number(ms(g.preempt_reload));
        w.key("active");
        neighbor(w, g.active_local, g.active);
        w.key("standby");
        neighbor(w, g.standby_local, g.standby);
        w.key("priority").number(uint64_t{g.priority}).key("configured_priority").number(uint64_t{g.configured_priority});
        w.key("authentication").value(g.md5 ? "md5" : "text");
        w.key("tracks").begin_array();
        for (const auto& t : g.tracks) {
            w.begin_object().key("track").value(t.key).key("up").boolean(t.up);
            w.key("decrement").number(uint64_t{t.decrement}).end_object();
        }
        w.end_array();
        w.key("history").begin_array();
        for (const auto& h : g.history) {
            w.begin_object().key("ms_ago").number(ms(h.ago)).key("from").value(state_name(h.from));
            w.key("to").value(state_name(h.to)).key("reason").value(h.reason).end_object();
        }
        w.end_array();
        w.key("packets").begin_object();
        w.key("hellos_in").number(g.hellos_in).key("coups_in").number(g.coups_in).key("resigns_in").number(g.resigns_in);
        w.key("hellos_out").number(g.hellos_out).key("coups_out").number(g.coups_out).key("resigns_out").number(g.resigns_out);
        w.end_object();
        w.key("drops").begin_object();
        for (const auto& [reason, n] : g.drops) w.key(reason).number(n);
        w.end_object();
        w.end_object();
        docs.push_back(w.str());
    }
    return show::json_lines_array(docs);
}

}  // namespace tandem::hsrp
