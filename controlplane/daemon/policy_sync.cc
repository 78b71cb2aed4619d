#include "controlplane/daemon/policy_sync.h"

#include "common/ipv4_ranges.h"
#include "dataplane/tables/spd_compile.h"

namespace tandem::control {

std::optional<uint16_t> dataplane_port(const config::Config& cfg, const std::string& interface) {
    uint16_t p = 0;
    for (const auto& i : cfg.interfaces) {
        if (!i.port) continue;
        if (i.name == interface) return p;
        ++p;
    }
    return std::nullopt;
}

uint32_t PolicySet::id_for(const std::string& map, uint32_t seq) {
    auto [it, fresh] = ids_.try_emplace({map, seq}, next_id_);
    if (fresh) ++next_id_;
    return it->second;
}

Result<void> PolicySet::build(const config::Config& cfg) {
    PolicySet next = *this;
    next.compiled_ = config::compile_policies(cfg);
    next.ports_.clear();
    next.port_of_.clear();
    for (const auto& i : cfg.interfaces) {
        if (auto p = dataplane_port(cfg, i.name)) {
            next.ports_[*p] = true;
            next.port_of_[i.name] = *p;
        }
    }
    // SAs of dynamic entries that no longer exist lose their rules (the daemon deletes the SAs).
    std::erase_if(next.dynamic_, [&](const Dynamic& d) { return !next.port_of_.contains(d.interface); });
    if (auto r = next.flatten_all(); !r) return r;
    *this = std::move(next);
    return {};
}

namespace {

PortMatch port_match(PortRange r) {
    if (r.lo == 0 && r.hi == 65535) return PortMatch{};
    if (r.lo == r.hi) return PortMatch{PortMatch::Op::eq, r.lo, 0};
    return PortMatch{PortMatch::Op::range, r.lo, r.hi};
}

}  // namespace

Result<void> PolicySet::flatten_all() {
    std::map<uint16_t, std::vector<dpapi::PolicyRule>> rules;
    std::vector<PolicyEntry> entries;
    for (const auto& [port, _] : ports_) rules[port];
    for (const auto& ip : compiled_) {
        auto pit = port_of_.find(ip.interface);
        if (pit == port_of_.end()) continue;  // an interface the dataplane does not own
        const uint16_t port = pit->second;
        // Entries scaled by 2^16; a dynamic entry's SAs at seq*2^16 + 1, 2, ... (in SA order).
        std::vector<config::SpdRule> scaled;
        std::map<uint32_t, uint32_t> dynamic_ids;  // scaled seq -> policy id
        uint32_t n = 0;
        auto add_dynamic_rules = [&](uint32_t seq) {
            for (const auto& d : dynamic_) {
                if (d.map != ip.map || d.seq != seq || d.interface != ip.interface) continue;
                const uint32_t s = (seq << 16) + (++n & 0xffff);
                dynamic_ids[s] = d.policy_id;
                for (const auto& src : range_prefixes(d.sel.local_first, d.sel.local_last)) {
                    for (const auto& dst : range_prefixes(d.sel.remote_first, d.sel.remote_last)) {
                        config::SpdRule r;
                        r.action = config::SpdAction::protect;
                        r.seq = s;
                        r.protocol = d.sel.protocol;
                        r.source = Ipv4Wildcard::from_prefix(src);
                        r.source_ports = port_match(d.sel.local_ports);
                        r.destination = Ipv4Wildcard::from_prefix(dst);
                        r.destination_ports = port_match(d.sel.remote_ports);
                        scaled.push_back(r);
                    }
                }
            }
        };
        std::vector<uint32_t> dyn_seqs;
        for (const auto& [seq, _] : ip.dynamic_templates) dyn_seqs.push_back(seq);
        for (const auto& r : ip.rules) {
            // Dynamic entries sort by sequence number among the static ones.
            while (!dyn_seqs.empty() && (r.action == config::SpdAction::bypass || dyn_seqs.front() < r.seq)) {
                add_dynamic_rules(dyn_seqs.front());
                dyn_seqs.erase(dyn_seqs.begin());
            }
            config::SpdRule s = r;
            if (s.action != config::SpdAction::bypass) s.seq = r.seq << 16;
            scaled.push_back(s);
        }
        for (uint32_t seq : dyn_seqs) add_dynamic_rules(seq);

        dp::SpdCompileOptions o;
        o.port = port;
        o.policy_id_for = [&](uint32_t scaled_seq) {
            if (auto it = dynamic_ids.find(scaled_seq); it != dynamic_ids.end()) return it->second;
            const uint32_t seq = scaled_seq >> 16;
            uint32_t id = id_for(ip.map, seq);
            entries.push_back(PolicyEntry{id, ip.map, seq, ip.interface, port, ip.local_endpoint});
            return id;
        };
        auto flat = dp::flatten_spd(scaled, o);
        if (!flat) return Error("crypto map " + ip.map + " on " + ip.interface + ": " + flat.error().message);
        rules[port] = std::move(*flat);
    }
    rules_ = std::move(rules);
    entries_ = std::move(entries);
    return {};
}

Result<uint32_t> PolicySet::add_dynamic(const std::string& map, uint32_t seq, const std::string& interface,
                                        const DynamicSelectors& sel) {
    if (!port_of_.contains(interface)) return Error("interface " + interface + " has no dataplane port");
    uint32_t id;
    if (!free_ids_.empty()) {
        id = free_ids_.back();
        free_ids_.pop_back();
    } else {
        id = next_id_++;
    }
    dynamic_.push_back(Dynamic{id, map, seq, interface, sel});
    if (auto r = flatten_all(); !r) {
        dynamic_.pop_back();
        free_ids_.push_back(id);
        (void)flatten_all();
        return r.error();
    }
    return id;
}

void PolicySet::remove_dynamic(uint32_t policy_id) {
    if (std::erase_if(dynamic_, [&](const Dynamic& d) { return d.policy_id == policy_id; }) > 0)
        free_ids_.push_back(policy_id);
    (void)flatten_all();
}

std::optional<uint16_t> PolicySet::port_of(const std::string& interface) const {
    auto it = port_of_.find(interface);
    if (it == port_of_.end()) return std::nullopt;
    return it->second;
}

const PolicyEntry* PolicySet::entry(uint32_t policy_id) const {
    for (const auto& e : entries_)
        if (e.policy_id == policy_id) return &e;
    return nullptr;
}

const PolicyEntry* PolicySet::entry(const std::string& map, uint32_t seq) const {
    for (const auto& e : entries_)
        if (e.map == map && e.seq == seq) return &e;
    return nullptr;
}

}  // namespace tandem::control
