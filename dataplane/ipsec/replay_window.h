// Tandem's ESP anti-replay window (RFC 4303 section 3.4.3; ESN per RFC 4303 Appendix A; the
// bitmap layout of RFC 6479). Tandem keeps its own window because rte_ipsec's (DPDK 22.11) never
// records sequence numbers with sqn % 64 >= 32 (see docs/dpdk-notes.md), and because the library
// checks in prepare and records in process, so two copies of one SQN inside a burst both pass.
//
// Model. `top` is the highest authenticated sequence number seen (64-bit; with ESN the high half
// is reconstructed, without ESN it stays zero). The window covers the `size` numbers ending at top:
//
//        too old          |<------------- size ------------->|   new (always accepted)
//   ---------------------[top-size+1 ............... top]------------------------------>
//
// The bitmap holds `buckets` words of 64 bits, a power of two with (buckets - 1) * 64 >= size, so
// the words of the window never alias (RFC 6479 section 2). Bit (seq & 63) of word
// ((seq >> 6) & (buckets - 1)) stands for seq. Sliding forward clears the whole words that the
// window leaves, never bit by bit.
//
// Split use on the receive path, per packet:
//   seq = w.reconstruct(esp.seq_low);     // once, before decryption (the ICV uses it with ESN)
//   if (!w.check(seq)) drop(replay);      // read-only: too old or already seen
//   ... decrypt and authenticate ...
//   if (!w.update(seq)) drop(replay);     // records; false if seen since check() (same burst)
//
// One writer per window (the worker that owns the SA); no locking.
#pragma once

#include <cstdint>
#include <memory>

#include "common/result.h"

namespace tandem::dp {

class ReplayWindow {
public:
    static constexpr uint32_t kMinSize = 32;
    static constexpr uint32_t kMaxSize = 4096;
    static constexpr uint32_t kDefaultSize = 64;

    // size 0 turns the check off (every sequence number is accepted, nothing is recorded) and
    // is only allowed without ESN: reconstructing the high half of an ESN needs a window.
    static Result<ReplayWindow> create(uint32_t size, bool esn);

    ReplayWindow(ReplayWindow&&) noexcept = default;
    ReplayWindow& operator=(ReplayWindow&&) noexcept = default;
    ReplayWindow(const ReplayWindow&) = delete;
    ReplayWindow& operator=(const ReplayWindow&) = delete;
    ~ReplayWindow() = default;

    bool enabled() const { return size_ != 0; }
    bool esn() const { return esn_; }
    uint32_t size() const { return size_; }
    uint64_t top() const { return top_; }

    // The full sequence number of a packet carrying `low` on the wire. Without ESN that is low
    // itself. With ESN: RFC 4303 Appendix A2.1, with the window size as W. Where the RFC's case B
    // would need a subspace below zero (top's high half is 0), the high half stays 0, as
    // rte_ipsec's reconstruct_esn() does: both must agree, since the library computes the ICV
    // with its own reconstruction.
    uint64_t reconstruct(uint32_t low) const {
        if (!esn_) return low;
        const uint32_t tl = static_cast<uint32_t>(top_);
        uint32_t th = static_cast<uint32_t>(top_ >> 32);
        const uint32_t bl = tl - size_ + 1;
        if (tl >= size_ - 1) {
            th += (low < bl) ? 1 : 0;  // case A: window within one subspace
        } else if (th != 0) {
            th -= (low >= bl) ? 1 : 0;  // case B: window spans two subspaces
        }
        return (uint64_t{th} << 32) | low;
    }

    // True when seq may be new: not 0, not older than the window, not recorded.
    bool check(uint64_t seq) const {
        if (size_ == 0) return true;
        if (seq == 0) return false;
        if (seq > top_) return true;
        if (top_ - seq >= size_) return false;
        return (bits_[word_of(seq)] & bit_of(seq)) == 0;
    }

    // Records seq after it authenticated. False (and nothing changes) if seq fails check() now,
    // for instance because an earlier copy in the same burst was recorded first.
    bool update(uint64_t seq);

    // Forgets everything: nothing recorded, top = `top` (numbers up to it inside the window read
    // as unseen). For a fresh SA and for tests starting near 2^32.
    void reset(uint64_t top = 0);

private:
    ReplayWindow(uint32_t size, uint32_t buckets, bool esn);

    uint32_t word_of(uint64_t seq) const { return static_cast<uint32_t>(seq >> 6) & (buckets_ - 1); }
    static uint64_t bit_of(uint64_t seq) { return uint64_t{1} << (seq & 63); }

    uint64_t top_ = 0;
    uint32_t size_ = 0;
    uint32_t buckets_ = 0;  // power of two; 0 when off
    bool esn_ = false;
    std::unique_ptr<uint64_t[]> bits_;
};

}  // namespace tandem::dp
