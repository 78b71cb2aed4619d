// Timers on an injected clock.
//
// Model. A Timers object keeps one-shot timers ordered by (deadline, creation order): timers due
// at the same instant fire in the order they were scheduled, so runs are deterministic. run_due()
// fires everything whose deadline is <= the clock's now, including timers that a callback
// schedules for a deadline already reached (bounded: a callback that keeps rescheduling itself at
// "now" is stopped after a fixed number of rounds so the loop cannot spin forever). Periodic work
// reschedules itself from its callback.
//
// A Timer is the owning handle: destroying or reassigning it cancels the timer, so an object that
// owns its timers cannot be called back after it is gone. Callbacks run on the loop's thread only;
// a callback may schedule, cancel (including itself) and destroy other timers freely.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <utility>

#include "controlplane/loop/clock.h"

namespace tandem::loop {

class Timers;

class Timer {
public:
    Timer() = default;
    Timer(Timer&& o) noexcept : owner_(std::exchange(o.owner_, nullptr)), key_(o.key_) {}
    Timer& operator=(Timer&& o) noexcept;
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;
    ~Timer() { cancel(); }

    void cancel();
    bool armed() const;

private:
    friend class Timers;
    using Key = std::pair<Time, uint64_t>;
    Timer(Timers* owner, Key key) : owner_(owner), key_(key) {}
    Timers* owner_ = nullptr;
    Key key_{};
};

class Timers {
public:
    using Callback = std::function<void()>;

    explicit Timers(const Clock& clock) : clock_(clock) {}
    Timers(const Timers&) = delete;
    Timers& operator=(const Timers&) = delete;

    const Clock& clock() const { return clock_; }
    Time now() const { return clock_.now(); }

    // Fires `cb` once, `after` from now (a negative or zero delay fires on the next run_due()).
    [[nodiscard]] Timer schedule(Duration after, Callback cb) { return schedule_at(now() + after, std::move(cb)); }
    [[nodiscard]] Timer schedule_at(Time deadline, Callback cb);

    // Fires every due timer; returns how many fired.
    size_t run_due();

    // The earliest deadline, if any timer is armed.
    std::optional<Time> next_deadline() const;
    size_t armed() const { return timers_.size(); }

private:
    friend class Timer;
    const Clock& clock_;
    std::map<Timer::Key, Callback> timers_;
    uint64_t next_seq_ = 0;
};

}  // namespace tandem::loop
