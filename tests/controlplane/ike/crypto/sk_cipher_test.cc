// SK payload protection: known answers from make_vectors.py, tampering, padding, truncation.
#include <gtest/gtest.h>

#include "controlplane/ike/crypto/sk_cipher.h"
#include "tests/controlplane/ike/crypto/vectors.h"

namespace tandem::ike::crypto {
namespace {

using test::hex;
using test::to_hex;
using test::VectorSection;

SkCipher make(const VectorSection& v) {
    auto c = SkCipher::create(static_cast<uint16_t>(v.num("encr")), static_cast<uint16_t>(v.num("bits")),
                              static_cast<uint16_t>(v.num("integ")), v.bytes("encr_key"), v.bytes("integ_key"));
    EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().detail);
    return std::move(*c);
}

CryptoErrc open_error(const SkCipher& c, ByteView aad, ByteView sealed) {
    auto r = c.open(aad, sealed);
    EXPECT_FALSE(r.ok());
    return r.ok() ? CryptoErrc::backend_failure : r.error().code;
}

TEST(SkCipher, SealMatchesIndependentImplementation) {
    for (const auto& v : test::vectors("sk.")) {
        SCOPED_TRACE(v.name);
        SkCipher c = make(v);
        const Bytes plaintext = v.bytes("plaintext"), aad = v.bytes("aad"), expected = v.bytes("sealed");
        EXPECT_EQ(c.sealed_size(plaintext.size()), expected.size());
        FixedRandom iv(v.bytes("iv"));
        auto sealed = c.seal(aad, plaintext, iv);
        ASSERT_TRUE(sealed.ok()) << sealed.error().detail;
        EXPECT_EQ(to_hex(*sealed), to_hex(expected));
        auto opened = c.open(aad, expected);
        ASSERT_TRUE(opened.ok()) << opened.error().detail;
        EXPECT_EQ(to_hex(*opened), to_hex(plaintext));
    }
}

TEST(SkCipher, OverheadPerAlgorithm) {
    namespace id = transform_id;
    auto cbc = SkCipher::create(id::encr_aes_cbc, 256, id::integ_hmac_sha2_384_192, Bytes(32, 1), Bytes(48, 2));
    auto gcm = SkCipher::create(id::encr_aes_gcm_16, 128, id::integ_none, Bytes(20, 1), Bytes());
    ASSERT_TRUE(cbc.ok() && gcm.ok());
    EXPECT_EQ(cbc->iv_size(), 16u);
    EXPECT_EQ(cbc->icv_size(), 24u);
    EXPECT_EQ(cbc->sealed_size(0), 16u + 16 + 24);
    EXPECT_EQ(cbc->sealed_size(15), 16u + 16 + 24);
    EXPECT_EQ(cbc->sealed_size(16), 16u + 32 + 24);
    EXPECT_EQ(gcm->iv_size(), 8u);
    EXPECT_EQ(gcm->icv_size(), 16u);
    EXPECT_EQ(gcm->sealed_size(0), 8u + 1 + 16);
    EXPECT_EQ(gcm->sealed_size(100), 8u + 101 + 16);
}

// Every single-bit flip in the AAD, IV, ciphertext or ICV is caught before any plaintext is
// returned.
TEST(SkCipher, TamperedMessagesFail) {
    for (const auto& v : test::vectors("sk.")) {
        SCOPED_TRACE(v.name);
        SkCipher c = make(v);
        const Bytes aad = v.bytes("aad"), sealed = v.bytes("sealed");
        for (size_t i = 0; i < sealed.size(); ++i) {
            Bytes bad = sealed;
            bad[i] ^= static_cast<uint8_t>(1u << (i % 8));
            EXPECT_EQ(open_error(c, aad, bad), CryptoErrc::integrity_check_failed) << "sealed byte " << i;
        }
        for (size_t i = 0; i < aad.size(); ++i) {
            Bytes bad = aad;
            bad[i] ^= 0x80;
            EXPECT_EQ(open_error(c, bad, sealed), CryptoErrc::integrity_check_failed) << "aad byte " << i;
        }
        Bytes longer_aad = aad;
        longer_aad.push_back(0);
        EXPECT_EQ(open_error(c, longer_aad, sealed), CryptoErrc::integrity_check_failed);
    }
}

TEST(SkCipher, WrongKeysFail) {
    auto v = test::vectors("sk.cbc128_sha256_128").at(0);
    Bytes ek = v.bytes("encr_key"), ak = v.bytes("integ_key");
    ak[0] ^= 1;
    auto c = SkCipher::create(12, 128, 12, ek, ak);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(open_error(*c, v.bytes("aad"), v.bytes("sealed")), CryptoErrc::integrity_check_failed);
    auto g = test::vectors("sk.gcm128").at(0);
    Bytes salt_changed = g.bytes("encr_key");
    salt_changed.back() ^= 1;
    auto gc = SkCipher::create(20, 128, 0, salt_changed, Bytes());
    ASSERT_TRUE(gc.ok());
    EXPECT_EQ(open_error(*gc, g.bytes("aad"), g.bytes("sealed")), CryptoErrc::integrity_check_failed);
}

TEST(SkCipher, PadLengthBeyondPlaintextIsRejected) {
    for (const auto& v : test::vectors("sk_raw.")) {
        SCOPED_TRACE(v.name);
        SkCipher c = make(v);
        auto r = c.open(v.bytes("aad"), v.bytes("sealed"));
        if (v.num("valid") == 1) {
            // Long, non-zero padding is accepted (RFC 7296 3.14: the receiver must not check it).
            ASSERT_TRUE(r.ok()) << r.error().detail;
            EXPECT_EQ(to_hex(*r), to_hex(v.bytes("plaintext")));
        } else {
            ASSERT_FALSE(r.ok());
            EXPECT_EQ(r.error().code, CryptoErrc::invalid_padding);
        }
    }
}

TEST(SkCipher, TruncatedInputFailsCleanly) {
    for (const auto& v : test::vectors("sk.")) {
        SCOPED_TRACE(v.name);
        SkCipher c = make(v);
        const Bytes aad = v.bytes("aad"), sealed = v.bytes("sealed");
        for (size_t n = 0; n < sealed.size(); ++n) {
            auto r = c.open(aad, ByteView(sealed).first(n));
            ASSERT_FALSE(r.ok()) << "prefix " << n;
            if (n < c.min_sealed_size()) {
                EXPECT_EQ(r.error().code, CryptoErrc::truncated);
            }
        }
        // Dropping a byte from the middle: CBC sees a partial block, GCM a bad tag.
        Bytes shorter = sealed;
        shorter.erase(shorter.begin() + static_cast<long>(c.iv_size()));
        if (shorter.size() >= c.min_sealed_size()) {
            auto code = open_error(c, aad, shorter);
            EXPECT_TRUE(code == CryptoErrc::invalid_padding || code == CryptoErrc::integrity_check_failed);
        }
    }
}

TEST(SkCipher, GcmIvIsACounterDrawnOnce) {
    auto v = test::vectors("sk.gcm128").at(0);
    SkCipher c = make(v);
    FixedRandom rng(hex("00000000fffffffe"));
    const Bytes aad = v.bytes("aad");
    auto first = c.seal(aad, hex("01"), rng);
    auto second = c.seal(aad, hex("02"), rng);  // no random bytes left: the counter is used
    auto third = c.seal(aad, hex("03"), rng);
    ASSERT_TRUE(first.ok() && second.ok() && third.ok());
    EXPECT_EQ(to_hex(ByteView(*first).first(8)), "00000000fffffffe");
    EXPECT_EQ(to_hex(ByteView(*second).first(8)), "00000000ffffffff");
    EXPECT_EQ(to_hex(ByteView(*third).first(8)), "0000000100000000");
    EXPECT_EQ(to_hex(*c.open(aad, *third)), "03");
}

TEST(SkCipher, CbcIvComesFromTheRandomSource) {
    auto v = test::vectors("sk.cbc128_sha256_128").at(0);
    SkCipher c = make(v);
    FixedRandom rng(Bytes(16, 0xab));
    auto sealed = c.seal(v.bytes("aad"), hex("00"), rng);
    ASSERT_TRUE(sealed.ok());
    EXPECT_EQ(to_hex(ByteView(*sealed).first(16)), to_hex(Bytes(16, 0xab)));
    auto failed = c.seal(v.bytes("aad"), hex("00"), rng);  // source exhausted
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().code, CryptoErrc::random_failure);
}

