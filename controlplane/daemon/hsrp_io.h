// HSRP on the wire for tandem-control: the sockets of one interface's groups, on the kernel
// interface (TAP) that tandem-dataplane keeps for the port.
//
// Receive: a UDP socket bound to port 1985 on that TAP only (SO_BINDTODEVICE), member of
// 224.0.0.2 (v1) and 224.0.0.102 (v2) there, with IP_PKTINFO and IP_RECVTTL so the destination
// and the TTL of each datagram are known (RFC 2281: packets not to the group address, or with a
// TTL other than 1, are not HSRP's). The dataplane hands multicast to the TAP.
//
// Send: an AF_PACKET socket on the same TAP, whole Ethernet frames built here, because an Active
// router sends its hellos from the virtual MAC (as IOS does, so switches learn where the virtual
// MAC lives) and no IP socket can choose the Ethernet source. Frames the kernel sends on a TAP go
// out of the dataplane port unchanged.
//
//   dst 01:00:5e:00:00:02 (v1) / 01:00:5e:00:00:66 (v2), src: the given MAC, type IPv4
//   IPv4: TOS 0xc0 (precedence internetwork control), TTL 1, UDP, src: the interface address
//   UDP 1985 -> 1985, checksummed
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/ipv4.h"
#include "common/result.h"
#include "controlplane/hsrp/packet.h"
#include "controlplane/loop/event_loop.h"

namespace tandem::control {

// The complete frame for one HSRP datagram (exposed for tests).
std::vector<uint8_t> hsrp_frame(const hsrp::MacAddress& source_mac, Ipv4Address source, Ipv4Address destination,
                                std::span<const uint8_t> payload, uint16_t ip_id = 0);

// The MAC address and the flags of a Linux interface, by name.
struct KernelLink {
    int ifindex = 0;
    hsrp::MacAddress mac{};
    bool up = false;       // IFF_UP
    bool running = false;  // IFF_RUNNING (carrier)
};
Result<KernelLink> kernel_link(const std::string& ifname);

class HsrpSocket {
public:
    // `source`: the IPv4 source address of the datagram's IP header.
    using Receive = std::function<void(std::span<const uint8_t> datagram, Ipv4Address source)>;

    struct Counters {
        uint64_t received = 0, sent = 0;
        uint64_t bad_ttl = 0, not_group_address = 0;  // dropped here, before the state machine
        uint64_t send_errors = 0;
    };

    static Result<std::unique_ptr<HsrpSocket>> open(loop::EventLoop& loop, const std::string& ifname, Receive on_receive);
    ~HsrpSocket();
    HsrpSocket(const HsrpSocket&) = delete;
    HsrpSocket& operator=(const HsrpSocket&) = delete;

    // Sends one datagram to `destination` (224.0.0.2 or 224.0.0.102) from `source`, in a frame
    // with `source_mac` as its Ethernet source. false: the kernel refused it (counted).
    bool send(const hsrp::MacAddress& source_mac, Ipv4Address source, Ipv4Address destination,
              std::span<const uint8_t> payload);
    const std::string& ifname() const { return ifname_; }
    const Counters& counters() const { return counters_; }
    // Whether the socket has seen an error that means the interface is gone (the dataplane went).
    bool broken() const { return broken_; }

private:
    HsrpSocket(loop::EventLoop& loop, std::string ifname, Receive r)
        : loop_(loop), ifname_(std::move(ifname)), on_receive_(std::move(r)) {}
    void on_readable();

    loop::EventLoop& loop_;
    std::string ifname_;
    Receive on_receive_;
    int ifindex_ = 0;
    int rx_ = -1;
    int tx_ = -1;
    uint16_t next_id_ = 1;
    bool broken_ = false;
    Counters counters_;
};

}  // namespace tandem::control
