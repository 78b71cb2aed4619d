#include "controlplane/daemon/ike_policy.h"

#include <algorithm>

namespace tandem::control {

namespace {

using ike::DhGroup;
using ike::EncrId;
using ike::IntegId;
using ike::PrfId;

ike::crypto::SecretBytes secret(const std::string& s) {
    return ike::crypto::SecretBytes::copy_of(
        ike::crypto::ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
}

const config::PresharedKey* best_key(const std::vector<config::PresharedKey>& keys, Ipv4Address peer) {
    const config::PresharedKey* best = nullptr;
    for (const auto& k : keys)
        if (k.peer.contains(peer) && (!best || k.peer.length() > best->peer.length())) best = &k;
    return best;
}

ike::EncrSpec ike_encr(config::IkeCipher c) {
    switch (c) {
        case config::IkeCipher::aes_gcm_128: return {EncrId::aes_gcm_16, 128};
        case config::IkeCipher::aes_gcm_256: return {EncrId::aes_gcm_16, 256};
        case config::IkeCipher::aes_cbc_128: return {EncrId::aes_cbc, 128};
        case config::IkeCipher::aes_cbc_256: return {EncrId::aes_cbc, 256};
    }
    return {};
}
PrfId ike_prf(config::IkeHash h) {
    return h == config::IkeHash::sha512 ? PrfId::hmac_sha2_512
         : h == config::IkeHash::sha384 ? PrfId::hmac_sha2_384 : PrfId::hmac_sha2_256;
}
IntegId ike_integ(config::IkeHash h) {
    return h == config::IkeHash::sha512 ? IntegId::hmac_sha2_512_256
         : h == config::IkeHash::sha384 ? IntegId::hmac_sha2_384_192 : IntegId::hmac_sha2_256_128;
}

// One configured proposal becomes one or two wire proposals (AEAD and non-AEAD apart).
void add_ike_proposal(const config::IkeProposal& p, ike::IkeProposalSet& out) {
    ike::IkeProposal aead, plain;
    for (auto c : p.encryption) (ike_encr(c).aead() ? aead : plain).encr.push_back(ike_encr(c));
    for (auto* w : {&aead, &plain}) {
        for (auto h : p.prf) w->prf.push_back(ike_prf(h));
        for (auto g : p.dh_groups) w->dh.push_back(static_cast<DhGroup>(g));
        if (w->prf.empty()) w->prf = {PrfId::hmac_sha2_256};
        if (w->dh.empty()) w->dh = {DhGroup::ecp_256, DhGroup::modp_2048};
    }
    for (auto h : p.integrity) plain.integ.push_back(ike_integ(h));
    if (plain.integ.empty()) plain.integ = {IntegId::hmac_sha2_256_128};
    if (!aead.encr.empty()) out.push_back(aead);
    if (!plain.encr.empty()) out.push_back(plain);
}

ike::IkeProposalSet default_ike_proposals() {
    ike::IkeProposal gcm{{{EncrId::aes_gcm_16, 128}, {EncrId::aes_gcm_16, 256}},
                         {PrfId::hmac_sha2_256, PrfId::hmac_sha2_384, PrfId::hmac_sha2_512},
                         {},
                         {DhGroup::ecp_256, DhGroup::ecp_384, DhGroup::curve25519, DhGroup::ecp_521, DhGroup::modp_2048}};
    ike::IkeProposal cbc{{{EncrId::aes_cbc, 256}, {EncrId::aes_cbc, 128}},
                         {PrfId::hmac_sha2_256, PrfId::hmac_sha2_384, PrfId::hmac_sha2_512},
                         {IntegId::hmac_sha2_256_128, IntegId::hmac_sha2_384_192, IntegId::hmac_sha2_512_256},
                         {DhGroup::ecp_256, DhGroup::ecp_384, DhGroup::curve25519, DhGroup::modp_2048}};
    return {gcm, cbc};
}

ike::IkeProposalSet ike_proposals(const config::Config& cfg, const std::optional<std::string>& only) {
    ike::IkeProposalSet out;
    for (const auto& p : cfg.ike.proposals)
        if (!only || p.name == *only) add_ike_proposal(p, out);
    return out.empty() ? default_ike_proposals() : out;
}

ike::EspProposal esp_proposal(const config::TransformSet& t) {
    ike::EspProposal e;
    switch (t.cipher) {
        case config::EspCipher::aes_gcm_128: e.encr = {EncrId::aes_gcm_16, 128}; break;
        case config::EspCipher::aes_gcm_256: e.encr = {EncrId::aes_gcm_16, 256}; break;
        case config::EspCipher::aes_cbc_128: e.encr = {EncrId::aes_cbc, 128}; break;
        case config::EspCipher::aes_cbc_256: e.encr = {EncrId::aes_cbc, 256}; break;
    }
    switch (t.integrity) {
        case config::EspIntegrity::none: e.integ = IntegId::none; break;
        case config::EspIntegrity::sha1_96: e.integ = IntegId::hmac_sha1_96; break;
        case config::EspIntegrity::sha256_128: e.integ = IntegId::hmac_sha2_256_128; break;
        case config::EspIntegrity::sha384_192: e.integ = IntegId::hmac_sha2_384_192; break;
        case config::EspIntegrity::sha512_256: e.integ = IntegId::hmac_sha2_512_256; break;
    }
    return e;
}

ike::TsRange ts_of(const Ipv4Wildcard& w, uint8_t protocol, const PortMatch& ports) {
    ike::TsRange t;
    auto p = w.prefix();
    if (p) t = ike::TsRange::prefix(*p);
    t.protocol = protocol;
    if (ports.op == PortMatch::Op::eq) t.port_lo = t.port_hi = ports.lo;
    else if (ports.op == PortMatch::Op::range) t.port_lo = ports.lo, t.port_hi = ports.hi;
    else if (ports.op == PortMatch::Op::lt) t.port_hi = static_cast<uint16_t>(ports.lo - 1);
    else if (ports.op == PortMatch::Op::gt) t.port_lo = static_cast<uint16_t>(ports.lo + 1);
    return t;  // neq cannot be one selector: the whole range is proposed
}

// The CHILD policy skeleton every entry shares: ESP proposals, PFS, lifetimes, replay window.
Result<ike::ChildPolicy> child_base(const config::Config& cfg, const config::CryptoPolicy& pol, std::string name) {
    ike::ChildPolicy c;
    c.name = std::move(name);
    for (const auto& ts : pol.transform_sets) {
        const auto* t = cfg.find_transform_set(ts);
        if (!t) return Error("transform set " + ts + " is not defined");
        c.esp.push_back(esp_proposal(*t));
    }
    if (c.esp.empty()) c.esp.push_back(ike::EspProposal{{EncrId::aes_gcm_16, 128}, IntegId::none, false});
    auto pfs = pol.pfs_group ? pol.pfs_group : cfg.ipsec.pfs_group;
    if (pfs) c.pfs_group = static_cast<DhGroup>(*pfs);
    c.lifetime_seconds = pol.lifetime.seconds.value_or(cfg.ipsec.lifetime.seconds.value_or(3600));
    c.lifetime_kilobytes = pol.lifetime.kilobytes.value_or(cfg.ipsec.lifetime.kilobytes.value_or(4608000));
    c.replay_window = cfg.ipsec.replay_window.value_or(64);
    return c;
}

}  // namespace

Result<void> IkePolicies::build(const config::Config& cfg, const PolicySet& policies) {
    std::map<std::pair<Ipv4Address, Ipv4Address>, std::shared_ptr<ike::PeerPolicy>> statics;
    std::set<uint32_t> start_tags;
    std::vector<std::shared_ptr<ike::PeerPolicy>> dynamics;
    std::vector<DynamicTemplate> templates;

    auto new_peer = [&](Ipv4Address local, std::optional<Ipv4Address> remote, const std::string& name,
                        const std::optional<std::string>& only) {
        auto p = std::make_shared<ike::PeerPolicy>();
        p->name = name;
        p->local = local;
        p->remote = remote;
        if (remote) {
            if (const auto* k = best_key(cfg.ike.keys, *remote)) p->psk = secret(k->key);
        }
        p->ike = ike_proposals(cfg, only);
        p->ike_lifetime_seconds = cfg.ike.lifetime_seconds.value_or(86400);
        if (cfg.ike.keepalive) {
            p->dpd_interval = std::chrono::seconds(cfg.ike.keepalive->interval);
            p->dpd_retries = 3;
        }
        p->nat_keepalive = std::chrono::seconds(cfg.ike.nat_keepalive.value_or(20));
        return p;
    };

    for (const auto& ip : config::compile_policies(cfg)) {
        if (!ip.local_endpoint) continue;  // no address to negotiate from
        const auto* map = cfg.find_crypto_map(ip.map);
        if (!map) continue;
        auto port = dataplane_port(cfg, ip.interface);
        for (const auto& e : map->entries) {
            if (e.dynamic_map) {
                const auto* dyn = cfg.find_dynamic_map(*e.dynamic_map);
                if (!dyn) return Error("dynamic map " + *e.dynamic_map + " is not defined");
                auto p = new_peer(*ip.local_endpoint, std::nullopt, "dynamic " + dyn->name, std::nullopt);
                for (const auto& de : dyn->entries) {
                    auto c = child_base(cfg, de.policy, dyn->name + " " + std::to_string(de.seq));
                    if (!c) return c.error();
                    c->tag = kDynamicTag | static_cast<uint32_t>(templates.size());
                    templates.push_back(DynamicTemplate{ip.map, e.seq, dyn->name, de.seq, ip.interface, port.value_or(0)});
                    const auto* acl = de.policy.match_address ? cfg.find_access_list(*de.policy.match_address) : nullptr;
                    if (!acl) {
                        p->children.push_back(*c);  // any selectors, narrowed to the peer's proposal
                        continue;
                    }
                    for (const auto& line : acl->entries) {
                        if (line.action != config::AclAction::permit || line.is_remark) continue;
                        ike::ChildPolicy child = *c;
                        child.local_ts = ts_of(line.source, line.protocol, line.source_ports);
                        child.remote_ts = ts_of(line.destination, line.protocol, line.destination_ports);
                        p->children.push_back(std::move(child));
                    }
                }
                dynamics.push_back(p);
                continue;
            }
            const auto* pe = policies.entry(ip.map, e.seq);
            const auto* acl = e.policy.match_address ? cfg.find_access_list(*e.policy.match_address) : nullptr;
            if (!pe || !acl || e.policy.peers.empty()) continue;
            auto base = child_base(cfg, e.policy, ip.map + " " + std::to_string(e.seq));
            if (!base) return base.error();
            base->tag = pe->policy_id;
            if (e.initiate_at_start) start_tags.insert(pe->policy_id);
            for (Ipv4Address peer_addr : e.policy.peers) {
                auto& p = statics[{*ip.local_endpoint, peer_addr}];
                if (!p) p = new_peer(*ip.local_endpoint, peer_addr, peer_addr.str(), e.policy.ike_proposal);
                for (const auto& line : acl->entries) {
                    if (line.action != config::AclAction::permit || line.is_remark) continue;
                    ike::ChildPolicy child = *base;
                    child.local_ts = ts_of(line.source, line.protocol, line.source_ports);
                    child.remote_ts = ts_of(line.destination, line.protocol, line.destination_ports);
                    p->children.push_back(std::move(child));
                }
            }
        }
    }
    start_tags_ = std::move(start_tags);
    peers_.clear();
    for (auto& [_, p] : statics) peers_.push_back(p);
    for (auto& p : dynamics) peers_.push_back(p);
    templates_ = std::move(templates);
    keys_ = cfg.ike.keys;
    psk_cache_.clear();
    return {};
}

std::shared_ptr<const ike::PeerPolicy> IkePolicies::peer_for(Ipv4Address local, Ipv4Address remote) {
    for (const auto& p : peers_)
        if (p->remote && *p->remote == remote && p->local == local) return p;
    for (const auto& p : peers_)
        if (!p->remote && p->local == local) return p;
    return nullptr;
}

const ike::crypto::SecretBytes& IkePolicies::psk_for(const ike::PeerPolicy& peer, Ipv4Address remote) {
    if (peer.remote) return peer.psk;
    auto it = psk_cache_.find(remote);
    if (it == psk_cache_.end()) {
        const auto* k = best_key(keys_, remote);
        it = psk_cache_.emplace(remote, k ? secret(k->key) : ike::crypto::SecretBytes()).first;
    }
    return it->second;
}

std::optional<IkePolicies::Acquired> IkePolicies::for_acquire(uint32_t policy_id, const dpapi::FiveTuple& pkt) const {
    for (const auto& p : peers_) {
        if (!p->remote) continue;
        for (const auto& c : p->children) {
            if (c.tag != policy_id) continue;
            bool src_ok = pkt.src.value() >= c.local_ts.first.value() && pkt.src.value() <= c.local_ts.last.value();
            bool dst_ok = pkt.dst.value() >= c.remote_ts.first.value() && pkt.dst.value() <= c.remote_ts.last.value();
            if (src_ok && dst_ok) return Acquired{p, &c};
        }
    }
    // Not inside any line's selectors (a neq port line, say): the entry's first line.
    for (const auto& p : peers_) {
        if (!p->remote) continue;
        for (const auto& c : p->children)
            if (c.tag == policy_id) return Acquired{p, &c};
    }
    return std::nullopt;
}

const DynamicTemplate* IkePolicies::dynamic_template(uint32_t tag) const {
    if (!(tag & kDynamicTag)) return nullptr;
    uint32_t i = tag & ~kDynamicTag;
    return i < templates_.size() ? &templates_[i] : nullptr;
}

}  // namespace tandem::control
