// Parsing, writing and checking of the flat payload bodies. Each parser reads its fixed fields,
// fails as `truncated` if they are not all there, and takes the rest of its reader as data.
#include "controlplane/ike/wire/payloads.h"

namespace tandem::ike {
namespace {

std::vector<uint8_t> rest_of(WireReader& r) {
    auto b = r.rest();
    return {b.begin(), b.end()};
}

ParseError truncated(WireReader& r, PayloadType t) { return ParseError{ParseReason::truncated, r.position(), t}; }
ParseError invalid(ParseReason reason, PayloadType t) { return ParseError{reason, 0, t}; }

}  // namespace

size_t ke_data_size(DhGroup g) {
    switch (g) {
    case DhGroup::modp_2048: return 256;
    case DhGroup::ecp_256: return 64;
    case DhGroup::ecp_384: return 96;
    case DhGroup::ecp_521: return 132;
    case DhGroup::curve25519: return 32;
    default: return 0;
    }
}

Result<KePayload, ParseError> KePayload::parse(WireReader& r) {
    KePayload ke;
    ke.group = static_cast<DhGroup>(r.u16());
    r.u16();   // RESERVED
    if (!r.ok()) return truncated(r, kType);
    ke.data = rest_of(r);
    return ke;
}

void KePayload::serialize(WireWriter& w) const {
    w.u16(to_underlying(group));
    w.u16(0);
    w.bytes(data);
}

Result<void, ParseError> KePayload::verify() const {
    size_t want = ke_data_size(group);
    if (data.empty() || (want != 0 && data.size() != want)) return invalid(ParseReason::bad_ke_data, kType);
    return {};
}

Result<IdPayload, ParseError> IdPayload::parse(WireReader& r) {
    IdPayload id;
    id.type = static_cast<IdType>(r.u8());
    r.skip(3);
    if (!r.ok()) return truncated(r, PayloadType::idi);
    id.data = rest_of(r);
    return id;
}

void IdPayload::serialize(WireWriter& w) const {
    w.u8(to_underlying(type));
    w.zeros(3);
    w.bytes(data);
}

Result<void, ParseError> IdPayload::verify() const {
    bool ok = !data.empty();
    if (type == IdType::ipv4_addr) ok = data.size() == 4;
    if (type == IdType::ipv6_addr) ok = data.size() == 16;
    if (!ok) return invalid(ParseReason::bad_id, PayloadType::idi);
    return {};
}

Result<AuthPayload, ParseError> AuthPayload::parse(WireReader& r) {
    AuthPayload a;
    a.method = static_cast<AuthMethod>(r.u8());
    r.skip(3);
    if (!r.ok()) return truncated(r, kType);
    a.data = rest_of(r);
    return a;
}

void AuthPayload::serialize(WireWriter& w) const {
    w.u8(to_underlying(method));
    w.zeros(3);
    w.bytes(data);
}

Result<void, ParseError> AuthPayload::verify() const {
    if (data.empty()) return invalid(ParseReason::bad_auth, kType);
    return {};
}

Result<NoncePayload, ParseError> NoncePayload::parse(WireReader& r) {
    return NoncePayload{rest_of(r)};
}

void NoncePayload::serialize(WireWriter& w) const { w.bytes(data); }

Result<void, ParseError> NoncePayload::verify() const {
    if (data.size() < kMinNonce || data.size() > kMaxNonce) return invalid(ParseReason::bad_nonce_length, kType);
    return {};
}

NotifyPayload NotifyPayload::make(NotifyType type, std::vector<uint8_t> data) {
    NotifyPayload n;
    n.type = type;
    n.data = std::move(data);
    return n;
}

Result<NotifyPayload, ParseError> NotifyPayload::parse(WireReader& r) {
    NotifyPayload n;
    n.protocol = static_cast<ProtocolId>(r.u8());
    uint8_t spi_size = r.u8();
    n.type = static_cast<NotifyType>(r.u16());
    auto spi = r.bytes(spi_size);
    if (!r.ok()) return truncated(r, kType);
    n.spi.assign(spi.begin(), spi.end());
    n.data = rest_of(r);
    return n;
}

void NotifyPayload::serialize(WireWriter& w) const {
    if (spi.size() > 0xff) w.fail();
    w.u8(to_underlying(protocol));
    w.u8(static_cast<uint8_t>(spi.size()));
    w.u16(to_underlying(type));
    w.bytes(spi);
    w.bytes(data);
}

Result<void, ParseError> NotifyPayload::verify() const {
    auto bad = [] { return invalid(ParseReason::bad_notify, kType); };
    bool child = protocol == ProtocolId::esp || protocol == ProtocolId::ah;
    switch (spi.size()) {
    case 0: break;
    case 4: if (!child) return bad(); break;
    case 8: if (protocol != ProtocolId::ike) return bad(); break;
    default: return bad();
    }
    switch (type) {
    case NotifyType::nat_detection_source_ip:
    case NotifyType::nat_detection_destination_ip:
        if (data.size() != 20) return bad();   // SHA-1 digest (2.23)
        break;
    case NotifyType::cookie:
        if (data.empty() || data.size() > 64) return bad();   // 2.6
        break;
    case NotifyType::invalid_ke_payload:
        if (data.size() != 2) return bad();   // the accepted group
        break;
    case NotifyType::set_window_size:
        if (data.size() != 4) return bad();
        break;
    case NotifyType::unsupported_critical_payload:
        if (data.size() != 1) return bad();
        break;
    case NotifyType::rekey_sa:
        if (!child || spi.size() != 4) return bad();
        break;
    default:
        break;
    }
    return {};
}

Result<DeletePayload, ParseError> DeletePayload::parse(WireReader& r) {
    DeletePayload d;
    d.protocol = static_cast<ProtocolId>(r.u8());
    d.spi_size = r.u8();
    uint16_t count = r.u16();
    if (!r.ok()) return truncated(r, kType);
    // The count and the size must account for the body exactly, before anything is allocated.
    if (static_cast<size_t>(count) * d.spi_size != r.remaining() || (d.spi_size == 0 && count != 0)) {
        return ParseError{ParseReason::bad_length, 2, kType};
    }
    d.spis.reserve(count);
    for (uint16_t i = 0; i < count; ++i) {
        auto s = r.bytes(d.spi_size);
        d.spis.emplace_back(s.begin(), s.end());
    }
    return d;
}

void DeletePayload::serialize(WireWriter& w) const {
    if (spis.size() > 0xffff) w.fail();
    w.u8(to_underlying(protocol));
    w.u8(spi_size);
    w.u16(static_cast<uint16_t>(spis.size()));
    for (const auto& s : spis) {
        if (s.size() != spi_size) w.fail();
        w.bytes(s);
    }
}

Result<void, ParseError> DeletePayload::verify() const {
    bool ok = false;
    if (protocol == ProtocolId::ike) ok = spi_size == 0 && spis.empty();
    if (protocol == ProtocolId::esp || protocol == ProtocolId::ah) ok = spi_size == 4 && !spis.empty();
    if (!ok) return invalid(ParseReason::bad_delete, kType);
    return {};
}

Result<VendorIdPayload, ParseError> VendorIdPayload::parse(WireReader& r) {
    return VendorIdPayload{rest_of(r)};
}

void VendorIdPayload::serialize(WireWriter& w) const { w.bytes(data); }

Result<SkPayload, ParseError> SkPayload::parse(WireReader& r) {
    SkPayload sk;
    sk.content = rest_of(r);
    return sk;
}

void SkPayload::serialize(WireWriter& w) const { w.bytes(content); }

Result<SkfPayload, ParseError> SkfPayload::parse(WireReader& r) {
    SkfPayload f;
    f.fragment_number = r.u16();
    f.total_fragments = r.u16();
    if (!r.ok()) return truncated(r, kType);
    f.content = rest_of(r);
    return f;
}

void SkfPayload::serialize(WireWriter& w) const {
    w.u16(fragment_number);
    w.u16(total_fragments);
    w.bytes(content);
}

Result<void, ParseError> SkfPayload::verify() const {
    bool ok = fragment_number >= 1 && fragment_number <= total_fragments &&
              (fragment_number == 1 || first_inner == PayloadType::none);
    if (!ok) return invalid(ParseReason::bad_fragment, kType);
    return {};
}

Result<RawPayload, ParseError> RawPayload::parse(WireReader& r) {
    return RawPayload{rest_of(r)};
}

void RawPayload::serialize(WireWriter& w) const { w.bytes(body); }

}  // namespace tandem::ike
