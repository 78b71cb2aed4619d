// Traffic selectors: each selector is read through a sub-reader of its Selector Length, and that
// length must be exactly what its type implies.
#include "controlplane/ike/wire/traffic_selector.h"

#include <algorithm>

namespace tandem::ike {
namespace {

constexpr size_t kSelectorHeader = 4;   // type, protocol, length
constexpr size_t kPorts = 4;

ParseError fail(ParseReason reason, size_t offset) { return ParseError{reason, offset, PayloadType::tsi}; }

std::vector<uint8_t> ipv4_bytes(Ipv4Address a) {
    uint32_t v = a.value();
    return {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16), static_cast<uint8_t>(v >> 8),
            static_cast<uint8_t>(v)};
}

Ipv4Address ipv4_from(const std::vector<uint8_t>& b) {
    if (b.size() != 4) return Ipv4Address{};
    return Ipv4Address(b[0], b[1], b[2], b[3]);
}

// `r` covers one selector after its 4-octet header.
TrafficSelector parse_selector_body(WireReader& r, TsType type, uint8_t ip_protocol) {
    TrafficSelector ts;
    ts.type = type;
    ts.ip_protocol = ip_protocol;
    size_t addr = ts_address_size(type);
    if (addr == 0) {
        auto b = r.rest();
        ts.opaque.assign(b.begin(), b.end());
        return ts;
    }
    ts.start_port = r.u16();
    ts.end_port = r.u16();
    auto start = r.bytes(addr);
    auto end = r.bytes(addr);
    ts.start_address.assign(start.begin(), start.end());
    ts.end_address.assign(end.begin(), end.end());
    return ts;
}

}  // namespace

size_t ts_address_size(TsType t) {
    switch (t) {
    case TsType::ipv4_addr_range: return 4;
    case TsType::ipv6_addr_range: return 16;
    default: return 0;
    }
}

TrafficSelector TrafficSelector::ipv4(Ipv4Address start, Ipv4Address end, uint8_t ip_protocol,
                                      uint16_t start_port, uint16_t end_port) {
    TrafficSelector ts;
    ts.type = TsType::ipv4_addr_range;
    ts.ip_protocol = ip_protocol;
    ts.start_port = start_port;
    ts.end_port = end_port;
    ts.start_address = ipv4_bytes(start);
    ts.end_address = ipv4_bytes(end);
    return ts;
}

Ipv4Address TrafficSelector::start_ipv4() const { return ipv4_from(start_address); }
Ipv4Address TrafficSelector::end_ipv4() const { return ipv4_from(end_address); }

Result<TsPayload, ParseError> TsPayload::parse(WireReader& r) {
    TsPayload p;
    uint8_t count = r.u8();
    r.skip(3);
    if (!r.ok()) return fail(ParseReason::truncated, r.position());
    for (unsigned i = 0; i < count; ++i) {
        size_t at = r.position();
        auto type = static_cast<TsType>(r.u8());
        uint8_t ip_protocol = r.u8();
        uint16_t len = r.u16();
        if (!r.ok()) return fail(ParseReason::truncated, at);
        size_t addr = ts_address_size(type);
        size_t want = addr == 0 ? len : kSelectorHeader + kPorts + 2 * addr;
        if (len < kSelectorHeader || len != want) return fail(ParseReason::bad_length, at + 2);
        WireReader body = r.sub(len - kSelectorHeader);
        if (!r.ok()) return fail(ParseReason::truncated, at);
        p.selectors.push_back(parse_selector_body(body, type, ip_protocol));
    }
    if (r.remaining() != 0) return fail(ParseReason::trailing_data, r.position());
    return p;
}

void TsPayload::serialize(WireWriter& w) const {
    if (selectors.size() > 0xff) w.fail();
    w.u8(static_cast<uint8_t>(selectors.size()));
    w.zeros(3);
    for (const auto& ts : selectors) {
        size_t start = w.size();
        w.u8(to_underlying(ts.type));
        w.u8(ts.ip_protocol);
        size_t len_at = w.placeholder(2);
        size_t addr = ts_address_size(ts.type);
        if (addr == 0) {
            w.bytes(ts.opaque);
        } else {
            if (ts.start_address.size() != addr || ts.end_address.size() != addr) w.fail();
            w.u16(ts.start_port);
            w.u16(ts.end_port);
            w.bytes(ts.start_address);
            w.bytes(ts.end_address);
        }
        w.patch(len_at, 2, w.size() - start);
    }
}

Result<void, ParseError> TsPayload::verify() const {
    auto bad = [] { return ParseError{ParseReason::bad_selector, 0, PayloadType::tsi}; };
    if (selectors.empty()) return bad();
    for (const auto& ts : selectors) {
        if (ts_address_size(ts.type) == 0) continue;   // narrowed away, never installed
        bool opaque_ports = ts.start_port == 0xffff && ts.end_port == 0;
        if (ts.start_port > ts.end_port && !opaque_ports) return bad();
        // Equal-length big-endian byte strings compare like the addresses they hold.
        if (std::lexicographical_compare(ts.end_address.begin(), ts.end_address.end(),
                                         ts.start_address.begin(), ts.start_address.end())) {
            return bad();
        }
    }
    return {};
}

}  // namespace tandem::ike
