// HMAC, the IKEv2 PRFs built on it, and prf+ (RFC 7296 2.13).
//
// Hmac is HMAC over a named digest through EVP_MAC. Its input is given as a list of parts that are
// MACed as their concatenation, so callers never build "g^ir | Ni | Nr" in a temporary buffer
// that would then need wiping. An output span shorter than the digest takes the leading bytes:
// that is the truncation of the INTEG transforms (RFC 4868: HMAC-SHA2-256-128 keeps 16 bytes).
//
// Prf is the negotiated PRF transform (HMAC-SHA2-256/384/512). prf_plus is
//
//   prf+ (K,S) = T1 | T2 | T3 | ...   T1 = prf (K, S | 0x01), Tn = prf (K, Tn-1 | S | n)
//
// and can produce at most 255 blocks.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>

#include "controlplane/ike/crypto/algorithms.h"
#include "controlplane/ike/crypto/error.h"
#include "controlplane/ike/crypto/secret.h"

struct evp_mac_st;

namespace tandem::ike::crypto {

using ByteParts = std::span<const ByteView>;

class Hmac {
public:
    // digest_name is an OpenSSL digest name ("SHA2-256"); it must outlive the Hmac (the tables in
    // algorithms.cc are static).
    static CryptoResult<Hmac> create(const char* digest_name);

    size_t size() const { return size_; }
    // HMAC(key, parts...) truncated to out.size() (1..size()). The key must not be empty.
    CryptoResult<void> compute(ByteView key, ByteParts parts, std::span<uint8_t> out) const;
    CryptoResult<void> compute(ByteView key, std::initializer_list<ByteView> parts,
                               std::span<uint8_t> out) const {
        return compute(key, ByteParts(parts.begin(), parts.size()), out);
    }

private:
    struct MacFree {
        void operator()(evp_mac_st* p) const;
    };
    Hmac(std::unique_ptr<evp_mac_st, MacFree> mac, const char* digest, size_t size)
        : mac_(std::move(mac)), digest_(digest), size_(size) {}

    std::unique_ptr<evp_mac_st, MacFree> mac_;
    const char* digest_;
    size_t size_;
};

class Prf {
public:
    static CryptoResult<Prf> create(uint16_t prf_id);

    uint16_t id() const { return alg_->id; }
    const PrfAlgorithm& algorithm() const { return *alg_; }
    size_t output_size() const { return alg_->output_size; }
    size_t key_size() const { return alg_->key_size; }

    // prf(key, parts...) for key material.
    CryptoResult<SecretBytes> secret(ByteView key, ByteParts parts) const;
    CryptoResult<SecretBytes> secret(ByteView key, std::initializer_list<ByteView> parts) const {
        return secret(key, ByteParts(parts.begin(), parts.size()));
    }
    // prf(key, parts...) for values that go on the wire (AUTH) or are public.
    CryptoResult<Bytes> bytes(ByteView key, ByteParts parts) const;
    CryptoResult<Bytes> bytes(ByteView key, std::initializer_list<ByteView> parts) const {
        return bytes(key, ByteParts(parts.begin(), parts.size()));
    }

private:
    Prf(Hmac hmac, const PrfAlgorithm* alg) : hmac_(std::move(hmac)), alg_(alg) {}

    Hmac hmac_;
    const PrfAlgorithm* alg_;
};

// prf+(key, seed parts...) truncated to length bytes; length <= 255 * prf.output_size().
CryptoResult<SecretBytes> prf_plus(const Prf& prf, ByteView key, ByteParts seed, size_t length);
inline CryptoResult<SecretBytes> prf_plus(const Prf& prf, ByteView key,
                                          std::initializer_list<ByteView> seed, size_t length) {
    return prf_plus(prf, key, ByteParts(seed.begin(), seed.size()), length);
}

}  // namespace tandem::ike::crypto
