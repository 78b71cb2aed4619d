// SecretBytes and the random sources.
#include <gtest/gtest.h>

#include <ostream>

#include "controlplane/ike/crypto/random.h"
#include "controlplane/ike/crypto/secret.h"
#include "tests/controlplane/ike/crypto/vectors.h"

namespace tandem::ike::crypto {
namespace {

using test::hex;
using test::to_hex;

template <typename T>
concept Streamable = requires(std::ostream& os, const T& v) { os << v; };

static_assert(!Streamable<SecretBytes>, "key material must not be printable");
static_assert(!std::is_copy_constructible_v<SecretBytes>);
static_assert(!std::is_copy_assignable_v<SecretBytes>);
static_assert(std::is_nothrow_move_constructible_v<SecretBytes>);

TEST(SecretBytes, CopyCloneSliceAndMove) {
    const Bytes raw = hex("00112233445566778899");
    SecretBytes s = SecretBytes::copy_of(raw);
    EXPECT_EQ(to_hex(s), "00112233445566778899");
    SecretBytes c = s.clone();
    EXPECT_TRUE(c.equals(raw));
    EXPECT_EQ(to_hex(s.slice(2, 3)), "223344");
    EXPECT_TRUE(s.slice(10, 0).empty());

    SecretBytes moved = std::move(s);
    EXPECT_EQ(moved.size(), 10u);
    EXPECT_TRUE(s.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
    moved = std::move(c);
    EXPECT_TRUE(moved.equals(raw));
}

TEST(SecretBytes, ZeroInitialisedAndConstantTimeEquality) {
    SecretBytes z(4);
    EXPECT_EQ(to_hex(z), "00000000");
    EXPECT_TRUE(z.equals(hex("00000000")));
    EXPECT_FALSE(z.equals(hex("00000001")));
    EXPECT_FALSE(z.equals(hex("000000")));  // length differs
    EXPECT_TRUE(constant_time_equal(ByteView(), ByteView()));
}

TEST(DeterministicRandom, MatchesIndependentStream) {
    auto v = test::vectors("deterministic_random").at(0);
    DeterministicRandom rng(v.num("seed"));
    Bytes out(80);
    ASSERT_TRUE(rng.fill(out).ok());
    EXPECT_EQ(to_hex(out), to_hex(v.bytes("out")));
}

TEST(DeterministicRandom, ChunkedFillsGiveTheSameStream) {
    DeterministicRandom a(7), b(7), c(8);
    Bytes whole(100), parts(100), other(100);
    ASSERT_TRUE(a.fill(whole).ok());
    std::span<uint8_t> p(parts);
    for (size_t off = 0, n = 1; off < p.size(); off += n, n = n % 37 + 5) {
        n = std::min(n, p.size() - off);
        ASSERT_TRUE(b.fill(p.subspan(off, n)).ok());
    }
    ASSERT_TRUE(c.fill(other).ok());
    EXPECT_EQ(whole, parts);
    EXPECT_NE(whole, other);
}

TEST(FixedRandom, HandsOutBytesThenFails) {
    FixedRandom rng(hex("0102030405"));
    Bytes a(2), b(3), c(1);
    ASSERT_TRUE(rng.fill(a).ok());
    ASSERT_TRUE(rng.fill_private(b).ok());
    EXPECT_EQ(to_hex(a), "0102");
    EXPECT_EQ(to_hex(b), "030405");
    auto r = rng.fill(c);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, CryptoErrc::random_failure);
}

TEST(OpenSslRandom, Fills) {
    OpenSslRandom rng;
    Bytes a(32), b(32);
    ASSERT_TRUE(rng.fill(a).ok());
    ASSERT_TRUE(rng.fill_private(b).ok());
    EXPECT_NE(a, Bytes(32));
    EXPECT_NE(a, b);
}

}  // namespace
}  // namespace tandem::ike::crypto
