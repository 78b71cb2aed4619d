// PolicyProvider defaults: children in configuration order, the peer's own PSK.
#include "controlplane/ike/policy.h"

#include "controlplane/ike/ts_narrow.h"

namespace tandem::ike {

std::optional<ChildMatch> PolicyProvider::child_for(const PeerPolicy& peer, std::span<const TrafficSelector> tsi,
                                                    std::span<const TrafficSelector> tsr) {
    for (const auto& child : peer.children) {
        auto remote = narrow(tsi, child.remote_ts);
        auto local = narrow(tsr, child.local_ts);
        if (remote && local) return ChildMatch{&child, *local, *remote};
    }
    return std::nullopt;
}

const crypto::SecretBytes& PolicyProvider::psk_for(const PeerPolicy& peer, Ipv4Address) { return peer.psk; }

}  // namespace tandem::ike
