// Sample dataplane API objects and one message of every type with non-trivial contents, shared by
// the dpapi unit tests.
#pragma once

#include <cstdint>
#include <vector>

#include "common/dpapi/codec.h"

namespace tandem::dpapi::test {

inline SaParams gcm_sa(uint32_t id) {
    SaParams sa;
    sa.sa_id = id;
    sa.spi = 0xc0de0000 + id;
    sa.direction = Direction::inbound;
    sa.cipher = CipherAlg::aes_gcm_256;
    sa.auth = AuthAlg::none;
    for (uint8_t i = 0; i < 32; ++i) sa.cipher_key[i] = static_cast<uint8_t>(0xa0 + i + id);
    sa.cipher_key_len = 32;
    sa.salt = 0x01020304;
    sa.tunnel_src = Ipv4Address(198, 51, 100, 2);
    sa.tunnel_dst = Ipv4Address(203, 0, 113, 9);
    sa.esn = true;
    sa.replay_window = 1024;
    sa.natt = true;
    sa.natt_src_port = 4500;
    sa.natt_dst_port = 61000;
    sa.selector.src = {Ipv4Address(10, 1, 0, 0), Ipv4Address(10, 1, 255, 255)};
    sa.selector.dst = {Ipv4Address(10, 2, 0, 0), Ipv4Address(10, 2, 0, 255)};
    sa.selector.protocol = 6;
    sa.selector.src_ports = {1024, 65535};
    sa.selector.dst_ports = {443, 443};
    sa.lifetime = {1'000'000, 2'000'000, 5000, 10000};
    sa.policy_id = 0;
    return sa;
}

inline SaParams cbc_sa(uint32_t id) {
    SaParams sa;
    sa.sa_id = id;
    sa.spi = 0x1000 + id;
    sa.direction = Direction::outbound;
    sa.cipher = CipherAlg::aes_cbc_128;
    sa.auth = AuthAlg::sha384_192;
    for (uint8_t i = 0; i < 16; ++i) sa.cipher_key[i] = static_cast<uint8_t>(i * 7 + 1);
    sa.cipher_key_len = 16;
    for (uint8_t i = 0; i < 48; ++i) sa.auth_key[i] = static_cast<uint8_t>(0xff - i);
    sa.auth_key_len = 48;
    sa.tunnel_src = Ipv4Address(192, 0, 2, 1);
    sa.tunnel_dst = Ipv4Address(192, 0, 2, 200);
    sa.replay_window = 0;
    sa.lifetime = {0, 0, 100, 0};
    sa.policy_id = 17;
    return sa;
}

inline PolicyRule policy_rule(uint32_t id, uint16_t port, PolicyAction action) {
    PolicyRule r;
    r.policy_id = id;
    r.port = port;
    r.priority = 100 + id;
    r.protocol = 17;
    r.src = Ipv4Prefix(Ipv4Address(10, 1, 0, 0), 16);
    r.dst = Ipv4Prefix(Ipv4Address(10, 2, 3, 0), 24);
    r.src_ports = {0, 65535};
    r.dst_ports = {500, 4500};
    r.action = action;
    return r;
}

inline Route route(uint8_t third_octet, RouteKind kind = RouteKind::forward) {
    Route r;
    r.prefix = Ipv4Prefix(Ipv4Address(172, 16, third_octet, 0), 24);
    r.kind = kind;
    r.port = kind == RouteKind::forward ? 1 : 0;
    r.gateway = kind == RouteKind::forward ? Ipv4Address(192, 0, 2, 254) : Ipv4Address();
    return r;
}

inline VirtualAddress vaddr(uint16_t port, uint8_t last) {
    return VirtualAddress{port, Ipv4Address(192, 0, 2, last), MacAddress{0x00, 0x00, 0x0c, 0x07, 0xac, last}};
}

// One message of every type.
inline std::vector<Message> sample_messages() {
    std::vector<Message> v;
    auto add = [&](Body body, uint16_t flags = 0) { v.push_back(Message{uint32_t(0x1000 + v.size()), flags, std::move(body)}); };
    add(Hello{1, 3, "tandem-control 0.1"});
    add(Reply{Status::bad_key_length, 2, "SA 7: AES-GCM-128 needs a 16-byte key"});
    add(SaAdd{{gcm_sa(1), cbc_sa(2), gcm_sa(3)}});
    add(SaDel{{1, 2, 0xfffffffe}});
    add(PolicySet{2, {policy_rule(1, 2, PolicyAction::protect), policy_rule(2, 2, PolicyAction::discard),
                      policy_rule(2, 2, PolicyAction::bypass)}}, kFlagMore);
    add(RouteAdd{{route(1), route(2, RouteKind::local), route(3, RouteKind::blackhole)}});
    add(RouteDel{{Ipv4Prefix(Ipv4Address(0u), 0), Ipv4Prefix(Ipv4Address(10, 0, 0, 1), 32)}});
    add(VaddrClaim{{vaddr(0, 1), vaddr(1, 1)}});
    add(VaddrRelease{{VaddrRef{0, Ipv4Address(192, 0, 2, 1)}, VaddrRef{3, Ipv4Address(192, 0, 2, 1)}}});
    add(StatsPorts{});
    add(StatsSas{{4, 5, 6}});
    add(StatsWorkers{});
    add(StatsDrops{});
    add(DumpSas{});
    add(DumpPolicies{});
    add(DumpRoutes{});
    add(DumpVaddrs{});
    add(Subscribe{kEventAll, 30000});
    add(HelloInfo{1, 1, 1, 2, 2, 4096, 1024, 65536, 2'300'000'000ull, "tandem-dataplane 0.1.0"});
    add(PortStatsList{{PortStats{0, 1, 2, 3, 4, 5, 6, 7, 8}, PortStats{1, 10, 20, 30, 40, 50, 60, 70, 80}}});
    add(SaStatsList{{SaStats{1, 100, 15000, 1, 2, 3, 4, 100, 20}, SaStats{2, 0, 0, 0, 0, 0, 0, 0, kNeverUsed}}});
    add(WorkerStatsList{{WorkerStats{1, 1000, 5000000, 7000000, 12}}});
    DropStats drops;
    for (size_t i = 0; i < drops.drops.size(); ++i) drops.drops[i] = 1000 * i + 7;
    add(drops);
    add(SaList{{cbc_sa(9), gcm_sa(10)}});
    add(PolicyList{{policy_rule(1, 0, PolicyAction::protect), policy_rule(9, 1, PolicyAction::bypass)}});
    add(RouteList{{route(7), route(8, RouteKind::local)}});
    add(VaddrList{{vaddr(1, 254)}});
    add(Acquire{3, 1, FiveTuple{Ipv4Address(10, 1, 2, 3), Ipv4Address(10, 2, 3, 4), 6, 40000, 443}});
    add(SaExpire{5, ExpireKind::hard, ExpireTrigger::packets});
    add(SaIdle{6, 45000});
    return v;
}

inline std::vector<uint8_t> encoded(const Message& m) {
    std::vector<uint8_t> out;
    auto r = encode(m, out);
    return r ? out : std::vector<uint8_t>{};
}

}  // namespace tandem::dpapi::test
