// The configuration-side show commands, as IOS prints them, and as JSON:
//
//   show crypto ipsec transform-set [tag NAME]
//   show crypto map [interface IF | tag NAME]
//   show crypto dynamic-map [tag NAME]
//
// Model. Each is a pure function of the configuration (plus, for `Current peer`, an optional
// look-up of live state): `args` are the words after the command's keywords, as the command
// registry (controlplane/cli/command_registry.h) hands them over; `json` is its --json flag. The
// text follows IOS 15's layout line for line where IOS has the fact (spaces stand in for IOS's
// tab stops); facts Tandem has and IOS does not print (reverse-route options, the IKEv2 proposal
// an entry is restricted to, the HSRP group behind `redundancy`) are added as lines in the same
// style. Errors are returned without IOS's leading "% ", which the CLI adds.
//
// JSON is an array with one object per transform set or per map entry, in display order (field
// names are listed in docs beside each renderer: transform_sets.cc, crypto_map.cc,
// dynamic_map.cc). Absent optional facts are null, never missing.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/config/model.h"
#include "common/result.h"

namespace tandem::show {

// Live state for `Current peer:`: the peer the entry's SAs are with now, or nullopt when there is
// none (or it is not known), in which case the entry's first `set peer` is shown, as IOS does.
using CurrentPeerFn = std::function<std::optional<Ipv4Address>(const std::string& map, uint32_t seq)>;

Result<std::string> show_transform_sets(const config::Config& cfg, const std::vector<std::string>& args, bool json);

Result<std::string> show_crypto_map(const config::Config& cfg, const std::vector<std::string>& args, bool json,
                                    const CurrentPeerFn& current_peer = {});

Result<std::string> show_dynamic_map(const config::Config& cfg, const std::vector<std::string>& args, bool json);

}  // namespace tandem::show
