// One connection to BIRD's control socket, kept up on the control plane's event loop.
//
// Model.
//
//     down ──connect()──> greeting ──"0001 BIRD x ready."──> up ──socket closed / bad reply──┐
//      ^  (ENOENT, ECONNREFUSED: retry)    │ timeout, other reply                 / no answer │
//      └──────────── back-off timer <──────┴─────────────────────────────────────────────────┘
//
// The socket is AF_UNIX, SOCK_STREAM, non-blocking; connect() on a Unix socket completes at once
// or fails at once, so nothing here blocks. Retries wait reconnect_min, doubling up to
// reconnect_max; the delay resets once a greeting arrives. Every timer runs on the loop's clock.
//
// While up, send() queues a request (one line, < 4094 bytes, as BIRD requires); requests go out
// one at a time, the next only after the previous one's reply, and each callback receives its
// own reply. A reply that does not come within reply_timeout drops the connection. When the
// connection drops, every queued request fails with the reason, on_down runs, and the back-off
// starts. Callbacks run on the loop's thread and may call send(); they must not destroy the
// connection.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>

#include "common/result.h"
#include "controlplane/bird/bird_reply.h"
#include "controlplane/loop/event_loop.h"

namespace tandem::bird {

using LogFn = std::function<void(std::string_view)>;

struct ConnectionOptions {
    std::string socket_path = "/run/bird/bird.ctl";
    loop::Duration reconnect_min = std::chrono::milliseconds(100);
    loop::Duration reconnect_max = std::chrono::seconds(5);
    loop::Duration reply_timeout = std::chrono::seconds(60);  // also bounds the wait for the greeting
};

class BirdConnection {
public:
    static constexpr size_t max_request = 4093;  // bytes before the '\n'

    using ReplyCallback = std::function<void(const Result<Reply>&)>;

    BirdConnection(loop::EventLoop& loop, ConnectionOptions options, LogFn log);
    ~BirdConnection();
    BirdConnection(const BirdConnection&) = delete;
    BirdConnection& operator=(const BirdConnection&) = delete;

    // First attempt now; from then on the connection keeps itself up.
    void start();

    // Queues one request. Refused when not up or when the line is not one valid request line.
    Result<void> send(std::string line, ReplyCallback done);

    bool up() const { return state_ == State::up; }
    const std::string& greeting() const { return greeting_; }  // "BIRD 2.0.12 ready."
    uint64_t connects() const { return connects_; }

    std::function<void()> on_up;
    std::function<void(const std::string& why)> on_down;

private:
    enum class State : uint8_t { idle, down, greeting, up };
    struct Request {
        std::string line;
        ReplyCallback done;
    };

    void connect_now();
    void schedule_reconnect();
    void on_events(uint32_t events);
    void read_available();
    void write_pending();
    void send_next();
    void handle_reply(Reply reply);
    void drop(const std::string& why);
    void update_interest();
    void note_connect_failure(const std::string& why);

    loop::EventLoop& loop_;
    ConnectionOptions options_;
    LogFn log_;
    State state_ = State::idle;
    int fd_ = -1;
    uint64_t epoch_ = 0;  // bumped on every drop, so code below a callback sees it
    ReplyParser parser_;
    std::deque<Request> queue_;  // front() is on the wire when in_flight_
    bool in_flight_ = false;
    std::string out_;            // bytes not yet written
    std::string greeting_;
    loop::Duration backoff_;
    loop::Timer reconnect_timer_;
    loop::Timer reply_timer_;
    std::string last_connect_error_;  // logged once, not on every retry
    uint64_t connects_ = 0;
};

}  // namespace tandem::bird
