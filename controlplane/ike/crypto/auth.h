// Authentication values: the shared-key AUTH payload (RFC 7296 2.15) and the NAT detection hash
// (RFC 7296 2.23).
//
//   InitiatorSignedOctets = RealMessage1 | NonceRData | MACedIDForI
//   MACedIDForI           = prf(SK_pi, RestOfInitIDPayload)
//   AUTH                  = prf( prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets>)
//
// and symmetrically for the responder (RealMessage2 | NonceIData | prf(SK_pr, IDr body)). So a
// signer's AUTH takes: the message it sent first (IKE_SA_INIT request or response, as sent), the
// OTHER side's nonce data, its own SK_p and its own ID payload body (ID Type, 3 reserved bytes,
// identification data). To verify the peer, pass the peer's message, our nonce, the peer's SK_p
// and the peer's ID body. The pad string is the 17 ASCII bytes without a terminator.
//
//   NAT-D hash = SHA-1(SPIi | SPIr | IP address | port), port in network order.
#pragma once

#include <cstdint>

#include "common/ipv4.h"
#include "controlplane/ike/crypto/error.h"
#include "controlplane/ike/crypto/prf.h"
#include "controlplane/ike/crypto/secret.h"

namespace tandem::ike::crypto {

// <SignedOctets> (also the input of signature AUTH methods).
CryptoResult<Bytes> signed_octets(const Prf& prf, ByteView first_message, ByteView other_nonce,
                                  ByteView own_sk_p, ByteView id_body);

// AUTH Data for Shared Key Message Integrity Code (auth method 2).
CryptoResult<Bytes> psk_auth(const Prf& prf, ByteView shared_secret, ByteView first_message,
                             ByteView other_nonce, ByteView sk_p, ByteView id_body);

// Recomputes the AUTH and compares in constant time: integrity_check_failed on mismatch
// (including a wrong length), which the engine answers with AUTHENTICATION_FAILED.
CryptoResult<void> verify_psk_auth(const Prf& prf, ByteView shared_secret, ByteView first_message,
                                   ByteView other_nonce, ByteView sk_p, ByteView id_body,
                                   ByteView received_auth);

// NAT_DETECTION_SOURCE_IP / _DESTINATION_IP data; address is 4 (IPv4) or 16 (IPv6) bytes.
CryptoResult<Bytes> nat_detection_hash(uint64_t spi_i, uint64_t spi_r, ByteView address, uint16_t port);
CryptoResult<Bytes> nat_detection_hash(uint64_t spi_i, uint64_t spi_r, Ipv4Address address, uint16_t port);

}  // namespace tandem::ike::crypto
