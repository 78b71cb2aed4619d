// The dataplane's control API server (docs/dataplane-api.md is the protocol): a Unix
// SOCK_SEQPACKET socket polled from the main lcore's loop, never blocking it.
//
//   main lcore loop                 ApiServer::poll(now_ms)
//   ----------------                ------------------------------------------------------------
//   main_poll(mc, now)              accept new connections (at most max_clients)
//   server.poll(now)                per client: flush queued output; then read at most
//                                   kRequestsPerPoll requests (round robin: a busy or hostile
//                                   client cannot starve the others), decode (codec.h), apply
//                                   (Tables' writers), answer data... then exactly one REPLY
//                                   events: ACQUIRE (MainContext::acquires), SA_EXPIRE
//                                   (Sa::take_events), SA_IDLE (packet counters watched here)
//
// Requests are applied in the order received, one at a time, on the main lcore: Tables' writers
// are single-threaded by contract and this is their only caller besides start-up. A request is
// all-or-nothing: everything that depends on the tables' state is checked first (exists,
// not_found, unknown_port, limits) and mapped to its dpapi::Status and item index; what Tables
// may still refuse afterwards (a crypto session it cannot build, a full FIB) is answered with the
// item Tables named and, where the change was applied piecewise (routes, virtual addresses), the
// pieces already applied are undone first.
//
// Backpressure and hostile clients. Replies and query data are never dropped: they go through a
// per-client output queue that is flushed as the socket drains; while it is not empty the client's
// further requests are not read (the kernel holds them), so a client that does not read cannot
// make the queue grow beyond one request's answer. A queue over kMaxQueuedBytes disconnects the
// client. Events are never queued: when the socket is full, or replies are waiting, the event is
// dropped and counted (Counters::events_dropped) and its sequence number is still consumed, so the
// client sees the gap. Every undecodable message is answered with an error REPLY and changes
// nothing; a client that sends more than kMaxConsecutiveErrors bad messages in a row is
// disconnected. A disconnect changes no table (non-stop forwarding); a POLICY_SET staged by that
// client is discarded.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/dpapi/messages.h"
#include "common/dpapi/verify.h"
#include "common/result.h"
#include "dataplane/eal/virtual_address_host.h"
#include "dataplane/pipeline/main_lcore.h"
#include "dataplane/pipeline/tables.h"
#include "dataplane/pipeline/worker.h"

namespace tandem::dp {

// A worker as the API reports it.
struct ApiWorker {
    uint32_t lcore_id = 0;
    const WorkerContext* ctx = nullptr;  // counters read with relaxed loads
};

// What the server works on; dataplane/app fills it in. The pointers must outlive the server.
struct ApiServerConfig {
    std::string socket_path;             // dataplane.api_socket
    Tables* tables = nullptr;
    MainContext* main = nullptr;         // ACQUIREs taken from main->acquires; gratuitous ARPs
    // The host side of virtual addresses (MAC filter, kernel address); null: tables only.
    VirtualAddressHost* vaddr_host = nullptr;
    std::vector<ApiWorker> workers;
    // Limits announced in HELLO_INFO; must match the TablesConfig the tables were built with.
    uint32_t max_sas = 0;
    uint32_t max_policies = 0;
    uint32_t max_routes = 0;
    uint64_t tsc_hz = 0;
    std::string name = "tandem-dataplane 0.1.0";
    size_t max_clients = 8;
    uint32_t socket_mode = 0660;
    uint32_t event_scan_interval_ms = 10;  // SA expiry / idle scan period (resolution of idle_ms)
};

class ApiServer {
public:
    static constexpr size_t kRequestsPerPoll = 16;            // per client per poll()
    static constexpr size_t kMaxQueuedBytes = 8u << 20;       // per client output queue
    static constexpr uint32_t kMaxConsecutiveErrors = 64;     // bad messages in a row

    struct Counters {
        uint64_t accepted = 0;
        uint64_t refused = 0;              // over max_clients
        uint64_t disconnected = 0;         // closed by the peer or by us
        uint64_t kicked = 0;               // disconnected by us (errors, queue overflow)
        uint64_t requests = 0;
        uint64_t bad_messages = 0;         // answered with a codec error
        uint64_t events_sent = 0;
        uint64_t events_dropped = 0;       // socket full or replies waiting
    };

    // Creates the parent directory, removes a stale socket file (refuses one a live process still
    // listens on), binds, sets the mode and listens; non-blocking.
    static Result<std::unique_ptr<ApiServer>> create(ApiServerConfig cfg);
    ~ApiServer();
    ApiServer(const ApiServer&) = delete;
    ApiServer& operator=(const ApiServer&) = delete;

