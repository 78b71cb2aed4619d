#include "controlplane/daemon/policy_sync.h"

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
    std::map<uint16_t, std::vector<dpapi::PolicyRule>> rules;
    std::vector<PolicyEntry> entries;
    for (const auto& i : cfg.interfaces) {
        if (auto p = dataplane_port(cfg, i.name)) rules[*p];
    }
    for (const auto& ip : config::compile_policies(cfg)) {
        auto port = dataplane_port(cfg, ip.interface);
        if (!port) continue;  // an interface the dataplane does not own
        dp::SpdCompileOptions o;
        o.port = *port;
        o.policy_id_for = [&](uint32_t seq) {
            uint32_t id = id_for(ip.map, seq);
            entries.push_back(PolicyEntry{id, ip.map, seq, ip.interface, *port, ip.local_endpoint});
            return id;
        };
        auto flat = dp::flatten_spd(ip.rules, o);
        if (!flat) return Error("crypto map " + ip.map + " on " + ip.interface + ": " + flat.error().message);
        rules[*port] = std::move(*flat);
    }
    rules_ = std::move(rules);
    entries_ = std::move(entries);
    return {};
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
