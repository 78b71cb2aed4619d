// The live-state show commands, as IOS 15 prints them, and as JSON:
//
//   show crypto ikev2 sa [detail]
//   show crypto ipsec sa [map NAME | address | identity | peer ADDR] [detail]
//
// Model. Like the configuration-side commands (show.h), each is a pure function: of a list of
// views the daemon fills from the IKE engine's snapshot (controlplane/ike/engine.h), the crypto
// map each CHILD SA belongs to, and the dataplane's per-SA counters (common/dpapi/stats.h). The
// renderers never ask anything themselves, so the same views give the same text.
//
// Text follows IOS's layout line for line where IOS has the fact; lines for facts Tandem does not
// have (MTUs, compression failures, flow ids, fragmentation) are left out rather than printed as
// invented zeros. A counter the dataplane did not report (the view's stats are nullopt) prints
// as `n/a`. Errors are returned without IOS's leading "% ", which the CLI adds.
//
// JSON is an array with one object per IKE SA (ikev2 sa) or per CHILD SA (ipsec sa), carrying
// every fact whatever the form: `detail`, `address` and `identity` change the text layout only,
// filters choose the objects. Absent facts are null, never missing. Field names are listed in
// ikev2_sa.cc and ipsec_sa.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/dpapi/stats.h"
#include "common/result.h"
#include "controlplane/ike/engine.h"

namespace tandem::show {

// One IKE SA of `show crypto ikev2 sa`.
struct IkeSaView {
    ike::IkeSaSnapshot sa;
    // The IKE SA's lifetime (PeerPolicy::ike_lifetime_seconds), the `Life` of `Life/Active Time`;
    // the active time is this less sa.lifetime_remaining_s.
    uint32_t lifetime_seconds = 86400;
};

// One CHILD SA (an inbound and an outbound ESP SA) of `show crypto ipsec sa`.
struct IpsecSaView {
    ike::ChildSaSnapshot child;
    uint32_t ike_sa_id = 0;
    ike::Endpoint local;            // the IKE SA's endpoints now: where ESP runs
    ike::Endpoint remote;
    bool natt = false;              // ESP in UDP (RFC 3948)
    std::string interface;          // where the crypto map is applied; "" when not known
    std::string map;                // the crypto map of child.tag; "" when not known
    std::optional<uint32_t> map_seq;
    uint64_t lifetime_kilobytes = 0;  // the volume lifetime of each ESP SA; 0: none
    uint32_t replay_window = 64;      // 0: anti-replay off
    std::optional<dpapi::SaStats> inbound;   // nullopt: the dataplane did not report the SA
    std::optional<dpapi::SaStats> outbound;
};

// The view's IKE-side facts (ike_sa_id, endpoints, NAT-T) filled from the IKE SA `child` is in;
// the daemon adds the map, lifetimes and counters.
IpsecSaView ipsec_sa_view(const ike::IkeSaSnapshot& ike_sa, const ike::ChildSaSnapshot& child);

Result<std::string> show_ikev2_sa(const std::vector<IkeSaView>& sas, const std::vector<std::string>& args, bool json);

Result<std::string> show_ipsec_sa(const std::vector<IpsecSaView>& sas, const std::vector<std::string>& args,
                                  bool json);

}  // namespace tandem::show
