// One UDP datagram from a non-blocking socket, with what IP_PKTINFO and IP_RECVTTL tell about it
// (when the socket asked for them): shared by the IKE and HSRP sockets of tandem-control.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "common/ipv4.h"

namespace tandem::control {

struct UdpDatagram {
    size_t length = 0;                 // bytes written to the buffer
    Ipv4Address source;
    uint16_t source_port = 0;
    std::optional<Ipv4Address> local;  // IP_PKTINFO: the address it was sent to
    std::optional<int> ttl;            // IP_RECVTTL
};

// nullopt when nothing was read; errno then says why (EAGAIN: nothing waiting).
std::optional<UdpDatagram> receive_udp(int fd, std::span<uint8_t> buffer);

}  // namespace tandem::control
