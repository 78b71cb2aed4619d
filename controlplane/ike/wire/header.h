// The fixed IKE header (RFC 7296 3.1) and the generic payload header (3.2) that starts every
// payload.
//
// IkeHeader holds the header as read. `next_payload` and `length` are wire facts: parse_message
// checks them against the chain and the datagram, serialize_message computes them, so a caller
// building a message leaves them alone. Reserved flag bits are ignored on receipt (they are
// masked off when parsed) and never sent. The minor version is kept but carries no meaning (3.1:
// "ignore the minor version number of received messages").
#pragma once

#include <cstdint>

#include "common/result.h"
#include "common/wire.h"
#include "controlplane/ike/wire/constants.h"
#include "controlplane/ike/wire/parse_error.h"

namespace tandem::ike {

//  byte  0               1               2               3
//       +---------------+---------------+---------------+---------------+
//     0 |                 IKE SA Initiator's SPI (8 octets)             |
//       |                                                               |
//       +---------------+---------------+---------------+---------------+
//     8 |                 IKE SA Responder's SPI (8 octets)             |
//       |                                                               |
//       +---------------+-------+-------+---------------+---------------+
//    16 | Next Payload  | MjVer | MnVer | Exchange Type |     Flags     |
//       +---------------+-------+-------+---------------+---------------+
//    20 |                          Message ID                           |
//       +---------------------------------------------------------------+
//    24 |               Length (whole message, header included)         |
//       +---------------------------------------------------------------+
//  Flags, most significant bit first: X X R V I X X X (X: reserved).
struct IkeHeader {
    uint64_t spi_i = 0;
    uint64_t spi_r = 0;
    PayloadType next_payload = PayloadType::none;
    uint8_t major_version = kMajorVersion;
    uint8_t minor_version = 0;
    ExchangeType exchange = ExchangeType::ike_sa_init;
    uint8_t flags = 0;           // header_flags::*
    uint32_t message_id = 0;
    uint32_t length = 0;

    bool initiator() const { return (flags & header_flags::initiator) != 0; }
    bool response() const { return (flags & header_flags::response) != 0; }

    // Reads the 28 octets. Fails on truncation and on a major version other than 2 (above 2:
    // bad_major_version, answered with INVALID_MAJOR_VERSION; below: legacy_major_version). The
    // length is not checked here (parse_message compares it with the datagram).
    static Result<IkeHeader, ParseError> parse(WireReader& r);
    void serialize(WireWriter& w) const;
    // A message from nobody: the initiator's SPI is never zero (RFC 7296 2.6).
    Result<void, ParseError> verify() const;

    bool operator==(const IkeHeader&) const = default;
};

//  byte  0               1               2               3
//       +---------------+-+-------------+---------------+---------------+
//     0 | Next Payload  |C|  RESERVED   |  Payload Length (header incl.) |
//       +---------------+-+-------------+---------------+---------------+
//     4 ~                     payload body                              ~
//       +---------------------------------------------------------------+
struct GenericHeader {
    PayloadType next_payload = PayloadType::none;
    bool critical = false;
    uint16_t length = 0;

    static constexpr uint8_t kCriticalBit = 0x80;

    // Reads the 4 octets; a length below 4 is bad_length.
    static Result<GenericHeader, ParseError> parse(WireReader& r);
    void serialize(WireWriter& w) const;
};

}  // namespace tandem::ike
