// The outbound security policy tandem-control keeps installed in the dataplane.
//
// Model. From the configuration, compile_policies() (common/config/compile.h) gives each outside
// interface's crypto-map lines in Cisco order; flatten_spd() (dataplane/tables/spd_compile.h)
// turns them into the dataplane's first-match PROTECT/BYPASS list. Each crypto map entry with
// PROTECT lines gets a policy id, stable for the life of the process (the same (map, seq) keeps
// its id across reloads), so an ACQUIRE's policy id names the entry to negotiate for, and an SA
// installed for an entry keeps serving it after a reload.
//
// The dataplane port of an interface is its position among the configuration's interfaces that
// have a `port` (the order tandem-dataplane opens them in).
//
// Dynamic crypto maps contribute no rule until a CHILD SA is negotiated through them; then
// add_dynamic() inserts PROTECT rules for the negotiated selectors at the dynamic entry's place in
// the map's sequence order, under a policy id of their own (the SA's outbound serves it), and
// remove_dynamic() takes them out when the SA goes. Internally every entry's sequence number is
// scaled by 2^16 so the SA rules of one dynamic entry sort between it and the next entry.
//
// The daemon pushes every port's rule set (POLICY_SET replaces a port's whole list atomically) when
// the link comes up and after a reload; a port whose interface no longer has a crypto map gets an
// empty list (forward in the clear).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/config/compile.h"
#include "common/config/model.h"
#include "common/dpapi/types.h"
#include "common/result.h"

namespace tandem::control {

// The crypto map entry behind a policy id.
struct PolicyEntry {
    uint32_t policy_id = 0;
    std::string map;
    uint32_t seq = 0;
    std::string interface;
    uint16_t port = 0;
    std::optional<Ipv4Address> local_endpoint;
};

std::optional<uint16_t> dataplane_port(const config::Config& cfg, const std::string& interface);

class PolicySet {
public:
    // Recomputes every port's rules for `cfg`. Fails (and changes nothing) when a map cannot be
    // flattened within the rule limit.
    Result<void> build(const config::Config& cfg);

    // port -> rules, for every port of the configuration (empty lists included).
    const std::map<uint16_t, std::vector<dpapi::PolicyRule>>& rules() const { return rules_; }
    const PolicyEntry* entry(uint32_t policy_id) const;
    const PolicyEntry* entry(const std::string& map, uint32_t seq) const;
    const std::vector<PolicyEntry>& entries() const { return entries_; }

    // A dynamic CHILD SA's rules: local -> remote selectors (address ranges, one protocol and
    // port range each) under crypto map `map` entry `seq` on `interface`. Returns the policy id.
    struct DynamicSelectors {
        Ipv4Address local_first, local_last, remote_first, remote_last;
        uint8_t protocol = 0;
        PortRange local_ports, remote_ports;
    };
    Result<uint32_t> add_dynamic(const std::string& map, uint32_t seq, const std::string& interface,
                                 const DynamicSelectors& sel);
    void remove_dynamic(uint32_t policy_id);
    std::optional<uint16_t> port_of(const std::string& interface) const;

private:
    struct Dynamic {
        uint32_t policy_id;
        std::string map;
        uint32_t seq;
        std::string interface;
        DynamicSelectors sel;
    };
    Result<void> flatten_all();
    std::vector<config::InterfacePolicy> compiled_;
    std::map<uint16_t, bool> ports_;
    std::map<std::string, uint16_t> port_of_;
    std::vector<Dynamic> dynamic_;
    std::vector<uint32_t> free_ids_;  // released dynamic ids, reused (ids index dataplane arrays)

    uint32_t id_for(const std::string& map, uint32_t seq);

    std::map<std::pair<std::string, uint32_t>, uint32_t> ids_;  // never shrinks: ids stay stable
    uint32_t next_id_ = 1;
    std::map<uint16_t, std::vector<dpapi::PolicyRule>> rules_;
    std::vector<PolicyEntry> entries_;
};

}  // namespace tandem::control