TEST(SkCipher, RoundTripsEveryAlgorithmAndLength) {
    namespace id = transform_id;
    struct Suite {
        uint16_t encr, bits, integ;
    };
    const Suite suites[] = {{id::encr_aes_cbc, 128, id::integ_hmac_sha1_96},
                            {id::encr_aes_cbc, 128, id::integ_hmac_sha2_256_128},
                            {id::encr_aes_cbc, 256, id::integ_hmac_sha2_384_192},
                            {id::encr_aes_cbc, 256, id::integ_hmac_sha2_512_256},
                            {id::encr_aes_gcm_16, 128, id::integ_none},
                            {id::encr_aes_gcm_16, 256, id::integ_none}};
    DeterministicRandom rng(5282);
    for (const auto& s : suites) {
        SCOPED_TRACE(s.encr * 1000 + s.bits);
        const EncrAlgorithm* e = find_encr(s.encr, s.bits);
        const IntegAlgorithm* i = find_integ(s.integ);
        Bytes ek(e->keymat_size()), ak(i ? i->key_size : 0);
        ASSERT_TRUE(rng.fill(ek).ok() && rng.fill(ak).ok());
        auto c = SkCipher::create(s.encr, s.bits, s.integ, ek, ak);
        ASSERT_TRUE(c.ok());
        const Bytes aad(32, 0x2e);
        for (size_t len = 0; len <= 40; ++len) {
            Bytes pt(len);
            ASSERT_TRUE(rng.fill(pt).ok());
            auto sealed = c->seal(aad, pt, rng);
            ASSERT_TRUE(sealed.ok());
            ASSERT_EQ(sealed->size(), c->sealed_size(len));
            auto opened = c->open(aad, *sealed);
            ASSERT_TRUE(opened.ok()) << opened.error().detail;
            EXPECT_EQ(*opened, pt);
        }
    }
}

