// Traffic-selector narrowing (RFC 7296 2.9).
//
// A responder answers the selectors the initiator proposed with their intersection with its own
// policy: addresses, protocol (0 is "any") and ports each intersected. The engine installs one
// selector pair per CHILD SA (the dataplane's SaParams holds one selector), so of several proposed
// selectors the one whose intersection covers the most addresses wins; when the initiator put the
// triggering packet first (2.9: "the first TS of each payload may be the packet"), the broader
// policy range that follows it is therefore chosen, and it still contains the packet.
//
// IPv6 selectors never intersect an IPv4 policy and are narrowed away. OPAQUE ports (start 65535,
// end 0) intersect nothing, so a proposal holding only those is TS_UNACCEPTABLE.
#pragma once

#include <optional>
#include <span>

#include "controlplane/ike/policy.h"
#include "controlplane/ike/wire/traffic_selector.h"

namespace tandem::ike {

// One proposed selector against a policy range; nullopt when the intersection is empty.
std::optional<TsRange> intersect(const TrafficSelector& proposed, const TsRange& policy);
std::optional<TsRange> intersect(const TsRange& a, const TsRange& b);

// The widest non-empty intersection of any proposed selector with the policy.
std::optional<TsRange> narrow(std::span<const TrafficSelector> proposed, const TsRange& policy);

// A wire selector as a TsRange (IPv4 only).
std::optional<TsRange> from_wire(const TrafficSelector& ts);

}  // namespace tandem::ike
