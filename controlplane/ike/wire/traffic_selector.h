// Traffic Selector payloads, TSi and TSr (RFC 7296 3.13): a count and that many selectors, each
// an IP protocol, a port range and an address range.
//
// Tandem is IPv4 only, but an initiator may offer IPv6 ranges alongside IPv4 ones; those are
// parsed and kept (TS_IPV6_ADDR_RANGE) so the responder can narrow them away instead of refusing
// the payload. A selector type the codec does not know keeps its body opaque -- its layout (ports
// or not) is not known -- and the Selector Length still lets parsing step over it.
//
// Ports: 0..65535 is "any"; start 65535 with end 0 is "OPAQUE" (3.13.1), the only allowed range
// with start above end. For ICMP the ports carry type and code.
#pragma once

#include <cstdint>
#include <vector>

#include "common/ipv4.h"
#include "common/result.h"
#include "common/wire.h"
#include "controlplane/ike/wire/constants.h"
#include "controlplane/ike/wire/parse_error.h"

namespace tandem::ike {

// One selector (3.13.1). Address fields are 4 octets for type 7, 16 for type 8.
//       +---------------+---------------+---------------+---------------+
//     0 |    TS Type    |IP Protocol ID |        Selector Length        |
//       +---------------+---------------+---------------+---------------+
//     4 |           Start Port          |            End Port           |
//       +---------------+---------------+---------------+---------------+
//     8 ~                         Starting Address                      ~
//       +---------------------------------------------------------------+
//       ~                         Ending Address                        ~
//       +---------------------------------------------------------------+
struct TrafficSelector {
    TsType type = TsType::ipv4_addr_range;
    uint8_t ip_protocol = 0;           // 0: any
    uint16_t start_port = 0;
    uint16_t end_port = 0xffff;
    std::vector<uint8_t> start_address;
    std::vector<uint8_t> end_address;
    std::vector<uint8_t> opaque;       // unknown type: everything after the Selector Length

    static TrafficSelector ipv4(Ipv4Address start, Ipv4Address end, uint8_t ip_protocol = 0,
                                uint16_t start_port = 0, uint16_t end_port = 0xffff);
    bool is_ipv4() const { return type == TsType::ipv4_addr_range; }
    // The range of an IPv4 selector (meaningless for other types).
    Ipv4Address start_ipv4() const;
    Ipv4Address end_ipv4() const;

    bool operator==(const TrafficSelector&) const = default;
};

// Address size of a known selector type, 0 for others.
size_t ts_address_size(TsType t);

// TS payload body (3.13).
//       +---------------+---------------+---------------+---------------+
//     0 | Number of TSs |                 RESERVED                      |
//       +---------------+---------------+---------------+---------------+
//     4 ~                       Traffic Selectors                       ~
//       +---------------------------------------------------------------+
struct TsPayload {
    std::vector<TrafficSelector> selectors;

    static Result<TsPayload, ParseError> parse(WireReader& r);
    void serialize(WireWriter& w) const;
    // At least one selector; address ranges start <= end; ports start <= end unless OPAQUE.
    Result<void, ParseError> verify() const;
    bool operator==(const TsPayload&) const = default;
};

}  // namespace tandem::ike
