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
// sync() pushes every port's rule set (POLICY_SET replaces a port's whole list atomically) when
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

private:
    uint32_t id_for(const std::string& map, uint32_t seq);

    std::map<std::pair<std::string, uint32_t>, uint32_t> ids_;  // never shrinks: ids stay stable
    uint32_t next_id_ = 1;
    std::map<uint16_t, std::vector<dpapi::PolicyRule>> rules_;
    std::vector<PolicyEntry> entries_;
};

}  // namespace tandem::control
