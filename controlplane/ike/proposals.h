// SA payloads from policy, and proposal selection (RFC 7296 2.7, 3.3).
//
// Offering: each IkeProposal / EspProposal becomes one wire proposal, numbered from 1 in
// preference order; ESP proposals carry our inbound SPI, an ESN transform (no ESN, plus ESN when
// allowed) and, with PFS, the DH group.
//
// Selecting (responder): the peer's proposals are taken in the peer's order; a proposal is
// acceptable when for every transform type we need one of its transforms is in one of our
// proposals (all from the same one of ours). A proposal holding a transform type we do not know
// is skipped (3.3.6). The chosen proposal is answered with its number and exactly one transform
// per type. For IKE the DH group is the KE payload's group when that one is acceptable, otherwise
// the first acceptable, and the caller answers INVALID_KE_PAYLOAD with it.
//
// Accepting (initiator): the single proposal of a response must be one we offered, with one
// transform of each required type, all of which we offered.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "controlplane/ike/crypto/keys.h"
#include "controlplane/ike/policy.h"
#include "controlplane/ike/wire/sa_payload.h"

namespace tandem::ike {

struct IkeAlgorithms {
    EncrSpec encr;
    PrfId prf = PrfId::hmac_sha2_256;
    IntegId integ = IntegId::none;
    DhGroup dh = DhGroup::none;

    crypto::IkeSaTransforms transforms() const {
        return {to_underlying(encr.id), encr.key_bits, to_underlying(prf), to_underlying(integ)};
    }
};

struct EspAlgorithms {
    EncrSpec encr;
    IntegId integ = IntegId::none;
    bool esn = false;
    DhGroup dh = DhGroup::none;   // PFS group, none without PFS

    crypto::ChildSaTransforms transforms() const {
        return {to_underlying(encr.id), encr.key_bits, to_underlying(integ)};
    }
};

// `spi`: empty in IKE_SA_INIT, our new 8-octet SPI when rekeying the IKE SA.
SaPayload ike_sa_payload(const IkeProposalSet& set, std::span<const uint8_t> spi = {});
SaPayload esp_sa_payload(std::span<const EspProposal> set, uint32_t inbound_spi, std::optional<DhGroup> pfs);

struct IkeChoice {
    IkeAlgorithms algs;
    Proposal reply;          // the chosen proposal as answered (SPI left for the caller)
    bool ke_group_ok = true; // false: answer INVALID_KE_PAYLOAD with algs.dh
    std::vector<uint8_t> peer_spi;
};
std::optional<IkeChoice> select_ike(const IkeProposalSet& ours, const SaPayload& theirs, DhGroup ke_group);

struct EspChoice {
    EspAlgorithms algs;
    Proposal reply;          // SPI: the caller puts our inbound SPI in
    uint32_t peer_spi = 0;
};
// ignore_dh: the first CHILD SA in IKE_AUTH, whose DH transforms are ignored (RFC 7296 1.2).
std::optional<EspChoice> select_esp(std::span<const EspProposal> ours, std::optional<DhGroup> pfs,
                                    const SaPayload& theirs, bool ignore_dh = false);

// Initiator side: the responder's choice, checked against what we offered.
std::optional<IkeAlgorithms> accept_ike(const IkeProposalSet& ours, const SaPayload& chosen);
std::optional<EspChoice> accept_esp(std::span<const EspProposal> ours, std::optional<DhGroup> pfs,
                                    const SaPayload& chosen);

std::vector<uint8_t> spi_bytes(uint32_t spi);
std::vector<uint8_t> spi_bytes(uint64_t spi);
uint32_t spi32(std::span<const uint8_t> b);   // 0 unless 4 octets
uint64_t spi64(std::span<const uint8_t> b);   // 0 unless 8 octets

}  // namespace tandem::ike
