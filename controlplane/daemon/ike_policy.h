// The crypto maps of the configuration as the IKE engine's policy (controlplane/ike/policy.h).
//
// Model (Cisco semantics):
//  - a static crypto map entry with `set peer` becomes CHILD policies of that peer's PeerPolicy,
//    one per permit line of its `match address` ACL (local side = the line's source, remote side
//    = its destination), all tagged with the entry's dataplane policy id (policy_sync.h), so an
//    ACQUIRE for that id initiates to the entry's first peer with the line the packet matched;
//  - an entry's transform sets are its ESP proposals, its PFS group and lifetimes fall back to
//    `crypto ipsec` defaults (IOS: 3600 s, 4608000 KB);
//  - a dynamic crypto map (`ipsec-isakmp dynamic NAME`) is a PeerPolicy without a remote address
//    on that local endpoint: any peer may propose; its entries are CHILD templates (ACL if set,
//    else any selectors, narrowed to what the peer proposes), tagged kDynamicTag | template index;
//  - the local endpoint is the interface address, or the HSRP virtual address with `redundancy`;
//  - IKE proposals are the configuration's `ike.proposals` (an entry's `ike_proposal` restricts to
//    one), else Tandem's defaults; AEAD and non-AEAD ciphers go in separate wire proposals;
//  - the PSK for a peer is the most specific `ike.keys` prefix that contains it;
//  - `ike.keepalive` is DPD, `ike.nat_keepalive` the NAT-T keep-alive interval.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <optional>
#include <string>
#include <vector>

#include "common/config/model.h"
#include "common/dpapi/messages.h"
#include "controlplane/daemon/policy_sync.h"
#include "controlplane/ike/policy.h"

namespace tandem::control {

inline constexpr uint32_t kDynamicTag = 0x80000000u;

// A dynamic crypto map entry a CHILD SA was negotiated through.
struct DynamicTemplate {
    std::string map;          // the parent crypto map
    uint32_t map_seq = 0;     // the parent entry (`crypto map MAP SEQ ipsec-isakmp dynamic NAME`)
    std::string dynamic_map;
    uint32_t seq = 0;         // the dynamic map's entry
    std::string interface;
    uint16_t port = 0;
};

class IkePolicies final : public ike::PolicyProvider {
public:
    Result<void> build(const config::Config& cfg, const PolicySet& policies);

    // PolicyProvider.
    std::shared_ptr<const ike::PeerPolicy> peer_for(Ipv4Address local, Ipv4Address remote) override;
    const ike::crypto::SecretBytes& psk_for(const ike::PeerPolicy& peer, Ipv4Address remote) override;

    // For an ACQUIRE: the peer and the CHILD policy of the entry's ACL line the packet matches.
    struct Acquired {
        std::shared_ptr<const ike::PeerPolicy> peer;
        const ike::ChildPolicy* child = nullptr;
    };
    std::optional<Acquired> for_acquire(uint32_t policy_id, const dpapi::FiveTuple& packet) const;

    const DynamicTemplate* dynamic_template(uint32_t tag) const;
    const std::vector<std::shared_ptr<const ike::PeerPolicy>>& peers() const { return peers_; }
    // Policy ids of the static entries with `initiate: start`.
    const std::set<uint32_t>& start_tags() const { return start_tags_; }

private:
    std::vector<std::shared_ptr<const ike::PeerPolicy>> peers_;
    std::set<uint32_t> start_tags_;
    std::vector<DynamicTemplate> templates_;
    std::vector<config::PresharedKey> keys_;
    std::map<Ipv4Address, ike::crypto::SecretBytes> psk_cache_;
};

}  // namespace tandem::control
