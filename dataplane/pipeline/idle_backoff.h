// Adaptive polling. A poll-mode worker that finds nothing to do keeps polling for a while (so a
// busy link sees no added latency), then sleeps in growing steps — 1, 2, 4 ... up to max_us
// microseconds — and snaps back to spinning on the first packet. Two gateways then fit on a
// 2-core lab machine; `busy` mode (the appliance default) never sleeps.
#pragma once

#include <algorithm>
#include <cstdint>

namespace tandem::dp {

class IdleBackoff {
public:
    IdleBackoff(bool adaptive, uint32_t spin_polls = 256, uint32_t max_us = 1000)
        : adaptive_(adaptive), spin_polls_(spin_polls), max_us_(max_us) {}

    // Called once per loop with whether the loop did any work; returns how many microseconds the
    // worker should sleep now (0: poll again at once).
    uint32_t next(bool did_work) {
        if (did_work || !adaptive_) {
            idle_polls_ = 0;
            sleep_us_ = 0;
            return 0;
        }
        if (++idle_polls_ <= spin_polls_) return 0;
        sleep_us_ = sleep_us_ == 0 ? 1 : std::min(sleep_us_ * 2, max_us_);
        return sleep_us_;
    }

private:
    bool adaptive_;
    uint32_t spin_polls_;
    uint32_t max_us_;
    uint32_t idle_polls_ = 0;
    uint32_t sleep_us_ = 0;
};

}  // namespace tandem::dp
