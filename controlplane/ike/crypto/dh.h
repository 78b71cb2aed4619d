// Diffie-Hellman key exchange for the KE payload (RFC 7296 3.4) and g^ir.
//
// A KeyExchange is one side's ephemeral key pair for one group. Its public value is already in
// IKE KE encoding:
//
//   MODP-2048 (14)       g^x mod p, big-endian, left-padded to 256 bytes
//   ECP-256/384/521      x | y, each coordinate big-endian at the field size (RFC 5903 7)
//   (19/20/21)
//   Curve25519 (31)      the 32-byte X25519 public key (RFC 8031)
//
// shared_secret() validates the peer's value before using it and returns g^ir in the encoding
// SKEYSEED wants: MODP left-padded to the modulus length, ECP the x coordinate only (RFC 5903
// 7), X25519 the 32-byte output. Validation: exact length for the group; MODP 1 < y < p-1
// (RFC 6989 2.1, enough for a safe prime; OpenSSL's peer check then also refuses values outside
// the prime-order subgroup, which no honest peer sends); ECP a point on the curve (RFC 6989 2.3);
// X25519 an all-zero result is rejected (RFC 8031 2). Failures are invalid_public_value.
//
// The private key comes from the injected RandomSource so that tests are deterministic; the
// engine passes OpenSslRandom. OpenSSL 3.0 does not derive a public key from a private one
// imported with EVP_PKEY_fromdata, so the public value is computed through EVP: for MODP as the
// shared secret with the generator 2 (g^x), for ECP by importing an RFC 5915 ECPrivateKey
// without its public key, which OpenSSL completes.
#pragma once

#include <cstdint>
#include <memory>

#include "controlplane/ike/crypto/algorithms.h"
#include "controlplane/ike/crypto/error.h"
#include "controlplane/ike/crypto/random.h"
#include "controlplane/ike/crypto/secret.h"

struct evp_pkey_st;

namespace tandem::ike::crypto {

class KeyExchange {
public:
    // A fresh key pair, the private key drawn from rng.
    static CryptoResult<KeyExchange> generate(uint16_t group, RandomSource& rng);
    // A key pair from a given private key: MODP a big-endian exponent (2 .. 256 bytes, at least
    // 2), ECP a big-endian scalar of the field size in [1, n-1], X25519 the 32 raw bytes.
    // Out-of-range keys are invalid_argument.
    static CryptoResult<KeyExchange> from_private_key(uint16_t group, ByteView private_key);

    uint16_t group() const { return group_->id; }
    // Key Exchange Data for the KE payload (ke_data_size(group()) bytes).
    ByteView public_value() const { return public_; }
    // g^ir from the peer's Key Exchange Data, after validation.
    CryptoResult<SecretBytes> shared_secret(ByteView peer_public) const;

private:
    struct PkeyFree {
        void operator()(evp_pkey_st* p) const;
    };
    using PkeyPtr = std::unique_ptr<evp_pkey_st, PkeyFree>;

    KeyExchange(const DhGroup* group, PkeyPtr key, Bytes pub)
        : group_(group), key_(std::move(key)), public_(std::move(pub)) {}

    const DhGroup* group_;
    PkeyPtr key_;
    Bytes public_;
};

}  // namespace tandem::ike::crypto
