// The BIRD client of tandem-control: puts the routes Reverse Route Injection owes into BIRD.
//
// Model. Callers state the whole desired set (apply()); the client converges BIRD on it:
//
//     apply(set) ─> desired (latest only) ──when up and idle──> write include file
//                                                                  │  send `configure`
//        ┌───────────────────────────────── reply ─────────────────┘
//        ├─ 0003 Reconfigured ......................... accepted: the file is the new last good
//        ├─ 0004 in progress / 0005 queueing .......... poll `configure status` until 0003
//        └─ 8002 FILE:LINE:COL message, other errors .. refused: log it (BIRD does not), put the
//                                                       last good file back; BIRD keeps the old routes
//
// One configure at a time (BIRD's own rule). A burst of apply() calls while one is in flight
// keeps only the latest set, applied when the current configure finishes; a set equal to the
// desired one changes nothing. A refused set is not retried until apply() brings another one.
// Every outcome goes to on_configure.
//
// After every (re)connect the desired set is pushed again — BIRD may have restarted with an empty
// include file — or, if the desired set was refused, the last good one. Until that push succeeds
// the client does not claim to know what BIRD holds.
//
// command() passes any other request through (`show route protocol rri`, for `show` commands);
// it queues behind a configure in progress.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>

#include "common/result.h"
#include "controlplane/bird/bird_connection.h"
#include "controlplane/bird/route_file.h"
#include "controlplane/loop/event_loop.h"

namespace tandem::bird {

struct ClientOptions {
    ConnectionOptions connection;
    std::string include_file = "/etc/tandem/bird-rri.conf";
    std::string protocol = "rri";  // the `protocol static` that includes the file
    loop::Duration status_poll = std::chrono::milliseconds(100);
    loop::Duration configure_timeout = std::chrono::seconds(300);  // 0004/0005 polling gives up
    LogFn log;  // default: stderr
};

struct ConfigureResult {
    bool ok = false;
    uint16_t code = 0;     // BIRD's final code; 0 when no reply decided it (write error, lost socket)
    std::string message;   // BIRD's text ("/etc/tandem/bird-rri.conf:3:40 Number out of range")
    loop::Time finished{};
    loop::Duration write_took{};  // writing the include file (fsync included)
    loop::Duration took{};        // from sending `configure` to BIRD's final answer
    size_t routes = 0;      // in the set pushed
    bool restored = false;  // the last good file was put back
};

struct ClientStatus {
    bool connected = false;
    std::string bird;  // BIRD's greeting ("BIRD 2.0.12 ready.")
    std::optional<ConfigureResult> last_configure;
    std::optional<size_t> routes_in_bird;  // unknown until a push succeeds on this connection
    size_t desired_routes = 0;
    bool configuring = false;
    uint64_t connects = 0;
    uint64_t configures_ok = 0;
    uint64_t configures_failed = 0;
};

class BirdClient {
public:
    using ConfigureCallback = std::function<void(const ConfigureResult&)>;

    // Adopts the include file (created empty when missing); does not connect yet.
    static Result<std::unique_ptr<BirdClient>> create(loop::EventLoop& loop, ClientOptions options);
    BirdClient(const BirdClient&) = delete;
    BirdClient& operator=(const BirdClient&) = delete;

    void start() { conn_.start(); }

    // The desired set. Refused (and nothing changes) when a route cannot be written.
    Result<void> apply(std::span<const Route> routes);

    Result<void> command(std::string line, BirdConnection::ReplyCallback done) {
        return conn_.send(std::move(line), std::move(done));
    }

    void on_configure(ConfigureCallback cb) { on_configure_ = std::move(cb); }
    ClientStatus status() const;
    const ClientOptions& options() const { return options_; }

private:
    struct Desired {
        std::string text;
        size_t routes = 0;
        uint64_t generation = 0;
    };
    struct Attempt {
        Desired set;
        loop::Time started{};
        loop::Time sent{};
    };

    BirdClient(loop::EventLoop& loop, ClientOptions options, RouteFile file);

    void pump();
    void begin(Desired set);
    void on_configure_reply(const Result<Reply>& reply);
    void poll_status();
    void on_status_reply(const Result<Reply>& reply);
    void finish(bool ok, uint16_t code, std::string message, bool restore);
    void log(std::string_view line) const { options_.log(line); }

    loop::EventLoop& loop_;
    ClientOptions options_;
    RouteFile file_;
    BirdConnection conn_;
    std::optional<Desired> desired_;
    uint64_t next_generation_ = 1;
    uint64_t attempted_generation_ = 0;  // the last desired set sent (or tried)
    uint64_t refused_generation_ = 0;    // the last desired set BIRD refused
    size_t good_routes_ = 0;             // routes in the last good file
    bool push_after_connect_ = false;
    std::optional<Attempt> attempt_;
    loop::Timer poll_timer_;
    std::optional<size_t> routes_in_bird_;
    std::optional<ConfigureResult> last_;
    uint64_t ok_count_ = 0;
    uint64_t failed_count_ = 0;
    ConfigureCallback on_configure_;
};

}  // namespace tandem::bird
