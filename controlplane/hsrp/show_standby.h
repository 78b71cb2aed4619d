// `show standby [brief] [INTERFACE [GROUP]]` in IOS 15 form, and its `--json` twin: pure
// functions of group snapshots (snapshot.h), so they are tested without a running group.
//
//   FastEthernet0/0 - Group 1
//     State is Active
//       2 state changes, last state change 00:01:23
//     Virtual IP address is 192.168.0.3
//     Active virtual MAC address is 0000.0c07.ac01 (MAC In Use)
//       Local virtual MAC address is 0000.0c07.ac01 (v1 default)
//     Hello time 3 sec, hold time 10 sec
//       Next hello sent in 2.496 secs
//     Preemption enabled, delay min 5 secs
//     Active router is local
//     Standby router is 192.168.0.2, priority 100 (expires in 8.816 sec)
//     Priority 110 (configured 110)
//     Group name is "group1" (cfgd)
//
// The brief form is one line per group under IOS's two-line legend and header. Interfaces may
// be typed as IOS allows (`fa0/0`, `FastEthernet 0/0`).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "controlplane/hsrp/snapshot.h"

namespace tandem::hsrp {

struct StandbyQuery {
    bool brief = false;
    std::optional<std::string> interface;
    std::optional<uint16_t> group;
};

// The words after `show standby`: [brief] [INTERFACE [GROUP]].
Result<StandbyQuery> parse_standby_query(const std::vector<std::string>& words);

// "FastEthernet0/0" -> "Fa0/0", as `show standby brief` prints interface names.
std::string short_interface_name(std::string_view name);
// Whether `typed` names `name` (case, spacing and type abbreviation as IOS allows).
bool interface_matches(std::string_view typed, std::string_view name);

std::string render_standby(const std::vector<GroupSnapshot>& groups, const StandbyQuery& q);
// A JSON array, one object per group selected by the query (brief or not).
std::string render_standby_json(const std::vector<GroupSnapshot>& groups, const StandbyQuery& q);

}  // namespace tandem::hsrp
