// SKEYSEED, the IKE SA key split, IKE SA rekey and CHILD_SA KEYMAT against make_vectors.py.
#include <gtest/gtest.h>

#include "controlplane/ike/crypto/keys.h"
#include "tests/controlplane/ike/crypto/vectors.h"

namespace tandem::ike::crypto {
namespace {

using test::be64;
using test::to_hex;
using test::VectorSection;

uint16_t u16(const VectorSection& v, const char* f) { return static_cast<uint16_t>(v.num(f)); }

void expect_ike_keys(const VectorSection& v, const IkeSaKeys& k) {
    EXPECT_EQ(to_hex(k.sk_d), to_hex(v.bytes("sk_d")));
    EXPECT_EQ(to_hex(k.sk_ai), to_hex(v.bytes("sk_ai")));
    EXPECT_EQ(to_hex(k.sk_ar), to_hex(v.bytes("sk_ar")));
    EXPECT_EQ(to_hex(k.sk_ei), to_hex(v.bytes("sk_ei")));
    EXPECT_EQ(to_hex(k.sk_er), to_hex(v.bytes("sk_er")));
    EXPECT_EQ(to_hex(k.sk_pi), to_hex(v.bytes("sk_pi")));
    EXPECT_EQ(to_hex(k.sk_pr), to_hex(v.bytes("sk_pr")));
}

IkeSaTransforms transforms(const VectorSection& v) {
    return IkeSaTransforms{u16(v, "encr"), u16(v, "bits"), u16(v, "prf"), u16(v, "integ")};
}

TEST(IkeSaKeys, InitialExchangeMatchesIndependentImplementation) {
    for (const auto& v : test::vectors("ike_keys.")) {
        SCOPED_TRACE(v.name);
        const IkeSaTransforms t = transforms(v);
        auto prf = Prf::create(t.prf);
        ASSERT_TRUE(prf.ok());
        auto skeyseed = initial_skeyseed(*prf, v.bytes("ni"), v.bytes("nr"), v.bytes("g_ir"));
        ASSERT_TRUE(skeyseed.ok());
        EXPECT_EQ(to_hex(*skeyseed), to_hex(v.bytes("skeyseed")));
        auto keys = derive_ike_sa_keys(*prf, t, *skeyseed, v.bytes("ni"), v.bytes("nr"),
                                       be64(v.bytes("spi_i")), be64(v.bytes("spi_r")));
        ASSERT_TRUE(keys.ok()) << keys.error().detail;
        expect_ike_keys(v, *keys);
        if (t.integ == transform_id::integ_none) {
            EXPECT_TRUE(keys->sk_ai.empty());
        }
    }
}

TEST(IkeSaKeys, RekeyUsesOldPrfForSkeyseedAndNewPrfForKeys) {
    auto v = test::vectors("ike_rekey").at(0);
    auto old_prf = Prf::create(u16(v, "old_prf"));
    auto new_prf = Prf::create(u16(v, "prf"));
    ASSERT_TRUE(old_prf.ok() && new_prf.ok());
    auto skeyseed = rekey_skeyseed(*old_prf, v.bytes("old_sk_d"), v.bytes("g_ir"), v.bytes("ni"), v.bytes("nr"));
    ASSERT_TRUE(skeyseed.ok());
    EXPECT_EQ(to_hex(*skeyseed), to_hex(v.bytes("skeyseed")));
    auto keys = derive_ike_sa_keys(*new_prf, transforms(v), *skeyseed, v.bytes("ni"), v.bytes("nr"),
                                   be64(v.bytes("spi_i")), be64(v.bytes("spi_r")));
    ASSERT_TRUE(keys.ok());
    expect_ike_keys(v, *keys);
    // The new PRF in place of the old one gives a different SKEYSEED.
    auto wrong = rekey_skeyseed(*new_prf, v.bytes("old_sk_d"), v.bytes("g_ir"), v.bytes("ni"), v.bytes("nr"));
    ASSERT_TRUE(wrong.ok());
    EXPECT_NE(to_hex(*wrong), to_hex(v.bytes("skeyseed")));
}

TEST(ChildSaKeys, KeymatWithAndWithoutPfs) {
    for (const auto& v : test::vectors("child.")) {
        SCOPED_TRACE(v.name);
        auto prf = Prf::create(u16(v, "prf"));
        ASSERT_TRUE(prf.ok());
        const ChildSaTransforms t{u16(v, "encr"), u16(v, "bits"), u16(v, "integ")};
        auto keys = derive_child_sa_keys(*prf, v.bytes("sk_d"), t, v.bytes("g_ir"), v.bytes("ni"), v.bytes("nr"));
        ASSERT_TRUE(keys.ok()) << keys.error().detail;
        EXPECT_EQ(to_hex(keys->encr_i), to_hex(v.bytes("encr_i")));
        EXPECT_EQ(to_hex(keys->integ_i), to_hex(v.bytes("integ_i")));
        EXPECT_EQ(to_hex(keys->encr_r), to_hex(v.bytes("encr_r")));
        EXPECT_EQ(to_hex(keys->integ_r), to_hex(v.bytes("integ_r")));
    }
}

TEST(KeyLengths, PerNegotiatedAlgorithm) {
    namespace id = transform_id;
    auto gcm = ike_key_lengths({id::encr_aes_gcm_16, 256, id::prf_hmac_sha2_384, id::integ_none});
    ASSERT_TRUE(gcm.ok());
    EXPECT_EQ(gcm->sk_d, 48u);
    EXPECT_EQ(gcm->sk_a, 0u);
    EXPECT_EQ(gcm->sk_e, 36u);  // 32-byte key + 4-byte salt
    EXPECT_EQ(gcm->sk_p, 48u);
    EXPECT_EQ(gcm->total(), 48u + 2 * (36 + 48));

    auto cbc = ike_key_lengths({id::encr_aes_cbc, 128, id::prf_hmac_sha2_256, id::integ_hmac_sha2_512_256});
    ASSERT_TRUE(cbc.ok());
    EXPECT_EQ(cbc->sk_a, 64u);
    EXPECT_EQ(cbc->sk_e, 16u);

    auto child = child_key_lengths({id::encr_aes_gcm_16, 128, id::integ_none});
    ASSERT_TRUE(child.ok());
    EXPECT_EQ(child->encr, 20u);
    EXPECT_EQ(child->integ, 0u);
}

TEST(KeyLengths, RejectsInconsistentCombinations) {
    namespace id = transform_id;
    EXPECT_EQ(ike_key_lengths({id::encr_aes_gcm_16, 128, 5, id::integ_hmac_sha2_256_128}).error().code,
              CryptoErrc::unsupported_algorithm);
    EXPECT_EQ(ike_key_lengths({id::encr_aes_cbc, 128, 5, id::integ_none}).error().code,
              CryptoErrc::unsupported_algorithm);
    EXPECT_EQ(ike_key_lengths({id::encr_aes_cbc, 0, 5, 12}).error().code, CryptoErrc::unsupported_algorithm);
    EXPECT_EQ(ike_key_lengths({id::encr_aes_cbc, 128, 2, 12}).error().code, CryptoErrc::unsupported_algorithm);
    EXPECT_EQ(child_key_lengths({3, 0, 12}).error().code, CryptoErrc::unsupported_algorithm);  // 3DES
}

TEST(IkeSaKeys, PrfMustMatchTransforms) {
    auto prf = Prf::create(5);
    ASSERT_TRUE(prf.ok());
    const Bytes seed(32, 1), n(16, 2);
    auto keys = derive_ike_sa_keys(*prf, {20, 128, 6, 0}, seed, n, n, 1, 2);
    ASSERT_FALSE(keys.ok());
    EXPECT_EQ(keys.error().code, CryptoErrc::invalid_argument);
    EXPECT_EQ(initial_skeyseed(*prf, Bytes(), n, seed).error().code, CryptoErrc::invalid_argument);
}

}  // namespace
}  // namespace tandem::ike::crypto
