// The objects the control plane installs in the dataplane: SAs, security policies, routes and
// virtual addresses. These plain structs are the contract between the dataplane's tables, the
// dataplane API codec (common/dpapi/codec.h) and its clients (tandem-control, `tandemctl dp`).
//
// Identifiers are chosen by the control plane and are dense small integers (the dataplane indexes
// arrays with them): sa_id < max_sas, policy_id < max_policies. Addresses are host byte order.
#pragma once

#include <array>
#include <cstdint>

#include "common/ipv4.h"

namespace tandem::dpapi {

using MacAddress = std::array<uint8_t, 6>;

enum class Direction : uint8_t { inbound = 0, outbound = 1 };
enum class CipherAlg : uint8_t { aes_gcm_128 = 0, aes_gcm_256 = 1, aes_cbc_128 = 2, aes_cbc_256 = 3 };
enum class AuthAlg : uint8_t { none = 0, sha1_96 = 1, sha256_128 = 2, sha384_192 = 3, sha512_256 = 4 };

// IKEv2 traffic selector: ranges of addresses and ports and one protocol (0 = any).
struct TrafficSelector {
    Ipv4Range src{Ipv4Address(0u), Ipv4Address(~0u)};
    Ipv4Range dst{Ipv4Address(0u), Ipv4Address(~0u)};
    uint8_t protocol = 0;
    PortRange src_ports;
    PortRange dst_ports;
    friend bool operator==(const TrafficSelector&, const TrafficSelector&) = default;
};

struct SaLifetime {
    uint64_t soft_bytes = 0;    // 0 = no limit
    uint64_t hard_bytes = 0;
    uint64_t soft_packets = 0;
    uint64_t hard_packets = 0;
    friend bool operator==(const SaLifetime&, const SaLifetime&) = default;
};

// One ESP SA in tunnel mode, IPv4 in IPv4.
struct SaParams {
    uint32_t sa_id = 0;
    uint32_t spi = 0;
    Direction direction = Direction::inbound;
    CipherAlg cipher = CipherAlg::aes_gcm_128;
    AuthAlg auth = AuthAlg::none;            // none with GCM
    std::array<uint8_t, 32> cipher_key{};    // first key_len bytes used (16 or 32)
    uint8_t cipher_key_len = 0;
    uint32_t salt = 0;                       // GCM: the 4 KEYMAT salt bytes read as a big-endian
                                             // number (bytes c0 ff ee 01 -> 0xc0ffee01)
    std::array<uint8_t, 64> auth_key{};      // HMAC key (20, 32, 48 or 64 bytes)
    uint8_t auth_key_len = 0;
    Ipv4Address tunnel_src;                  // outer source (outbound) / expected outer source (inbound)
    Ipv4Address tunnel_dst;                  // outer destination / the local address ESP arrives on
    bool esn = false;
    uint32_t replay_window = 64;             // inbound; 0 = off; at most 4096
    bool natt = false;                       // UDP encapsulation (RFC 3948)
    uint16_t natt_src_port = 4500;
    uint16_t natt_dst_port = 4500;
    TrafficSelector selector;                // local -> remote for outbound; remote -> local for inbound
    SaLifetime lifetime;
    uint32_t policy_id = 0;                  // outbound: the PROTECT policy this SA serves
    friend bool operator==(const SaParams&, const SaParams&) = default;
};

enum class PolicyAction : uint8_t { protect = 0, bypass = 1, discard = 2 };

// One outbound security policy rule. Rules of one port are evaluated first match in `priority`
// order (smaller first). A PROTECT rule is served by the outbound SA whose policy_id equals its
// policy_id; without one the packet raises an ACQUIRE and is dropped.
struct PolicyRule {
    uint32_t policy_id = 0;
    uint16_t port = 0;                       // dataplane port (outside interface) it guards
    uint32_t priority = 0;
    uint8_t protocol = 0;                    // 0 = any
    Ipv4Prefix src;
    Ipv4Prefix dst;
    PortRange src_ports;
    PortRange dst_ports;
    PolicyAction action = PolicyAction::bypass;
    friend bool operator==(const PolicyRule&, const PolicyRule&) = default;
};

enum class RouteKind : uint8_t { forward = 0, local = 1, blackhole = 2 };

// Who installed a route (ROUTE_LIST of version 2 reports it; routes sent with ROUTE_ADD are api).
enum class RouteOrigin : uint8_t {
    api = 0,        // ROUTE_ADD
    config = 1,     // the configuration's static routes
    connected = 2,  // made by the dataplane: a port's subnet, the gateway's own and virtual
                    // addresses (local /32)
};

struct Route {
    Ipv4Prefix prefix;
    RouteKind kind = RouteKind::forward;
    uint16_t port = 0;                       // egress port (forward)
    Ipv4Address gateway;                     // 0.0.0.0 = directly connected
    RouteOrigin origin = RouteOrigin::api;   // not on the wire in ROUTE_ADD
    friend bool operator==(const Route&, const Route&) = default;
};

// An HSRP virtual address claimed on a port.
struct VirtualAddress {
    uint16_t port = 0;
    Ipv4Address address;
    MacAddress mac{};
    friend bool operator==(const VirtualAddress&, const VirtualAddress&) = default;
};

}  // namespace tandem::dpapi
