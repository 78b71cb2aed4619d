// IKE header and generic payload header: read, write, check.
#include "controlplane/ike/wire/header.h"

namespace tandem::ike {

Result<IkeHeader, ParseError> IkeHeader::parse(WireReader& r) {
    size_t start = r.position();
    IkeHeader h;
    h.spi_i = r.u64();
    h.spi_r = r.u64();
    h.next_payload = static_cast<PayloadType>(r.u8());
    uint8_t version = r.u8();
    h.major_version = version >> 4;
    h.minor_version = version & 0x0f;
    h.exchange = static_cast<ExchangeType>(r.u8());
    h.flags = r.u8() & header_flags::known;
    h.message_id = r.u32();
    h.length = r.u32();
    if (!r.ok()) return ParseError{ParseReason::truncated, r.position(), PayloadType::none};
    if (h.major_version > kMajorVersion) return ParseError{ParseReason::bad_major_version, start + 17, {}};
    if (h.major_version < kMajorVersion) return ParseError{ParseReason::legacy_major_version, start + 17, {}};
    return h;
}

void IkeHeader::serialize(WireWriter& w) const {
    w.u64(spi_i);
    w.u64(spi_r);
    w.u8(to_underlying(next_payload));
    w.u8(static_cast<uint8_t>((major_version << 4) | (minor_version & 0x0f)));
    w.u8(to_underlying(exchange));
    w.u8(flags & header_flags::known);
    w.u32(message_id);
    w.u32(length);
}

Result<void, ParseError> IkeHeader::verify() const {
    if (spi_i == 0) return ParseError{ParseReason::bad_header, 0, PayloadType::none};
    return {};
}

Result<GenericHeader, ParseError> GenericHeader::parse(WireReader& r) {
    size_t start = r.position();
    GenericHeader g;
    g.next_payload = static_cast<PayloadType>(r.u8());
    g.critical = (r.u8() & kCriticalBit) != 0;
    g.length = r.u16();
    if (!r.ok()) return ParseError{ParseReason::truncated, start, PayloadType::none};
    if (g.length < kGenericHeaderSize) return ParseError{ParseReason::bad_length, start + 2, PayloadType::none};
    return g;
}

void GenericHeader::serialize(WireWriter& w) const {
    w.u8(to_underlying(next_payload));
    w.u8(critical ? kCriticalBit : 0);
    w.u16(length);
}

}  // namespace tandem::ike
