// KernelInterface: the exception path of one port.
//
// A TAP interface (DPDK's net_tap PMD) that carries the port's MAC address, MTU and IPv4
// address, so the kernel — and IKE, HSRP and BIRD on ordinary sockets — sees the gateway's
// addresses as its own. The fast path hands it the frames addressed to the gateway that it does
// not consume itself (IKE, HSRP, ICMP, OSPF, BGP, ARP for the interface address); what the kernel
// sends on it, the main lcore transmits out of the port. HSRP virtual addresses held by the port
// are added to it as /32 secondaries; its ARP requests always name the interface address
// (arp_announce = 2), so neighbours never learn the port MAC for a virtual address.
//
//        kernel sockets (charon-less IKE, HSRP, BIRD)
//                 |  tdm-outside (TAP, same MAC and address as the port)
//        [net_tap ethdev] <-- main lcore -->  [port ethdev] <--> wire
//                 ^                                 |
//                 +------- workers: exceptions -----+
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/dpapi/types.h"
#include "common/ipv4.h"
#include "common/kernel_ifname.h"
#include "common/result.h"
#include "dataplane/eal/port.h"

namespace tandem::dp {

// A Linux interface name for a configured interface (common/kernel_ifname.h).
using tandem::kernel_ifname;

class KernelInterface {
public:
    struct Settings {
        std::string ifname;                             // kernel_ifname()
        dpapi::MacAddress mac{};                        // the port's MAC
        std::optional<Ipv4InterfaceAddress> address;
        uint16_t mtu = 1500;
        uint16_t tx_queues = 1;                         // one per lcore that hands frames over (RX: as many)
        rte_mempool* pool = nullptr;
    };

    static Result<KernelInterface> create(const Settings& s);

    Port& port() { return port_; }
    const Port& port() const { return port_; }
    const std::string& ifname() const { return ifname_; }

    // Adds or removes a secondary address on the kernel side (an HSRP virtual IP while Active, so
    // IKE sockets bound to 0.0.0.0 receive datagrams to it and can answer from it). Idempotent:
    // adding an address the interface already has, or removing one it does not have, succeeds.
    // rtnetlink, blocking: call from the main lcore only, never from a worker.
    Result<void> add_address(Ipv4Address a, unsigned prefix_len);
    Result<void> remove_address(Ipv4Address a, unsigned prefix_len);

private:
    KernelInterface(Port p, std::string ifname) : port_(std::move(p)), ifname_(std::move(ifname)) {}

    Port port_;
    std::string ifname_;
};

}  // namespace tandem::dp
