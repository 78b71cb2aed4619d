// The EAL command line for tandem-dataplane, derived from the configuration, so an operator never
// writes EAL arguments by hand (dataplane.eal_args passes extras through for the rare case).
//
//   -l MAIN,WORKERS --main-lcore MAIN --file-prefix PREFIX
//   [--no-huge -m MB | -m MB]                 hugepages: false is for tests and labs
//   [--no-pci] | -a PCI ...                   PCI ports are allow-listed; with none, PCI is not probed
//   --vdev DEVARGS ...                        virtual ports (net_af_packet0,iface=..., net_tap0, ...);
//                                             net_af_packet gets qpairs=WORKERS+1 unless given
//   --vdev crypto_aesni_mb0 | crypto_openssl0 the software crypto device
//   EXTRA...
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/config/model.h"

namespace tandem::dp {

// A PCI address such as 0000:01:00.0 or 01:00.0 (what -a takes); anything else is vdev devargs.
bool is_pci_address(std::string_view port);

// The name DPDK gives the device of a port: the PCI address, or the vdev devargs up to the first
// comma ("net_af_packet0,iface=x" -> "net_af_packet0").
std::string device_name(std::string_view port);

// The crypto vdev's name for the configured device kind.
std::string crypto_vdev_name(config::CryptoDevice kind);

std::vector<std::string> build_eal_args(const config::Config& cfg, std::string_view program);

}  // namespace tandem::dp
