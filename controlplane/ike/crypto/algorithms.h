// The IKEv2 transforms this module implements, as a table from IANA transform IDs (RFC 7296
// 3.3.2, the IKEv2 registries) to the sizes the rest of the module and the engine need, and the
// OpenSSL names that implement them.
//
//   ENCR  12 AES-CBC      key 128/256 bits (Key Length attribute), block 16, IV 16
//   ENCR  20 AES-GCM-16   key 128/256 bits + 4-byte salt (RFC 5282), IV 8, ICV 16, AEAD
//   PRF   5/6/7           HMAC-SHA2-256/384/512 (RFC 4868): key and output 32/48/64
//   INTEG 2               HMAC-SHA1-96: key 20, ICV 12
//   INTEG 12/13/14        HMAC-SHA2-256-128/384-192/512-256 (RFC 4868): key 32/48/64, ICV 16/24/32
//   DH    14              MODP-2048 (RFC 3526): KE data 256, g^ir 256
//   DH    19/20/21        ECP-256/384/521 (RFC 5903): KE data x|y 64/96/132, g^ir = x 32/48/66
//   DH    31              Curve25519 (RFC 8031): KE data 32, g^ir 32
//
// Transform IDs are plain integers here; the IKE codec's enums convert at the engine.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tandem::ike::crypto {

namespace transform_id {
inline constexpr uint16_t encr_aes_cbc = 12;
inline constexpr uint16_t encr_aes_gcm_16 = 20;

inline constexpr uint16_t prf_hmac_sha2_256 = 5;
inline constexpr uint16_t prf_hmac_sha2_384 = 6;
inline constexpr uint16_t prf_hmac_sha2_512 = 7;

inline constexpr uint16_t integ_none = 0;
inline constexpr uint16_t integ_hmac_sha1_96 = 2;
inline constexpr uint16_t integ_hmac_sha2_256_128 = 12;
inline constexpr uint16_t integ_hmac_sha2_384_192 = 13;
inline constexpr uint16_t integ_hmac_sha2_512_256 = 14;

inline constexpr uint16_t dh_modp_2048 = 14;
inline constexpr uint16_t dh_ecp_256 = 19;
inline constexpr uint16_t dh_ecp_384 = 20;
inline constexpr uint16_t dh_ecp_521 = 21;
inline constexpr uint16_t dh_curve25519 = 31;
}  // namespace transform_id

struct EncrAlgorithm {
    uint16_t id;
    uint16_t key_bits;      // the Key Length attribute
    size_t key_size;        // cipher key bytes
    size_t salt_size;       // AEAD salt appended to the key in KEYMAT (0 for CBC)
    size_t block_size;      // padding alignment of the SK payload plaintext
    size_t iv_size;         // IV carried in the SK payload
    size_t icv_size;        // AEAD tag (0 for CBC: the ICV comes from the INTEG transform)
    bool aead;
    const char* cipher_name;  // OpenSSL EVP_CIPHER name

    size_t keymat_size() const { return key_size + salt_size; }
};

struct IntegAlgorithm {
    uint16_t id;
    size_t key_size;
    size_t icv_size;          // truncated HMAC output
    const char* digest_name;  // OpenSSL digest name for HMAC
};

struct PrfAlgorithm {
    uint16_t id;
    size_t key_size;  // preferred key size: length of SK_d, SK_pi, SK_pr
    size_t output_size;
    const char* digest_name;
};

enum class DhKind : uint8_t { modp, ecp, x25519 };

struct DhGroup {
    uint16_t id;
    DhKind kind;
    size_t ke_size;          // KE payload Key Exchange Data length
    size_t secret_size;      // g^ir length
    size_t private_size;     // bytes of private key drawn from the RandomSource
    const char* group_name;  // OpenSSL group name (or key type for X25519)
};

// nullptr when the transform (or the key length for it) is not supported.
const EncrAlgorithm* find_encr(uint16_t id, uint16_t key_bits);
const IntegAlgorithm* find_integ(uint16_t id);
const PrfAlgorithm* find_prf(uint16_t id);
const DhGroup* find_dh_group(uint16_t id);

// Key Exchange Data length the KE payload must carry for a group; 0 when unsupported. The engine
// answers a KE payload of another group with INVALID_KE_PAYLOAD, and a wrong length for the right
// group is rejected by KeyExchange::shared_secret.
size_t ke_data_size(uint16_t group);

}  // namespace tandem::ike::crypto
