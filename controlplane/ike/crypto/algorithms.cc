// The transform table (see algorithms.h).
#include "controlplane/ike/crypto/algorithms.h"

#include <array>

namespace tandem::ike::crypto {

namespace {

namespace id = transform_id;

constexpr std::array<EncrAlgorithm, 4> encr_table{{
    {id::encr_aes_cbc, 128, 16, 0, 16, 16, 0, false, "AES-128-CBC"},
    {id::encr_aes_cbc, 256, 32, 0, 16, 16, 0, false, "AES-256-CBC"},
    // GCM is a stream mode: no alignment is needed, so the block size for padding is 1.
    {id::encr_aes_gcm_16, 128, 16, 4, 1, 8, 16, true, "AES-128-GCM"},
    {id::encr_aes_gcm_16, 256, 32, 4, 1, 8, 16, true, "AES-256-GCM"},
}};

constexpr std::array<IntegAlgorithm, 4> integ_table{{
    {id::integ_hmac_sha1_96, 20, 12, "SHA1"},
    {id::integ_hmac_sha2_256_128, 32, 16, "SHA2-256"},
    {id::integ_hmac_sha2_384_192, 48, 24, "SHA2-384"},
    {id::integ_hmac_sha2_512_256, 64, 32, "SHA2-512"},
}};

constexpr std::array<PrfAlgorithm, 3> prf_table{{
    {id::prf_hmac_sha2_256, 32, 32, "SHA2-256"},
    {id::prf_hmac_sha2_384, 48, 48, "SHA2-384"},
    {id::prf_hmac_sha2_512, 64, 64, "SHA2-512"},
}};

// MODP private exponent: 384 bits, well above twice the group's ~110-bit strength (RFC 3526
// section 8); ECP and X25519 private keys are full scalars.
constexpr std::array<DhGroup, 5> dh_table{{
    {id::dh_modp_2048, DhKind::modp, 256, 256, 48, "modp_2048"},
    {id::dh_ecp_256, DhKind::ecp, 64, 32, 32, "P-256"},
    {id::dh_ecp_384, DhKind::ecp, 96, 48, 48, "P-384"},
    {id::dh_ecp_521, DhKind::ecp, 132, 66, 66, "P-521"},
    {id::dh_curve25519, DhKind::x25519, 32, 32, 32, "X25519"},
}};

}  // namespace

const EncrAlgorithm* find_encr(uint16_t encr_id, uint16_t key_bits) {
    for (const auto& a : encr_table) {
        if (a.id == encr_id && a.key_bits == key_bits) return &a;
    }
    return nullptr;
}

const IntegAlgorithm* find_integ(uint16_t integ_id) {
    for (const auto& a : integ_table) {
        if (a.id == integ_id) return &a;
    }
    return nullptr;
}

const PrfAlgorithm* find_prf(uint16_t prf_id) {
    for (const auto& a : prf_table) {
        if (a.id == prf_id) return &a;
    }
    return nullptr;
}

const DhGroup* find_dh_group(uint16_t group_id) {
    for (const auto& g : dh_table) {
        if (g.id == group_id) return &g;
    }
    return nullptr;
}

size_t ke_data_size(uint16_t group) {
    const DhGroup* g = find_dh_group(group);
    return g ? g->ke_size : 0;
}

}  // namespace tandem::ike::crypto
