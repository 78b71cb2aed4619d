// Unit tests of Tandem's anti-replay window (pure C++, no EAL): RFC 4303 3.4.3 semantics, window
// edges, every supported size against a set-based reference model, ESN reconstruction across the
// 2^32 boundary (RFC 4303 Appendix A), and the rte_ipsec 22.11 bug case (replays of 96..127 after
// 1..140 must be rejected).
#include "dataplane/ipsec/replay_window.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <set>

namespace tandem::dp {
namespace {

ReplayWindow make(uint32_t size, bool esn = false) {
    auto w = ReplayWindow::create(size, esn);
    EXPECT_TRUE(w.ok()) << (w.ok() ? "" : w.error().message);
    return std::move(*w);
}

// Receive path as the dataplane runs it: check before decryption, update after.
bool receive(ReplayWindow& w, uint64_t seq) { return w.check(seq) && w.update(seq); }

TEST(ReplayWindow, SizeLimits) {
    EXPECT_FALSE(ReplayWindow::create(31, false).ok());
    EXPECT_FALSE(ReplayWindow::create(4097, false).ok());
    EXPECT_FALSE(ReplayWindow::create(0, true).ok());  // ESN needs a window
    EXPECT_TRUE(ReplayWindow::create(32, false).ok());
    EXPECT_TRUE(ReplayWindow::create(4096, true).ok());
    auto off = ReplayWindow::create(0, false);
    ASSERT_TRUE(off.ok());
    EXPECT_FALSE(off->enabled());
    EXPECT_EQ(ReplayWindow::kDefaultSize, 64u);
}

TEST(ReplayWindow, OffAcceptsEverything) {
    auto w = make(0);
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(receive(w, 5));
        EXPECT_TRUE(receive(w, 1));
    }
}

TEST(ReplayWindow, InOrderThenReplaysRejected) {
    auto w = make(64);
    for (uint64_t s = 1; s <= 200; ++s) EXPECT_TRUE(receive(w, s)) << s;
    EXPECT_EQ(w.top(), 200u);
    for (uint64_t s = 1; s <= 200; ++s) EXPECT_FALSE(w.check(s)) << s;
    EXPECT_TRUE(w.check(201));
}

TEST(ReplayWindow, ZeroIsNeverValid) {
    auto w = make(64);
    EXPECT_FALSE(w.check(0));
    EXPECT_FALSE(w.update(0));
}

// The DPDK 22.11 bug case: after 1..140 in order, in-window replays of 96..127 (sqn % 64 >= 32)
// were accepted by rte_ipsec. All in-window replays must be rejected; too-old ones too.
TEST(ReplayWindow, DpdkBugCaseUpperHalfOfWordRejected) {
    for (uint32_t size : {64u, 128u, 1024u}) {
        auto w = make(size);
        for (uint64_t s = 1; s <= 140; ++s) ASSERT_TRUE(receive(w, s));
        for (uint64_t s = 96; s <= 127; ++s) {
            EXPECT_FALSE(w.check(s)) << "size " << size << " seq " << s;
            EXPECT_FALSE(w.update(s)) << "size " << size << " seq " << s;
        }
        for (uint64_t s = 1; s <= 140; ++s) EXPECT_FALSE(w.check(s)) << size << " " << s;
    }
}

TEST(ReplayWindow, OutOfOrderWithinWindow) {
    auto w = make(64);
    EXPECT_TRUE(receive(w, 100));
    // Everything in 37..99 is inside the window (100 - 64 + 1 = 37) and new.
    for (uint64_t s = 99; s >= 37; --s) EXPECT_TRUE(receive(w, s)) << s;
    EXPECT_FALSE(w.check(36));  // just outside
    for (uint64_t s = 37; s <= 100; ++s) EXPECT_FALSE(w.check(s)) << s;
}

TEST(ReplayWindow, WindowEdges) {
    for (uint32_t size : {32u, 64u, 65u, 100u, 128u, 4096u}) {
        auto w = make(size);
        const uint64_t top = 10000;
        ASSERT_TRUE(receive(w, top));
        EXPECT_TRUE(w.check(top - size + 1)) << size;  // oldest in window
        EXPECT_FALSE(w.check(top - size)) << size;     // first too old
        EXPECT_FALSE(w.update(top - size)) << size;
        EXPECT_TRUE(receive(w, top - size + 1)) << size;
        EXPECT_FALSE(w.check(top - size + 1)) << size;
        // Slide by exactly one: the oldest drops out.
        ASSERT_TRUE(receive(w, top + 1));
        EXPECT_FALSE(w.check(top - size + 1)) << size;
        EXPECT_TRUE(w.check(top - size + 2)) << size;
    }
}

TEST(ReplayWindow, BigJumpClearsOldBits) {
    auto w = make(128);
    for (uint64_t s = 1; s <= 128; ++s) ASSERT_TRUE(receive(w, s));
    // Jump far ahead: the bitmap words alias old numbers; they must read as unseen now.
    const uint64_t far = 1'000'000 * 64 + 5;
    ASSERT_TRUE(receive(w, far));
    for (uint64_t s = far - 127; s < far; ++s) EXPECT_TRUE(w.check(s)) << s;
    // A jump of less than one window keeps what is still inside it.
    ASSERT_TRUE(receive(w, far - 3));
    ASSERT_TRUE(receive(w, far + 100));
    EXPECT_FALSE(w.check(far - 3));
    EXPECT_FALSE(w.check(far));
    EXPECT_TRUE(w.check(far - 2));
}

// Two copies of one sequence number in the same burst: both pass check() (nothing is recorded
// before authentication), only the first update() succeeds.
TEST(ReplayWindow, DuplicateInsideOneBurst) {
    auto w = make(64);
    for (uint64_t s = 1; s <= 40; ++s) ASSERT_TRUE(receive(w, s));
    const uint64_t burst[] = {41, 42, 42, 100, 100, 39};
    bool checked[6];
    for (int i = 0; i < 6; ++i) checked[i] = w.check(burst[i]);
    EXPECT_TRUE(checked[0] && checked[1] && checked[2] && checked[3] && checked[4]);
    EXPECT_FALSE(checked[5]);  // 39 already seen
    EXPECT_TRUE(w.update(41));
    EXPECT_TRUE(w.update(42));
    EXPECT_FALSE(w.update(42));
    EXPECT_TRUE(w.update(100));
    EXPECT_FALSE(w.update(100));
    EXPECT_EQ(w.top(), 100u);
}

TEST(ReplayWindow, ResetForgets) {
    auto w = make(64);
    ASSERT_TRUE(receive(w, 7));
    w.reset();
    EXPECT_EQ(w.top(), 0u);
    EXPECT_TRUE(receive(w, 7));
}

// Reference model: the set of recorded numbers and the top; compare on random traffic (in
// order, reordered, replayed, jumps) for every size class.
TEST(ReplayWindow, MatchesReferenceModel) {
    std::mt19937_64 rng(42);
    for (uint32_t size : {32u, 33u, 64u, 96u, 127u, 128u, 129u, 500u, 1024u, 4096u}) {
        auto w = make(size);
        std::set<uint64_t> seen;
        uint64_t top = 0;
        uint64_t next = 1;
        for (int i = 0; i < 20000; ++i) {
            uint64_t seq;
            switch (rng() % 8) {
                case 0: seq = next + rng() % (3 * size); break;                   // ahead, jump
                case 1: seq = top > 2 * size ? top - rng() % (2 * size) : 1; break;  // old/replay
                case 2: seq = top > 0 ? top - rng() % (size + 2) : 1; break;      // at the edge
                default: seq = next++; break;
            }
            const bool expect_new = seq != 0 && (seq > top || (top - seq < size && !seen.count(seq)));
            ASSERT_EQ(w.check(seq), expect_new) << "size " << size << " seq " << seq << " top " << top;
            ASSERT_EQ(w.update(seq), expect_new) << "size " << size << " seq " << seq;
            if (expect_new) {
                seen.insert(seq);
                if (seq > top) top = seq;
                if (seq >= next) next = seq + 1;
            }
            ASSERT_EQ(w.top(), top);
        }
    }
}

// ESN: the high half is reconstructed from the low 32 bits (RFC 4303 Appendix A2.1).
TEST(ReplayWindowEsn, ReconstructCaseA) {
    auto w = make(64, true);
    ASSERT_TRUE(receive(w, 0xFFFFFF00ull));  // Th = 0, Tl = 0xFFFFFF00, Bl = 0xFFFFFEC1
    EXPECT_EQ(w.reconstruct(0xFFFFFF50u), 0xFFFFFF50ull);     // ahead, same subspace
    EXPECT_EQ(w.reconstruct(0xFFFFFEC1u), 0xFFFFFEC1ull);     // oldest in window
    EXPECT_EQ(w.reconstruct(0xFFFFFEC0u), 0x1FFFFFEC0ull);    // below Bl: next subspace
    EXPECT_EQ(w.reconstruct(5u), 0x100000005ull);             // wrapped: next subspace
}

TEST(ReplayWindowEsn, ReconstructCaseB) {
    auto w = make(64, true);
    ASSERT_TRUE(receive(w, 0x100000010ull));  // Th = 1, Tl = 0x10 < W-1: window spans subspaces
    EXPECT_EQ(w.reconstruct(0x20u), 0x100000020ull);          // ahead
    EXPECT_EQ(w.reconstruct(0x3u), 0x100000003ull);           // in window, this subspace
    EXPECT_EQ(w.reconstruct(0xFFFFFFF0u), 0x0FFFFFFF0ull);    // in window, previous subspace
    EXPECT_EQ(w.reconstruct(0xFFFFFFD1u), 0x0FFFFFFD1ull);    // = Bl, oldest in window
    EXPECT_EQ(w.reconstruct(0xFFFFFFD0u), 0x1FFFFFFD0ull);    // below Bl: far ahead
}

TEST(ReplayWindowEsn, ReconstructBelowZeroSubspaceStaysZero) {
    auto w = make(64, true);
    ASSERT_TRUE(receive(w, 5));  // Th = 0, Tl = 5 < W-1: no subspace below 0
    EXPECT_EQ(w.reconstruct(0xFFFFFFF0u), 0xFFFFFFF0ull);  // as rte_ipsec's reconstruct_esn()
    EXPECT_EQ(w.reconstruct(3u), 3ull);
}

TEST(ReplayWindowEsn, WrapAroundWithReplaysAndReordering) {
    auto w = make(64, true);
    // Walk across 2^32 in order, then replay and reorder around the boundary.
    const uint64_t start = 0xFFFFFFC0ull;
    for (uint64_t s = start; s < start + 40; ++s) ASSERT_TRUE(receive(w, s));  // top 0xFFFFFFE7
    const uint32_t late_low = 0xFFFFFFF0u;                                      // skip ...E8-...FF
    for (uint64_t s = 0x100000000ull; s < 0x100000010ull; ++s) {
        ASSERT_TRUE(receive(w, w.reconstruct(static_cast<uint32_t>(s))));
    }
    EXPECT_EQ(w.top(), 0x10000000Full);
    // A late packet from before the wrap, still inside the window: reconstructed in subspace 0.
    const uint64_t late = w.reconstruct(late_low);
    EXPECT_EQ(late, 0xFFFFFFF0ull);
    EXPECT_TRUE(receive(w, late));
    EXPECT_FALSE(receive(w, w.reconstruct(late_low)));          // replay of the late one
    EXPECT_FALSE(receive(w, w.reconstruct(0x00000005u)));       // replay after the wrap
    EXPECT_FALSE(receive(w, w.reconstruct(0xFFFFFFE0u)));       // replay from before the wrap
    // Everything from 0xFFFFFFE0 up: seen exactly when received above.
    for (uint32_t low = 0xFFFFFFE0u; low != 0; ++low) {
        const uint64_t s = w.reconstruct(low);
        EXPECT_EQ(s >> 32, 0u);
        if (low <= 0xFFFFFFE7u || low == late_low) EXPECT_FALSE(w.check(s)) << std::hex << low;
        else EXPECT_TRUE(w.check(s)) << std::hex << low;
    }
}

}  // namespace
}  // namespace tandem::dp
