// SA payload: proposals -> transforms -> attributes, each substructure read through its own
// bounded sub-reader so no length taken from the wire is used for anything but sub().
#include "controlplane/ike/wire/sa_payload.h"

namespace tandem::ike {
namespace {

ParseError fail(ParseReason reason, size_t offset) { return ParseError{reason, offset, PayloadType::sa}; }

Result<TransformAttribute, ParseError> parse_attribute(WireReader& r) {
    TransformAttribute a;
    size_t start = r.position();
    uint16_t af_type = r.u16();
    a.tv = (af_type & TransformAttribute::kFormatBit) != 0;
    a.type = af_type & ~TransformAttribute::kFormatBit;
    if (a.tv) {
        a.value = r.u16();
    } else {
        uint16_t len = r.u16();
        auto d = r.bytes(len);
        a.data.assign(d.begin(), d.end());
    }
    if (!r.ok()) return fail(ParseReason::truncated, start);
    return a;
}

// `r` covers one transform substructure after its 4-octet substructure header.
Result<Transform, ParseError> parse_transform(WireReader& r) {
    Transform t;
    t.type = static_cast<TransformType>(r.u8());
    r.u8();   // RESERVED
    t.id = r.u16();
    if (!r.ok()) return fail(ParseReason::truncated, r.position());
    while (r.remaining() > 0) {
        auto a = parse_attribute(r);
        if (!a) return a.error();
        t.attributes.push_back(std::move(*a));
    }
    return t;
}

// `r` covers one proposal after its 4-octet substructure header; `base` is its offset in the SA
// body, for error offsets.
Result<Proposal, ParseError> parse_proposal(WireReader& r, size_t base) {
    Proposal p;
    p.number = r.u8();
    p.protocol = static_cast<ProtocolId>(r.u8());
    uint8_t spi_size = r.u8();
    uint8_t count = r.u8();
    auto spi = r.bytes(spi_size);
    if (!r.ok()) return fail(ParseReason::truncated, base + r.position());
    p.spi.assign(spi.begin(), spi.end());
    bool last_seen = false;
    while (r.remaining() > 0) {
        size_t at = r.position();
        if (last_seen) return fail(ParseReason::bad_substructure, base + at);
        uint8_t last = r.u8();
        r.u8();   // RESERVED
        uint16_t len = r.u16();
        if (!r.ok()) return fail(ParseReason::truncated, base + at);
        if (last != 0 && last != Transform::kMore) return fail(ParseReason::bad_substructure, base + at);
        if (len < 8) return fail(ParseReason::bad_length, base + at + 2);
        WireReader body = r.sub(len - 4u);
        if (!r.ok()) return fail(ParseReason::truncated, base + at);
        auto t = parse_transform(body);
        if (!t) return t.error().at(base + at + 4);
        p.transforms.push_back(std::move(*t));
        last_seen = last == 0;
    }
    if (!last_seen || p.transforms.size() != count) return fail(ParseReason::bad_substructure, base);
    return p;
}

void serialize_transform(WireWriter& w, const Transform& t, bool last) {
    size_t start = w.size();
    w.u8(last ? 0 : Transform::kMore);
    w.u8(0);
    size_t len_at = w.placeholder(2);
    w.u8(to_underlying(t.type));
    w.u8(0);
    w.u16(t.id);
    for (const auto& a : t.attributes) {
        if (a.type & TransformAttribute::kFormatBit) w.fail();
        if (a.tv) {
            w.u16(a.type | TransformAttribute::kFormatBit);
            w.u16(a.value);
        } else {
            if (a.data.size() > 0xffff) w.fail();
            w.u16(a.type);
            w.u16(static_cast<uint16_t>(a.data.size()));
            w.bytes(a.data);
        }
    }
    w.patch(len_at, 2, w.size() - start);
}

void serialize_proposal(WireWriter& w, const Proposal& p, bool last) {
    size_t start = w.size();
    w.u8(last ? 0 : Proposal::kMore);
    w.u8(0);
    size_t len_at = w.placeholder(2);
    w.u8(p.number);
    w.u8(to_underlying(p.protocol));
    if (p.spi.size() > 0xff || p.transforms.size() > 0xff) w.fail();
    w.u8(static_cast<uint8_t>(p.spi.size()));
    w.u8(static_cast<uint8_t>(p.transforms.size()));
    w.bytes(p.spi);
    for (size_t i = 0; i < p.transforms.size(); ++i) {
        serialize_transform(w, p.transforms[i], i + 1 == p.transforms.size());
    }
    w.patch(len_at, 2, w.size() - start);
}

ParseError invalid(ParseReason reason) { return ParseError{reason, 0, PayloadType::sa}; }

Result<void, ParseError> verify_transform(const Transform& t) {
    bool key_length_seen = false;
    for (const auto& a : t.attributes) {
        if (a.type != to_underlying(AttributeType::key_length)) continue;
        if (!a.tv || key_length_seen) return invalid(ParseReason::bad_attribute);
        key_length_seen = true;
    }
    return {};
}

// The SPI size a proposal for `protocol` must carry in `exchange`, or nullopt if the protocol
// has no place there.
std::optional<size_t> spi_size_for(ProtocolId protocol, ExchangeType exchange) {
    switch (protocol) {
    case ProtocolId::ike:
        if (exchange == ExchangeType::ike_sa_init) return 0;
        if (exchange == ExchangeType::create_child_sa) return 8;
        return std::nullopt;
    case ProtocolId::esp:
    case ProtocolId::ah:
        if (exchange == ExchangeType::ike_auth || exchange == ExchangeType::create_child_sa) return 4;
        return std::nullopt;
    default:
        return std::nullopt;
    }
}

}  // namespace

Transform Transform::of(TransformType type, uint16_t id) {
    Transform t;
    t.type = type;
    t.id = id;
    return t;
}

Transform Transform::encr(EncrId id, uint16_t key_bits) {
    Transform t = of(TransformType::encr, to_underlying(id));
    t.attributes.push_back({to_underlying(AttributeType::key_length), true, key_bits, {}});
    return t;
}

std::optional<uint16_t> Transform::key_length() const {
    for (const auto& a : attributes) {
        if (a.tv && a.type == to_underlying(AttributeType::key_length)) return a.value;
    }
    return std::nullopt;
}

Result<SaPayload, ParseError> SaPayload::parse(WireReader& r) {
    SaPayload sa;
    bool last_seen = false;
    while (r.remaining() > 0) {
        size_t at = r.position();
        if (last_seen) return fail(ParseReason::bad_substructure, at);
        uint8_t last = r.u8();
        r.u8();   // RESERVED
        uint16_t len = r.u16();
        if (!r.ok()) return fail(ParseReason::truncated, at);
        if (last != 0 && last != Proposal::kMore) return fail(ParseReason::bad_substructure, at);
        if (len < 8) return fail(ParseReason::bad_length, at + 2);
        WireReader body = r.sub(len - 4u);
        if (!r.ok()) return fail(ParseReason::truncated, at);
        auto p = parse_proposal(body, at + 4);
        if (!p) return p.error();
        sa.proposals.push_back(std::move(*p));
        last_seen = last == 0;
    }
    if (!r.ok()) return fail(ParseReason::truncated, r.position());
    if (!sa.proposals.empty() && !last_seen) return fail(ParseReason::bad_substructure, r.position());
    return sa;
}

void SaPayload::serialize(WireWriter& w) const {
    for (size_t i = 0; i < proposals.size(); ++i) {
        serialize_proposal(w, proposals[i], i + 1 == proposals.size());
    }
}

Result<void, ParseError> SaPayload::verify(ExchangeType exchange, bool response) const {
    if (proposals.empty()) return invalid(ParseReason::bad_proposal_number);
    if (response && proposals.size() != 1) return invalid(ParseReason::bad_proposal_number);
    bool ike = proposals.front().protocol == ProtocolId::ike;
    for (size_t i = 0; i < proposals.size(); ++i) {
        const Proposal& p = proposals[i];
        if (response ? p.number == 0 : static_cast<size_t>(p.number) != i + 1) return invalid(ParseReason::bad_proposal_number);
        auto spi_size = spi_size_for(p.protocol, exchange);
        if (!spi_size || (p.protocol == ProtocolId::ike) != ike) return invalid(ParseReason::bad_protocol);
        if (p.spi.size() != *spi_size) return invalid(ParseReason::bad_spi_size);
        if (p.transforms.empty()) return invalid(ParseReason::bad_transform);
        uint32_t types_seen = 0;
        for (const auto& t : p.transforms) {
            if (auto v = verify_transform(t); !v) return v;
            uint8_t type = to_underlying(t.type);
            if (response && type < 32) {
                // A chosen proposal names one transform of each type.
                if (types_seen & (1u << type)) return invalid(ParseReason::bad_transform);
                types_seen |= 1u << type;
            }
        }
    }
    return {};
}

}  // namespace tandem::ike
