// The appliance benchmark's network: one gateway with an inside and an outside port, N tunnels,
// and everything each tunnel needs (SA, PROTECT rule, route), derived from the tunnel's index so
// that the capture generator, the table loader and the churn driver agree without sharing state.
//
//   inside router           Tandem (device under test)                    outside router   peers
//   10.0.0.2  --- port 0 (inside)  10.0.0.1/24 | 198.18.0.1/24 (outside) port 1 --- 198.18.0.2 --- 198.19.x.y
//   protected: 10.1.0.0/16                                                            remote_i: 10.64.0.0/10
//
//   tunnel i (0 <= i < 131072):
//     remote subnet  10.64.0.0 + 32*i /27          (the traffic's far end)
//     peer           198.19.0.1 + (i mod 65534)     (the outer destination; many tunnels share one)
//     SPI            0x10000 + i, sa_id i, policy_id i
//     PROTECT rule   priority i: 10.1.0.0/16 -> remote_i/27, port 1
//     route          remote_i/27 via 198.18.0.2 port 1 (what RRI would inject)
//     keys           bytes derived from i (not secret: a benchmark)
//
// Static routes of the configuration (bench/appliance/run writes it): 10.1.0.0/16 via 10.0.0.2,
// 198.19.0.0/16 via 198.18.0.2. The addresses are private or the RFC 2544 benchmarking range
// 198.18.0.0/15; they only ever exist in pcap files and DPDK virtual devices (the benchmark runs
// tandem-dataplane without kernel interfaces).
#pragma once

#include <cstdint>
#include <string>

#include "common/dpapi/types.h"
#include "common/ipv4.h"

namespace tandem::bench {

inline constexpr uint32_t kMaxTunnels = 131072;  // /27s in 10.64.0.0/10
inline constexpr uint16_t kInsidePort = 0;
inline constexpr uint16_t kOutsidePort = 1;

inline constexpr Ipv4Address kInsideAddr{10, 0, 0, 1};
inline constexpr Ipv4Address kInsideRouter{10, 0, 0, 2};
inline constexpr Ipv4Address kOutsideAddr{198, 18, 0, 1};
inline constexpr Ipv4Address kOutsideRouter{198, 18, 0, 2};
inline constexpr Ipv4Prefix kProtected{Ipv4Address(10, 1, 0, 0), 16};

// MACs of the two routers next to the gateway (what the captures come from and ARP announces).
inline constexpr dpapi::MacAddress kInsideRouterMac{0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
inline constexpr dpapi::MacAddress kOutsideRouterMac{0x02, 0x00, 0x00, 0x00, 0x01, 0x02};

enum class Cipher : uint8_t { gcm128, gcm256, cbc128_sha256 };

// "aes-gcm-128" | "aes-gcm-256" | "aes-cbc-128+sha256"
bool parse_cipher(const std::string& text, Cipher& out);
const char* cipher_name(Cipher c);

Ipv4Prefix remote_subnet(uint32_t tunnel);
Ipv4Address peer_address(uint32_t tunnel);
uint32_t tunnel_spi(uint32_t tunnel, uint32_t generation = 0);

// The gateway's SA of tunnel i: outbound (encap: 10.1/16 -> remote_i, to the peer) or inbound
// (decap: remote_i -> 10.1/16, from the peer, replay window `window`). `generation` gives a rekeyed
// successor another SPI and keys; its sa_id is the caller's.
dpapi::SaParams gateway_sa(uint32_t tunnel, Cipher c, bool outbound, uint32_t sa_id, uint32_t generation = 0,
                           uint32_t window = 0);
// The peer's outbound SA matching the gateway's inbound one (to make the decap capture).
dpapi::SaParams peer_outbound_sa(uint32_t tunnel, Cipher c);

dpapi::PolicyRule protect_rule(uint32_t tunnel);
dpapi::Route tunnel_route(uint32_t tunnel);

}  // namespace tandem::bench
