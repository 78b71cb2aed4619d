// The messages of the dataplane control API, as C++ values. docs/dataplane-api.md is the protocol
// reference (wire layout of each message, semantics, versioning); codec.h turns these values into
// bytes and back.
//
// Model. One connection, a Unix SOCK_SEQPACKET socket: one datagram = one message = a 20-byte
// header and a body.
//
//   control plane                                   dataplane
//   HELLO {versions}                         -->
//                                            <--    HELLO_INFO {version, limits}   (data)
//                                            <--    REPLY {ok}                     (end)
//   SA_ADD {SaParams...}                     -->
//                                            <--    REPLY {status, item, text}
//   DUMP_SAS                                 -->
//                                            <--    SA_LIST {...} x N               (data)
//                                            <--    REPLY {ok}                     (end)
//                                            <--    ACQUIRE / SA_EXPIRE / SA_IDLE  (events)
//
// Every request is answered by exactly one REPLY carrying its request id, which ends the
// exchange; queries send their data first, in as many data messages as needed (each under the
// size limit), all with the request id. Events are unsolicited and carry, in the request-id
// field, a per-connection event sequence number (1, 2, ...) so a lost event shows as a gap.
//
// A Message is the header's request id and flags plus a Body: a std::variant with one struct per
// message type; the type on the wire is the variant alternative's kType.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "common/dpapi/drop_reason.h"
#include "common/dpapi/stats.h"
#include "common/dpapi/status.h"
#include "common/dpapi/types.h"
#include "common/ipv4.h"

