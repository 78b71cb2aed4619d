// VirtualAddressHost: what a claimed HSRP virtual address needs outside the tables — the port
// must receive frames to its virtual MAC and the kernel must own the address.
//
//   bind (port, VIP, vMAC)                          unbind
//   1. Port::admit_mac(vMAC): the device's MAC      1. the kernel interface loses VIP/32
//      filter, or promiscuous mode                  2. Port::forget_mac(vMAC), unless another
//   2. the port's kernel interface gets VIP/32         bound address of the port uses it
//      (IKE on 0.0.0.0 with IP_PKTINFO then
//      receives datagrams to the VIP and answers
//      from it)
//   a failed step 2 undoes step 1
//
// The tables' side (ARP answers with the vMAC, the local route, AddressSet::accepts) is
// Tables::claim_address; the API server calls both, tables first. Binding is idempotent per
// (port, address); unbinding an address that is not bound does nothing. Unbind always forgets the
// address, even when the kernel refuses to remove it (the error is returned for the log): a
// released address must never keep the gateway answering for it. Main lcore only (rtnetlink and
// ethdev control calls, both blocking briefly).
#pragma once

#include <vector>

#include "common/dpapi/types.h"
#include "common/result.h"
#include "dataplane/eal/kernel_interface.h"
#include "dataplane/eal/port.h"

namespace tandem::dp {

class VirtualAddressHost {
public:
    struct PortHandles {
        Port* port = nullptr;
        KernelInterface* kernel = nullptr;  // none: --no-kernel-interfaces
    };

    // What bind() did, for the log.
    struct Bound {
        Port::MacReception reception = Port::MacReception::filter;
        bool kernel_address = false;        // added to a kernel interface
        bool already = false;               // bound before: nothing changed
    };

    // By dataplane port index; the objects must outlive the host.
    explicit VirtualAddressHost(std::vector<PortHandles> ports) : ports_(std::move(ports)) {}

    Result<Bound> bind(const dpapi::VirtualAddress& v);
    Result<void> unbind(const dpapi::VirtualAddress& v);

    const std::vector<dpapi::VirtualAddress>& bound() const { return bound_; }

private:
    std::vector<PortHandles> ports_;
    std::vector<dpapi::VirtualAddress> bound_;
};

}  // namespace tandem::dp
