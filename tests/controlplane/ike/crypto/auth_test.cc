// Shared-key AUTH and NAT-D hashes against make_vectors.py.
#include <gtest/gtest.h>

#include "controlplane/ike/crypto/auth.h"
#include "tests/controlplane/ike/crypto/vectors.h"

namespace tandem::ike::crypto {
namespace {

using test::be64;
using test::to_hex;

TEST(PskAuth, MatchesIndependentImplementation) {
    for (const auto& v : test::vectors("psk_auth.")) {
        SCOPED_TRACE(v.name);
        auto prf = Prf::create(static_cast<uint16_t>(v.num("prf")));
        ASSERT_TRUE(prf.ok());
        auto auth = psk_auth(*prf, v.bytes("psk"), v.bytes("message"), v.bytes("nonce"), v.bytes("sk_p"),
                             v.bytes("id_body"));
        ASSERT_TRUE(auth.ok()) << auth.error().detail;
        EXPECT_EQ(to_hex(*auth), to_hex(v.bytes("auth")));
        EXPECT_TRUE(verify_psk_auth(*prf, v.bytes("psk"), v.bytes("message"), v.bytes("nonce"),
                                    v.bytes("sk_p"), v.bytes("id_body"), v.bytes("auth"))
                        .ok());
    }
}

TEST(PskAuth, VerificationFailures) {
    auto v = test::vectors("psk_auth.5").at(0);
    auto prf = Prf::create(5);
    ASSERT_TRUE(prf.ok());
    auto verify = [&](Bytes psk, Bytes message, Bytes id, Bytes received) {
        auto r = verify_psk_auth(*prf, psk, message, v.bytes("nonce"), v.bytes("sk_p"), id, received);
        return r.ok() ? CryptoErrc::backend_failure : r.error().code;
    };
    const Bytes psk = v.bytes("psk"), msg = v.bytes("message"), id = v.bytes("id_body"), good = v.bytes("auth");
    Bytes flipped = good;
    flipped[7] ^= 0x10;
    EXPECT_EQ(verify(psk, msg, id, flipped), CryptoErrc::integrity_check_failed);
    EXPECT_EQ(verify(psk, msg, id, Bytes(good.begin(), good.end() - 1)), CryptoErrc::integrity_check_failed);
    EXPECT_EQ(verify(psk, msg, id, Bytes()), CryptoErrc::integrity_check_failed);
    Bytes other_psk = psk;
    other_psk.back() ^= 1;
    EXPECT_EQ(verify(other_psk, msg, id, good), CryptoErrc::integrity_check_failed);
    Bytes other_msg = msg;
    other_msg[0] ^= 1;
    EXPECT_EQ(verify(psk, other_msg, id, good), CryptoErrc::integrity_check_failed);
    Bytes other_id = id;
    other_id.back() ^= 1;
    EXPECT_EQ(verify(psk, msg, other_id, good), CryptoErrc::integrity_check_failed);
    EXPECT_EQ(verify(Bytes(), msg, id, good), CryptoErrc::invalid_argument);
}

TEST(NatDetection, MatchesIndependentImplementation) {
    for (const auto& v : test::vectors("natd.")) {
        SCOPED_TRACE(v.name);
        auto h = nat_detection_hash(be64(v.bytes("spi_i")), be64(v.bytes("spi_r")), v.bytes("ip"),
                                    static_cast<uint16_t>(v.num("port")));
        ASSERT_TRUE(h.ok());
        EXPECT_EQ(to_hex(*h), to_hex(v.bytes("hash")));
    }
}

TEST(NatDetection, Ipv4AddressOverloadAndBadLength) {
    auto v = test::vectors("natd.v4_4500").at(0);
    auto h = nat_detection_hash(be64(v.bytes("spi_i")), be64(v.bytes("spi_r")), Ipv4Address(198, 51, 100, 1), 4500);
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(to_hex(*h), to_hex(v.bytes("hash")));
    EXPECT_EQ(nat_detection_hash(1, 2, Bytes(5, 1), 500).error().code, CryptoErrc::invalid_argument);
}

}  // namespace
}  // namespace tandem::ike::crypto
