// Dataplane API decoder against hostile input: every message cut at every length, random
// datagrams, and valid messages with random bytes changed. Nothing may crash, and whatever still
// decodes must re-encode to exactly the bytes it came from (the decoder accepts only canonical
// encodings). Deterministic: fixed seeds, so a failure reproduces. The libFuzzer target
// (tests/fuzz/fuzz_dpapi.cc) explores the same property without bounds.
#include <gtest/gtest.h>

#include <random>

#include "common/dpapi/codec.h"
#include "tests/unit/dpapi_test_messages.h"

namespace tandem::dpapi {
namespace {

// Decodes; on success the re-encoding must be the input itself. Returns whether it decoded.
bool decode_round_trips(const std::vector<uint8_t>& bytes) {
    auto r = decode(bytes);
    if (!r) {
        EXPECT_NE(r.error().status, Status::ok);
        EXPECT_FALSE(r.error().text.empty());
        return false;
    }
    std::vector<uint8_t> again;
    auto e = encode(*r, again);
    EXPECT_TRUE(e) << e.error().str();
    EXPECT_EQ(again, bytes);
    return true;
}

TEST(DpapiRobustness, TruncatedAtEveryLengthIsRefused) {
    for (const auto& m : test::sample_messages()) {
        SCOPED_TRACE(std::string(message_type_name(type_of(m))));
        auto full = test::encoded(m);
        ASSERT_FALSE(full.empty());
        for (size_t n = 0; n < full.size(); ++n) {
            std::vector<uint8_t> cut(full.begin(), full.begin() + static_cast<long>(n));
            // As received: the header's body length no longer matches.
            auto r = decode(cut);
            ASSERT_FALSE(r) << "decoded a " << n << "-byte prefix";
            EXPECT_EQ(r.error().status, n < kHeaderSize ? Status::truncated : Status::bad_length);
            // With the body length patched to match: the body parser must find the cut.
            if (n >= kHeaderSize) {
                uint32_t body = static_cast<uint32_t>(n - kHeaderSize);
                for (int i = 0; i < 4; ++i) cut[16 + i] = static_cast<uint8_t>(body >> (24 - 8 * i));
                auto p = decode(cut);
                ASSERT_FALSE(p) << "decoded a body cut to " << body << " bytes";
                EXPECT_TRUE(p.error().status == Status::truncated || p.error().status == Status::bad_count)
                    << p.error().str();
                EXPECT_EQ(p.error().request_id, m.request_id);
            }
        }
    }
}

TEST(DpapiRobustness, RandomDatagramsNeverCrash) {
    std::mt19937 rng(20240611);
    size_t decoded = 0;
    for (int i = 0; i < 20000; ++i) {
        std::vector<uint8_t> b(rng() % 300);
        for (auto& x : b) x = static_cast<uint8_t>(rng());
        if (i % 2 == 0) {
            // Make half of them get past the framing checks, so the body parsers are exercised:
            // a valid header of a known type, and often a body size some type has.
            const uint16_t types[] = {0x0001, 0x0002, 0x0101, 0x0102, 0x0111, 0x0121, 0x0122, 0x0131,
                                      0x0132, 0x0201, 0x0202, 0x0211, 0x0221, 0x0301, 0x0311, 0x0314,
                                      0x0321, 0x0401, 0x0402, 0x0403};
            const size_t sizes[] = {0, 4, 8, 12, 20, 36, 40};
            if (rng() % 2) b.resize(kHeaderSize + sizes[rng() % std::size(sizes)]);
            if (b.size() < kHeaderSize) b.resize(kHeaderSize);
            uint16_t t = types[rng() % std::size(types)];
            uint32_t body = static_cast<uint32_t>(b.size() - kHeaderSize);
            const uint8_t header[] = {'T', 'N', 'D', 'M', 0, 1, uint8_t(t >> 8), uint8_t(t), 0, 0, 0, 0,
                                      1, 2, 3, 4, uint8_t(body >> 24), uint8_t(body >> 16), uint8_t(body >> 8),
                                      uint8_t(body)};
            std::copy(std::begin(header), std::end(header), b.begin());
            if (b.size() > kHeaderSize + 1) b[kHeaderSize] = 0;  // small counts, so lists can fit
        }
        decoded += decode_round_trips(b);
    }
    EXPECT_GT(decoded, 0u);  // some random bodies (queries, events) are valid: the loop reaches them
}

TEST(DpapiRobustness, MutatedMessagesDecodeCanonicallyOrNotAtAll) {
    std::mt19937 rng(7);
    auto samples = test::sample_messages();
    size_t refused = 0;
    for (int i = 0; i < 20000; ++i) {
        auto b = test::encoded(samples[rng() % samples.size()]);
        int flips = 1 + static_cast<int>(rng() % 3);
        for (int f = 0; f < flips; ++f) b[rng() % b.size()] = static_cast<uint8_t>(rng());
        refused += !decode_round_trips(b);
    }
    EXPECT_GT(refused, 0u);
}

}  // namespace
}  // namespace tandem::dpapi
