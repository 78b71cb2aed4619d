// IKEv2 protocol numbers (RFC 7296 section 3 and the IANA "IKEv2 Parameters" registry) that
// Tandem's codec and negotiation use.
//
// Every enum is an `enum class` over the wire width of its field, so a value read from the wire
// that Tandem does not know is still representable: parsers keep it (an unknown transform ID, an
// unknown notify type) and the layer above decides whether to skip it or refuse. Only the values
// Tandem acts on are named; the rest pass through as numbers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace tandem::ike {

// IKE header "Exchange Type" (RFC 7296 3.1).
enum class ExchangeType : uint8_t {
    ike_sa_init = 34,
    ike_auth = 35,
    create_child_sa = 36,
    informational = 37,
};

// "Next Payload" values (RFC 7296 3.2; SKF from RFC 7383).
enum class PayloadType : uint8_t {
    none = 0,
    sa = 33,
    ke = 34,
    idi = 35,
    idr = 36,
    cert = 37,
    certreq = 38,
    auth = 39,
    nonce = 40,
    notify = 41,
    del = 42,          // "Delete"; `delete` is a keyword
    vendor_id = 43,
    tsi = 44,
    tsr = 45,
    sk = 46,           // Encrypted and Authenticated
    cp = 47,
    eap = 48,
    skf = 53,          // Encrypted and Authenticated Fragment (RFC 7383)
};

// IKE header flag bits (RFC 7296 3.1). The other five bits are reserved: cleared when sending,
// ignored on receipt.
namespace header_flags {
inline constexpr uint8_t initiator = 0x08;   // I: sent by the original initiator of the IKE SA
inline constexpr uint8_t version = 0x10;     // V: sender could speak a higher major version
inline constexpr uint8_t response = 0x20;    // R: this message is a response
inline constexpr uint8_t known = initiator | version | response;
}  // namespace header_flags

// Transform types (RFC 7296 3.3.2).
enum class TransformType : uint8_t {
    encr = 1,
    prf = 2,
    integ = 3,
    dh = 4,
    esn = 5,
};

// Transform IDs: one 16-bit number space per transform type, so one enum per type.
enum class EncrId : uint16_t {
    aes_cbc = 12,
    aes_gcm_16 = 20,    // AES-GCM with a 16-octet ICV (RFC 4106 / RFC 5282)
};

enum class PrfId : uint16_t {
    hmac_sha2_256 = 5,
    hmac_sha2_384 = 6,
    hmac_sha2_512 = 7,
};

enum class IntegId : uint16_t {
    none = 0,
    hmac_sha1_96 = 2,
    hmac_sha2_256_128 = 12,
    hmac_sha2_384_192 = 13,
    hmac_sha2_512_256 = 14,
};

enum class DhGroup : uint16_t {
    none = 0,
    modp_2048 = 14,
    ecp_256 = 19,
    ecp_384 = 20,
    ecp_521 = 21,
    curve25519 = 31,
};

enum class EsnId : uint16_t {
    no_esn = 0,
    esn = 1,
};

// Transform attribute types (RFC 7296 3.3.5). Key Length is the only one defined; it is sent in
// the TV (type/value) format.
enum class AttributeType : uint16_t {
    key_length = 14,
};

// Protocol IDs in proposals, notifies and deletes (RFC 7296 3.3.1). Zero in a notify means "no
// SPI".
enum class ProtocolId : uint8_t {
    none = 0,
    ike = 1,
    ah = 2,
    esp = 3,
};

// Identification types (RFC 7296 3.5). Tandem authenticates with these four.
enum class IdType : uint8_t {
    ipv4_addr = 1,
    fqdn = 2,
    rfc822_addr = 3,
    ipv6_addr = 5,
    der_asn1_dn = 9,
    key_id = 11,
};

// Authentication methods (RFC 7296 3.8).
enum class AuthMethod : uint8_t {
    rsa_signature = 1,
    shared_key_mic = 2,
    dss_signature = 3,
    digital_signature = 14,   // RFC 7427
};

// Notify message types (RFC 7296 3.10.1). Below 16384: errors; from 16384: status.
enum class NotifyType : uint16_t {
    // Errors.
    unsupported_critical_payload = 1,
    invalid_ike_spi = 4,
    invalid_major_version = 5,
    invalid_syntax = 7,
    invalid_message_id = 9,
    invalid_spi = 11,
    no_proposal_chosen = 14,
    invalid_ke_payload = 17,
    authentication_failed = 24,
    single_pair_required = 34,
    no_additional_sas = 35,
    internal_address_failure = 36,
    failed_cp_required = 37,
    ts_unacceptable = 38,
    invalid_selectors = 39,
    temporary_failure = 43,
    child_sa_not_found = 44,
    // Status.
    initial_contact = 16384,
    set_window_size = 16385,
    additional_ts_possible = 16386,
    ipcomp_supported = 16387,
    nat_detection_source_ip = 16388,
    nat_detection_destination_ip = 16389,
    cookie = 16390,
    use_transport_mode = 16391,
    rekey_sa = 16393,
    esp_tfc_padding_not_supported = 16394,
    non_first_fragments_also = 16395,
    mobike_supported = 16396,
    ikev2_fragmentation_supported = 16430,   // RFC 7383
    signature_hash_algorithms = 16431,       // RFC 7427
};

inline constexpr bool is_error(NotifyType t) { return static_cast<uint16_t>(t) < 16384; }

// Traffic selector types (RFC 7296 3.13.1). Tandem is IPv4 only; IPv6 selectors are parsed and
// kept so a responder can narrow them away.
enum class TsType : uint8_t {
    ipv4_addr_range = 7,
    ipv6_addr_range = 8,
};

// Sizes fixed by the RFC.
inline constexpr size_t kHeaderSize = 28;          // IKE header (3.1)
inline constexpr size_t kGenericHeaderSize = 4;    // generic payload header (3.2)
inline constexpr size_t kNonEspMarkerSize = 4;     // RFC 3948 2.2
inline constexpr uint8_t kMajorVersion = 2;
inline constexpr size_t kMaxMessageSize = 65535;   // no UDP datagram is larger
inline constexpr size_t kMinNonce = 16;            // RFC 7296 3.9
inline constexpr size_t kMaxNonce = 256;

template <typename E>
constexpr auto to_underlying(E e) {
    return static_cast<std::underlying_type_t<E>>(e);
}

}  // namespace tandem::ike
