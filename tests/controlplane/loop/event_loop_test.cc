#include "controlplane/loop/event_loop.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <string>

namespace tandem::loop {
namespace {

using namespace std::chrono_literals;

struct Pipe {
    int r = -1, w = -1;
    Pipe() {
        int fds[2];
        EXPECT_EQ(pipe(fds), 0);
        r = fds[0];
        w = fds[1];
    }
    ~Pipe() {
        close(r);
        close(w);
    }
};

TEST(EventLoop, DispatchesReadableDescriptors) {
    MonotonicClock clock;
    auto loop = EventLoop::create(clock).value();
    Pipe p;
    std::string got;
    ASSERT_TRUE(loop->add(p.r, EPOLLIN, [&](uint32_t ev) {
        EXPECT_TRUE(ev & EPOLLIN);
        char buf[16];
        ssize_t n = read(p.r, buf, sizeof buf);
        got.append(buf, static_cast<size_t>(n));
    }).ok());
    EXPECT_FALSE(loop->add(p.r, EPOLLIN, [](uint32_t) {}).ok());  // twice is refused
    ASSERT_EQ(write(p.w, "hi", 2), 2);
    loop->run_once(1s);
    EXPECT_EQ(got, "hi");
}

TEST(EventLoop, ARemovedDescriptorIsNotDispatchedLaterInTheRound) {
    MonotonicClock clock;
    auto loop = EventLoop::create(clock).value();
    Pipe a, b;
    int calls = 0;
    auto remove_both = [&](uint32_t) {
        ++calls;
        loop->remove(a.r);
        loop->remove(b.r);
    };
    ASSERT_TRUE(loop->add(a.r, EPOLLIN, remove_both).ok());
    ASSERT_TRUE(loop->add(b.r, EPOLLIN, remove_both).ok());
    ASSERT_EQ(write(a.w, "x", 1), 1);
    ASSERT_EQ(write(b.w, "x", 1), 1);
    loop->run_once(1s);
    EXPECT_EQ(calls, 1);
    EXPECT_FALSE(loop->watching(a.r));
}

TEST(EventLoop, TimersFireFromRunOnceWithAManualClock) {
    ManualClock clock;
    auto loop = EventLoop::create(clock).value();
    int fired = 0;
    Timer t = loop->timers().schedule(10s, [&] { ++fired; });
    loop->run_once(0s);
    EXPECT_EQ(fired, 0);
    clock.advance(10s);
    loop->run_once(0s);
    EXPECT_EQ(fired, 1);
}

TEST(EventLoop, WaitsForTheNextTimerOnTheRealClock) {
    MonotonicClock clock;
    auto loop = EventLoop::create(clock).value();
    bool fired = false;
    Timer t = loop->timers().schedule(20ms, [&] { fired = true; loop->stop(); });
    loop->run();  // returns only because the timer stopped it
    EXPECT_TRUE(fired);
    EXPECT_FALSE(loop->run_once(0s));
}

TEST(EventLoop, SignalsArriveThroughTheLoop) {
    MonotonicClock clock;
    auto loop = EventLoop::create(clock).value();
    int got = 0;
    ASSERT_TRUE(loop->watch_signals({SIGUSR1}, [&](int s) { got = s; }).ok());
    ASSERT_EQ(raise(SIGUSR1), 0);  // blocked: stays pending for the signalfd
    loop->run_once(1s);
    EXPECT_EQ(got, SIGUSR1);
}

}  // namespace
}  // namespace tandem::loop
