// Port: move-only owner of one configured and started ethdev port (a NIC by PCI address or a
// virtual device by its vdev devargs). One RX queue per worker (RSS spreads flows when the
// device has several queues), one TX queue per worker plus one for the main lcore, which sends
// what the kernel interface and the ARP code emit. Stopped and closed with the owner.
//
// What it receives. The port's own MAC and broadcast always; multicast (HSRP hellos to 224.0.0.2
// and 224.0.0.102, OSPF) through all-multicast mode, or promiscuous mode where the PMD has no
// all-multicast (net_af_packet). An HSRP virtual MAC is admitted while an address is claimed with
// it: added to the device's MAC filter (rte_eth_dev_mac_addr_add), or, where the PMD refuses that
// (net_af_packet, net_tap: no MAC filter; a NIC whose filter is full), by promiscuous mode, which
// then stays on for the life of the port. The workers drop what is not for the gateway
// (AddressSet::accepts) either way; the filter only spares them the work.
#pragma once

#include <rte_ethdev.h>

#include <string>
#include <vector>

#include "common/result.h"
#include "common/dpapi/types.h"

namespace tandem::dp {

struct PortSettings {
    std::string device;        // the name DPDK gave the device (device_name())
    uint16_t rx_queues = 1;
    uint16_t tx_queues = 1;
    uint16_t rx_descriptors = 1024;
    uint16_t tx_descriptors = 1024;
    uint16_t mtu = 1500;
    rte_mempool* pool = nullptr;
};

class Port {
public:
    static Result<Port> create(const PortSettings& s);

    Port(Port&& o) noexcept;
    Port& operator=(Port&& o) noexcept;
    Port(const Port&) = delete;
    Port& operator=(const Port&) = delete;
    ~Port();

    uint16_t id() const { return id_; }
    const dpapi::MacAddress& mac() const { return mac_; }
    uint16_t rx_queues() const { return rx_queues_; }
    uint16_t tx_queues() const { return tx_queues_; }
    bool link_up() const;

    // Admitting an extra unicast MAC (see above). Main lcore only. Idempotent per MAC.
    enum class MacReception { filter, promiscuous };
    Result<MacReception> admit_mac(const dpapi::MacAddress& mac);
    // Takes out of the MAC filter what admit_mac put there; promiscuous mode stays.
    void forget_mac(const dpapi::MacAddress& mac);
    bool promiscuous() const;

private:
    Port() = default;
    void reset();

    uint16_t id_ = RTE_MAX_ETHPORTS;
    dpapi::MacAddress mac_{};
    uint16_t rx_queues_ = 0;
    uint16_t tx_queues_ = 0;
    std::vector<dpapi::MacAddress> filtered_;  // MACs admit_mac added to the device's filter
};

}  // namespace tandem::dp
