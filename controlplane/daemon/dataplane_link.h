// tandem-control's connection to tandem-dataplane's control API.
//
// Model. The link is either down (no connection: retrying with back-off, 0.2 s doubling to 5 s) or
// up (HELLO done, subscribed to ACQUIRE, SA_EXPIRE and SA_IDLE). Requests are the blocking calls
// of dpapi::Client with a short timeout — the dataplane answers from its main lcore in
// microseconds, and a dataplane that does not answer within the timeout is treated as gone. Events
// are read when the socket becomes readable and also drained after every request (a request reads
// any events that arrive before its REPLY).
//
// Non-stop forwarding is the dataplane's side of the contract: when the link drops, forwarding
// goes on with the installed tables. When the link comes (back) up, on_up callbacks run: each
// module reads back what the dataplane has (dumps) and reconciles it with what it wants.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/dpapi/messages.h"
#include "controlplane/ctl/dp_client.h"
#include "controlplane/loop/event_loop.h"

namespace tandem::control {

class DataplaneLink {
public:
    struct Handlers {
        std::function<void()> on_up;
        std::function<void()> on_down;
        std::function<void(const dpapi::Acquire&)> on_acquire;
        std::function<void(const dpapi::SaExpire&)> on_expire;
        std::function<void(const dpapi::SaIdle&)> on_idle;
    };

    // How long a request may wait for its answer; call() may stretch it for one request.
    static constexpr int kRequestTimeoutMs = 3000;

    DataplaneLink(loop::EventLoop& loop, std::string socket_path, Handlers h, uint32_t idle_threshold_ms = 0);
    ~DataplaneLink();
    DataplaneLink(const DataplaneLink&) = delete;
    DataplaneLink& operator=(const DataplaneLink&) = delete;

    void start();  // first attempt now, then retries until up
    bool up() const { return client_.has_value(); }
    const std::string& socket_path() const { return path_; }
    const std::optional<dpapi::HelloInfo>& info() const;
    const std::string& last_error() const { return last_error_; }
    uint64_t connects() const { return connects_; }

    // The client, while up. A transport error through it must be reported with fail() so the link
    // goes down and reconnects; call() does that itself.
    dpapi::Client* client() { return client_ ? &*client_ : nullptr; }
    template <typename F>
    auto call(F&& f) -> decltype(f(std::declval<dpapi::Client&>())) {
        if (!client_) return Error("the dataplane is not connected" + (last_error_.empty() ? "" : " (" + last_error_ + ")"));
        auto r = f(*client_);
        if (!r) fail(r.error().message);
        else drain_events();
        return r;
    }
    void fail(const std::string& why);

private:
    void attempt();
    void schedule_retry();
    void on_readable();
    void drain_events();
    void dispatch(const dpapi::Message& m);

    loop::EventLoop& loop_;
    std::string path_;
    Handlers h_;
    uint32_t idle_threshold_ms_;
    std::optional<dpapi::Client> client_;
    loop::Timer retry_;
    loop::Duration backoff_;
    std::string last_error_;
    uint64_t connects_ = 0;
};

}  // namespace tandem::control
