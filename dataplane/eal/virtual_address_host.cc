#include "dataplane/eal/virtual_address_host.h"

#include <algorithm>
#include <string>

namespace tandem::dp {

namespace {

bool same_place(const dpapi::VirtualAddress& a, const dpapi::VirtualAddress& b) {
    return a.port == b.port && a.address == b.address;
}

}  // namespace

Result<VirtualAddressHost::Bound> VirtualAddressHost::bind(const dpapi::VirtualAddress& v) {
    if (v.port >= ports_.size() || !ports_[v.port].port) return Error("port " + std::to_string(v.port) + " does not exist");
    Bound out;
    auto held = std::find_if(bound_.begin(), bound_.end(), [&](const auto& b) { return same_place(b, v); });
    if (held != bound_.end()) {
        if (held->mac != v.mac) return Error(v.address.str() + " is bound with another MAC");
        out.already = true;
        return out;
    }
    PortHandles& h = ports_[v.port];
    bool mac_in_use = std::any_of(bound_.begin(), bound_.end(), [&](const auto& b) { return b.port == v.port && b.mac == v.mac; });
    auto reception = h.port->admit_mac(v.mac);
    if (!reception) return reception.error();
    out.reception = *reception;
    if (h.kernel) {
        if (auto r = h.kernel->add_address(v.address, 32); !r) {
            if (!mac_in_use) h.port->forget_mac(v.mac);
            return r.error();
        }
        out.kernel_address = true;
    }
    bound_.push_back(v);
    return out;
}

Result<void> VirtualAddressHost::unbind(const dpapi::VirtualAddress& v) {
    auto it = std::find_if(bound_.begin(), bound_.end(), [&](const auto& b) { return same_place(b, v); });
    if (it == bound_.end()) return {};
    const dpapi::VirtualAddress gone = *it;
    bound_.erase(it);
    PortHandles& h = ports_[gone.port];
    bool mac_in_use = std::any_of(bound_.begin(), bound_.end(), [&](const auto& b) { return b.port == gone.port && b.mac == gone.mac; });
    if (!mac_in_use) h.port->forget_mac(gone.mac);
    if (h.kernel) return h.kernel->remove_address(gone.address, 32);
    return {};
}

}  // namespace tandem::dp
