// Random sources for IKE: nonces, IVs, SPIs and Diffie-Hellman private keys all come from an
// injected RandomSource, never from a global, so a test can run two peers with fixed inputs.
//
//   OpenSslRandom         production: RAND_bytes, and RAND_priv_bytes for private keys.
//   DeterministicRandom   tests: block i of the stream is SHA-256(seed | i), both 64-bit
//                         big-endian. Reproducible, never secret.
//   FixedRandom           tests: hands out the given bytes in order and fails once they run
//                         out (known-answer tests that need an exact IV or private key).
#pragma once

#include <cstdint>
#include <span>

#include "controlplane/ike/crypto/error.h"
#include "controlplane/ike/crypto/secret.h"

namespace tandem::ike::crypto {

class RandomSource {
public:
    virtual ~RandomSource() = default;
    // Fills out with random bytes, or fails (random_failure).
    virtual CryptoResult<void> fill(std::span<uint8_t> out) = 0;
    // For private keys; sources that keep a separate private stream override it.
    virtual CryptoResult<void> fill_private(std::span<uint8_t> out) { return fill(out); }
};

class OpenSslRandom final : public RandomSource {
public:
    CryptoResult<void> fill(std::span<uint8_t> out) override;
    CryptoResult<void> fill_private(std::span<uint8_t> out) override;
};

class DeterministicRandom final : public RandomSource {
public:
    explicit DeterministicRandom(uint64_t seed) : seed_(seed) {}
    CryptoResult<void> fill(std::span<uint8_t> out) override;

private:
    uint64_t seed_;
    uint64_t counter_ = 0;
    uint8_t block_[32] = {};
    size_t used_ = sizeof block_;  // bytes of block_ already handed out
};

class FixedRandom final : public RandomSource {
public:
    explicit FixedRandom(Bytes bytes) : bytes_(std::move(bytes)) {}
    CryptoResult<void> fill(std::span<uint8_t> out) override;
    size_t remaining() const { return bytes_.size() - pos_; }

private:
    Bytes bytes_;
    size_t pos_ = 0;
};

}  // namespace tandem::ike::crypto
