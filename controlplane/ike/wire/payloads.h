// The simple IKEv2 payload bodies (RFC 7296 3.4-3.12, 3.14; RFC 7383 2.5): each is a few fixed
// fields followed by opaque data. SA and TS, which nest, have their own files.
//
// Every struct models the body only -- what follows the 4-octet generic payload header (header.h).
// Which payload a body is (IDi or IDr, and the critical bit) is carried beside it, in the chain's
// Payload (chain.h). parse() reads a reader that covers exactly the body; serialize() appends the
// body; verify() checks values (sizes the RFC fixes, SPI sizes against protocols). RESERVED fields
// are ignored on receipt and written as zero.
#pragma once

#include <cstdint>
#include <vector>

#include "common/result.h"
#include "common/wire.h"
#include "controlplane/ike/wire/constants.h"
#include "controlplane/ike/wire/parse_error.h"

namespace tandem::ike {

// Key Exchange (3.4).
//       +---------------+---------------+---------------+---------------+
//     0 |    Diffie-Hellman Group Num   |           RESERVED            |
//       +---------------+---------------+---------------+---------------+
//     4 ~                       Key Exchange Data                       ~
//       +---------------------------------------------------------------+
struct KePayload {
    DhGroup group = DhGroup::none;
    std::vector<uint8_t> data;

    static constexpr PayloadType kType = PayloadType::ke;
    static Result<KePayload, ParseError> parse(WireReader& r);
    void serialize(WireWriter& w) const;
    // Known groups must carry exactly their public value size; an unknown group only non-empty
    // data (the responder answers it with INVALID_KE_PAYLOAD, not INVALID_SYNTAX).
    Result<void, ParseError> verify() const;
    bool operator==(const KePayload&) const = default;
};
// Public value size of a group Tandem knows, 0 for others.
size_t ke_data_size(DhGroup g);

// Identification, IDi and IDr (3.5).
//       +---------------+---------------+---------------+---------------+
//     0 |    ID Type    |                  RESERVED                     |
//       +---------------+---------------+---------------+---------------+
//     4 ~                   Identification Data                         ~
//       +---------------------------------------------------------------+
struct IdPayload {
    IdType type = IdType::fqdn;
    std::vector<uint8_t> data;

    static Result<IdPayload, ParseError> parse(WireReader& r);
    void serialize(WireWriter& w) const;
    Result<void, ParseError> verify() const;   // non-empty; an address type its address size
    bool operator==(const IdPayload&) const = default;
};

// Authentication (3.8).
//       +---------------+---------------+---------------+---------------+
//     0 |  Auth Method  |                  RESERVED                     |
//       +---------------+---------------+---------------+---------------+
//     4 ~                      Authentication Data                      ~
//       +---------------------------------------------------------------+
struct AuthPayload {
    AuthMethod method = AuthMethod::shared_key_mic;
    std::vector<uint8_t> data;

    static constexpr PayloadType kType = PayloadType::auth;
    static Result<AuthPayload, ParseError> parse(WireReader& r);
    void serialize(WireWriter& w) const;
    Result<void, ParseError> verify() const;   // non-empty
    bool operator==(const AuthPayload&) const = default;
};

// Nonce (3.9): the whole body is the nonce, 16 to 256 octets.
struct NoncePayload {
    std::vector<uint8_t> data;

    static constexpr PayloadType kType = PayloadType::nonce;
    static Result<NoncePayload, ParseError> parse(WireReader& r);
    void serialize(WireWriter& w) const;
    Result<void, ParseError> verify() const;
    bool operator==(const NoncePayload&) const = default;
};

// Notify (3.10). With no SPI the Protocol ID is sent as zero and ignored on receipt.
//       +---------------+---------------+---------------+---------------+
//     0 |  Protocol ID  |   SPI Size    |      Notify Message Type      |
//       +---------------+---------------+---------------+---------------+
//     4 ~                    SPI (SPI Size octets)                      ~
//       +---------------------------------------------------------------+
//       ~                       Notification Data                       ~
//       +---------------------------------------------------------------+
struct NotifyPayload {
    ProtocolId protocol = ProtocolId::none;
    std::vector<uint8_t> spi;
    NotifyType type = NotifyType::initial_contact;
    std::vector<uint8_t> data;

