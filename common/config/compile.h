// What a validated configuration compiles to: the per-interface security policy (the SPD the
// dataplane builds into rte_acl) and the routes that Reverse Route Injection owes to static crypto
// maps. Pure functions of the model, shared by `tandemctl config compile`, the dataplane and RRI.
//
// Cisco's crypto-map semantics, which the SPD keeps:
//  - entries are tried in sequence-number order; inside an entry, its ACL's lines in order;
//  - a `permit` line that matches protects the packet with that entry (PROTECT);
//  - a `deny` line that matches means "not this entry": the search goes on with the next entry
//    (SKIP_ENTRY), it does not drop;
//  - a packet no entry protects is forwarded in the clear (the final BYPASS);
//  - a dynamic-map entry contributes no outbound rule until an SA is negotiated through it.
//
// Static RRI (the seed's "Reverse Route Injection on a Static Crypto Map"): for each entry with
// `reverse-route` (and not `follow_sa`) of a crypto map applied to an interface that is not shut
// down, one route per destination of the entry's ACL permit lines — present as soon as the map is
// applied, with or without SAs. The next hop is `remote-peer` when set, else the crypto interface
// itself. Entries without `reverse-route` produce none. Routes of a map bound to an HSRP group
// carry the group's name: they exist only while that group is Active.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/config/model.h"

namespace tandem::config {

enum class SpdAction : uint8_t { protect, skip_entry, bypass };
std::string_view to_string(SpdAction);

struct SpdRule {
    SpdAction action = SpdAction::bypass;
    uint32_t seq = 0;        // crypto map entry
    size_t acl_line = 0;     // 0-based index in the ACL (remarks counted)
    uint8_t protocol = 0;
    Ipv4Wildcard source = Ipv4Wildcard::any();
    PortMatch source_ports;
    Ipv4Wildcard destination = Ipv4Wildcard::any();
    PortMatch destination_ports;
    std::vector<Ipv4Address> peers;
};

struct InterfacePolicy {
    std::string interface;
    std::string map;
    // The local tunnel endpoint: the standby virtual IP with `redundancy`, else the interface
    // address; none when neither is known.
    std::optional<Ipv4Address> local_endpoint;
    std::optional<std::string> standby_name;  // set with `redundancy`
    std::vector<SpdRule> rules;               // in evaluation order, ending with BYPASS
    std::vector<std::pair<uint32_t, std::string>> dynamic_templates;  // (seq, dynamic map)
};

struct RriRoute {
    Ipv4Prefix prefix;
    std::string interface;                 // the crypto interface
    std::optional<Ipv4Address> next_hop;   // remote-peer, when set
    uint8_t distance = 1;
    std::optional<uint32_t> tag;
    std::optional<uint32_t> metric;
    std::string map;
    uint32_t seq = 0;
    std::optional<std::string> standby_name;  // only while this HSRP group is Active
    bool shadowed_by_static = false;       // the operator configured this prefix: RRI leaves it be
};

std::vector<InterfacePolicy> compile_policies(const Config& cfg);
std::vector<RriRoute> static_rri_routes(const Config& cfg);

// Human-readable summary of both, as `tandemctl config compile` prints it.
std::string render_compiled(const Config& cfg);

}  // namespace tandem::config
