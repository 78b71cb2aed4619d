// HMAC (RFC 4231 known answers), the PRF transforms and prf+ (against make_vectors.py).
#include <gtest/gtest.h>

#include <string>

#include "controlplane/ike/crypto/prf.h"
#include "tests/controlplane/ike/crypto/vectors.h"

namespace tandem::ike::crypto {
namespace {

using test::hex;
using test::to_hex;

Bytes ascii(const std::string& s) { return Bytes(s.begin(), s.end()); }

struct Rfc4231Case {
    const char* name;
    Bytes key;
    Bytes data;
    const char* sha256;
    const char* sha384;
    const char* sha512;
};

// RFC 4231 section 4, test cases 1, 2, 3 and 6.
std::vector<Rfc4231Case> rfc4231_cases() {
    return {
        {"case 1", Bytes(20, 0x0b), ascii("Hi There"),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
         "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
         "faea9ea9076ede7f4af152e8b2fa9cb6",
         "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
         "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"},
        {"case 2", ascii("Jefe"), ascii("what do ya want for nothing?"),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
         "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
         "8e2240ca5e69e2c78b3239ecfab21649",
         "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
         "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"},
        {"case 3", Bytes(20, 0xaa), Bytes(50, 0xdd),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
         "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b"
         "2a5ab39dc13814b94e3ab6e101a34f27",
         "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
         "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb"},
        {"case 6", Bytes(131, 0xaa), ascii("Test Using Larger Than Block-Size Key - Hash Key First"),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
         "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
         "0c2ef6ab4030fe8296248df163f44952",
         "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
         "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"},
    };
}

TEST(Prf, Rfc4231KnownAnswers) {
    auto p256 = Prf::create(transform_id::prf_hmac_sha2_256);
    auto p384 = Prf::create(transform_id::prf_hmac_sha2_384);
    auto p512 = Prf::create(transform_id::prf_hmac_sha2_512);
    ASSERT_TRUE(p256.ok() && p384.ok() && p512.ok());
    for (const auto& c : rfc4231_cases()) {
        SCOPED_TRACE(c.name);
        EXPECT_EQ(to_hex(*p256->bytes(c.key, {c.data})), c.sha256);
        EXPECT_EQ(to_hex(*p384->bytes(c.key, {c.data})), c.sha384);
        EXPECT_EQ(to_hex(*p512->bytes(c.key, {c.data})), c.sha512);
        // The same value as a secret, and with the data split into parts.
        ByteView d(c.data);
        EXPECT_EQ(to_hex(*p256->secret(c.key, {d.first(3), d.subspan(3)})), c.sha256);
    }
}

TEST(Hmac, TruncatesToTheRequestedLength) {
    // RFC 4231 test case 5: HMAC-SHA-256 truncated to 128 bits.
    auto h = Hmac::create("SHA2-256");
    ASSERT_TRUE(h.ok());
    Bytes out(16);
    ASSERT_TRUE(h->compute(Bytes(20, 0x0c), {ascii("Test With Truncation")}, out).ok());
    EXPECT_EQ(to_hex(out), "a3b6167473100ee06e0c796c2955552b");
}

TEST(Hmac, RejectsEmptyKeyAndBadOutputLength) {
    auto h = Hmac::create("SHA2-256");
    ASSERT_TRUE(h.ok());
    Bytes out(32), big(33), none;
    EXPECT_EQ(h->compute(ByteView(), {ascii("x")}, out).error().code, CryptoErrc::invalid_argument);
    EXPECT_EQ(h->compute(ascii("k"), {ascii("x")}, big).error().code, CryptoErrc::invalid_argument);
    EXPECT_EQ(h->compute(ascii("k"), {ascii("x")}, none).error().code, CryptoErrc::invalid_argument);
}

TEST(Prf, UnsupportedTransform) {
    auto p = Prf::create(2);  // PRF_HMAC_SHA1: not offered
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.error().code, CryptoErrc::unsupported_algorithm);
    EXPECT_FALSE(Prf::create(4).ok());  // AES128-CMAC
}

TEST(PrfPlus, MatchesIndependentImplementation) {
    for (const auto& v : test::vectors("prf_plus.")) {
        SCOPED_TRACE(v.name);
        auto prf = Prf::create(static_cast<uint16_t>(v.num("prf")));
        ASSERT_TRUE(prf.ok());
        Bytes seed = v.bytes("seed");
        auto out = prf_plus(*prf, v.bytes("key"), {seed}, v.num("length"));
        ASSERT_TRUE(out.ok()) << out.error().detail;
        EXPECT_EQ(to_hex(*out), to_hex(v.bytes("out")));
        // Seed given in pieces: same stream.
        ByteView s(seed);
        auto split = prf_plus(*prf, v.bytes("key"), {s.first(10), s.subspan(10)}, v.num("length"));
        EXPECT_TRUE(out->equals(*split));
    }
}

TEST(PrfPlus, LengthLimits) {
    auto prf = Prf::create(transform_id::prf_hmac_sha2_256);
    ASSERT_TRUE(prf.ok());
    const Bytes key(32, 1), seed(8, 2);
    EXPECT_EQ(prf_plus(*prf, key, {seed}, 0).error().code, CryptoErrc::invalid_argument);
    EXPECT_EQ(prf_plus(*prf, key, {seed}, 255 * 32 + 1).error().code, CryptoErrc::invalid_argument);
    auto max = prf_plus(*prf, key, {seed}, 255 * 32);
    ASSERT_TRUE(max.ok());
    EXPECT_EQ(max->size(), 255u * 32);
}

}  // namespace
}  // namespace tandem::ike::crypto
