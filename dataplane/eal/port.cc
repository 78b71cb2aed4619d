#include "dataplane/eal/port.h"

#include <rte_errno.h>

#include <algorithm>
#include <utility>

namespace tandem::dp {

namespace {

std::string why(int rc) { return rte_strerror(rc < 0 ? -rc : rc); }

}  // namespace

Result<Port> Port::create(const PortSettings& s) {
    uint16_t id = 0;
    if (rte_eth_dev_get_port_by_name(s.device.c_str(), &id) != 0) {
        return Error("port " + s.device + ": no such DPDK device (is it in the EAL arguments?)");
    }
    rte_eth_dev_info info{};
    if (int rc = rte_eth_dev_info_get(id, &info); rc != 0) return Error("port " + s.device + ": " + why(rc));
    if (s.rx_queues > info.max_rx_queues || s.tx_queues > info.max_tx_queues) {
        return Error("port " + s.device + ": needs " + std::to_string(s.rx_queues) + " RX and " +
                     std::to_string(s.tx_queues) + " TX queues, the device offers " +
                     std::to_string(info.max_rx_queues) + " and " + std::to_string(info.max_tx_queues) +
                     " (for net_af_packet set qpairs=N in its devargs)");
    }
    rte_eth_conf conf{};
    if (s.rx_queues > 1 && info.flow_type_rss_offloads) {
        conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
        conf.rx_adv_conf.rss_conf.rss_hf = (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP) & info.flow_type_rss_offloads;
    }
    if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM) conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;

    Port p;
    p.id_ = id;
    p.rx_queues_ = s.rx_queues;
    p.tx_queues_ = s.tx_queues;
    if (int rc = rte_eth_dev_configure(id, s.rx_queues, s.tx_queues, &conf); rc != 0) {
        p.id_ = RTE_MAX_ETHPORTS;
        return Error("port " + s.device + ": configure: " + why(rc));
    }
    uint16_t nrx = s.rx_descriptors, ntx = s.tx_descriptors;
    if (int rc = rte_eth_dev_adjust_nb_rx_tx_desc(id, &nrx, &ntx); rc != 0) {
        return Error("port " + s.device + ": descriptors: " + why(rc));
    }
    int socket = std::max(rte_eth_dev_socket_id(id), 0);
    for (uint16_t q = 0; q < s.rx_queues; ++q) {
        if (int rc = rte_eth_rx_queue_setup(id, q, nrx, socket, nullptr, s.pool); rc != 0) {
            return Error("port " + s.device + ": RX queue " + std::to_string(q) + ": " + why(rc));
        }
    }
    for (uint16_t q = 0; q < s.tx_queues; ++q) {
        if (int rc = rte_eth_tx_queue_setup(id, q, ntx, socket, nullptr); rc != 0) {
            return Error("port " + s.device + ": TX queue " + std::to_string(q) + ": " + why(rc));
        }
    }
    if (s.mtu && s.mtu != 1500) {
        if (int rc = rte_eth_dev_set_mtu(id, s.mtu); rc != 0) {
            return Error("port " + s.device + ": MTU " + std::to_string(s.mtu) + ": " + why(rc));
        }
    }
    if (int rc = rte_eth_dev_start(id); rc != 0) return Error("port " + s.device + ": start: " + why(rc));
    // Multicast (HSRP hellos, OSPF): all-multicast, or promiscuous where the PMD has no such mode.
    // A device with neither (a software ring) receives everything anyway.
    if (rte_eth_allmulticast_enable(id) != 0) (void)rte_eth_promiscuous_enable(id);
    rte_ether_addr mac{};
    rte_eth_macaddr_get(id, &mac);
    std::copy(std::begin(mac.addr_bytes), std::end(mac.addr_bytes), p.mac_.begin());
    return p;
}

Result<Port::MacReception> Port::admit_mac(const dpapi::MacAddress& mac) {
    if (promiscuous()) return MacReception::promiscuous;
    rte_ether_addr a{};
    std::copy(mac.begin(), mac.end(), a.addr_bytes);
    int rc = rte_eth_dev_mac_addr_add(id_, &a, 0);  // 0 when the filter has it already
    if (rc == 0) {
        if (std::find(filtered_.begin(), filtered_.end(), mac) == filtered_.end()) filtered_.push_back(mac);
        return MacReception::filter;
    }
    if (int p = rte_eth_promiscuous_enable(id_); p != 0) {
        return Error("cannot receive frames to the virtual MAC: MAC filter: " + why(rc) + "; promiscuous mode: " + why(p));
    }
    return MacReception::promiscuous;
}

void Port::forget_mac(const dpapi::MacAddress& mac) {
    auto it = std::find(filtered_.begin(), filtered_.end(), mac);
    if (it == filtered_.end()) return;
    rte_ether_addr a{};
    std::copy(mac.begin(), mac.end(), a.addr_bytes);
    (void)rte_eth_dev_mac_addr_remove(id_, &a);
    filtered_.erase(it);
}

bool Port::promiscuous() const { return rte_eth_promiscuous_get(id_) == 1; }

Port::Port(Port&& o) noexcept
    : id_(std::exchange(o.id_, RTE_MAX_ETHPORTS)),
      mac_(o.mac_),
      rx_queues_(o.rx_queues_),
      tx_queues_(o.tx_queues_),
      filtered_(std::move(o.filtered_)) {}

Port& Port::operator=(Port&& o) noexcept {
    if (this != &o) {
        reset();
        id_ = std::exchange(o.id_, RTE_MAX_ETHPORTS);
        mac_ = o.mac_;
        rx_queues_ = o.rx_queues_;
        tx_queues_ = o.tx_queues_;
        filtered_ = std::move(o.filtered_);
    }
    return *this;
}

Port::~Port() { reset(); }

void Port::reset() {
    if (id_ != RTE_MAX_ETHPORTS) {
        rte_eth_dev_stop(id_);
        rte_eth_dev_close(id_);
        id_ = RTE_MAX_ETHPORTS;
    }
}

bool Port::link_up() const {
    rte_eth_link link{};
    if (rte_eth_link_get_nowait(id_, &link) != 0) return false;
    return link.link_status == RTE_ETH_LINK_UP;
}

}  // namespace tandem::dp