    // One main-loop iteration: returns whether there was anything to do. now_ms: monotonic clock.
    bool poll(uint64_t now_ms);

    int listen_fd() const { return listen_fd_; }
    size_t client_count() const { return clients_.size(); }
    const Counters& counters() const { return counters_; }
    const std::string& socket_path() const { return cfg_.socket_path; }

private:
    struct Client {
        int fd = -1;
        uint64_t id = 0;
        bool hello_done = false;
        uint16_t version = dpapi::kMaxVersion;
        uint32_t events = 0;                       // subscription
        uint32_t idle_threshold_ms = 0;
        uint32_t event_seq = 0;
        uint32_t consecutive_errors = 0;
        std::unordered_map<uint32_t, uint64_t> idle_sent;  // sa_id -> activity epoch notified
        // POLICY_SET staging (parts with MORE).
        bool staging = false;
        uint16_t staging_port = 0;
        bool broken = false;                       // a sequence failed: refuse its remaining parts
        uint16_t broken_port = 0;
        std::vector<dpapi::PolicyRule> staged;
        std::deque<std::vector<uint8_t>> out;      // encoded messages waiting for room
        size_t out_bytes = 0;
        bool dead = false;
    };

    // Activity of one SA slot, for idle times and SA_IDLE.
    struct SaWatch {
        const SaEntry* entry = nullptr;            // the SA this watch is about (reset on change)
        uint64_t packets = 0;
        uint64_t last_active_ms = 0;               // last packet seen, or install
        uint64_t epoch = 0;                        // bumped on traffic after idleness / new SA
        bool used = false;
    };

    explicit ApiServer(ApiServerConfig cfg);

    // server.cc: sockets and framing.
    void accept_clients();
    bool service(Client& c);
    void flush(Client& c);
    void queue(Client& c, const dpapi::Message& m);
    void send_event(Client& c, dpapi::Body body);
    void close_client(Client& c, bool kicked);

    // handlers.cc: one decoded request -> data messages + one REPLY.
    void handle(Client& c, const dpapi::Message& m);
    void reply(Client& c, uint32_t request_id, dpapi::Status s, uint32_t item = dpapi::kNoItem,
               std::string text = {});
    void reply_error(Client& c, const dpapi::CodecError& e);
    void handle_hello(Client& c, const dpapi::Message& m, const dpapi::Hello& h);
    dpapi::CodecResult<void> apply_sa_add(const dpapi::SaAdd& m);
    dpapi::CodecResult<void> apply_sa_del(const dpapi::SaDel& m);
    dpapi::CodecResult<void> apply_policy_set(Client& c, const dpapi::PolicySet& m, bool more);
    dpapi::CodecResult<void> apply_route_add(const dpapi::RouteAdd& m);
    dpapi::CodecResult<void> apply_route_del(const dpapi::RouteDel& m);
    dpapi::CodecResult<void> apply_vaddr_claim(const dpapi::VaddrClaim& m);
    dpapi::CodecResult<void> apply_vaddr_release(const dpapi::VaddrRelease& m);

    // queries.cc: answers split into data messages of at most max_items_per_message items.
    void answer_query(Client& c, const dpapi::Message& m);
    dpapi::CodecResult<std::vector<dpapi::SaStats>> sa_stats(const std::vector<uint32_t>& ids, uint64_t now_ms);
    std::vector<dpapi::PortStats> port_stats() const;
    std::vector<dpapi::WorkerStats> worker_stats() const;
    dpapi::DropCounters drop_stats() const;
    // Version 1: the routes installed through the API; version 2: every route with its origin.
    std::vector<dpapi::Route> dump_routes(uint16_t version) const;

    // events.cc
    void scan_sas(uint64_t now_ms);
    bool publish_events(uint64_t now_ms);
    void broadcast(uint32_t event_bit, const dpapi::Body& body);

    dpapi::Limits limits() const;

    ApiServerConfig cfg_;
    int listen_fd_ = -1;
    std::vector<std::unique_ptr<Client>> clients_;
    uint64_t next_client_id_ = 1;
    Counters counters_;
    uint64_t now_ms_ = 0;
    uint64_t last_scan_ms_ = 0;
    bool scanned_ = false;
    uint64_t next_epoch_ = 0;
    std::vector<SaWatch> watch_;                   // by sa_id
    // Routes installed through the API, for DUMP_ROUTES (the FIB keeps no list to read back):
    // prefix -> route. Connected and local routes the tables make themselves are not listed.
    std::map<Ipv4Prefix, dpapi::Route> routes_;
    std::vector<uint8_t> rx_buf_;
};

}  // namespace tandem::dp
