#include "controlplane/loop/timers.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tandem::loop {
namespace {

using namespace std::chrono_literals;

TEST(Timers, FireInDeadlineThenSchedulingOrder) {
    ManualClock clock;
    Timers timers(clock);
    std::string order;
    Timer a = timers.schedule(2s, [&] { order += 'a'; });
    Timer b = timers.schedule(1s, [&] { order += 'b'; });
    Timer c = timers.schedule(2s, [&] { order += 'c'; });
    EXPECT_EQ(timers.run_due(), 0u);
    clock.advance(1s);
    EXPECT_EQ(timers.run_due(), 1u);
    EXPECT_EQ(order, "b");
    EXPECT_FALSE(b.armed());
    EXPECT_TRUE(a.armed());
    clock.advance(5s);
    EXPECT_EQ(timers.run_due(), 2u);
    EXPECT_EQ(order, "bac");
    EXPECT_EQ(timers.armed(), 0u);
}

TEST(Timers, DestroyingOrReassigningTheHandleCancels) {
    ManualClock clock;
    Timers timers(clock);
    int fired = 0;
    {
        Timer t = timers.schedule(1s, [&] { ++fired; });
        EXPECT_EQ(timers.armed(), 1u);
    }
    EXPECT_EQ(timers.armed(), 0u);
    Timer t = timers.schedule(1s, [&] { fired += 10; });
    t = timers.schedule(3s, [&] { fired += 100; });
    clock.advance(2s);
    timers.run_due();
    EXPECT_EQ(fired, 0);
    clock.advance(1s);
    timers.run_due();
    EXPECT_EQ(fired, 100);
}

TEST(Timers, NextDeadlineIsTheEarliest) {
    ManualClock clock;
    Timers timers(clock);
    EXPECT_FALSE(timers.next_deadline());
    Timer a = timers.schedule(5s, [] {});
    Timer b = timers.schedule(3s, [] {});
    EXPECT_EQ(*timers.next_deadline(), clock.now() + 3s);
    b.cancel();
    EXPECT_EQ(*timers.next_deadline(), clock.now() + 5s);
}

TEST(Timers, CallbackMayRescheduleAndCancelOthers) {
    ManualClock clock;
    Timers timers(clock);
    std::vector<int> seen;
    Timer periodic, victim;
    std::function<void()> tick = [&] {
        seen.push_back(1);
        periodic = timers.schedule(1s, tick);  // reassigning cancels nothing live: it already fired
    };
    periodic = timers.schedule(1s, tick);
    victim = timers.schedule(1s, [&] { seen.push_back(2); });
    // The first timer (scheduled first, same deadline) cancels the second before it fires.
    Timer killer = timers.schedule_at(clock.now() + 1s, [&] { victim.cancel(); });
    clock.advance(1s);
    timers.run_due();
    EXPECT_EQ(seen, (std::vector<int>{1, 2}));  // victim was scheduled before killer
    clock.advance(1s);
    timers.run_due();
    clock.advance(1s);
    timers.run_due();
    EXPECT_EQ(seen, (std::vector<int>{1, 2, 1, 1}));
}

TEST(Timers, CancelBeforeItsTurnInTheSameRound) {
    ManualClock clock;
    Timers timers(clock);
    int fired = 0;
    Timer second;
    Timer first = timers.schedule(1s, [&] { second.cancel(); });
    second = timers.schedule(1s, [&] { ++fired; });
    clock.advance(1s);
    EXPECT_EQ(timers.run_due(), 1u);
    EXPECT_EQ(fired, 0);
}

TEST(Timers, ASelfReschedulingZeroDelayTimerCannotSpinForever) {
    ManualClock clock;
    Timers timers(clock);
    int fired = 0;
    Timer t;
    std::function<void()> again = [&] {
        ++fired;
        t = timers.schedule(0s, again);
    };
    t = timers.schedule(0s, again);
    size_t n = timers.run_due();
    EXPECT_EQ(static_cast<int>(n), fired);
    EXPECT_GT(fired, 1);
    EXPECT_LE(fired, 64);
    EXPECT_TRUE(t.armed());
}

}  // namespace
}  // namespace tandem::loop
