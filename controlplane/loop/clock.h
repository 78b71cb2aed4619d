// Time for the control plane: every timer (IKE retransmission, DPD, rekey jitter, HSRP hello and
// hold, BIRD reconnect) reads an injected Clock, so protocol tests drive time by hand and never
// sleep. Production uses MonotonicClock (CLOCK_MONOTONIC via std::chrono::steady_clock); tests use
// ManualClock and advance it.
#pragma once

#include <chrono>

namespace tandem::loop {

using Duration = std::chrono::nanoseconds;
using Time = std::chrono::time_point<std::chrono::steady_clock, Duration>;

class Clock {
public:
    virtual ~Clock() = default;
    virtual Time now() const = 0;
};

class MonotonicClock final : public Clock {
public:
    Time now() const override { return std::chrono::time_point_cast<Duration>(std::chrono::steady_clock::now()); }
};

class ManualClock final : public Clock {
public:
    Time now() const override { return now_; }
    void advance(Duration d) { now_ += d; }
    void set(Time t) { now_ = t; }

private:
    Time now_{Duration{1'000'000'000}};  // not zero, so "time 0" bugs show
};

}  // namespace tandem::loop
