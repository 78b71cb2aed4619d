// BIRD control-socket connection: non-blocking socket, greeting, one request at a time, back-off.
#include "controlplane/bird/bird_connection.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tandem::bird {

namespace {

constexpr size_t read_chunk = 64 * 1024;
constexpr int reads_per_event = 16;  // level-triggered: the rest is read in the next round

std::string seconds_text(loop::Duration d) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + " ms";
}

}  // namespace

BirdConnection::BirdConnection(loop::EventLoop& loop, ConnectionOptions options, LogFn log)
    : loop_(loop), options_(std::move(options)), log_(std::move(log)), backoff_(options_.reconnect_min) {}

BirdConnection::~BirdConnection() {
    if (fd_ >= 0) {
        loop_.remove(fd_);
        ::close(fd_);
    }
}

void BirdConnection::start() {
    if (state_ != State::idle) return;
    state_ = State::down;
    connect_now();
}

void BirdConnection::connect_now() {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (options_.socket_path.size() >= sizeof addr.sun_path) {
        note_connect_failure("socket path " + options_.socket_path + " is too long");
        schedule_reconnect();
        return;
    }
    std::memcpy(addr.sun_path, options_.socket_path.c_str(), options_.socket_path.size() + 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        note_connect_failure(std::string("socket: ") + std::strerror(errno));
        schedule_reconnect();
        return;
    }
    // A Unix stream connect completes or fails immediately (EAGAIN: BIRD's backlog is full).
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) < 0) {
        note_connect_failure("connect " + options_.socket_path + ": " + std::strerror(errno));
        ::close(fd);
        schedule_reconnect();
        return;
    }
    fd_ = fd;
    if (auto r = loop_.add(fd_, EPOLLIN | EPOLLRDHUP, [this](uint32_t ev) { on_events(ev); }); !r) {
        ::close(fd_);
        fd_ = -1;
        note_connect_failure("event loop: " + r.error().message);
        schedule_reconnect();
        return;
    }
    state_ = State::greeting;
    parser_.reset();
    reply_timer_ = loop_.timers().schedule(options_.reply_timeout, [this] {
        drop("no greeting from BIRD within " + seconds_text(options_.reply_timeout));
    });
}

void BirdConnection::note_connect_failure(const std::string& why) {
    if (why != last_connect_error_) log_("cannot reach BIRD (will keep trying): " + why);
    last_connect_error_ = why;
}

void BirdConnection::schedule_reconnect() {
    state_ = State::down;
    const loop::Duration delay = backoff_;
    backoff_ = std::min(backoff_ * 2, options_.reconnect_max);
    reconnect_timer_ = loop_.timers().schedule(delay, [this] { connect_now(); });
}

void BirdConnection::on_events(uint32_t events) {
    const uint64_t epoch = epoch_;
    if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
        read_available();  // what BIRD sent before closing still counts
        if (epoch != epoch_) return;
    }
    if (events & EPOLLOUT) write_pending();
}

void BirdConnection::read_available() {
    const uint64_t epoch = epoch_;
    char buf[read_chunk];
    for (int i = 0; i < reads_per_event; ++i) {
        const ssize_t n = ::read(fd_, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            drop(std::string("read: ") + std::strerror(errno));
            return;
        }
        if (n == 0) {
            drop(parser_.mid_reply() ? "BIRD closed the socket in the middle of a reply"
                                     : "BIRD closed the socket");
            return;
        }
        const bool fine = parser_.feed(std::string_view(buf, static_cast<size_t>(n)));
        // Replies complete before a protocol error are still delivered.
        while (auto reply = parser_.next()) {
            handle_reply(std::move(*reply));
            if (epoch != epoch_) return;
        }
        if (!fine) {
            drop("bad reply from BIRD: " + parser_.error());
            return;
        }
    }
}

void BirdConnection::handle_reply(Reply reply) {
    if (state_ == State::greeting) {
        if (reply.code != 1) {
            drop("BIRD did not greet: " + reply.str());
            return;
        }
        reply_timer_.cancel();
        greeting_ = reply.lines.back().text;
        state_ = State::up;
        backoff_ = options_.reconnect_min;
        last_connect_error_.clear();
        ++connects_;
        log_("connected to BIRD at " + options_.socket_path + ": " + greeting_);
        if (on_up) on_up();
        return;
    }
    if (!in_flight_ || queue_.empty()) {
        drop("reply from BIRD with no request outstanding: " + reply.str());
        return;
    }
    reply_timer_.cancel();
    Request done = std::move(queue_.front());
    queue_.pop_front();
    in_flight_ = false;
    const uint64_t epoch = epoch_;
    done.done(Result<Reply>(std::move(reply)));
    if (epoch == epoch_) send_next();
}

Result<void> BirdConnection::send(std::string line, ReplyCallback done) {
    if (state_ != State::up) return Error{"not connected to BIRD"};
    if (line.empty() || line.size() > max_request) {
        return Error{"a BIRD request is 1 to " + std::to_string(max_request) + " bytes"};
    }
    if (std::any_of(line.begin(), line.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
        return Error{"a BIRD request is one line of text"};
    }
    queue_.push_back(Request{std::move(line), std::move(done)});
    send_next();
    return {};
}

void BirdConnection::send_next() {
    if (state_ != State::up || in_flight_ || queue_.empty()) return;
    in_flight_ = true;
    out_ += queue_.front().line;
    out_ += '\n';
    reply_timer_ = loop_.timers().schedule(options_.reply_timeout, [this] {
        drop("no reply from BIRD within " + seconds_text(options_.reply_timeout));
    });
    write_pending();
}

void BirdConnection::write_pending() {
    while (!out_.empty()) {
        const ssize_t n = ::send(fd_, out_.data(), out_.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            drop(std::string("write: ") + std::strerror(errno));
            return;
        }
        out_.erase(0, static_cast<size_t>(n));
    }
    update_interest();
}

void BirdConnection::update_interest() {
    const uint32_t want = EPOLLIN | EPOLLRDHUP | (out_.empty() ? 0u : uint32_t{EPOLLOUT});
    if (auto r = loop_.modify(fd_, want); !r) drop("event loop: " + r.error().message);
}

void BirdConnection::drop(const std::string& why) {
    if (fd_ < 0) return;
    ++epoch_;
    loop_.remove(fd_);
    ::close(fd_);
    fd_ = -1;
    const bool was_up = state_ == State::up;
    reply_timer_.cancel();
    out_.clear();
    in_flight_ = false;
    parser_.reset();
    log_("connection to BIRD lost: " + why);
    schedule_reconnect();
    // Fail what was asked; callbacks may look at up() (false now) but cannot send.
    std::deque<Request> failed;
    failed.swap(queue_);
    for (auto& r : failed) r.done(Result<Reply>(Error{"connection to BIRD lost: " + why}));
    if (was_up && on_down) on_down(why);
}

}  // namespace tandem::bird
