// IKEv2 key derivation: the IKE SA keys (RFC 7296 2.14), their rekeyed form (2.18) and CHILD_SA
// KEYMAT (2.17).
//
//   SKEYSEED = prf(Ni | Nr, g^ir)                                    initial exchange
//   SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr)                 IKE SA rekey, OLD prf
//   {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
//            = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr)                 negotiated (new) prf
//   KEYMAT   = prf+(SK_d, [g^ir (new) |] Ni | Nr)                    CHILD_SA
//
// Lengths: SK_d, SK_pi, SK_pr take the PRF's key size; SK_a* the INTEG key size (none with an
// AEAD cipher, RFC 5282); SK_e* the cipher key plus the AEAD salt (4 bytes for GCM, RFC 5282 7.1).
// KEYMAT is split initiator->responder first, then responder->initiator; each direction takes its
// encryption key (with salt) first, then its integrity key.
//
// SPIs are the 64-bit values as read from the IKE header (big-endian on the wire). In a rekey,
// Ni, Nr and the SPIs are those of the CREATE_CHILD_SA exchange creating the new SA.
#pragma once

#include <cstdint>

#include "controlplane/ike/crypto/algorithms.h"
#include "controlplane/ike/crypto/error.h"
#include "controlplane/ike/crypto/prf.h"
#include "controlplane/ike/crypto/secret.h"

namespace tandem::ike::crypto {

// The negotiated transforms of an IKE SA; integ is transform_id::integ_none with AES-GCM.
struct IkeSaTransforms {
    uint16_t encr = 0;
    uint16_t encr_key_bits = 0;
    uint16_t prf = 0;
    uint16_t integ = transform_id::integ_none;
};

// The negotiated transforms of an ESP CHILD_SA; integ is integ_none with AES-GCM.
struct ChildSaTransforms {
    uint16_t encr = 0;
    uint16_t encr_key_bits = 0;
    uint16_t integ = transform_id::integ_none;
};

struct IkeKeyLengths {
    size_t sk_d = 0;
    size_t sk_a = 0;  // each of SK_ai, SK_ar
    size_t sk_e = 0;  // each of SK_ei, SK_er (key + salt)
    size_t sk_p = 0;  // each of SK_pi, SK_pr
    size_t total() const { return sk_d + 2 * (sk_a + sk_e + sk_p); }
};

struct ChildKeyLengths {
    size_t encr = 0;   // key + salt
    size_t integ = 0;
    size_t total() const { return 2 * (encr + integ); }
};

struct IkeSaKeys {
    SecretBytes sk_d, sk_ai, sk_ar, sk_ei, sk_er, sk_pi, sk_pr;
};

// i = the CHILD_SA carrying initiator->responder traffic, r = responder->initiator.
struct ChildSaKeys {
    SecretBytes encr_i, integ_i, encr_r, integ_r;
};

// Checks the combination: AEAD with integ_none, a non-AEAD cipher with a supported INTEG.
CryptoResult<IkeKeyLengths> ike_key_lengths(const IkeSaTransforms& t);
CryptoResult<ChildKeyLengths> child_key_lengths(const ChildSaTransforms& t);

CryptoResult<SecretBytes> initial_skeyseed(const Prf& prf, ByteView ni, ByteView nr, ByteView g_ir);
CryptoResult<SecretBytes> rekey_skeyseed(const Prf& old_prf, ByteView old_sk_d, ByteView g_ir,
                                         ByteView ni, ByteView nr);

// prf must be the PRF named in t (the new SA's PRF).
CryptoResult<IkeSaKeys> derive_ike_sa_keys(const Prf& prf, const IkeSaTransforms& t,
                                           ByteView skeyseed, ByteView ni, ByteView nr,
                                           uint64_t spi_i, uint64_t spi_r);

// g_ir is empty without PFS. prf is the IKE SA's PRF, sk_d its SK_d.
CryptoResult<ChildSaKeys> derive_child_sa_keys(const Prf& prf, ByteView sk_d,
                                               const ChildSaTransforms& t, ByteView g_ir,
                                               ByteView ni, ByteView nr);

}  // namespace tandem::ike::crypto
