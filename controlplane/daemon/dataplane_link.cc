#include "controlplane/daemon/dataplane_link.h"

#include <syslog.h>

namespace tandem::control {

namespace {

constexpr auto kFirstBackoff = std::chrono::milliseconds(200);
constexpr auto kMaxBackoff = std::chrono::seconds(5);

}  // namespace

DataplaneLink::DataplaneLink(loop::EventLoop& loop, std::string socket_path, Handlers h, uint32_t idle_threshold_ms)
    : loop_(loop), path_(std::move(socket_path)), h_(std::move(h)), idle_threshold_ms_(idle_threshold_ms),
      backoff_(kFirstBackoff) {}

DataplaneLink::~DataplaneLink() {
    if (client_) loop_.remove(client_->fd());
}

const std::optional<dpapi::HelloInfo>& DataplaneLink::info() const {
    static const std::optional<dpapi::HelloInfo> none;
    return client_ ? client_->info() : none;
}

void DataplaneLink::start() { attempt(); }

void DataplaneLink::attempt() {
    auto c = dpapi::Client::connect(path_, kRequestTimeoutMs);
    if (!c) {
        if (last_error_ != c.error().message) syslog(LOG_WARNING, "dataplane: %s", c.error().message.c_str());
        last_error_ = c.error().message;
        schedule_retry();
        return;
    }
    auto hello = c->hello("tandem-control");
    if (!hello) {
        last_error_ = "HELLO: " + hello.error().message;
        syslog(LOG_ERR, "dataplane: %s", last_error_.c_str());
        schedule_retry();
        return;
    }
    uint32_t events = dpapi::kEventAcquire | dpapi::kEventSaExpire | (idle_threshold_ms_ ? dpapi::kEventSaIdle : 0);
    auto sub = c->request(dpapi::Subscribe{events, idle_threshold_ms_});
    if (!sub || !sub->ok()) {
        last_error_ = "SUBSCRIBE: " + (sub ? sub->error_text() : sub.error().message);
        syslog(LOG_ERR, "dataplane: %s", last_error_.c_str());
        schedule_retry();
        return;
    }
    client_.emplace(std::move(*c));
    if (auto r = loop_.add(client_->fd(), EPOLLIN, [this](uint32_t) { on_readable(); }); !r) {
        client_.reset();
        last_error_ = r.error().message;
        schedule_retry();
        return;
    }
    backoff_ = kFirstBackoff;
    last_error_.clear();
    ++connects_;
    syslog(LOG_INFO, "dataplane: connected to %s (API version %u)", path_.c_str(), unsigned(hello->version));
    if (h_.on_up) h_.on_up();
    drain_events();
}

void DataplaneLink::schedule_retry() {
    retry_ = loop_.timers().schedule(backoff_, [this] { attempt(); });
    backoff_ = std::min<loop::Duration>(backoff_ * 2, kMaxBackoff);
}

void DataplaneLink::fail(const std::string& why) {
    if (!client_) return;
    syslog(LOG_ERR, "dataplane: connection lost: %s; forwarding continues with the installed tables", why.c_str());
    last_error_ = why;
    loop_.remove(client_->fd());
    client_.reset();
    if (h_.on_down) h_.on_down();
    schedule_retry();
}

void DataplaneLink::on_readable() {
    if (!client_) return;
    auto m = client_->next_event(0);
    if (!m) {
        fail(m.error().message);
        return;
    }
    if (*m) dispatch(**m);
    drain_events();
}

void DataplaneLink::drain_events() {
    while (client_) {
        auto m = client_->next_event(0);
        if (!m) {
            fail(m.error().message);
            return;
        }
        if (!*m) return;
        dispatch(**m);
    }
}

void DataplaneLink::dispatch(const dpapi::Message& m) {
    if (auto* a = std::get_if<dpapi::Acquire>(&m.body)) {
        if (h_.on_acquire) h_.on_acquire(*a);
    } else if (auto* e = std::get_if<dpapi::SaExpire>(&m.body)) {
        if (h_.on_expire) h_.on_expire(*e);
    } else if (auto* i = std::get_if<dpapi::SaIdle>(&m.body)) {
        if (h_.on_idle) h_.on_idle(*i);
    }
}

}  // namespace tandem::control
