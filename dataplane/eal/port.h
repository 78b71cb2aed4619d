// Port: move-only owner of one configured and started ethdev port (a NIC by PCI address or a
// virtual device by its vdev devargs). One RX queue per worker (RSS spreads flows when the
// device has several queues), one TX queue per worker plus one for the main lcore, which sends
// what the kernel interface and the ARP code emit. Stopped and closed with the owner.
#pragma once

#include <rte_ethdev.h>

#include <string>

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

private:
    Port() = default;
    void reset();

    uint16_t id_ = RTE_MAX_ETHPORTS;
    dpapi::MacAddress mac_{};
    uint16_t rx_queues_ = 0;
    uint16_t tx_queues_ = 0;
};

}  // namespace tandem::dp
