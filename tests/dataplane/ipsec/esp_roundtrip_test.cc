// Outbound -> inbound round trips through Tandem's ESP engine for every algorithm, with and
// without ESN and NAT-T, on CPU crypto and lookaside: the inner packet comes back byte-exact, the
// outer header is what RFC 4303 / RFC 3948 / RFC 6040 ask for, tampering is an auth failure.
#include <arpa/inet.h>
#include <netinet/in.h>

#include <tuple>

#include "esp_test_util.h"

namespace tandem::test {
namespace {

using dp::DropReason;
using dpapi::Direction;

struct Case {
    Algo algo;
    bool esn;
    bool natt;
    bool lookaside;
};

std::string case_name(const ::testing::TestParamInfo<Case>& i) {
    return std::string(i.param.algo.name) + (i.param.esn ? "_esn" : "") + (i.param.natt ? "_natt" : "") +
           (i.param.lookaside ? "_lookaside" : "");
}

std::vector<Case> all_cases() {
    std::vector<Case> v;
    for (const auto& a : all_algos()) {
        for (bool esn : {false, true}) {
            for (bool natt : {false, true}) v.push_back({a, esn, natt, false});
        }
    }
    // Lookaside (crypto ops on a queue pair) for one AEAD and one chained algorithm.
    v.push_back({all_algos()[0], true, true, true});
    v.push_back({all_algos()[3], true, false, true});
    v.push_back({all_algos()[9], false, true, true});
    return v;
}

class EspRoundTrip : public ::testing::TestWithParam<Case> {
protected:
    dp::Sa make(Direction dir, dp::SaOptions opts = {}) {
        const Case& c = GetParam();
        opts.force_lookaside = c.lookaside;
        auto sa = dp::Sa::create(make_sa(dir, c.algo, c.esn, c.natt), EspEnvironment::device(), opts);
        EXPECT_TRUE(sa.ok()) << (sa.ok() ? "" : sa.error().message);
        return std::move(*sa);
    }
};

TEST_P(EspRoundTrip, ByteExactWithCorrectOuterHeaders) {
    const Case& c = GetParam();
    dp::Sa out = make(Direction::outbound);
    dp::Sa in = make(Direction::inbound);
    EXPECT_EQ(out.cpu_crypto(), !c.lookaside);

    std::vector<Bytes> inner;
    for (size_t len : {0, 1, 2, 3, 13, 14, 15, 16, 17, 100, 512, 1400}) {
        inner.push_back(make_inner(0x0a010001, 0x0a020001, 1000, 2000, len,
                                   static_cast<uint8_t>(0xb8 | (len % 4)),  // DSCP 46 + every ECN
                                   len % 2 == 0, static_cast<uint8_t>(len)));
    }
    Outcome enc = run_outbound(out, inner);
    ASSERT_EQ(enc.good.size(), inner.size());
    const size_t esp_off = c.natt ? 28 : 20;
    for (size_t i = 0; i < enc.good.size(); ++i) {
        const Bytes& o = enc.good[i];
        SCOPED_TRACE(i);
        ASSERT_GE(o.size(), esp_off + 8);
        EXPECT_EQ(o[0], 0x45);
        EXPECT_EQ(ipv4_checksum_of(o), 0) << "outer checksum";
        EXPECT_EQ((o[2] << 8 | o[3]), static_cast<int>(o.size()));
        EXPECT_EQ(o[8], 64) << "TTL";
        EXPECT_EQ(o[1], inner[i][1]) << "DSCP and ECN copied (RFC 6040 normal mode)";
        EXPECT_EQ(o[6] & 0x40, inner[i][6] & 0x40) << "DF copied";
        EXPECT_EQ(o[9], c.natt ? IPPROTO_UDP : IPPROTO_ESP);
        EXPECT_EQ(Bytes(o.begin() + 12, o.begin() + 16), (Bytes{192, 0, 2, 1}));
        EXPECT_EQ(Bytes(o.begin() + 16, o.begin() + 20), (Bytes{198, 51, 100, 1}));
        if (c.natt) {
            EXPECT_EQ((o[20] << 8 | o[21]), 4500);
            EXPECT_EQ((o[22] << 8 | o[23]), 4500);
            EXPECT_EQ((o[24] << 8 | o[25]), static_cast<int>(o.size() - 20));
            EXPECT_EQ((o[26] << 8 | o[27]), 0) << "UDP checksum 0 (RFC 3948 2.1)";
        }
        const uint32_t spi = (o[esp_off] << 24) | (o[esp_off + 1] << 16) | (o[esp_off + 2] << 8) | o[esp_off + 3];
        const uint32_t seq = (o[esp_off + 4] << 24) | (o[esp_off + 5] << 16) | (o[esp_off + 6] << 8) | o[esp_off + 7];
        EXPECT_EQ(spi, out.params().spi);
        EXPECT_EQ(seq, i + 1);
    }
    Outcome dec = run_inbound(in, enc.good);
    ASSERT_EQ(dec.good.size(), inner.size());
    for (size_t i = 0; i < inner.size(); ++i) EXPECT_EQ(dec.good[i], inner[i]) << i;
    EXPECT_EQ(out.stats().packets, inner.size());
    EXPECT_EQ(in.stats().packets, inner.size());
    size_t bytes = 0;
    for (auto& p : inner) bytes += p.size();
    EXPECT_EQ(out.stats().bytes, bytes);
    EXPECT_EQ(in.stats().bytes, bytes);
    // Everything again: all replays now.
    Outcome again = run_inbound(in, enc.good);
    EXPECT_EQ(again.good.size(), 0u);
    EXPECT_EQ(again.count(DropReason::replay), inner.size());
    EXPECT_EQ(in.stats().drops_of(DropReason::replay), inner.size());
}

TEST_P(EspRoundTrip, TamperedCiphertextOrIcvIsAuthFailure) {
    const Case& c = GetParam();
    dp::Sa out = make(Direction::outbound);
    dp::Sa in = make(Direction::inbound);
    std::vector<Bytes> inner;
    for (int i = 0; i < 6; ++i) inner.push_back(default_inner(64 + i, static_cast<uint8_t>(i)));
    Outcome enc = run_outbound(out, inner);
    ASSERT_EQ(enc.good.size(), inner.size());
    const size_t esp_off = c.natt ? 28 : 20;
    std::vector<Bytes> bad = enc.good;
    bad[0][esp_off + 8 + 20] ^= 0x01;      // ciphertext (past the IV)
    bad[1].back() ^= 0x80;                 // last ICV byte
    bad[2][esp_off + 8] ^= 0x04;           // IV
    bad[3][esp_off + 5] ^= 0x01;           // sequence number (authenticated)
    // bad[4], bad[5] untouched: they must still pass after the failures.
    Outcome dec = run_inbound(in, bad);
    EXPECT_EQ(dec.good.size(), 2u);
    EXPECT_EQ(dec.count(DropReason::auth_failure), 4u);
    EXPECT_EQ(in.stats().drops_of(DropReason::auth_failure), 4u);
    ASSERT_EQ(dec.good.size(), 2u);
    EXPECT_EQ(dec.good[0], inner[4]);
    EXPECT_EQ(dec.good[1], inner[5]);
    // A failed packet does not enter the window: the genuine copy still passes.
    Outcome retry = run_inbound(in, {enc.good[0], enc.good[1]});
    EXPECT_EQ(retry.good.size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, EspRoundTrip, ::testing::ValuesIn(all_cases()), case_name);

}  // namespace
}  // namespace tandem::test
