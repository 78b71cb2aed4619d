// BIRD client: desired-state convergence through the include file and `configure`.
#include "controlplane/bird/bird_client.h"

#include <cstdio>

namespace tandem::bird {

namespace {

constexpr uint16_t code_reconfigured = 3;     // "0003 Reconfigured" / "0003-Daemon is up and running"
constexpr uint16_t code_in_progress = 4;      // "0004 Reconfiguration in progress"
constexpr uint16_t code_queued = 5;           // "0005 Reconfiguration already in progress, queueing"
constexpr uint16_t code_shutting_down = 6;

void log_to_stderr(std::string_view line) {
    std::fprintf(stderr, "bird: %.*s\n", static_cast<int>(line.size()), line.data());
}

std::string last_text(const Reply& r) { return r.lines.empty() ? std::string() : r.lines.back().text; }

}  // namespace

Result<std::unique_ptr<BirdClient>> BirdClient::create(loop::EventLoop& loop, ClientOptions options) {
    if (!options.log) options.log = log_to_stderr;
    auto file = RouteFile::open(options.include_file);
    if (!file) return Error{"BIRD include file: " + file.error().message};
    return std::unique_ptr<BirdClient>(new BirdClient(loop, std::move(options), std::move(*file)));
}

BirdClient::BirdClient(loop::EventLoop& loop, ClientOptions options, RouteFile file)
    : loop_(loop),
      options_(std::move(options)),
      file_(std::move(file)),
      conn_(loop, options_.connection, options_.log),
      good_routes_(count_routes(file_.last_good())) {
    conn_.on_up = [this] {
        push_after_connect_ = desired_.has_value();
        pump();
    };
    conn_.on_down = [this](const std::string&) { routes_in_bird_.reset(); };
}

Result<void> BirdClient::apply(std::span<const Route> routes) {
    auto text = render_routes(routes);
    if (!text) return text.error();
    if (desired_ && desired_->text == *text) return {};
    desired_ = Desired{std::move(*text), routes.size(), next_generation_++};
    pump();
    return {};
}

// Starts a configure when one is owed and none is running.
void BirdClient::pump() {
    if (attempt_ || !conn_.up() || !desired_) return;
    if (desired_->generation != attempted_generation_) {
        begin(*desired_);
    } else if (push_after_connect_) {
        if (desired_->generation != refused_generation_) {
            begin(*desired_);
        } else {
            begin(Desired{file_.last_good(), good_routes_, 0});
        }
    }
}

void BirdClient::begin(Desired set) {
    push_after_connect_ = false;
    if (set.generation != 0) attempted_generation_ = set.generation;
    attempt_ = Attempt{std::move(set), loop_.now()};
    if (auto w = file_.write(attempt_->set.text); !w) {
        finish(false, 0, "cannot write the include file: " + w.error().message, false);
        return;
    }
    attempt_->sent = loop_.now();
    if (auto s = conn_.send("configure", [this](const Result<Reply>& r) { on_configure_reply(r); }); !s) {
        // Not up after all: the next connect pushes again.
        push_after_connect_ = true;
        finish(false, 0, s.error().message, false);
    }
}

void BirdClient::on_configure_reply(const Result<Reply>& reply) {
    if (!reply) {
        // The file holds the new set; whatever BIRD did, the next connect pushes again.
        finish(false, 0, reply.error().message, false);
        return;
    }
    switch (reply->code) {
    case code_reconfigured:
        finish(true, reply->code, last_text(*reply), false);
        return;
    case code_in_progress:
    case code_queued:
        poll_timer_ = loop_.timers().schedule(options_.status_poll, [this] { poll_status(); });
        return;
    case code_shutting_down:
        finish(false, reply->code, last_text(*reply), false);
        return;
    default:
        // 8002 FILE:LINE:COL message: nothing was applied. Anything else unexpected is treated
        // the same way, so the file on disk stays what BIRD runs.
        finish(false, reply->code, last_text(*reply), true);
        return;
    }
}

void BirdClient::poll_status() {
    if (loop_.now() - attempt_->started > options_.configure_timeout) {
        finish(false, 0, "BIRD still reconfiguring after the configure timeout", false);
        return;
    }
    auto s = conn_.send("configure status", [this](const Result<Reply>& r) { on_status_reply(r); });
    if (!s) finish(false, 0, s.error().message, false);
}

void BirdClient::on_status_reply(const Result<Reply>& reply) {
    if (!reply) {
        finish(false, 0, reply.error().message, false);
        return;
    }
    if (!reply->ok()) {
        finish(false, reply->code, last_text(*reply), false);
        return;
    }
    if (reply->find(code_reconfigured)) {
        finish(true, code_reconfigured, "Reconfigured", false);
        return;
    }
    poll_timer_ = loop_.timers().schedule(options_.status_poll, [this] { poll_status(); });
}

void BirdClient::finish(bool ok, uint16_t code, std::string message, bool restore) {
    Attempt done = std::move(*attempt_);
    attempt_.reset();
    poll_timer_.cancel();
    ConfigureResult r;
    r.ok = ok;
    r.code = code;
    r.message = std::move(message);
    r.finished = loop_.now();
    if (done.sent != loop::Time{}) {
        r.write_took = done.sent - done.started;
        r.took = r.finished - done.sent;
    } else {
        r.write_took = r.finished - done.started;
    }
    r.routes = done.set.routes;
    if (ok) {
        ++ok_count_;
        routes_in_bird_ = done.set.routes;
        good_routes_ = done.set.routes;
        file_.accepted(std::move(done.set.text));
    } else {
        ++failed_count_;
        if (code >= 1000 && done.set.generation != 0) refused_generation_ = done.set.generation;
        // BIRD does not log errors of configures asked for on its socket: this line is the record.
        char code_text[8];
        std::snprintf(code_text, sizeof code_text, "%04u", static_cast<unsigned>(code));
        log("configure of " + std::to_string(r.routes) + " routes failed (" + code_text + "): " + r.message);
        if (restore) {
            if (auto w = file_.restore(); w) {
                r.restored = true;
            } else {
                log("cannot restore the last good include file: " + w.error().message);
            }
        }
    }
    last_ = r;
    if (on_configure_) on_configure_(r);
    pump();
}

ClientStatus BirdClient::status() const {
    ClientStatus s;
    s.connected = conn_.up();
    s.bird = conn_.greeting();
    s.last_configure = last_;
    s.routes_in_bird = routes_in_bird_;
    s.desired_routes = desired_ ? desired_->routes : 0;
    s.configuring = attempt_.has_value();
    s.connects = conn_.connects();
    s.configures_ok = ok_count_;
    s.configures_failed = failed_count_;
    return s;
}

}  // namespace tandem::bird