    static constexpr PayloadType kType = PayloadType::notify;
    static NotifyPayload make(NotifyType type, std::vector<uint8_t> data = {});
    static Result<NotifyPayload, ParseError> parse(WireReader& r);
    void serialize(WireWriter& w) const;
    // SPI size 0, 4 (ESP/AH) or 8 (IKE); data sizes of the types with a fixed format (NAT-D 20,
    // COOKIE 1..64, INVALID_KE_PAYLOAD 2, SET_WINDOW_SIZE 4, REKEY_SA an ESP/AH SPI).
    Result<void, ParseError> verify() const;
    bool operator==(const NotifyPayload&) const = default;
};

// Delete (3.11). IKE: SPI size 0 and no SPIs (the SA is the one the message travels on); ESP/AH:
// SPI size 4 and one or more SPIs.
//       +---------------+---------------+---------------+---------------+
//     0 |  Protocol ID  |   SPI Size    |          Num of SPIs          |
//       +---------------+---------------+---------------+---------------+
//     4 ~              SPIs (Num of SPIs x SPI Size octets)             ~
//       +---------------------------------------------------------------+
struct DeletePayload {
    ProtocolId protocol = ProtocolId::esp;
    uint8_t spi_size = 4;
    std::vector<std::vector<uint8_t>> spis;

    static constexpr PayloadType kType = PayloadType::del;
    static Result<DeletePayload, ParseError> parse(WireReader& r);
    void serialize(WireWriter& w) const;
    Result<void, ParseError> verify() const;
    bool operator==(const DeletePayload&) const = default;
};

// Vendor ID (3.12): opaque.
struct VendorIdPayload {
    std::vector<uint8_t> data;

    static constexpr PayloadType kType = PayloadType::vendor_id;
    static Result<VendorIdPayload, ParseError> parse(WireReader& r);
    void serialize(WireWriter& w) const;
    bool operator==(const VendorIdPayload&) const = default;
};

// Encrypted and Authenticated (3.14). The body -- IV, ciphertext (inner payloads, padding, pad
// length), ICV -- stays raw for the crypto layer. The generic header's Next Payload is the type of
// the first inner payload; it is carried here.
//       +---------------------------------------------------------------+
//     0 ~          Initialization Vector (cipher block size)            ~
//       +---------------------------------------------------------------+
//       ~                  Encrypted IKE payloads + Padding             ~
//       +                                               +---------------+
//       |                                               |  Pad Length   |
//       +-----------------------------------------------+---------------+
//       ~               Integrity Checksum Data (ICV)                   ~
//       +---------------------------------------------------------------+
struct SkPayload {
    PayloadType first_inner = PayloadType::none;
    std::vector<uint8_t> content;

    static constexpr PayloadType kType = PayloadType::sk;
    static Result<SkPayload, ParseError> parse(WireReader& r);   // first_inner: set by the chain
    void serialize(WireWriter& w) const;
    bool operator==(const SkPayload&) const = default;
};

// Encrypted and Authenticated Fragment (RFC 7383 2.5). Next Payload is the first inner payload's
// type in fragment 1 and zero in the others.
//       +---------------+---------------+---------------+---------------+
//     0 |        Fragment Number        |        Total Fragments        |
//       +---------------+---------------+---------------+---------------+
//     4 ~               IV, encrypted content, ICV (as in SK)           ~
//       +---------------------------------------------------------------+
struct SkfPayload {
    PayloadType first_inner = PayloadType::none;
    uint16_t fragment_number = 1;
    uint16_t total_fragments = 1;
    std::vector<uint8_t> content;

    static constexpr PayloadType kType = PayloadType::skf;
    static Result<SkfPayload, ParseError> parse(WireReader& r);
    void serialize(WireWriter& w) const;
    Result<void, ParseError> verify() const;
    bool operator==(const SkfPayload&) const = default;
};

// A payload kept as its body: one Tandem does not model (CERT, CERTREQ, CP, EAP) or one it does
// not know at all (non-critical, so skipped by the receiver but kept for re-serialization).
struct RawPayload {
    std::vector<uint8_t> body;

    static Result<RawPayload, ParseError> parse(WireReader& r);
    void serialize(WireWriter& w) const;
    bool operator==(const RawPayload&) const = default;
};

}  // namespace tandem::ike