TEST(SkCipher, CreateRejectsBadKeysAndCombinations) {
    namespace id = transform_id;
    auto code = [](CryptoResult<SkCipher> r) { return r.ok() ? CryptoErrc::backend_failure : r.error().code; };
    EXPECT_EQ(code(SkCipher::create(id::encr_aes_cbc, 128, 12, Bytes(15, 1), Bytes(32, 1))), CryptoErrc::invalid_argument);
    EXPECT_EQ(code(SkCipher::create(id::encr_aes_cbc, 128, 12, Bytes(16, 1), Bytes(31, 1))), CryptoErrc::invalid_argument);
    EXPECT_EQ(code(SkCipher::create(id::encr_aes_gcm_16, 128, 0, Bytes(16, 1), Bytes())), CryptoErrc::invalid_argument);
    EXPECT_EQ(code(SkCipher::create(id::encr_aes_gcm_16, 128, 12, Bytes(20, 1), Bytes(32, 1))), CryptoErrc::invalid_argument);
    EXPECT_EQ(code(SkCipher::create(id::encr_aes_cbc, 128, 0, Bytes(16, 1), Bytes())), CryptoErrc::unsupported_algorithm);
    EXPECT_EQ(code(SkCipher::create(id::encr_aes_cbc, 192, 12, Bytes(24, 1), Bytes(32, 1))), CryptoErrc::unsupported_algorithm);
    EXPECT_EQ(code(SkCipher::create(3, 0, 12, Bytes(24, 1), Bytes(32, 1))), CryptoErrc::unsupported_algorithm);
}

TEST(SkCipher, UnpaddedSize) {
    EXPECT_EQ(*unpadded_size(hex("aabb00")), 2u);
    EXPECT_EQ(*unpadded_size(hex("aa0001")), 1u);
    EXPECT_EQ(*unpadded_size(hex("aa01")), 0u);
    EXPECT_EQ(*unpadded_size(hex("00")), 0u);
    EXPECT_EQ(unpadded_size(hex("0002")).error().code, CryptoErrc::invalid_padding);
    EXPECT_EQ(unpadded_size(Bytes()).error().code, CryptoErrc::invalid_padding);
}

}  // namespace
}  // namespace tandem::ike::crypto
