// Anti-replay window: creation and the sliding update (the model is in replay_window.h).
#include "dataplane/ipsec/replay_window.h"

#include <algorithm>
#include <string>

namespace tandem::dp {

namespace {

uint32_t round_up_pow2(uint32_t v) {
    uint32_t p = 1;
    while (p < v) p <<= 1;
    return p;
}

}  // namespace

Result<ReplayWindow> ReplayWindow::create(uint32_t size, bool esn) {
    if (size == 0) {
        if (esn) return Error("an ESN SA needs an anti-replay window (ESN reconstruction uses it)");
        return ReplayWindow(0, 0, false);
    }
    if (size < kMinSize || size > kMaxSize) {
        return Error("anti-replay window " + std::to_string(size) + " out of range " +
                     std::to_string(kMinSize) + ".." + std::to_string(kMaxSize));
    }
    // One word more than the window needs, so that the words of the window never alias
    // (RFC 6479 section 2).
    const uint32_t buckets = round_up_pow2((size + 63) / 64 + 1);
    return ReplayWindow(size, buckets, esn);
}

ReplayWindow::ReplayWindow(uint32_t size, uint32_t buckets, bool esn)
    : size_(size), buckets_(buckets), esn_(esn) {
    if (buckets_ != 0) bits_ = std::make_unique<uint64_t[]>(buckets_);  // zeroed
}

bool ReplayWindow::update(uint64_t seq) {
    if (size_ == 0) return true;
    if (!check(seq)) return false;
    if (seq > top_) {
        // Clear the words the window slides into: those after top's word up to seq's word, at
        // most all of them.
        const uint64_t top_word = top_ >> 6;
        const uint64_t new_word = seq >> 6;
        const uint64_t n = std::min<uint64_t>(new_word - top_word, buckets_);
        for (uint64_t i = 1; i <= n; ++i) {
            bits_[static_cast<uint32_t>(top_word + i) & (buckets_ - 1)] = 0;
        }
        top_ = seq;
    }
    bits_[word_of(seq)] |= bit_of(seq);
    return true;
}

void ReplayWindow::reset(uint64_t top) {
    top_ = size_ == 0 ? 0 : top;
    if (bits_) std::fill(bits_.get(), bits_.get() + buckets_, uint64_t{0});
}

}  // namespace tandem::dp
