// Flattening Cisco crypto-map policy into a first-match SPD with only PROTECT, BYPASS and DISCARD.
//
// Model. compile_policies() (common/config/compile.h) yields, per interface, the crypto map's ACL
// lines in evaluation order: entries by sequence number, lines in ACL order, then one final BYPASS.
// Cisco evaluates them *per entry*:
//
//   result(packet, entry k) = the first line of entry k that matches:
//                               permit -> PROTECT with entry k
//                               deny   -> result(packet, entry k+1)    ("not this entry")
//                             no line matches -> result(packet, entry k+1)
//   result(packet, past the last entry) = BYPASS
//
// A deny line is therefore not a verdict; rte_acl only knows "first match wins with a verdict".
// flatten_spd() builds, from the last entry back to the first, the first-match list F(k) that
// computes result(., k):
//
//   F(last + 1) = [ BYPASS any ]
//   F(k)        = for each line L of entry k, in order:
//                   permit: L as PROTECT(policy of entry k)
//                   deny:   L ∩ R for each R in F(k+1), with R's verdict, stopping after the first
//                           R that contains L, then L as BYPASS (a safety net; F(k+1) always ends
//                           with a catch-all, so it is shadowed)
//                 then F(k+1)
//
// Because wildcards are contiguous (prefixes) and ports are ranges, the intersection of two rules
// is one rule or nothing, and empty intersections are dropped. The list can still grow with many
// deny lines in many entries (each deny copies the later entries' rules it overlaps); `max_rules`
// bounds it and flatten_spd() fails rather than exceed it.
//
// Port operators become ranges: eq p = [p,p], lt p = [0,p-1], gt p = [p+1,65535], range a b =
// [a,b], and neq p becomes two rules [0,p-1] and [p+1,65535] (so one ACL line may yield up to four
// rules). Discontiguous wildcards cannot be classified by prefix and are an error (validation
// rejects them in crypto ACLs; this check is the dataplane's own).
//
// PROTECT rules take the policy_id the caller allocates for (crypto map entry seq); the same id
// for every line of one entry, which is what the outbound SA of that entry serves. DISCARD does not
// arise from crypto maps; the output only uses PROTECT and BYPASS.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "common/config/compile.h"
#include "common/dpapi/types.h"
#include "common/result.h"

namespace tandem::dp {

struct SpdCompileOptions {
    uint16_t port = 0;                  // the dataplane port the rules guard
    uint32_t first_priority = 0;        // priorities are first_priority, +1, +2, ...
    size_t max_rules = 100000;
    // Policy id of the crypto map entry with sequence number `seq` (called once per entry that
    // has PROTECT rules). The caller knows the map name and keeps ids stable across rebuilds.
    std::function<uint32_t(uint32_t seq)> policy_id_for;
};

Result<std::vector<dpapi::PolicyRule>> flatten_spd(std::span<const config::SpdRule> rules,
                                                   const SpdCompileOptions& options);

// The inbound SPD of a port, for traffic arriving on it in the clear (RFC 4301 section 5.2).
//
// A port's rules describe outbound traffic (our side -> their side). What arrives from their side
// is the mirror image, so the inbound list is the outbound one with source and destination
// (addresses and port ranges) swapped, in the same order with the same priorities, verdicts and
// policy ids:
//
//   outbound  PROTECT(7) 10.1.0.0/24 any -> 10.2.1.0/24 eq 80
//   inbound   PROTECT(7) 10.2.1.0/24 eq 80 -> 10.1.0.0/24 any
//
// First match over the mirrored list gives a packet the verdict its mirror (reply) gets outbound,
// because swapping both the rules and the packet preserves every match. The worker applies it to
// cleartext transit packets arriving on the port: PROTECT means "should have come through a
// tunnel" (dropped, cleartext_protected), DISCARD drops (policy_discard), BYPASS passes. Packets
// decrypted from an SA are not looked up: their SA's selectors were checked instead.
std::vector<dpapi::PolicyRule> mirror_policies(std::span<const dpapi::PolicyRule> rules);

// True when the mirrored list can refuse anything (it has a PROTECT or DISCARD rule); a list of
// BYPASS rules only needs no inbound look-up.
bool inbound_check_needed(std::span<const dpapi::PolicyRule> rules);

}  // namespace tandem::dp