namespace tandem::dpapi {

inline constexpr uint32_t kMagic = 0x544e444d;          // "TNDM"
inline constexpr uint16_t kMinVersion = 1;              // versions this build speaks
inline constexpr uint16_t kMaxVersion = 2;            // 2: drop reason cleartext_protected,
                                                        // ROUTE_LIST with every route and its origin
inline constexpr size_t kHeaderSize = 20;
inline constexpr size_t kMaxMessageSize = 65536;        // header + body, one datagram
inline constexpr size_t kMaxBodySize = kMaxMessageSize - kHeaderSize;
inline constexpr size_t kMaxNameLength = 64;            // HELLO / HELLO_INFO names
inline constexpr size_t kMaxTextLength = 1024;          // REPLY text
inline constexpr size_t kMaxReplayWindow = 4096;
inline constexpr uint32_t kNoItem = 0xffffffff;         // REPLY.item when no item is at fault

// Header flags.
inline constexpr uint16_t kFlagMore = 0x0001;           // POLICY_SET only: more parts follow

enum class MessageType : uint16_t {
    // Session.
    hello = 0x0001,
    reply = 0x0002,
    // Requests that change tables.
    sa_add = 0x0101,
    sa_del = 0x0102,
    policy_set = 0x0111,
    route_add = 0x0121,
    route_del = 0x0122,
    vaddr_claim = 0x0131,
    vaddr_release = 0x0132,
    // Queries and subscription.
    stats_ports = 0x0201,
    stats_sas = 0x0202,
    stats_workers = 0x0203,
    stats_drops = 0x0204,
    dump_sas = 0x0211,
    dump_policies = 0x0212,
    dump_routes = 0x0213,
    dump_vaddrs = 0x0214,
    subscribe = 0x0221,
    // Data sent before the REPLY of a query.
    hello_info = 0x0301,
    port_stats = 0x0311,
    sa_stats = 0x0312,
    worker_stats = 0x0313,
    drop_stats = 0x0314,
    sa_list = 0x0321,
    policy_list = 0x0322,
    route_list = 0x0323,
    vaddr_list = 0x0324,
    // Events.
    acquire = 0x0401,
    sa_expire = 0x0402,
    sa_idle = 0x0403,
};

// "SA_ADD", or empty for a value this version does not define.
std::string_view message_type_name(MessageType t);

// ---- Session -------------------------------------------------------------------------------

// The first request. Its layout (and REPLY's) is the same in every protocol version, so two
// sides that share no version can still tell each other so.
struct Hello {
    static constexpr MessageType kType = MessageType::hello;
    uint16_t min_version = kMinVersion;
    uint16_t max_version = kMaxVersion;
    std::string name;                     // client, for logs ("tandem-control 0.1")
    friend bool operator==(const Hello&, const Hello&) = default;
};

// The answer to every request; the last message of an exchange.
struct Reply {
    static constexpr MessageType kType = MessageType::reply;
    Status status = Status::ok;
    uint32_t item = kNoItem;              // index of the first bad item of a bulk request
    std::string text;                     // human-readable detail
    friend bool operator==(const Reply&, const Reply&) = default;
};

// ---- Requests that change tables -----------------------------------------------------------
// Bulk and all-or-nothing: a bad item rejects the whole request and nothing changes.

struct SaAdd {
    static constexpr MessageType kType = MessageType::sa_add;
    std::vector<SaParams> sas;
    friend bool operator==(const SaAdd&, const SaAdd&) = default;
};

struct SaDel {
    static constexpr MessageType kType = MessageType::sa_del;
    std::vector<uint32_t> sa_ids;
    friend bool operator==(const SaDel&, const SaDel&) = default;
};

// Replaces the whole rule set of one port; workers see the old set or the new one, never a mix.
// A set too large for one message is sent in parts: every part but the last has kFlagMore, and
// the dataplane installs the set when the last part arrives.
struct PolicySet {
    static constexpr MessageType kType = MessageType::policy_set;
    uint16_t port = 0;
    std::vector<PolicyRule> rules;        // every rule's port must equal `port`
    friend bool operator==(const PolicySet&, const PolicySet&) = default;
};

struct RouteAdd {
    static constexpr MessageType kType = MessageType::route_add;
    std::vector<Route> routes;
    friend bool operator==(const RouteAdd&, const RouteAdd&) = default;
};

struct RouteDel {
    static constexpr MessageType kType = MessageType::route_del;
    std::vector<Ipv4Prefix> prefixes;
    friend bool operator==(const RouteDel&, const RouteDel&) = default;
};

struct VaddrClaim {
    static constexpr MessageType kType = MessageType::vaddr_claim;
    std::vector<VirtualAddress> addresses;
    friend bool operator==(const VaddrClaim&, const VaddrClaim&) = default;
};

// A claimed address, named by port and address (the MAC is the claim's).
struct VaddrRef {
    uint16_t port = 0;
    Ipv4Address address;
    friend bool operator==(const VaddrRef&, const VaddrRef&) = default;
};

struct VaddrRelease {
    static constexpr MessageType kType = MessageType::vaddr_release;
    std::vector<VaddrRef> addresses;
    friend bool operator==(const VaddrRelease&, const VaddrRelease&) = default;
};

// ---- Queries -------------------------------------------------------------------------------

struct StatsPorts {
    static constexpr MessageType kType = MessageType::stats_ports;
    friend bool operator==(const StatsPorts&, const StatsPorts&) = default;
};

struct StatsSas {
    static constexpr MessageType kType = MessageType::stats_sas;
    std::vector<uint32_t> sa_ids;         // empty: every SA
    friend bool operator==(const StatsSas&, const StatsSas&) = default;
};

struct StatsWorkers {
    static constexpr MessageType kType = MessageType::stats_workers;
    friend bool operator==(const StatsWorkers&, const StatsWorkers&) = default;
};

struct StatsDrops {
    static constexpr MessageType kType = MessageType::stats_drops;
    friend bool operator==(const StatsDrops&, const StatsDrops&) = default;
};

struct DumpSas {
    static constexpr MessageType kType = MessageType::dump_sas;
    friend bool operator==(const DumpSas&, const DumpSas&) = default;
};

struct DumpPolicies {
    static constexpr MessageType kType = MessageType::dump_policies;
    friend bool operator==(const DumpPolicies&, const DumpPolicies&) = default;
};

struct DumpRoutes {
    static constexpr MessageType kType = MessageType::dump_routes;
    friend bool operator==(const DumpRoutes&, const DumpRoutes&) = default;
};

struct DumpVaddrs {
    static constexpr MessageType kType = MessageType::dump_vaddrs;
    friend bool operator==(const DumpVaddrs&, const DumpVaddrs&) = default;
};

// Event classes for Subscribe::events.
inline constexpr uint32_t kEventAcquire = 0x1;
inline constexpr uint32_t kEventSaExpire = 0x2;
inline constexpr uint32_t kEventSaIdle = 0x4;
inline constexpr uint32_t kEventAll = kEventAcquire | kEventSaExpire | kEventSaIdle;

// Replaces the connection's subscription (0 = none). With kEventSaIdle, an SA_IDLE is sent once
// per inbound SA that has passed no packet for idle_threshold_ms (again only after traffic).
struct Subscribe {
    static constexpr MessageType kType = MessageType::subscribe;
    uint32_t events = 0;
    uint32_t idle_threshold_ms = 0;       // > 0 iff kEventSaIdle
    friend bool operator==(const Subscribe&, const Subscribe&) = default;
};

// ---- Data (sent before the REPLY of a query) -----------------------------------------------

struct HelloInfo {
    static constexpr MessageType kType = MessageType::hello_info;
    uint16_t version = kMaxVersion;       // the version chosen for this connection
    uint16_t min_version = kMinVersion;   // what the dataplane speaks
    uint16_t max_version = kMaxVersion;
    uint16_t port_count = 0;
    uint16_t worker_count = 0;
    uint32_t max_sas = 0;                 // sa_id < max_sas
    uint32_t max_policies = 0;            // policy_id < max_policies
    uint32_t max_routes = 0;
    uint64_t tsc_hz = 0;                  // for WorkerStats cycles
    std::string name;                     // "tandem-dataplane 0.1.0"
    friend bool operator==(const HelloInfo&, const HelloInfo&) = default;
};

struct PortStatsList {
    static constexpr MessageType kType = MessageType::port_stats;
    std::vector<PortStats> ports;
    friend bool operator==(const PortStatsList&, const PortStatsList&) = default;
};

struct SaStatsList {
    static constexpr MessageType kType = MessageType::sa_stats;
    std::vector<SaStats> sas;
    friend bool operator==(const SaStatsList&, const SaStatsList&) = default;
};

struct WorkerStatsList {
    static constexpr MessageType kType = MessageType::worker_stats;
    std::vector<WorkerStats> workers;
    friend bool operator==(const WorkerStatsList&, const WorkerStatsList&) = default;
};

struct DropStats {
    static constexpr MessageType kType = MessageType::drop_stats;
    DropCounters drops{};                 // summed over workers
    friend bool operator==(const DropStats&, const DropStats&) = default;
};

struct SaList {
    static constexpr MessageType kType = MessageType::sa_list;
    std::vector<SaParams> sas;
    friend bool operator==(const SaList&, const SaList&) = default;
};

struct PolicyList {
    static constexpr MessageType kType = MessageType::policy_list;
    std::vector<PolicyRule> rules;        // every port's, each port's in evaluation order
    friend bool operator==(const PolicyList&, const PolicyList&) = default;
};

// Version 1: the routes installed with ROUTE_ADD. Version 2: every route, each with its origin.
struct RouteList {
    static constexpr MessageType kType = MessageType::route_list;
    std::vector<Route> routes;
    friend bool operator==(const RouteList&, const RouteList&) = default;
};

struct VaddrList {
    static constexpr MessageType kType = MessageType::vaddr_list;
    std::vector<VirtualAddress> addresses;
    friend bool operator==(const VaddrList&, const VaddrList&) = default;
};

// ---- Events --------------------------------------------------------------------------------

struct FiveTuple {
    Ipv4Address src;
    Ipv4Address dst;
    uint8_t protocol = 0;
    uint16_t src_port = 0;                // 0 when the protocol has no ports
    uint16_t dst_port = 0;
    friend bool operator==(const FiveTuple&, const FiveTuple&) = default;
};

// A PROTECT rule matched and it has no SA: negotiate one. Rate-limited per policy.
struct Acquire {
    static constexpr MessageType kType = MessageType::acquire;
    uint32_t policy_id = 0;
    uint16_t port = 0;
    FiveTuple packet;                     // the packet that triggered it
    friend bool operator==(const Acquire&, const Acquire&) = default;
};

enum class ExpireKind : uint8_t { soft = 0, hard = 1 };
enum class ExpireTrigger : uint8_t { bytes = 0, packets = 1 };

// An SA reached a lifetime limit: soft = rekey now; hard = the SA no longer passes traffic.
struct SaExpire {
    static constexpr MessageType kType = MessageType::sa_expire;
    uint32_t sa_id = 0;
    ExpireKind kind = ExpireKind::soft;
    ExpireTrigger trigger = ExpireTrigger::bytes;
    friend bool operator==(const SaExpire&, const SaExpire&) = default;
};

// An inbound SA passed nothing for idle_ms (>= the subscription's threshold): a DPD hint.
struct SaIdle {
    static constexpr MessageType kType = MessageType::sa_idle;
    uint32_t sa_id = 0;
    uint64_t idle_ms = 0;
    friend bool operator==(const SaIdle&, const SaIdle&) = default;
};

// ---- The message ---------------------------------------------------------------------------

using Body = std::variant<Hello, Reply,
                          SaAdd, SaDel, PolicySet, RouteAdd, RouteDel, VaddrClaim, VaddrRelease,
                          StatsPorts, StatsSas, StatsWorkers, StatsDrops,
                          DumpSas, DumpPolicies, DumpRoutes, DumpVaddrs, Subscribe,
                          HelloInfo, PortStatsList, SaStatsList, WorkerStatsList, DropStats,
                          SaList, PolicyList, RouteList, VaddrList,
                          Acquire, SaExpire, SaIdle>;

struct Message {
    uint32_t request_id = 0;              // chosen by the requester; events: sequence number
    uint16_t flags = 0;                   // kFlagMore on POLICY_SET parts
    Body body;
    // Header version: one this build speaks, except in HELLO and REPLY, whose layout every
    // version shares (a HELLO from a newer peer still decodes, so it can be answered).
    uint16_t version = kMaxVersion;
    friend bool operator==(const Message&, const Message&) = default;
};

inline MessageType type_of(const Body& b) {
    return std::visit([](const auto& m) { return std::decay_t<decltype(m)>::kType; }, b);
}
inline MessageType type_of(const Message& m) { return type_of(m.body); }

// A REPLY to `request_id`.
inline Message make_reply(uint32_t request_id, Status status, uint32_t item = kNoItem,
                          std::string text = {}) {
    return Message{request_id, 0, Reply{status, item, std::move(text)}};
}

}  // namespace tandem::dpapi
