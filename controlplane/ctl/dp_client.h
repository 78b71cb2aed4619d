// A client of the dataplane control API (docs/dataplane-api.md), for `tandemctl dp` and, later,
// tandem-control. Blocking with timeouts: every wait is a poll() bounded by the client's timeout,
// so a stuck dataplane makes a call fail, never hang.
//
//   auto c = dpapi::Client::connect("/run/tandem/dataplane.sock");
//   auto info = c->hello("tandemctl");                 // HELLO -> HELLO_INFO + REPLY
//   auto r = c->request(dpapi::SaAdd{{sa}});           // -> Response {reply, data messages}
//   if (!r) ...transport error...; if (!r->ok()) ...the dataplane refused: r->reply...
//   auto sas = c->dump_sas();                          // lists collected over data messages
//   auto ev = c->next_event(1000);                     // after SUBSCRIBE
//
// A request is sent with a fresh request id; the client then reads messages until the REPLY with
// that id, keeping the data messages with that id, queueing events (they may arrive at any time)
// for next_event(), and skipping anything else (answers to an earlier request that timed out).
// Bulk helpers split long lists into requests of at most max_items_per_message() items (each one
// all-or-nothing on its own); set_policies() sends a large rule set as POLICY_SET parts with MORE,
// pipelined, so the dataplane installs it at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/dpapi/codec.h"
#include "common/dpapi/messages.h"
#include "common/result.h"

namespace tandem::dpapi {

// The answer to one request.
struct Response {
    Reply reply;
    std::vector<Message> data;  // data messages with the request's id, in order
    bool ok() const { return reply.status == Status::ok; }
    // "exists (item 1): SA 5: sa_id is installed"
    std::string error_text() const;
};

class Client {
public:
    static constexpr int kDefaultTimeoutMs = 5000;

    static Result<Client> connect(const std::string& socket_path, int timeout_ms = kDefaultTimeoutMs);
    Client(Client&& o) noexcept;
    Client& operator=(Client&& o) noexcept;
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    ~Client();

    // HELLO with a version range; the dataplane's HELLO_INFO, or an error (its REPLY's text).
    Result<HelloInfo> hello(const std::string& name, uint16_t min_version = kMinVersion,
                            uint16_t max_version = kMaxVersion);
    const std::optional<HelloInfo>& info() const { return info_; }

    // One request -> its data messages and REPLY. Errors are transport or protocol failures
    // (timeout, closed, undecodable answer); a refusal is a Response with a non-ok status.
    Result<Response> request(Body body, uint16_t flags = 0);
    // Several requests sent back to back, then their answers collected in order.
    Result<std::vector<Response>> request_all(std::vector<Message> requests);

    // Bulk helpers. A failing part stops the sequence; the REPLY's item is made relative to the
    // whole list. Parts before it stay installed (each part is a request of its own).
    Result<Response> add_sas(const std::vector<SaParams>& sas);
    Result<Response> delete_sas(const std::vector<uint32_t>& ids);
    Result<Response> add_routes(const std::vector<Route>& routes);
    Result<Response> delete_routes(const std::vector<Ipv4Prefix>& prefixes);
    // The whole set at once, however many parts it takes.
    Result<Response> set_policies(uint16_t port, const std::vector<PolicyRule>& rules);

    // Queries: the concatenated lists, or an error (transport or a refused query).
    Result<std::vector<SaParams>> dump_sas();
    Result<std::vector<PolicyRule>> dump_policies();
    Result<std::vector<Route>> dump_routes();
    Result<std::vector<VirtualAddress>> dump_vaddrs();
    Result<std::vector<PortStats>> port_stats();
    Result<std::vector<SaStats>> sa_stats(const std::vector<uint32_t>& ids = {});
    Result<std::vector<WorkerStats>> worker_stats();
    Result<DropCounters> drop_stats();

    // The next event (queued during requests or read now), or nullopt when none came in time.
    Result<std::optional<Message>> next_event(int timeout_ms);

    // Raw access, for tests and diagnostics.
    Result<void> send(const Message& m);
    Result<void> send_bytes(std::span<const uint8_t> bytes);
    Result<Message> receive(int timeout_ms);  // the next message of any kind
    uint32_t next_request_id() { return next_id_++; }

    void set_timeout(int timeout_ms) { timeout_ms_ = timeout_ms; }
    int fd() const { return fd_; }

private:
    explicit Client(int fd, int timeout_ms) : fd_(fd), timeout_ms_(timeout_ms) {}
    using Clock = std::chrono::steady_clock;
    Result<Message> receive_until(Clock::time_point deadline);
    Result<Response> collect(uint32_t request_id, Clock::time_point deadline);
    template <typename Item>
    Result<Response> send_split(const std::vector<Item>& items, MessageType type);
    template <typename List, typename Item>
    Result<std::vector<Item>> query_list(Body query, std::vector<Item> List::*field);

    int fd_ = -1;
    int timeout_ms_ = kDefaultTimeoutMs;
    uint32_t next_id_ = 1;
    uint16_t version_ = kMaxVersion;
    std::optional<HelloInfo> info_;
    std::deque<Message> events_;
    std::vector<uint8_t> buf_;
};

}  // namespace tandem::dpapi
