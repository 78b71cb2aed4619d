// The control plane's one event loop: epoll for file descriptors, Timers for time, one thread.
//
// Model. Every module of tandem-control (IKE sockets, HSRP, the BIRD client, the dataplane API
// client, the tandemctl server) registers its descriptors with a callback and schedules its timers
// here; nothing blocks, nothing runs on another thread. run() waits in epoll_wait until the next
// timer deadline, dispatches ready descriptors, then fires due timers, until stop() is called.
// Signals arrive as descriptors too (watch_signals() uses a signalfd).
//
// Descriptor callbacks may add, modify and remove any registration, their own included: a
// descriptor removed during a round is not dispatched later in that round even if epoll reported
// it. The loop never owns the descriptors it watches; their owners close them after remove().
//
// The clock is injected (clock.h). With a ManualClock, tests call run_once(0) after advancing
// time; epoll then only polls.
#pragma once

#include <sys/epoll.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <unordered_map>

#include "common/result.h"
#include "controlplane/loop/timers.h"

namespace tandem::loop {

class EventLoop {
public:
    using FdCallback = std::function<void(uint32_t events)>;  // EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP

    static Result<std::unique_ptr<EventLoop>> create(const Clock& clock);
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    Timers& timers() { return timers_; }
    Time now() const { return timers_.now(); }

    Result<void> add(int fd, uint32_t events, FdCallback cb);
    Result<void> modify(int fd, uint32_t events);
    void remove(int fd);  // a no-op for descriptors not registered
    bool watching(int fd) const { return fds_.contains(fd); }

    // Blocks the given signals for the process and delivers them through a signalfd.
    Result<void> watch_signals(std::initializer_list<int> signals, std::function<void(int signo)> cb);

    // One round: wait at most `max_wait` (or until the next timer, whichever is first), dispatch
    // ready descriptors, fire due timers. Returns false once stop() was called.
    bool run_once(Duration max_wait);
    // Rounds until stop().
    void run();
    void stop() { stopped_ = true; }
    bool stopped() const { return stopped_; }

private:
    EventLoop(const Clock& clock, int epfd) : timers_(clock), epfd_(epfd) {}

    struct Registration {
        FdCallback cb;
        uint64_t generation;
    };

    Timers timers_;
    int epfd_;
    int signal_fd_ = -1;
    bool stopped_ = false;
    uint64_t next_generation_ = 1;
    std::unordered_map<int, Registration> fds_;
};

}  // namespace tandem::loop
