// Message framing and the body of each message type (objects are in codec_objects.cc, value
// checks in verify.cc). The header, 20 bytes, big-endian:
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                       magic 'T' 'N' 'D' 'M'                   |
//   +-------------------------------+-------------------------------+
//   |            version            |             type              |
//   +-------------------------------+-------------------------------+
//   |             flags             |       reserved (zero)         |
//   +-------------------------------+-------------------------------+
//   |                          request id                           |
//   +---------------------------------------------------------------+
//   |                 body length (= datagram - 20)                 |
//   +---------------------------------------------------------------+
#include "common/dpapi/codec.h"

#include <utility>

#include "common/dpapi/codec_objects.h"
#include "common/dpapi/verify.h"

namespace tandem::dpapi {

using detail::Parser;

namespace {

// ---- Lists: count u16, reserved u16, then the items ----------------------------------------

template <typename T, typename WriteFn>
void write_items(WireWriter& w, const std::vector<T>& items, WriteFn write_fn) {
    if (items.size() > 0xffff) {
        w.fail();
        return;
    }
    w.u16(static_cast<uint16_t>(items.size()));
    w.u16(0);
    for (const auto& item : items) write_fn(w, item);
}

// Reads `count` items of at least min_size bytes each; a count the body cannot hold is refused
// before any allocation.
template <typename T, typename ReadFn>
void read_count_and_items(Parser& p, uint16_t count, std::vector<T>& items, size_t min_size, ReadFn read_fn) {
    if (!p.r.ok()) return;
    if (count > p.r.remaining() / min_size) {
        p.fail(Status::bad_count, std::to_string(count) + " items cannot fit in " +
                                      std::to_string(p.r.remaining()) + " bytes");
        return;
    }
    items.resize(count);
    for (uint16_t i = 0; i < count; ++i) {
        p.item = i;
        read_fn(p, items[i]);
        if (!p.r.ok()) {
            if (!p.fault) p.fail(Status::truncated, "item " + std::to_string(i) + " is truncated");
            return;
        }
    }
    p.item = kNoItem;
}

template <typename T, typename ReadFn>
void read_items(Parser& p, std::vector<T>& items, size_t min_size, ReadFn read_fn) {
    uint16_t count = p.r.u16();
    p.reserved_zero(p.r.u16(), "list");
    read_count_and_items(p, count, items, min_size, read_fn);
}

// ---- Bodies --------------------------------------------------------------------------------
// write_body / read_body overloads, one pair per message type.

void write_body(WireWriter& w, const Hello& m) {
    w.u16(m.min_version);
    w.u16(m.max_version);
    detail::write_text(w, m.name);
}
void read_body(Parser& p, Hello& m) {
    m.min_version = p.r.u16();
    m.max_version = p.r.u16();
    detail::read_text(p, m.name, kMaxNameLength);
}

void write_body(WireWriter& w, const Reply& m) {
    w.u16(static_cast<uint16_t>(m.status));
    w.u16(0);
    w.u32(m.item);
    detail::write_text(w, m.text);
}
void read_body(Parser& p, Reply& m) {
    m.status = static_cast<Status>(p.r.u16());
    p.reserved_zero(p.r.u16(), "REPLY");
    m.item = p.r.u32();
    detail::read_text(p, m.text, kMaxTextLength);
}

void write_body(WireWriter& w, const SaAdd& m) { write_items(w, m.sas, detail::write_sa); }
void read_body(Parser& p, SaAdd& m) { read_items(p, m.sas, detail::kSaFixedSize, detail::read_sa); }
void write_body(WireWriter& w, const SaList& m) { write_items(w, m.sas, detail::write_sa); }
void read_body(Parser& p, SaList& m) { read_items(p, m.sas, detail::kSaFixedSize, detail::read_sa); }

void write_body(WireWriter& w, const SaDel& m) { write_items(w, m.sa_ids, detail::write_id); }
void read_body(Parser& p, SaDel& m) { read_items(p, m.sa_ids, detail::kIdSize, detail::read_id); }
void write_body(WireWriter& w, const StatsSas& m) { write_items(w, m.sa_ids, detail::write_id); }
void read_body(Parser& p, StatsSas& m) { read_items(p, m.sa_ids, detail::kIdSize, detail::read_id); }

// POLICY_SET: port u16, count u16, rules.
void write_body(WireWriter& w, const PolicySet& m) {
    if (m.rules.size() > 0xffff) {
        w.fail();
        return;
    }
    w.u16(m.port);
    w.u16(static_cast<uint16_t>(m.rules.size()));
    for (const auto& r : m.rules) detail::write_policy(w, r);
}
void read_body(Parser& p, PolicySet& m) {
    m.port = p.r.u16();
    uint16_t count = p.r.u16();
    read_count_and_items(p, count, m.rules, detail::kPolicyRuleSize, detail::read_policy);
}
void write_body(WireWriter& w, const PolicyList& m) { write_items(w, m.rules, detail::write_policy); }
void read_body(Parser& p, PolicyList& m) {
    read_items(p, m.rules, detail::kPolicyRuleSize, detail::read_policy);
}

void write_body(WireWriter& w, const RouteAdd& m) { write_items(w, m.routes, detail::write_route); }
void read_body(Parser& p, RouteAdd& m) { read_items(p, m.routes, detail::kRouteSize, detail::read_route); }
// ROUTE_LIST: version 1 items are ROUTE_ADD's; version 2 adds the origin.
void write_body(WireWriter& w, const RouteList& m, uint16_t version) {
    if (version <= 1) {
        write_items(w, m.routes, detail::write_route);
    } else {
        write_items(w, m.routes, detail::write_route_with_origin);
    }
}
void read_body(Parser& p, RouteList& m) {
    if (p.version <= 1) {
        read_items(p, m.routes, detail::kRouteSize, detail::read_route);
    } else {
        read_items(p, m.routes, detail::kRouteListItemSize, detail::read_route_with_origin);
    }
}
void write_body(WireWriter& w, const RouteDel& m) { write_items(w, m.prefixes, detail::write_prefix); }
void read_body(Parser& p, RouteDel& m) {
    read_items(p, m.prefixes, detail::kPrefixSize, detail::read_prefix);
}

void write_body(WireWriter& w, const VaddrClaim& m) { write_items(w, m.addresses, detail::write_vaddr); }
void read_body(Parser& p, VaddrClaim& m) {
    read_items(p, m.addresses, detail::kVaddrSize, detail::read_vaddr);
}
void write_body(WireWriter& w, const VaddrList& m) { write_items(w, m.addresses, detail::write_vaddr); }
void read_body(Parser& p, VaddrList& m) {
    read_items(p, m.addresses, detail::kVaddrSize, detail::read_vaddr);
}
void write_body(WireWriter& w, const VaddrRelease& m) {
    write_items(w, m.addresses, detail::write_vaddr_ref);
}
void read_body(Parser& p, VaddrRelease& m) {
    read_items(p, m.addresses, detail::kVaddrRefSize, detail::read_vaddr_ref);
}

// Queries without a body.
template <typename T>
    requires std::is_empty_v<T>
void write_body(WireWriter&, const T&) {}
template <typename T>
    requires std::is_empty_v<T>
void read_body(Parser&, T&) {}

void write_body(WireWriter& w, const Subscribe& m) {
    w.u32(m.events);
    w.u32(m.idle_threshold_ms);
}
void read_body(Parser& p, Subscribe& m) {
    m.events = p.r.u32();
    m.idle_threshold_ms = p.r.u32();
}

void write_body(WireWriter& w, const HelloInfo& m) {
    w.u16(m.version);
    w.u16(m.min_version);
    w.u16(m.max_version);
    w.u16(m.port_count);
    w.u16(m.worker_count);
    w.u16(0);
    w.u32(m.max_sas);
    w.u32(m.max_policies);
    w.u32(m.max_routes);
    w.u64(m.tsc_hz);
    detail::write_text(w, m.name);
}
void read_body(Parser& p, HelloInfo& m) {
    m.version = p.r.u16();
    m.min_version = p.r.u16();
    m.max_version = p.r.u16();
    m.port_count = p.r.u16();
    m.worker_count = p.r.u16();
    p.reserved_zero(p.r.u16(), "HELLO_INFO");
    m.max_sas = p.r.u32();
    m.max_policies = p.r.u32();
    m.max_routes = p.r.u32();
    m.tsc_hz = p.r.u64();
    detail::read_text(p, m.name, kMaxNameLength);
}

void write_body(WireWriter& w, const PortStatsList& m) { write_items(w, m.ports, detail::write_port_stats); }
void read_body(Parser& p, PortStatsList& m) {
    read_items(p, m.ports, detail::kPortStatsSize, detail::read_port_stats);
}
void write_body(WireWriter& w, const SaStatsList& m) { write_items(w, m.sas, detail::write_sa_stats); }
void read_body(Parser& p, SaStatsList& m) {
    read_items(p, m.sas, detail::kSaStatsSize, detail::read_sa_stats);
}
void write_body(WireWriter& w, const WorkerStatsList& m) {
    write_items(w, m.workers, detail::write_worker_stats);
}
void read_body(Parser& p, WorkerStatsList& m) {
    read_items(p, m.workers, detail::kWorkerStatsSize, detail::read_worker_stats);
}

// DROP_STATS: count u16 (= the number of drop reasons of the version), reserved u16, count x u64.
// Version 1 carries the first 20 reasons; a version 1 peer never sees the later ones.
size_t drop_reasons_of(uint16_t version) { return version <= 1 ? kDropReasonCountV1 : kDropReasonCount; }

void write_body(WireWriter& w, const DropStats& m, uint16_t version) {
    const size_t count = drop_reasons_of(version);
    w.u16(static_cast<uint16_t>(count));
    w.u16(0);
    for (size_t i = 0; i < count; ++i) w.u64(m.drops[i]);
}
void read_body(Parser& p, DropStats& m) {
    const size_t want = drop_reasons_of(p.version);
    uint16_t count = p.r.u16();
    p.reserved_zero(p.r.u16(), "DROP_STATS");
    if (p.r.ok() && count != want) {
        p.fail(Status::bad_count, std::to_string(count) + " drop reasons (version " + std::to_string(p.version) +
                                      " has " + std::to_string(want) + ")");
        return;
    }
    for (size_t i = 0; i < want; ++i) m.drops[i] = p.r.u64();
}

void write_body(WireWriter& w, const Acquire& m) {
    w.u32(m.policy_id);
    w.u16(m.port);
    w.u8(m.packet.protocol);
    w.u8(0);
    w.u32(m.packet.src.value());
    w.u32(m.packet.dst.value());
    w.u16(m.packet.src_port);
    w.u16(m.packet.dst_port);
}
void read_body(Parser& p, Acquire& m) {
    m.policy_id = p.r.u32();
    m.port = p.r.u16();
    m.packet.protocol = p.r.u8();
    p.reserved_zero(p.r.u8(), "ACQUIRE");
    m.packet.src = Ipv4Address(p.r.u32());
    m.packet.dst = Ipv4Address(p.r.u32());
    m.packet.src_port = p.r.u16();
    m.packet.dst_port = p.r.u16();
}

void write_body(WireWriter& w, const SaExpire& m) {
    w.u32(m.sa_id);
    w.u8(static_cast<uint8_t>(m.kind));
    w.u8(static_cast<uint8_t>(m.trigger));
    w.u16(0);
}
void read_body(Parser& p, SaExpire& m) {
    m.sa_id = p.r.u32();
    m.kind = static_cast<ExpireKind>(p.r.u8());
    m.trigger = static_cast<ExpireTrigger>(p.r.u8());
    p.reserved_zero(p.r.u16(), "SA_EXPIRE");
}

void write_body(WireWriter& w, const SaIdle& m) {
    w.u32(m.sa_id);
    w.u64(m.idle_ms);
}
void read_body(Parser& p, SaIdle& m) {
    m.sa_id = p.r.u32();
    m.idle_ms = p.r.u64();
}

// ---- Dispatch by type ----------------------------------------------------------------------

// Bodies whose layout is the same in every version ignore it.
template <typename T>
void write_body(WireWriter& w, const T& body, uint16_t /*version*/) {
    write_body(w, body);
}

// Emplaces the alternative whose kType is `t` and reads its body; false if no alternative has it.
template <size_t... I>
bool read_body_of_type(MessageType t, Parser& p, Body& body, std::index_sequence<I...>) {
    auto try_one = [&](auto index) {
        using T = std::variant_alternative_t<decltype(index)::value, Body>;
        if (T::kType != t) return false;
        read_body(p, body.emplace<decltype(index)::value>());
        return true;
    };
    return (try_one(std::integral_constant<size_t, I>{}) || ...);
}

bool is_frozen_layout(MessageType t) { return t == MessageType::hello || t == MessageType::reply; }

CodecError framing_error(Status s, std::string text, uint32_t request_id = 0) {
    return CodecError{s, kNoItem, std::move(text), request_id};
}

}  // namespace

std::string CodecError::str() const {
    std::string s(status_name(status).empty() ? "status " + std::to_string(static_cast<int>(status))
                                              : std::string(status_name(status)));
    if (item != kNoItem) s += " (item " + std::to_string(item) + ")";
    if (!text.empty()) s += ": " + text;
    return s;
}

std::string_view message_type_name(MessageType t) {
    switch (t) {
    case MessageType::hello: return "HELLO";
    case MessageType::reply: return "REPLY";
    case MessageType::sa_add: return "SA_ADD";
    case MessageType::sa_del: return "SA_DEL";
    case MessageType::policy_set: return "POLICY_SET";
    case MessageType::route_add: return "ROUTE_ADD";
    case MessageType::route_del: return "ROUTE_DEL";
    case MessageType::vaddr_claim: return "VADDR_CLAIM";
    case MessageType::vaddr_release: return "VADDR_RELEASE";
    case MessageType::stats_ports: return "STATS_PORTS";
    case MessageType::stats_sas: return "STATS_SAS";
    case MessageType::stats_workers: return "STATS_WORKERS";
    case MessageType::stats_drops: return "STATS_DROPS";
    case MessageType::dump_sas: return "DUMP_SAS";
    case MessageType::dump_policies: return "DUMP_POLICIES";
    case MessageType::dump_routes: return "DUMP_ROUTES";
    case MessageType::dump_vaddrs: return "DUMP_VADDRS";
    case MessageType::subscribe: return "SUBSCRIBE";
    case MessageType::hello_info: return "HELLO_INFO";
    case MessageType::port_stats: return "PORT_STATS";
    case MessageType::sa_stats: return "SA_STATS";
    case MessageType::worker_stats: return "WORKER_STATS";
    case MessageType::drop_stats: return "DROP_STATS";
    case MessageType::sa_list: return "SA_LIST";
    case MessageType::policy_list: return "POLICY_LIST";
    case MessageType::route_list: return "ROUTE_LIST";
    case MessageType::vaddr_list: return "VADDR_LIST";
    case MessageType::acquire: return "ACQUIRE";
    case MessageType::sa_expire: return "SA_EXPIRE";
    case MessageType::sa_idle: return "SA_IDLE";
    }
    return {};
}

bool detail::encode_unverified(const Message& m, std::vector<uint8_t>& out) {
    out.clear();
    WireWriter w(out, kMaxMessageSize);
    w.u32(kMagic);
    w.u16(m.version);
    w.u16(static_cast<uint16_t>(type_of(m)));
    w.u16(m.flags);
    w.u16(0);
    w.u32(m.request_id);
    size_t length_at = w.placeholder(4);
    std::visit([&](const auto& body) { write_body(w, body, m.version); }, m.body);
    w.patch(length_at, 4, w.size() - kHeaderSize);
    if (!w.ok()) out.clear();
    return w.ok();
}

CodecResult<void> encode(const Message& m, std::vector<uint8_t>& out) {
    out.clear();
    if (auto err = verify(m)) {
        err->request_id = m.request_id;
        return *err;
    }
    if (!detail::encode_unverified(m, out)) {
        return framing_error(Status::too_large, std::string(message_type_name(type_of(m))) +
                                                    " does not fit in " + std::to_string(kMaxMessageSize) +
                                                    " bytes: split it (max_items_per_message)",
                             m.request_id);
    }
    return {};
}

CodecResult<Header> decode_header(std::span<const uint8_t> datagram) {
    if (datagram.size() > kMaxMessageSize) {
        return framing_error(Status::too_large, std::to_string(datagram.size()) + "-byte message");
    }
    WireReader r(datagram);
    Header h;
    h.magic = r.u32();
    h.version = r.u16();
    h.type = r.u16();
    h.flags = r.u16();
    h.reserved = r.u16();
    h.request_id = r.u32();
    h.body_length = r.u32();
    if (!r.ok()) {
        return framing_error(Status::truncated, std::to_string(datagram.size()) +
                                                    " bytes is shorter than the 20-byte header");
    }
    if (h.magic != kMagic) return framing_error(Status::bad_magic, "not a Tandem dataplane API message");
    if (h.body_length != r.remaining()) {
        return framing_error(Status::bad_length, "body length " + std::to_string(h.body_length) + " but " +
                                                     std::to_string(r.remaining()) + " bytes follow the header",
                             h.request_id);
    }
    return h;
}

CodecResult<Message> decode(std::span<const uint8_t> datagram) {
    auto header = decode_header(datagram);
    if (!header) return header.error();
    const Header& h = *header;
    auto type = static_cast<MessageType>(h.type);
    auto fail = [&](Status s, std::string text, uint32_t item = kNoItem) {
        return CodecError{s, item, std::move(text), h.request_id};
    };
    std::string_view name = message_type_name(type);
    if (name.empty()) return fail(Status::unknown_type, "message type " + std::to_string(h.type));
    if (h.version == 0 || (!is_frozen_layout(type) && (h.version < kMinVersion || h.version > kMaxVersion))) {
        return fail(Status::unsupported_version,
                    std::string(name) + " of version " + std::to_string(h.version) + " (this side speaks " +
                        std::to_string(kMinVersion) + ".." + std::to_string(kMaxVersion) + ")");
    }
    if (h.reserved != 0) return fail(Status::bad_flags, "reserved header field not zero");

    Message m;
    m.version = h.version;
    m.request_id = h.request_id;
    m.flags = h.flags;
    Parser p(datagram.subspan(kHeaderSize), h.version);
    if (!read_body_of_type(type, p, m.body, std::make_index_sequence<std::variant_size_v<Body>>{})) {
        return fail(Status::unknown_type, "message type " + std::to_string(h.type));
    }
    if (p.fault) {
        p.fault->request_id = h.request_id;
        p.fault->text = std::string(name) + ": " + p.fault->text;
        return *p.fault;
    }
    if (!p.r.ok()) return fail(Status::truncated, std::string(name) + " body is truncated");
    if (!p.r.at_end()) {
        return fail(Status::bad_length, std::string(name) + ": " + std::to_string(p.r.remaining()) +
                                            " bytes after the body");
    }
    if (auto err = verify(m)) {
        err->request_id = h.request_id;
        return *err;
    }
    return m;
}

size_t max_items_per_message(MessageType t) {
    size_t room = kMaxBodySize - detail::kListHeaderSize;
    switch (t) {
    case MessageType::sa_add:
    case MessageType::sa_list: return room / detail::kSaMaxSize;
    case MessageType::sa_del:
    case MessageType::stats_sas: return room / detail::kIdSize;
    case MessageType::policy_set:
    case MessageType::policy_list: return room / detail::kPolicyRuleSize;
    case MessageType::route_add: return room / detail::kRouteSize;
    case MessageType::route_list: return room / detail::kRouteListItemSize;  // the larger (v2)
    case MessageType::route_del: return room / detail::kPrefixSize;
    case MessageType::vaddr_claim:
    case MessageType::vaddr_list: return room / detail::kVaddrSize;
    case MessageType::vaddr_release: return room / detail::kVaddrRefSize;
    case MessageType::port_stats: return room / detail::kPortStatsSize;
    case MessageType::sa_stats: return room / detail::kSaStatsSize;
    case MessageType::worker_stats: return room / detail::kWorkerStatsSize;
    default: return 0;
    }
}

}  // namespace tandem::dpapi
