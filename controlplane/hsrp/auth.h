// HSRP authentication: the clear-text string and Cisco's keyed MD5.
//
// Text. v1 carries 8 octets in every packet (default "cisco", NUL padded); v2 carries them in a
// Text Authentication TLV. A group configured for text authentication accepts a packet whose
// string matches; a v2 packet without the TLV counts as the default string.
//
// MD5. The digest in the MD5 Authentication TLV is the "keyed MD5" of RFC 1828 over the whole
// HSRP payload (UDP payload only: no IP or UDP header) with the 16 digest octets set to zero:
//
//     digest = MD5( K || P(K) || packet-with-zero-digest || K )
//
// where P(K) is MD5's own padding of K as if K were a whole message: 0x80, zeros up to 56 mod 64,
// then the bit length of K as 64 bits little-endian, so K || P(K) fills whole 64-octet blocks.
// In v1 the 8-octet authentication data is zero when MD5 is used (as IOS sends it). The
// construction is checked against digests of captured IOS packets (tests/data/hsrp/md5_vectors.txt,
// from John the Ripper's `hsrp` format tests); neither scapy nor tshark computes or checks it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "controlplane/hsrp/packet.h"

namespace tandem::hsrp {

using Md5Digest = std::array<uint8_t, 16>;

// keyed MD5 as above over `payload` (whose digest octets the caller has zeroed).
Md5Digest keyed_md5(std::string_view key, std::span<const uint8_t> payload);

// Offset of the 16 digest octets of the (first) MD5 TLV in an encoded packet, found by walking
// the TLVs with a bounded reader; nullopt when there is none or the packet is malformed.
std::optional<size_t> md5_digest_offset(std::span<const uint8_t> payload);

// Fills in the digest of an encoded packet that carries an MD5 TLV. False when it has none.
bool sign_md5(std::vector<uint8_t>& payload, std::string_view key);

// True when the packet carries an MD5 TLV whose digest matches `key`.
bool check_md5(std::span<const uint8_t> payload, std::string_view key);

}  // namespace tandem::hsrp
