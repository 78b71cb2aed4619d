// The Security Association payload (RFC 7296 3.3): a list of proposals, each a protocol, an SPI
// and a list of transforms, each transform a type, an ID and attributes.
//
// Nothing is dropped while parsing: unknown transform types, unknown transform IDs and unknown
// attribute types are kept, because 3.3.6 says a proposal holding them is skipped during
// negotiation, not refused as malformed. Parsing checks the structure -- every substructure length,
// the "last substructure" markers (0 on the last, 2/3 before), the transform count against the
// transforms actually there. verify() checks values, which depend on where the SA payload is:
// proposal numbering (1, 2, 3... in a request, exactly one proposal in a response), protocol and
// SPI size (IKE with no SPI in IKE_SA_INIT, IKE with an 8-octet SPI when rekeying the IKE SA in
// CREATE_CHILD_SA, ESP/AH with a 4-octet SPI), Key Length only in the TV format and at most once.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/result.h"
#include "common/wire.h"
#include "controlplane/ike/wire/constants.h"
#include "controlplane/ike/wire/parse_error.h"

namespace tandem::ike {

// Transform attribute (3.3.5). AF=1: TV, a 16-bit value in place; AF=0: TLV.
//
//  byte  0               1               2               3
//       +-+-------------+---------------+---------------+---------------+
//     0 |A|     Attribute Type (15)     |  AF=0: Attribute Length       |
//       |F|                             |  AF=1: Attribute Value        |
//       +-+-------------+---------------+---------------+---------------+
//     4 ~         AF=0 only: Attribute Value (Attribute Length octets)  ~
//       +---------------------------------------------------------------+
struct TransformAttribute {
    uint16_t type = 0;               // 15 bits
    bool tv = true;
    uint16_t value = 0;              // TV
    std::vector<uint8_t> data;       // TLV

    static constexpr uint16_t kFormatBit = 0x8000;
    bool operator==(const TransformAttribute&) const = default;
};

// Transform substructure (3.3.2).
//
//  byte  0               1               2               3
//       +---------------+---------------+---------------+---------------+
//     0 | Last Substruc |   RESERVED    |        Transform Length       |
//       +---------------+---------------+---------------+---------------+
//     4 |Transform Type |   RESERVED    |          Transform ID         |
//       +---------------+---------------+---------------+---------------+
//     8 ~                      Transform Attributes                     ~
//       +---------------------------------------------------------------+
// Last Substruc: 0 on the last transform of a proposal, 3 before it.
struct Transform {
    TransformType type = TransformType::encr;
    uint16_t id = 0;
    std::vector<TransformAttribute> attributes;

    static constexpr uint8_t kMore = 3;

    static Transform of(TransformType type, uint16_t id);
    static Transform encr(EncrId id, uint16_t key_bits);   // with a Key Length attribute
    // The Key Length attribute, if there is one in TV format.
    std::optional<uint16_t> key_length() const;

    bool operator==(const Transform&) const = default;
};

// Proposal substructure (3.3.1).
//
//  byte  0               1               2               3
//       +---------------+---------------+---------------+---------------+
//     0 | Last Substruc |   RESERVED    |         Proposal Length       |
//       +---------------+---------------+---------------+---------------+
//     4 | Proposal Num  |  Protocol ID  |    SPI Size   |Num  Transforms|
//       +---------------+---------------+---------------+---------------+
//     8 ~                        SPI (SPI Size octets)                  ~
//       +---------------------------------------------------------------+
//       ~                          Transforms                           ~
//       +---------------------------------------------------------------+
// Last Substruc: 0 on the last proposal, 2 before it.
struct Proposal {
    uint8_t number = 1;
    ProtocolId protocol = ProtocolId::ike;
    std::vector<uint8_t> spi;
    std::vector<Transform> transforms;

    static constexpr uint8_t kMore = 2;

    bool operator==(const Proposal&) const = default;
};

// SA payload body: the proposals, back to back.
struct SaPayload {
    std::vector<Proposal> proposals;

    static constexpr PayloadType kType = PayloadType::sa;

    static Result<SaPayload, ParseError> parse(WireReader& r);
    void serialize(WireWriter& w) const;
    // `exchange` fixes the protocols and SPI sizes allowed; `response` whether a single chosen
    // proposal is expected.
    Result<void, ParseError> verify(ExchangeType exchange, bool response) const;

    bool operator==(const SaPayload&) const = default;
};

}  // namespace tandem::ike
