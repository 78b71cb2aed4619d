// CHILD SA parameters for the dataplane: see child_sa.h.
#include "controlplane/ike/child_sa.h"

#include <algorithm>

namespace tandem::ike {
namespace {

Result<dpapi::CipherAlg> cipher_of(const EncrSpec& e) {
    if (e.id == EncrId::aes_gcm_16 && e.key_bits == 128) return dpapi::CipherAlg::aes_gcm_128;
    if (e.id == EncrId::aes_gcm_16 && e.key_bits == 256) return dpapi::CipherAlg::aes_gcm_256;
    if (e.id == EncrId::aes_cbc && e.key_bits == 128) return dpapi::CipherAlg::aes_cbc_128;
    if (e.id == EncrId::aes_cbc && e.key_bits == 256) return dpapi::CipherAlg::aes_cbc_256;
    return Error("ESP cipher not supported by the dataplane");
}

Result<dpapi::AuthAlg> auth_of(IntegId i) {
    switch (i) {
        case IntegId::none: return dpapi::AuthAlg::none;
        case IntegId::hmac_sha1_96: return dpapi::AuthAlg::sha1_96;
        case IntegId::hmac_sha2_256_128: return dpapi::AuthAlg::sha256_128;
        case IntegId::hmac_sha2_384_192: return dpapi::AuthAlg::sha384_192;
        case IntegId::hmac_sha2_512_256: return dpapi::AuthAlg::sha512_256;
    }
    return Error("ESP integrity not supported by the dataplane");
}

Result<void> fill_one(dpapi::SaParams& sa, const EspAlgorithms& algs, const crypto::SecretBytes& encr,
                      const crypto::SecretBytes& integ) {
    auto cipher = cipher_of(algs.encr);
    auto auth = auth_of(algs.integ);
    if (!cipher) return cipher.error();
    if (!auth) return auth.error();
    sa.cipher = *cipher;
    sa.auth = *auth;
    const size_t key_len = algs.encr.key_bits / 8;
    const size_t salt_len = algs.encr.aead() ? 4 : 0;
    if (encr.size() != key_len + salt_len || integ.size() > sa.auth_key.size()) return Error("KEYMAT size mismatch");
    std::copy_n(encr.data(), key_len, sa.cipher_key.begin());
    sa.cipher_key_len = static_cast<uint8_t>(key_len);
    sa.salt = 0;
    for (size_t i = 0; i < salt_len; ++i) sa.salt = (sa.salt << 8) | encr.data()[key_len + i];
    if (!integ.empty()) std::copy_n(integ.data(), integ.size(), sa.auth_key.begin());
    sa.auth_key_len = static_cast<uint8_t>(integ.size());
    sa.esn = algs.esn;
    return {};
}

}  // namespace

const char* child_state_name(ChildState s) {
    switch (s) {
        case ChildState::negotiated: return "NEGOTIATED";
        case ChildState::inbound_only: return "INBOUND-ONLY";
        case ChildState::up: return "READY";
        case ChildState::rekeyed: return "REKEYED";
        case ChildState::deleting: return "DELETING";
    }
    return "?";
}

dpapi::TrafficSelector to_dpapi(const TsRange& src, const TsRange& dst) {
    dpapi::TrafficSelector s;
    s.src = Ipv4Range{src.first, src.last};
    s.dst = Ipv4Range{dst.first, dst.last};
    s.protocol = src.protocol != 0 ? src.protocol : dst.protocol;
    s.src_ports = PortRange{src.port_lo, src.port_hi};
    s.dst_ports = PortRange{dst.port_lo, dst.port_hi};
    return s;
}

Result<void> fill_sa_params(ChildSa& child, const crypto::ChildSaKeys& keys, bool exchange_initiator,
                            const ChildPath& path) {
    dpapi::SaParams in, out;
    const auto& out_encr = exchange_initiator ? keys.encr_i : keys.encr_r;
    const auto& out_integ = exchange_initiator ? keys.integ_i : keys.integ_r;
    const auto& in_encr = exchange_initiator ? keys.encr_r : keys.encr_i;
    const auto& in_integ = exchange_initiator ? keys.integ_r : keys.integ_i;
    if (auto r = fill_one(out, child.algs, out_encr, out_integ); !r) return r;
    if (auto r = fill_one(in, child.algs, in_encr, in_integ); !r) return r;

    out.spi = child.outbound_spi;
    out.direction = dpapi::Direction::outbound;
    out.tunnel_src = path.local.address;
    out.tunnel_dst = path.remote.address;
    out.natt = path.natt;
    if (path.natt) {
        out.natt_src_port = path.local.port;
        out.natt_dst_port = path.remote.port;
    }
    out.selector = to_dpapi(child.local_ts, child.remote_ts);
    out.replay_window = 0;
    out.policy_id = child.policy.tag;

    in.spi = child.inbound_spi;
    in.direction = dpapi::Direction::inbound;
    in.tunnel_src = path.remote.address;
    in.tunnel_dst = path.local.address;
    in.natt = path.natt;
    if (path.natt) {
        in.natt_src_port = path.remote.port;
        in.natt_dst_port = path.local.port;
    }
    in.selector = to_dpapi(child.remote_ts, child.local_ts);
    in.replay_window = child.policy.replay_window;
    in.policy_id = child.policy.tag;

    for (auto* sa : {&in, &out}) {
        sa->lifetime.hard_bytes = child.policy.lifetime_kilobytes * 1024;
        sa->lifetime.soft_bytes = sa->lifetime.hard_bytes / 10 * 9;
        sa->lifetime.hard_packets = child.policy.lifetime_packets;
        sa->lifetime.soft_packets = sa->lifetime.hard_packets / 10 * 9;
    }
    child.inbound = in;
    child.outbound = out;
    return {};
}

}  // namespace tandem::ike
