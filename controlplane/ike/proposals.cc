// SA payload building and proposal selection: see proposals.h.
#include "controlplane/ike/proposals.h"

#include <algorithm>

namespace tandem::ike {
namespace {

bool known_type(TransformType t) {
    return t == TransformType::encr || t == TransformType::prf || t == TransformType::integ ||
           t == TransformType::dh || t == TransformType::esn;
}

std::vector<const Transform*> of_type(const Proposal& p, TransformType t) {
    std::vector<const Transform*> out;
    for (const auto& tr : p.transforms) {
        if (tr.type == t) out.push_back(&tr);
    }
    return out;
}

bool all_known(const Proposal& p) {
    return std::all_of(p.transforms.begin(), p.transforms.end(), [](const Transform& t) {
        if (!known_type(t.type)) return false;
        // Only Key Length is defined; any other attribute makes the transform unknown (3.3.6).
        return std::all_of(t.attributes.begin(), t.attributes.end(), [](const TransformAttribute& a) {
            return a.type == to_underlying(AttributeType::key_length);
        });
    });
}

// The first of `ours` (preference order) that the peer offered among `theirs`.
std::optional<EncrSpec> pick_encr(const std::vector<EncrSpec>& ours, const Proposal& p) {
    for (const auto& e : ours) {
        for (const Transform* t : of_type(p, TransformType::encr)) {
            if (t->id == to_underlying(e.id) && t->key_length() == e.key_bits) return e;
        }
    }
    return std::nullopt;
}

template <typename Id>
std::optional<Id> pick(const std::vector<Id>& ours, const Proposal& p, TransformType type) {
    for (Id id : ours) {
        for (const Transform* t : of_type(p, type)) {
            if (t->id == to_underlying(id)) return id;
        }
    }
    return std::nullopt;
}

// INTEG of a proposal with an AEAD cipher: absent or "none" only (RFC 5282 8).
bool aead_integ_ok(const Proposal& p) {
    auto integ = of_type(p, TransformType::integ);
    return std::all_of(integ.begin(), integ.end(), [](const Transform* t) { return t->id == 0; });
}

std::optional<IkeAlgorithms> match_ike(const IkeProposal& ours, const Proposal& p, DhGroup ke_group, bool& ke_ok) {
    if (p.protocol != ProtocolId::ike || !all_known(p)) return std::nullopt;
    IkeAlgorithms a;
    auto encr = pick_encr(ours.encr, p);
    auto prf = pick(ours.prf, p, TransformType::prf);
    if (!encr || !prf) return std::nullopt;
    a.encr = *encr;
    a.prf = *prf;
    if (encr->aead()) {
        if (!aead_integ_ok(p)) return std::nullopt;
    } else {
        auto integ = pick(ours.integ, p, TransformType::integ);
        if (!integ || *integ == IntegId::none) return std::nullopt;
        a.integ = *integ;
    }
    auto theirs_dh = of_type(p, TransformType::dh);
    bool ke_offered = std::any_of(theirs_dh.begin(), theirs_dh.end(),
                                  [&](const Transform* t) { return t->id == to_underlying(ke_group); });
    if (ke_offered && std::find(ours.dh.begin(), ours.dh.end(), ke_group) != ours.dh.end()) {
        a.dh = ke_group;
        ke_ok = true;
        return a;
    }
    auto dh = pick(ours.dh, p, TransformType::dh);
    if (!dh || *dh == DhGroup::none) return std::nullopt;
    a.dh = *dh;
    ke_ok = false;
    return a;
}

std::optional<EspAlgorithms> match_esp(const EspProposal& ours, std::optional<DhGroup> pfs, const Proposal& p,
                                       bool ignore_dh = false) {
    if (p.protocol != ProtocolId::esp || !all_known(p) || p.spi.size() != 4) return std::nullopt;
    EspAlgorithms a;
    auto encr = pick_encr({ours.encr}, p);
    if (!encr) return std::nullopt;
    a.encr = *encr;
    if (encr->aead()) {
        if (!aead_integ_ok(p)) return std::nullopt;
    } else {
        auto integ = pick(std::vector<IntegId>{ours.integ}, p, TransformType::integ);
        if (!integ || *integ == IntegId::none) return std::nullopt;
        a.integ = *integ;
    }
    // ESN: absent means "no ESN" (3.3.3); prefer no ESN.
    auto esn = of_type(p, TransformType::esn);
    bool no_esn = esn.empty() || std::any_of(esn.begin(), esn.end(), [](const Transform* t) {
                      return t->id == to_underlying(EsnId::no_esn);
                  });
    bool with_esn = std::any_of(esn.begin(), esn.end(), [](const Transform* t) {
        return t->id == to_underlying(EsnId::esn);
    });
    if (no_esn) {
        a.esn = false;
    } else if (with_esn && ours.esn_allowed) {
        a.esn = true;
    } else {
        return std::nullopt;
    }
    auto dh = of_type(p, TransformType::dh);
    if (ignore_dh) return a;
    if (pfs && *pfs != DhGroup::none) {
        if (!std::any_of(dh.begin(), dh.end(), [&](const Transform* t) { return t->id == to_underlying(*pfs); })) {
            return std::nullopt;
        }
        a.dh = *pfs;
    } else if (!dh.empty() && !std::any_of(dh.begin(), dh.end(), [](const Transform* t) { return t->id == 0; })) {
        return std::nullopt;
    }
    return a;
}

Proposal reply_ike(uint8_t number, const IkeAlgorithms& a) {
    Proposal p{number, ProtocolId::ike, {}, {}};
    p.transforms.push_back(Transform::encr(a.encr.id, a.encr.key_bits));
    p.transforms.push_back(Transform::of(TransformType::prf, to_underlying(a.prf)));
    if (!a.encr.aead()) p.transforms.push_back(Transform::of(TransformType::integ, to_underlying(a.integ)));
    p.transforms.push_back(Transform::of(TransformType::dh, to_underlying(a.dh)));
    return p;
}

Proposal reply_esp(uint8_t number, const EspAlgorithms& a) {
    Proposal p{number, ProtocolId::esp, {}, {}};
    p.transforms.push_back(Transform::encr(a.encr.id, a.encr.key_bits));
    if (!a.encr.aead()) p.transforms.push_back(Transform::of(TransformType::integ, to_underlying(a.integ)));
    if (a.dh != DhGroup::none) p.transforms.push_back(Transform::of(TransformType::dh, to_underlying(a.dh)));
    p.transforms.push_back(Transform::of(TransformType::esn, to_underlying(a.esn ? EsnId::esn : EsnId::no_esn)));
    return p;
}

// A response proposal has exactly one transform of each type it carries.
bool single_transforms(const Proposal& p) {
    for (auto t : {TransformType::encr, TransformType::prf, TransformType::integ, TransformType::dh, TransformType::esn}) {
        if (of_type(p, t).size() > 1) return false;
    }
    return true;
}

}  // namespace

std::vector<uint8_t> spi_bytes(uint32_t spi) {
    return {uint8_t(spi >> 24), uint8_t(spi >> 16), uint8_t(spi >> 8), uint8_t(spi)};
}
std::vector<uint8_t> spi_bytes(uint64_t spi) {
    std::vector<uint8_t> b(8);
    for (int i = 0; i < 8; ++i) b[i] = uint8_t(spi >> (56 - 8 * i));
    return b;
}
uint32_t spi32(std::span<const uint8_t> b) {
    if (b.size() != 4) return 0;
    return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
}
uint64_t spi64(std::span<const uint8_t> b) {
    if (b.size() != 8) return 0;
    uint64_t v = 0;
    for (uint8_t x : b) v = (v << 8) | x;
    return v;
}

SaPayload ike_sa_payload(const IkeProposalSet& set, std::span<const uint8_t> spi) {
    SaPayload sa;
    uint8_t n = 1;
    for (const auto& ours : set) {
        Proposal p{n++, ProtocolId::ike, {spi.begin(), spi.end()}, {}};
        for (const auto& e : ours.encr) p.transforms.push_back(Transform::encr(e.id, e.key_bits));
        for (auto prf : ours.prf) p.transforms.push_back(Transform::of(TransformType::prf, to_underlying(prf)));
        for (auto integ : ours.integ) {
            if (integ != IntegId::none) p.transforms.push_back(Transform::of(TransformType::integ, to_underlying(integ)));
        }
        for (auto dh : ours.dh) p.transforms.push_back(Transform::of(TransformType::dh, to_underlying(dh)));
        sa.proposals.push_back(std::move(p));
    }
    return sa;
}

SaPayload esp_sa_payload(std::span<const EspProposal> set, uint32_t inbound_spi, std::optional<DhGroup> pfs) {
    SaPayload sa;
    uint8_t n = 1;
    for (const auto& ours : set) {
        Proposal p{n++, ProtocolId::esp, spi_bytes(inbound_spi), {}};
        p.transforms.push_back(Transform::encr(ours.encr.id, ours.encr.key_bits));
        if (!ours.encr.aead()) p.transforms.push_back(Transform::of(TransformType::integ, to_underlying(ours.integ)));
        if (pfs && *pfs != DhGroup::none) p.transforms.push_back(Transform::of(TransformType::dh, to_underlying(*pfs)));
        p.transforms.push_back(Transform::of(TransformType::esn, to_underlying(EsnId::no_esn)));
        if (ours.esn_allowed) p.transforms.push_back(Transform::of(TransformType::esn, to_underlying(EsnId::esn)));
        sa.proposals.push_back(std::move(p));
    }
    return sa;
}

std::optional<IkeChoice> select_ike(const IkeProposalSet& ours, const SaPayload& theirs, DhGroup ke_group) {
    std::optional<IkeChoice> fallback;   // acceptable, but with another DH group than the KE's
    for (const auto& p : theirs.proposals) {
        for (const auto& o : ours) {
            bool ke_ok = false;
            auto a = match_ike(o, p, ke_group, ke_ok);
            if (!a) continue;
            IkeChoice c{*a, reply_ike(p.number, *a), ke_ok, p.spi};
            if (ke_ok) return c;
            if (!fallback) fallback = std::move(c);
        }
    }
    return fallback;
}

std::optional<EspChoice> select_esp(std::span<const EspProposal> ours, std::optional<DhGroup> pfs, const SaPayload& theirs,
                                    bool ignore_dh) {
    for (const auto& p : theirs.proposals) {
        for (const auto& o : ours) {
            auto a = match_esp(o, pfs, p, ignore_dh);
            if (a) return EspChoice{*a, reply_esp(p.number, *a), spi32(p.spi)};
        }
    }
    return std::nullopt;
}

std::optional<IkeAlgorithms> accept_ike(const IkeProposalSet& ours, const SaPayload& chosen) {
    if (chosen.proposals.size() != 1 || !single_transforms(chosen.proposals[0])) return std::nullopt;
    const Proposal& p = chosen.proposals[0];
    if (p.number == 0 || p.number > ours.size()) return std::nullopt;
    bool ke_ok = false;
    auto dh = of_type(p, TransformType::dh);
    if (dh.size() != 1) return std::nullopt;
    auto a = match_ike(ours[p.number - 1], p, static_cast<DhGroup>(dh[0]->id), ke_ok);
    if (!a || !ke_ok) return std::nullopt;
    return a;
}

std::optional<EspChoice> accept_esp(std::span<const EspProposal> ours, std::optional<DhGroup> pfs, const SaPayload& chosen) {
    if (chosen.proposals.size() != 1 || !single_transforms(chosen.proposals[0])) return std::nullopt;
    const Proposal& p = chosen.proposals[0];
    if (p.number == 0 || p.number > ours.size()) return std::nullopt;
    auto a = match_esp(ours[p.number - 1], pfs, p);
    if (!a) return std::nullopt;
    return EspChoice{*a, p, spi32(p.spi)};
}

}  // namespace tandem::ike
