// Protection of the Encrypted (SK) payload: RFC 7296 3.14 for AES-CBC + HMAC, RFC 5282 for
// AES-GCM.
//
//                        1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Next Payload  |C|  RESERVED   |         Payload Length        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                     Initialization Vector                     |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   ~                    Encrypted IKE Payloads                     ~
//   +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |               |             Padding (0-255 octets)            |
//   +-+-+-+-+-+-+-+-+                               +-+-+-+-+-+-+-+-+
//   |                                               |  Pad Length   |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   ~                    Integrity Checksum Data                    ~
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// An SkCipher holds one direction's keys (SK_ei + SK_ai to send as initiator, SK_er + SK_ar to
// receive from the responder, ...). seal() produces the body after the SK payload header:
// IV | ciphertext(inner payloads | padding | pad length) | ICV. open() reverses it. In both,
// `aad` is the message from the first byte of the IKE header to the last byte of the SK payload
// header, with the final lengths already written (sealed_size() gives the body length first):
//
//   CBC + HMAC  ICV = HMAC(SK_a, aad | IV | ciphertext) truncated; open() checks it in constant
//               time before decrypting anything.
//   AES-GCM     nonce = salt (last 4 bytes of SK_e) | 8-byte IV, AAD = aad, ICV = the 16-byte tag.
//
// IVs: CBC draws 16 random bytes per message. GCM IVs must never repeat under one key, so they
// are a 64-bit counter whose start is drawn from the RandomSource on the first seal(); keep one
// SkCipher per key for the SA's lifetime (the counter cannot wrap within an IKE SA: message IDs
// are 32-bit).
//
// Padding is the minimum that aligns the plaintext to the cipher's block (16 for CBC, 1 for GCM),
// with zero pad bytes; open() accepts any Pad Length that fits (RFC 7296 3.14).
#pragma once

#include <cstdint>
#include <optional>

#include "controlplane/ike/crypto/algorithms.h"
#include "controlplane/ike/crypto/error.h"
#include "controlplane/ike/crypto/prf.h"
#include "controlplane/ike/crypto/random.h"
#include "controlplane/ike/crypto/secret.h"

namespace tandem::ike::crypto {

class SkCipher {
public:
    // encr_key is SK_e (key | salt for GCM); integ_key is SK_a (empty for GCM, with integ_none).
    static CryptoResult<SkCipher> create(uint16_t encr, uint16_t encr_key_bits, uint16_t integ,
                                         ByteView encr_key, ByteView integ_key);

    size_t iv_size() const { return encr_->iv_size; }
    size_t icv_size() const { return encr_->aead ? encr_->icv_size : integ_->icv_size; }
    size_t block_size() const { return encr_->block_size; }
    // IV + padded ciphertext + ICV for a given inner-payload length: the SK payload length minus
    // its 4-byte generic header.
    size_t sealed_size(size_t plaintext_size) const;
    // The smallest valid body (IV, one block holding only the Pad Length, ICV).
    size_t min_sealed_size() const { return sealed_size(0); }

    CryptoResult<Bytes> seal(ByteView aad, ByteView plaintext, RandomSource& rng);
    // The inner payloads. integrity_check_failed, invalid_padding or truncated on a bad body.
    CryptoResult<Bytes> open(ByteView aad, ByteView sealed) const;

private:
    SkCipher(const EncrAlgorithm* e, const IntegAlgorithm* i, SecretBytes ek, SecretBytes ik,
             std::optional<Hmac> hmac)
        : encr_(e), integ_(i), encr_key_(std::move(ek)), integ_key_(std::move(ik)), hmac_(std::move(hmac)) {}

    size_t padded_size(size_t plaintext_size) const;
    CryptoResult<void> next_iv(std::span<uint8_t> iv, RandomSource& rng);
    CryptoResult<Bytes> seal_cbc(ByteView aad, ByteView padded, RandomSource& rng);
    CryptoResult<Bytes> seal_gcm(ByteView aad, ByteView padded, RandomSource& rng);
    CryptoResult<Bytes> open_cbc(ByteView aad, ByteView sealed) const;
    CryptoResult<Bytes> open_gcm(ByteView aad, ByteView sealed) const;

    const EncrAlgorithm* encr_;
    const IntegAlgorithm* integ_;  // nullptr for AEAD
    SecretBytes encr_key_;         // cipher key | salt
    SecretBytes integ_key_;
    std::optional<Hmac> hmac_;
    std::optional<uint64_t> gcm_counter_;  // next GCM IV, once drawn
    uint64_t gcm_first_ = 0;               // where the counter started (exhaustion check)
};

// Removes IKE padding from a decrypted SK plaintext: the last byte is the Pad Length, and that
// many bytes before it are padding. invalid_padding when they do not fit.
CryptoResult<size_t> unpadded_size(ByteView decrypted);

}  // namespace tandem::ike::crypto
