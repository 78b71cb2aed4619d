// The benchmark's input captures (classic pcap, Ethernet), written here so that every packet is
// exactly what topology.h says:
//
//   cleartext (encap input, into the inside port): packet j belongs to tunnel j mod N,
//     Ethernet inside router -> gateway, IPv4 10.1.x.y -> a host of remote_(j mod N), UDP, TTL 64
//   ESP (decap input, into the outside port): the reverse cleartext (remote host -> 10.1.x.y)
//     encrypted by the peer's outbound SA of its tunnel with Tandem's own ESP engine
//     (esp_outbound_burst, the code the gateway runs), sequence numbers 1, 2, ... per tunnel
//   ARP (into the sink port, once): the router next to the gateway asks for the gateway's address,
//     so the gateway learns the router's MAC (RFC 826) before the first packet needs it
//
// Sizes are of the inner IPv4 packet, header included: a fixed size, or "imix": 64, 576 and 1420
// bytes 7:4:1, interleaved in a fixed pattern of 12 (1420 rather than 1500 so that the ESP packet
// still fits a 1500-byte MTU).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/appliance/topology.h"
#include "common/result.h"

namespace tandem::bench {

struct CaptureSpec {
    bool encap = true;
    Cipher cipher = Cipher::gcm128;   // decap: the ESP's algorithm
    uint32_t tunnels = 1;
    uint32_t packets = 1024;          // in the file; the replay repeats them
    std::vector<uint16_t> sizes;      // inner sizes, used in turn (size_pattern())
    dpapi::MacAddress gateway_mac{};  // destination MAC: the gateway's port the capture enters
};

// "64" -> {64}; "imix" -> the 12-step pattern; empty on anything else.
std::vector<uint16_t> size_pattern(const std::string& text);

// The inner IPv4/UDP packet j of a capture (encap: local -> remote; decap: remote -> local).
std::vector<uint8_t> inner_packet(const CaptureSpec& spec, uint32_t j);

Result<void> write_cleartext_capture(const std::string& path, const CaptureSpec& spec);
// Needs EAL and a crypto device (the caller's); encrypts per tunnel with a fresh peer SA.
Result<void> write_esp_capture(const std::string& path, const CaptureSpec& spec);
// One ARP request from the router on the gateway's `port` side to the gateway's address.
Result<void> write_arp_capture(const std::string& path, uint16_t port);

}  // namespace tandem::bench
