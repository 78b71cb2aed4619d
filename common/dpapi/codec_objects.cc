// Wire layout of the API's objects; see codec_objects.h for what parsing checks here and
// docs/dataplane-api.md for the diagrams. Every writer has its reader just below it, field for
// field in the same order.
#include "common/dpapi/codec_objects.h"

#include <algorithm>

namespace tandem::dpapi::detail {

namespace {

void write_range(WireWriter& w, const Ipv4Range& r) {
    w.u32(r.first.value());
    w.u32(r.last.value());
}

void read_range(Parser& p, Ipv4Range& r) {
    r.first = Ipv4Address(p.r.u32());
    r.last = Ipv4Address(p.r.u32());
}

void write_ports(WireWriter& w, const PortRange& r) {
    w.u16(r.lo);
    w.u16(r.hi);
}

void read_ports(Parser& p, PortRange& r) {
    r.lo = p.r.u16();
    r.hi = p.r.u16();
}

// A prefix length byte followed (elsewhere) by its address: lengths over 32 cannot be held.
Ipv4Prefix make_prefix(Parser& p, uint32_t address, uint8_t length, const char* what) {
    if (length > 32) {
        p.fail(Status::bad_prefix, std::string(what) + ": prefix length " + std::to_string(length) + " > 32");
        return {};
    }
    return Ipv4Prefix(Ipv4Address(address), length);
}

}  // namespace

//  0 sa_id, 4 spi, 8 direction cipher auth flags, 12 salt, 16 tunnel_src, 20 tunnel_dst,
// 24 replay_window, 28 natt ports, 32 policy_id, 36 selector addresses, 52 selector ports,
// 60 protocol key-lengths reserved, 64 lifetime, 96 keys.
void write_sa(WireWriter& w, const SaParams& sa) {
    w.u32(sa.sa_id);
    w.u32(sa.spi);
    w.u8(static_cast<uint8_t>(sa.direction));
    w.u8(static_cast<uint8_t>(sa.cipher));
    w.u8(static_cast<uint8_t>(sa.auth));
    w.u8(static_cast<uint8_t>((sa.esn ? kSaFlagEsn : 0) | (sa.natt ? kSaFlagNatt : 0)));
    w.u32(sa.salt);
    w.u32(sa.tunnel_src.value());
    w.u32(sa.tunnel_dst.value());
    w.u32(sa.replay_window);
    w.u16(sa.natt_src_port);
    w.u16(sa.natt_dst_port);
    w.u32(sa.policy_id);
    write_range(w, sa.selector.src);
    write_range(w, sa.selector.dst);
    write_ports(w, sa.selector.src_ports);
    write_ports(w, sa.selector.dst_ports);
    w.u8(sa.selector.protocol);
    w.u8(sa.cipher_key_len);
    w.u8(sa.auth_key_len);
    w.u8(0);
    w.u64(sa.lifetime.soft_bytes);
    w.u64(sa.lifetime.hard_bytes);
    w.u64(sa.lifetime.soft_packets);
    w.u64(sa.lifetime.hard_packets);
    // Lengths past the arrays are refused by verify before anything is written.
    w.bytes({sa.cipher_key.data(), std::min<size_t>(sa.cipher_key_len, sa.cipher_key.size())});
    w.bytes({sa.auth_key.data(), std::min<size_t>(sa.auth_key_len, sa.auth_key.size())});
}

void read_sa(Parser& p, SaParams& sa) {
    sa.sa_id = p.r.u32();
    sa.spi = p.r.u32();
    sa.direction = static_cast<Direction>(p.r.u8());
    sa.cipher = static_cast<CipherAlg>(p.r.u8());
    sa.auth = static_cast<AuthAlg>(p.r.u8());
    uint8_t flags = p.r.u8();
    sa.esn = flags & kSaFlagEsn;
    sa.natt = flags & kSaFlagNatt;
    p.reserved_zero(flags & ~(kSaFlagEsn | kSaFlagNatt), "SA flags");
    sa.salt = p.r.u32();
    sa.tunnel_src = Ipv4Address(p.r.u32());
    sa.tunnel_dst = Ipv4Address(p.r.u32());
    sa.replay_window = p.r.u32();
    sa.natt_src_port = p.r.u16();
    sa.natt_dst_port = p.r.u16();
    sa.policy_id = p.r.u32();
    read_range(p, sa.selector.src);
    read_range(p, sa.selector.dst);
    read_ports(p, sa.selector.src_ports);
    read_ports(p, sa.selector.dst_ports);
    sa.selector.protocol = p.r.u8();
    sa.cipher_key_len = p.r.u8();
    sa.auth_key_len = p.r.u8();
    p.reserved_zero(p.r.u8(), "SA");
    sa.lifetime.soft_bytes = p.r.u64();
    sa.lifetime.hard_bytes = p.r.u64();
    sa.lifetime.soft_packets = p.r.u64();
    sa.lifetime.hard_packets = p.r.u64();
    if (!p.r.ok()) return;
    if (sa.cipher_key_len > sa.cipher_key.size()) {
        p.fail(Status::bad_key_length, "SA " + std::to_string(sa.sa_id) + ": cipher key of " +
                                           std::to_string(sa.cipher_key_len) + " bytes");
        return;
    }
    if (sa.auth_key_len > sa.auth_key.size()) {
        p.fail(Status::bad_key_length, "SA " + std::to_string(sa.sa_id) + ": integrity key of " +
                                           std::to_string(sa.auth_key_len) + " bytes");
        return;
    }
    auto ck = p.r.bytes(sa.cipher_key_len);
    std::copy(ck.begin(), ck.end(), sa.cipher_key.begin());
    auto ak = p.r.bytes(sa.auth_key_len);
    std::copy(ak.begin(), ak.end(), sa.auth_key.begin());
}

//  0 policy_id, 4 priority, 8 port protocol action, 12 src, 16 dst, 20 lengths reserved,
// 24 ports.
void write_policy(WireWriter& w, const PolicyRule& rule) {
    w.u32(rule.policy_id);
    w.u32(rule.priority);
    w.u16(rule.port);
    w.u8(rule.protocol);
    w.u8(static_cast<uint8_t>(rule.action));
    w.u32(rule.src.address().value());
    w.u32(rule.dst.address().value());
    w.u8(static_cast<uint8_t>(rule.src.length()));
    w.u8(static_cast<uint8_t>(rule.dst.length()));
    w.u16(0);
    write_ports(w, rule.src_ports);
    write_ports(w, rule.dst_ports);
}

void read_policy(Parser& p, PolicyRule& rule) {
    rule.policy_id = p.r.u32();
    rule.priority = p.r.u32();
    rule.port = p.r.u16();
    rule.protocol = p.r.u8();
    rule.action = static_cast<PolicyAction>(p.r.u8());
    uint32_t src = p.r.u32();
    uint32_t dst = p.r.u32();
    uint8_t src_len = p.r.u8();
    uint8_t dst_len = p.r.u8();
    p.reserved_zero(p.r.u16(), "policy rule");
    read_ports(p, rule.src_ports);
    read_ports(p, rule.dst_ports);
    if (!p.r.ok()) return;
    rule.src = make_prefix(p, src, src_len, "source");
    rule.dst = make_prefix(p, dst, dst_len, "destination");
}

//  0 prefix address, 4 length kind port, 8 gateway.
void write_route(WireWriter& w, const Route& route) {
    w.u32(route.prefix.address().value());
    w.u8(static_cast<uint8_t>(route.prefix.length()));
    w.u8(static_cast<uint8_t>(route.kind));
    w.u16(route.port);
    w.u32(route.gateway.value());
}

void read_route(Parser& p, Route& route) {
    uint32_t address = p.r.u32();
    uint8_t length = p.r.u8();
    route.kind = static_cast<RouteKind>(p.r.u8());
    route.port = p.r.u16();
    route.gateway = Ipv4Address(p.r.u32());
    if (!p.r.ok()) return;
    route.prefix = make_prefix(p, address, length, "route");
}

// Version 2 ROUTE_LIST item: the route, then 12 origin, 13 reserved (3 bytes).
void write_route_with_origin(WireWriter& w, const Route& route) {
    write_route(w, route);
    w.u8(static_cast<uint8_t>(route.origin));
    w.u8(0);
    w.u16(0);
}

void read_route_with_origin(Parser& p, Route& route) {
    read_route(p, route);
    route.origin = static_cast<RouteOrigin>(p.r.u8());
    p.reserved_zero(p.r.u8(), "route");
    p.reserved_zero(p.r.u16(), "route");
}

void write_prefix(WireWriter& w, const Ipv4Prefix& prefix) {
    w.u32(prefix.address().value());
    w.u8(static_cast<uint8_t>(prefix.length()));
}

void read_prefix(Parser& p, Ipv4Prefix& prefix) {
    uint32_t address = p.r.u32();
    uint8_t length = p.r.u8();
    if (!p.r.ok()) return;
    prefix = make_prefix(p, address, length, "prefix");
}

//  0 port, 2 mac, 8 address.
void write_vaddr(WireWriter& w, const VirtualAddress& v) {
    w.u16(v.port);
    w.bytes(v.mac);
    w.u32(v.address.value());
}

void read_vaddr(Parser& p, VirtualAddress& v) {
    v.port = p.r.u16();
    auto mac = p.r.bytes(v.mac.size());
    std::copy(mac.begin(), mac.end(), v.mac.begin());
    v.address = Ipv4Address(p.r.u32());
}

//  0 port, 2 reserved, 4 address.
void write_vaddr_ref(WireWriter& w, const VaddrRef& v) {
    w.u16(v.port);
    w.u16(0);
    w.u32(v.address.value());
}

void read_vaddr_ref(Parser& p, VaddrRef& v) {
    v.port = p.r.u16();
    p.reserved_zero(p.r.u16(), "address");
    v.address = Ipv4Address(p.r.u32());
}

void write_id(WireWriter& w, uint32_t id) { w.u32(id); }
void read_id(Parser& p, uint32_t& id) { id = p.r.u32(); }

void write_port_stats(WireWriter& w, const PortStats& s) {
    w.u16(s.port);
    w.u16(0);
    for (uint64_t v : {s.rx_packets, s.rx_bytes, s.rx_errors, s.rx_drops, s.tx_packets, s.tx_bytes,
                       s.tx_errors, s.tx_drops}) {
        w.u64(v);
    }
}

void read_port_stats(Parser& p, PortStats& s) {
    s.port = p.r.u16();
    p.reserved_zero(p.r.u16(), "port stats");
    for (uint64_t* v : {&s.rx_packets, &s.rx_bytes, &s.rx_errors, &s.rx_drops, &s.tx_packets,
                        &s.tx_bytes, &s.tx_errors, &s.tx_drops}) {
        *v = p.r.u64();
    }
}

void write_sa_stats(WireWriter& w, const SaStats& s) {
    w.u32(s.sa_id);
    for (uint64_t v : {s.packets, s.bytes, s.replay_drops, s.auth_drops, s.policy_mismatch_drops,
                       s.malformed_drops, s.last_sequence, s.idle_ms}) {
        w.u64(v);
    }
}

void read_sa_stats(Parser& p, SaStats& s) {
    s.sa_id = p.r.u32();
    for (uint64_t* v : {&s.packets, &s.bytes, &s.replay_drops, &s.auth_drops, &s.policy_mismatch_drops,
                        &s.malformed_drops, &s.last_sequence, &s.idle_ms}) {
        *v = p.r.u64();
    }
}

void write_worker_stats(WireWriter& w, const WorkerStats& s) {
    w.u32(s.lcore_id);
    for (uint64_t v : {s.packets, s.busy_cycles, s.idle_cycles, s.handoffs}) w.u64(v);
}

void read_worker_stats(Parser& p, WorkerStats& s) {
    s.lcore_id = p.r.u32();
    for (uint64_t* v : {&s.packets, &s.busy_cycles, &s.idle_cycles, &s.handoffs}) *v = p.r.u64();
}

void write_text(WireWriter& w, const std::string& s) {
    if (s.size() > 0xffff) {
        w.fail();
        return;
    }
    w.u16(static_cast<uint16_t>(s.size()));
    w.text(s);
}

void read_text(Parser& p, std::string& s, size_t max_length) {
    uint16_t length = p.r.u16();
    if (!p.r.ok()) return;
    if (length > max_length) {
        p.fail(Status::bad_text, "text of " + std::to_string(length) + " bytes (at most " +
                                     std::to_string(max_length) + ")");
        return;
    }
    auto b = p.r.bytes(length);
    s.assign(b.begin(), b.end());
}

}  // namespace tandem::dpapi::detail
