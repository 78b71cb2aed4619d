#include "controlplane/loop/event_loop.h"

#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <vector>

namespace tandem::loop {

namespace {

Error sys_error(const char* what) { return Error{std::string(what) + ": " + std::strerror(errno)}; }

}  // namespace

Result<std::unique_ptr<EventLoop>> EventLoop::create(const Clock& clock) {
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) return sys_error("epoll_create1");
    return std::unique_ptr<EventLoop>(new EventLoop(clock, epfd));
}

EventLoop::~EventLoop() {
    if (signal_fd_ >= 0) close(signal_fd_);
    close(epfd_);
}

Result<void> EventLoop::add(int fd, uint32_t events, FdCallback cb) {
    if (fds_.contains(fd)) return Error{"descriptor " + std::to_string(fd) + " is already watched"};
    // The registration's generation travels in the epoll data, so an event for a descriptor that
    // was removed (and perhaps re-added) during this round is recognised as stale.
    const uint64_t gen = next_generation_++;
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = (gen << 32) | static_cast<uint32_t>(fd);
    if (epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) < 0) return sys_error("epoll_ctl(ADD)");
    fds_.emplace(fd, Registration{std::move(cb), gen});
    return {};
}

Result<void> EventLoop::modify(int fd, uint32_t events) {
    auto it = fds_.find(fd);
    if (it == fds_.end()) return Error{"descriptor " + std::to_string(fd) + " is not watched"};
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = (it->second.generation << 32) | static_cast<uint32_t>(fd);
    if (epoll_ctl(epfd_, EPOLL_CTL_MOD, fd, &ev) < 0) return sys_error("epoll_ctl(MOD)");
    return {};
}

void EventLoop::remove(int fd) {
    auto it = fds_.find(fd);
    if (it == fds_.end()) return;
    (void)epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);  // fails harmlessly if already closed
    fds_.erase(it);
}

Result<void> EventLoop::watch_signals(std::initializer_list<int> signals, std::function<void(int)> cb) {
    if (signal_fd_ >= 0) return Error{"signals are already watched"};
    sigset_t set;
    sigemptyset(&set);
    for (int s : signals) sigaddset(&set, s);
    if (sigprocmask(SIG_BLOCK, &set, nullptr) < 0) return sys_error("sigprocmask");
    int sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sfd < 0) return sys_error("signalfd");
    signal_fd_ = sfd;
    return add(sfd, EPOLLIN, [this, cb = std::move(cb)](uint32_t) {
        signalfd_siginfo si;
        while (read(signal_fd_, &si, sizeof si) == static_cast<ssize_t>(sizeof si)) cb(static_cast<int>(si.ssi_signo));
    });
}

bool EventLoop::run_once(Duration max_wait) {
    if (stopped_) return false;
    Duration wait = max_wait;
    if (auto next = timers_.next_deadline()) wait = std::min(wait, std::max(Duration::zero(), *next - now()));
    // epoll_wait has millisecond resolution: round up so a timer is not polled for early.
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(wait).count();
    const int timeout = static_cast<int>(std::min<int64_t>(ms, 60'000));

    constexpr int kMaxEvents = 64;
    epoll_event events[kMaxEvents];
    int n = epoll_wait(epfd_, events, kMaxEvents, timeout);
    if (n < 0 && errno != EINTR) n = 0;
    for (int i = 0; i < n && !stopped_; ++i) {
        const int fd = static_cast<int>(events[i].data.u64 & 0xffffffffu);
        const uint64_t gen = events[i].data.u64 >> 32;
        auto it = fds_.find(fd);
        if (it == fds_.end() || it->second.generation != gen) continue;  // removed this round
        FdCallback cb = it->second.cb;  // a copy: the callback may remove its own registration
        cb(events[i].events);
    }
    if (!stopped_) timers_.run_due();
    return !stopped_;
}

void EventLoop::run() {
    while (run_once(std::chrono::seconds(60))) {
    }
}

}  // namespace tandem::loop
