#include "controlplane/loop/timers.h"

namespace tandem::loop {

Timer& Timer::operator=(Timer&& o) noexcept {
    if (this != &o) {
        cancel();
        owner_ = std::exchange(o.owner_, nullptr);
        key_ = o.key_;
    }
    return *this;
}

void Timer::cancel() {
    if (owner_) owner_->timers_.erase(key_);
    owner_ = nullptr;
}

bool Timer::armed() const { return owner_ && owner_->timers_.contains(key_); }

Timer Timers::schedule_at(Time deadline, Callback cb) {
    Timer::Key key{deadline, next_seq_++};
    timers_.emplace(key, std::move(cb));
    return Timer(this, key);
}

size_t Timers::run_due() {
    // A callback that reschedules itself at "now" would loop forever; each round only fires timers
    // that existed when the round began (their sequence number is below the round's mark).
    constexpr int kMaxRounds = 64;
    size_t fired = 0;
    for (int round = 0; round < kMaxRounds; ++round) {
        const Time now = clock_.now();
        const uint64_t mark = next_seq_;
        bool any = false;
        for (auto it = timers_.begin(); it != timers_.end() && it->first.first <= now;) {
            if (it->first.second >= mark) { ++it; continue; }
            Callback cb = std::move(it->second);
            timers_.erase(it);  // its Timer handle now reports !armed(); cancel() is a no-op
            cb();
            ++fired;
            any = true;
            it = timers_.begin();  // the callback may have changed the map
        }
        if (!any) break;
    }
    return fired;
}

std::optional<Time> Timers::next_deadline() const {
    if (timers_.empty()) return std::nullopt;
    return timers_.begin()->first.first;
}

}  // namespace tandem::loop
