// What the IKEv2 engine is configured with, independent of the YAML/crypto-map model: the daemon
// translates its configuration into these types and answers the engine's questions through a
// PolicyProvider.
//
//   PeerPolicy    one IKE peer (or, with no remote address, a dynamic map accepting any peer):
//                 addresses, PSK, IKE proposals, IKE lifetime, DPD and NAT keep-alive timing, and
//                 the CHILD policies (crypto map entries) negotiated with that peer.
//   ChildPolicy   one CHILD SA template: local and remote selector, ESP proposals, PFS group,
//                 lifetimes, replay window and an opaque tag the daemon uses (its policy id).
//   PolicyProvider
//                 as responder: which peer for (local, remote) address, and, once TSi/TSr have
//                 arrived in IKE_AUTH or CREATE_CHILD_SA, which child (with the selectors
//                 narrowed per RFC 7296 2.9); the PSK for a peer (the provider decides which one
//                 is most specific). The default child_for() takes the peer's children in order.
//
// Proposal sets are in preference order. One IkeProposal becomes one wire proposal, so AEAD and
// non-AEAD ciphers belong in separate proposals (RFC 5282 8).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/ipv4.h"
#include "controlplane/ike/crypto/secret.h"
#include "controlplane/ike/wire/constants.h"
#include "controlplane/ike/wire/traffic_selector.h"

namespace tandem::ike {

// A UDP endpoint of IKE traffic: the daemon's sockets on 500 and 4500 and the peer's.
struct Endpoint {
    Ipv4Address address;
    uint16_t port = 500;
    friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

inline constexpr uint16_t kIkePort = 500;
inline constexpr uint16_t kNattPort = 4500;

struct EncrSpec {
    EncrId id = EncrId::aes_gcm_16;
    uint16_t key_bits = 128;
    bool aead() const { return id == EncrId::aes_gcm_16; }
    friend bool operator==(const EncrSpec&, const EncrSpec&) = default;
};

// One IKE proposal: every combination of its transforms is acceptable.
struct IkeProposal {
    std::vector<EncrSpec> encr;
    std::vector<PrfId> prf;
    std::vector<IntegId> integ;     // empty for AES-GCM
    std::vector<DhGroup> dh;
};
using IkeProposalSet = std::vector<IkeProposal>;

struct EspProposal {
    EncrSpec encr;
    IntegId integ = IntegId::none;  // none with AES-GCM
    bool esn_allowed = false;       // strongSwan's kernel-libipsec refuses ESN
};

// An IPv4 selector range: addresses, one protocol (0 = any) and a port range.
struct TsRange {
    Ipv4Address first{0u};
    Ipv4Address last{~0u};
    uint8_t protocol = 0;
    uint16_t port_lo = 0;
    uint16_t port_hi = 0xffff;

    static TsRange prefix(const Ipv4Prefix& p) { return TsRange{p.first(), p.last()}; }
    static TsRange host(Ipv4Address a) { return TsRange{a, a}; }
    TrafficSelector to_wire() const {
        return TrafficSelector::ipv4(first, last, protocol, port_lo, port_hi);
    }
    uint64_t address_count() const { return uint64_t{last.value()} - first.value() + 1; }
    friend bool operator==(const TsRange&, const TsRange&) = default;
};

struct ChildPolicy {
    std::string name;
    TsRange local_ts;
    TsRange remote_ts;
    std::vector<EspProposal> esp;
    std::optional<DhGroup> pfs_group;
    uint32_t lifetime_seconds = 3600;
    uint64_t lifetime_kilobytes = 0;   // 0: no limit
    uint64_t lifetime_packets = 0;
    uint32_t replay_window = 64;
    uint32_t tag = 0;                  // opaque to the engine (the daemon's policy id)
};

struct PeerPolicy {
    std::string name;
    Ipv4Address local;
    std::optional<Ipv4Address> remote;  // nullopt: any peer (dynamic crypto map)
    crypto::SecretBytes psk;
    IkeProposalSet ike;
    uint32_t ike_lifetime_seconds = 86400;
    std::chrono::seconds dpd_interval{0};   // 0: no DPD
    uint32_t dpd_retries = 5;               // retransmissions of the DPD request before "dead"
    std::chrono::seconds nat_keepalive{20}; // 0: none; sent only when we are behind a NAT
    bool send_initial_contact = true;
    std::vector<ChildPolicy> children;
};

// A CHILD policy chosen as responder, with the selectors narrowed to what both sides allow.
struct ChildMatch {
    const ChildPolicy* policy = nullptr;   // one of peer.children (or owned by the provider)
    TsRange local;                          // our side (TSr as responder)
    TsRange remote;                         // the peer's side (TSi as responder)
};

class PolicyProvider {
public:
    virtual ~PolicyProvider() = default;
    // The peer policy for an IKE_SA_INIT arriving on `local` from `remote`; null: refuse.
    virtual std::shared_ptr<const PeerPolicy> peer_for(Ipv4Address local, Ipv4Address remote) = 0;
    // The CHILD policy for the proposed selectors (tsi: the peer's side, tsr: ours); nullopt
    // answers TS_UNACCEPTABLE. Default: the first of peer.children that narrows to non-empty.
    virtual std::optional<ChildMatch> child_for(const PeerPolicy& peer, std::span<const TrafficSelector> tsi,
                                                std::span<const TrafficSelector> tsr);
    // The PSK to authenticate `remote` with. Default: peer.psk.
    virtual const crypto::SecretBytes& psk_for(const PeerPolicy& peer, Ipv4Address remote);
};

}  // namespace tandem::ike
