// Key exchange: RFC 5903 (ECP), RFC 7748 (X25519) known answers, MODP-2048 against Python
// integers (make_vectors.py), and rejection of invalid peer values.
#include <gtest/gtest.h>

#include "controlplane/ike/crypto/dh.h"
#include "tests/controlplane/ike/crypto/vectors.h"

namespace tandem::ike::crypto {
namespace {

using test::hex;
using test::to_hex;

struct EcpVector {
    uint16_t group;
    const char* i;
    const char* gix;
    const char* giy;
    const char* r;
    const char* grx;
    const char* gry;
    const char* girx;
};

// RFC 5903 section 8.1, 8.2, 8.3.
const EcpVector ecp_vectors[] = {
    {19, "C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433",
     "DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180",
     "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3",
     "C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53",
     "D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63",
     "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB",
     "D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE"},
    {20,
     "099F3C7034D4A2C699884D73A375A67F7624EF7C6B3C0F160647B67414DCE655E35B538041E649EE3FAEF896783AB194",
     "667842D7D180AC2CDE6F74F37551F55755C7645C20EF73E31634FE72B4C55EE6DE3AC808ACB4BDB4C88732AEE95F41AA",
     "9482ED1FC0EEB9CAFC4984625CCFC23F65032149E0E144ADA024181535A0F38EEB9FCFF3C2C947DAE69B4C634573A81C",
     "41CB0779B4BDB85D47846725FBEC3C9430FAB46CC8DC5060855CC9BDA0AA2942E0308312916B8ED2960E4BD55A7448FC",
     "E558DBEF53EECDE3D3FCCFC1AEA08A89A987475D12FD950D83CFA41732BC509D0D1AC43A0336DEF96FDA41D0774A3571",
     "DCFBEC7AACF3196472169E838430367F66EEBE3C6E70C416DD5F0C68759DD1FFF83FA40142209DFF5EAAD96DB9E6386C",
     "11187331C279962D93D604243FD592CB9D0A926F422E47187521287E7156C5C4D603135569B9E9D09CF5D4A270F59746"},
    {21,
     "0037ADE9319A89F4DABDB3EF411AACCCA5123C61ACAB57B5393DCE47608172A095AA85A30FE1C2952C6771D937BA9777"
     "F5957B2639BAB072462F68C27A57382D4A52",
     "0015417E84DBF28C0AD3C278713349DC7DF153C897A1891BD98BAB4357C9ECBEE1E3BF42E00B8E380AEAE57C2D107564"
     "941885942AF5A7F4601723C4195D176CED3E",
     "017CAE20B6641D2EEB695786D8C946146239D099E18E1D5A514C739D7CB4A10AD8A788015AC405D7799DC75E7B7D5B6C"
     "F2261A6A7F1507438BF01BEB6CA3926F9582",
     "0145BA99A847AF43793FDD0E872E7CDFA16BE30FDC780F97BCCC3F078380201E9C677D600B343757A3BDBF2A3163E4C2"
     "F869CCA7458AA4A4EFFC311F5CB151685EB9",
     "00D0B3975AC4B799F5BEA16D5E13E9AF971D5E9B984C9F39728B5E5739735A219B97C356436ADC6E95BB0352F6BE64A6"
     "C2912D4EF2D0433CED2B6171640012D9460F",
     "015C68226383956E3BD066E797B623C27CE0EAC2F551A10C2C724D9852077B87220B6536C5C408A1D2AEBB8E86D678AE"
     "49CB57091F4732296579AB44FCD17F0FC56A",
     "01144C7D79AE6956BC8EDB8E7C787C4521CB086FA64407F97894E5E6B2D79B04D1427E73CA4BAA240A34786859810C06"
     "B3C715A3A8CC3151F2BEE417996D19F3DDEA"},
};

Bytes concat(const Bytes& a, const Bytes& b) {
    Bytes c = a;
    c.insert(c.end(), b.begin(), b.end());
    return c;
}

CryptoErrc peer_error(const KeyExchange& kx, const Bytes& peer) {
    auto r = kx.shared_secret(peer);
    EXPECT_FALSE(r.ok()) << "accepted " << to_hex(peer).substr(0, 16) << "...";
    return r.ok() ? CryptoErrc::backend_failure : r.error().code;
}

TEST(KeyExchange, KeDataSizes) {
    EXPECT_EQ(ke_data_size(14), 256u);
    EXPECT_EQ(ke_data_size(19), 64u);
    EXPECT_EQ(ke_data_size(20), 96u);
    EXPECT_EQ(ke_data_size(21), 132u);
    EXPECT_EQ(ke_data_size(31), 32u);
    EXPECT_EQ(ke_data_size(2), 0u);
    EXPECT_EQ(KeyExchange::from_private_key(15, hex("05")).error().code, CryptoErrc::unsupported_algorithm);
}

TEST(KeyExchange, Rfc5903EcpVectors) {
    for (const auto& v : ecp_vectors) {
        SCOPED_TRACE(v.group);
        auto i = KeyExchange::from_private_key(v.group, hex(v.i));
        auto r = KeyExchange::from_private_key(v.group, hex(v.r));
        ASSERT_TRUE(i.ok()) << i.error().detail;
        ASSERT_TRUE(r.ok()) << r.error().detail;
        const Bytes gi = concat(hex(v.gix), hex(v.giy));
        const Bytes gr = concat(hex(v.grx), hex(v.gry));
        EXPECT_EQ(to_hex(i->public_value()), to_hex(gi));
        EXPECT_EQ(to_hex(r->public_value()), to_hex(gr));
        auto s_i = i->shared_secret(gr);
        auto s_r = r->shared_secret(gi);
        ASSERT_TRUE(s_i.ok()) << s_i.error().detail;
        ASSERT_TRUE(s_r.ok()) << s_r.error().detail;
        EXPECT_EQ(to_hex(*s_i), to_hex(hex(v.girx)));  // x coordinate only
        EXPECT_EQ(to_hex(*s_r), to_hex(hex(v.girx)));
    }
}

TEST(KeyExchange, EcpRejectsBadPeerValues) {
    for (const auto& v : ecp_vectors) {
        SCOPED_TRACE(v.group);
        auto i = KeyExchange::from_private_key(v.group, hex(v.i));
        ASSERT_TRUE(i.ok());
        const Bytes gr = concat(hex(v.grx), hex(v.gry));
        Bytes off_curve = gr;
        off_curve.back() ^= 1;
        EXPECT_EQ(peer_error(*i, off_curve), CryptoErrc::invalid_public_value);
        EXPECT_EQ(peer_error(*i, Bytes(gr.size(), 0)), CryptoErrc::invalid_public_value);
        EXPECT_EQ(peer_error(*i, Bytes(gr.begin(), gr.end() - 1)), CryptoErrc::invalid_public_value);
        EXPECT_EQ(peer_error(*i, concat(hex("04"), gr)), CryptoErrc::invalid_public_value);
        EXPECT_EQ(peer_error(*i, hex(v.grx)), CryptoErrc::invalid_public_value);  // x only
        EXPECT_EQ(peer_error(*i, Bytes()), CryptoErrc::invalid_public_value);
    }
}

TEST(KeyExchange, EcpRejectsOutOfRangePrivateKeys) {
    EXPECT_EQ(KeyExchange::from_private_key(19, Bytes(32, 0)).error().code, CryptoErrc::invalid_argument);
    EXPECT_EQ(KeyExchange::from_private_key(19, Bytes(32, 0xff)).error().code, CryptoErrc::invalid_argument);
    EXPECT_EQ(KeyExchange::from_private_key(19, Bytes(31, 0x11)).error().code, CryptoErrc::invalid_argument);
}

TEST(KeyExchange, Rfc7748X25519ScalarMultiplication) {
    // RFC 7748 section 5.2: scalar, input u, output u.
    const char* cases[][3] = {
        {"a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
         "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
         "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"},
        {"4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
         "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
         "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"},
    };
    for (const auto& c : cases) {
        auto kx = KeyExchange::from_private_key(transform_id::dh_curve25519, hex(c[0]));
        ASSERT_TRUE(kx.ok());
        auto out = kx->shared_secret(hex(c[1]));
        ASSERT_TRUE(out.ok()) << out.error().detail;
        EXPECT_EQ(to_hex(*out), c[2]);
    }
}

TEST(KeyExchange, Rfc7748X25519DiffieHellman) {
    // RFC 7748 section 6.1.
    auto alice = KeyExchange::from_private_key(31, hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
    auto bob = KeyExchange::from_private_key(31, hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
    ASSERT_TRUE(alice.ok() && bob.ok());
    EXPECT_EQ(to_hex(alice->public_value()), "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    EXPECT_EQ(to_hex(bob->public_value()), "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    const char* k = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    EXPECT_EQ(to_hex(*alice->shared_secret(Bytes(bob->public_value().begin(), bob->public_value().end()))), k);
    EXPECT_EQ(to_hex(*bob->shared_secret(Bytes(alice->public_value().begin(), alice->public_value().end()))), k);
}

TEST(KeyExchange, X25519RejectsLowOrderPointsAndBadLengths) {
    auto kx = KeyExchange::from_private_key(31, hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
    ASSERT_TRUE(kx.ok());
    // u = 0 and u = 1 have small order: the result is all zero (RFC 7748 6.1, RFC 8031 2).
    EXPECT_EQ(peer_error(*kx, Bytes(32, 0)), CryptoErrc::invalid_public_value);
    Bytes one(32, 0);
    one[0] = 1;
    EXPECT_EQ(peer_error(*kx, one), CryptoErrc::invalid_public_value);
    EXPECT_EQ(peer_error(*kx, Bytes(31, 9)), CryptoErrc::invalid_public_value);
    EXPECT_EQ(peer_error(*kx, Bytes(33, 9)), CryptoErrc::invalid_public_value);
    EXPECT_EQ(KeyExchange::from_private_key(31, Bytes(31, 1)).error().code, CryptoErrc::invalid_argument);
}

TEST(KeyExchange, Modp2048MatchesPythonIntegers) {
    auto v = test::vectors("modp2048").at(0);
    auto i = KeyExchange::from_private_key(14, v.bytes("x_i"));
    auto r = KeyExchange::from_private_key(14, v.bytes("x_r"));
    ASSERT_TRUE(i.ok()) << i.error().detail;
    ASSERT_TRUE(r.ok()) << r.error().detail;
    EXPECT_EQ(to_hex(i->public_value()), to_hex(v.bytes("g_xi")));
    EXPECT_EQ(to_hex(r->public_value()), to_hex(v.bytes("g_xr")));
    auto s_i = i->shared_secret(v.bytes("g_xr"));
    auto s_r = r->shared_secret(v.bytes("g_xi"));
    ASSERT_TRUE(s_i.ok() && s_r.ok());
    EXPECT_EQ(s_i->size(), 256u);
    EXPECT_EQ(to_hex(*s_i), to_hex(v.bytes("shared")));
    EXPECT_EQ(to_hex(*s_r), to_hex(v.bytes("shared")));
}

TEST(KeyExchange, Modp2048SharedSecretKeepsLeadingZeros) {
    // g^ir is always the modulus length; search a few deterministic keys for a public value and a
    // secret with a leading zero byte, which OpenSSL would strip without padding.
    DeterministicRandom rng(14);
    auto peer = KeyExchange::generate(14, rng);
    ASSERT_TRUE(peer.ok());
    const Bytes peer_pub(peer->public_value().begin(), peer->public_value().end());
    bool saw_leading_zero = false;
    for (int n = 0; n < 600 && !saw_leading_zero; ++n) {
        auto kx = KeyExchange::generate(14, rng);
        ASSERT_TRUE(kx.ok());
        ASSERT_EQ(kx->public_value().size(), 256u);
        auto s = kx->shared_secret(peer_pub);
        ASSERT_TRUE(s.ok());
        ASSERT_EQ(s->size(), 256u);
        saw_leading_zero = s->data()[0] == 0 || kx->public_value()[0] == 0;
    }
    EXPECT_TRUE(saw_leading_zero);
}

TEST(KeyExchange, Modp2048RejectsBadPeerValues) {
    auto v = test::vectors("modp2048").at(0);
    auto kx = KeyExchange::from_private_key(14, v.bytes("x_i"));
    ASSERT_TRUE(kx.ok());
    const Bytes p = v.bytes("p");
    Bytes y(256, 0);
    EXPECT_EQ(peer_error(*kx, y), CryptoErrc::invalid_public_value);  // 0
    y.back() = 1;
    EXPECT_EQ(peer_error(*kx, y), CryptoErrc::invalid_public_value);  // 1
    Bytes p_minus_1 = p;
    p_minus_1.back() -= 1;  // p is odd
    EXPECT_EQ(peer_error(*kx, p_minus_1), CryptoErrc::invalid_public_value);
    EXPECT_EQ(peer_error(*kx, p), CryptoErrc::invalid_public_value);
    EXPECT_EQ(peer_error(*kx, Bytes(256, 0xff)), CryptoErrc::invalid_public_value);
    const Bytes good = v.bytes("g_xr");
    EXPECT_EQ(peer_error(*kx, Bytes(good.begin() + 1, good.end())), CryptoErrc::invalid_public_value);
    EXPECT_EQ(peer_error(*kx, concat(hex("00"), good)), CryptoErrc::invalid_public_value);
    // 2 is the generator: allowed. p-2 passes the range check but is not in the subgroup of
    // prime order q that 2 generates ((p-2)^q = -1 mod p); OpenSSL's peer validation refuses it.
    y.back() = 2;
    EXPECT_TRUE(kx->shared_secret(y).ok());
    Bytes p_minus_2 = p;
    p_minus_2.back() -= 2;
    EXPECT_EQ(peer_error(*kx, p_minus_2), CryptoErrc::invalid_public_value);
}

TEST(KeyExchange, ModpRejectsTrivialExponents) {
    EXPECT_EQ(KeyExchange::from_private_key(14, hex("01")).error().code, CryptoErrc::invalid_argument);
    EXPECT_EQ(KeyExchange::from_private_key(14, hex("0000")).error().code, CryptoErrc::invalid_argument);
    EXPECT_EQ(KeyExchange::from_private_key(14, Bytes()).error().code, CryptoErrc::invalid_argument);
    EXPECT_EQ(KeyExchange::from_private_key(14, Bytes(257, 1)).error().code, CryptoErrc::invalid_argument);
}

TEST(KeyExchange, GeneratedPairsAgreeAndAreDeterministic) {
    for (uint16_t group : {14, 19, 20, 21, 31}) {
        SCOPED_TRACE(group);
        DeterministicRandom rng_a(100 + group), rng_b(200 + group), rng_a2(100 + group);
        auto a = KeyExchange::generate(group, rng_a);
        auto b = KeyExchange::generate(group, rng_b);
        auto a2 = KeyExchange::generate(group, rng_a2);
        ASSERT_TRUE(a.ok() && b.ok() && a2.ok());
        EXPECT_EQ(a->group(), group);
        EXPECT_EQ(a->public_value().size(), ke_data_size(group));
        EXPECT_EQ(to_hex(a->public_value()), to_hex(a2->public_value()));
        EXPECT_NE(to_hex(a->public_value()), to_hex(b->public_value()));
        auto ab = a->shared_secret(Bytes(b->public_value().begin(), b->public_value().end()));
        auto ba = b->shared_secret(Bytes(a->public_value().begin(), a->public_value().end()));
        ASSERT_TRUE(ab.ok() && ba.ok());
        EXPECT_TRUE(ab->equals(*ba));
        EXPECT_EQ(ab->size(), find_dh_group(group)->secret_size);
    }
}

TEST(KeyExchange, GenerateWithSystemRandom) {
    OpenSslRandom rng;
    auto a = KeyExchange::generate(19, rng);
    auto b = KeyExchange::generate(19, rng);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_NE(to_hex(a->public_value()), to_hex(b->public_value()));
}

TEST(KeyExchange, GenerateFailsCleanlyWhenRandomFails) {
    FixedRandom empty(Bytes{});
    auto kx = KeyExchange::generate(31, empty);
    ASSERT_FALSE(kx.ok());
    EXPECT_EQ(kx.error().code, CryptoErrc::random_failure);
}

}  // namespace
}  // namespace tandem::ike::crypto
