#include "bench/appliance/topology.h"

namespace tandem::bench {

bool parse_cipher(const std::string& text, Cipher& out) {
    if (text == "aes-gcm-128") {
        out = Cipher::gcm128;
    } else if (text == "aes-gcm-256") {
        out = Cipher::gcm256;
    } else if (text == "aes-cbc-128+sha256") {
        out = Cipher::cbc128_sha256;
    } else {
        return false;
    }
    return true;
}

const char* cipher_name(Cipher c) {
    switch (c) {
        case Cipher::gcm128: return "aes-gcm-128";
        case Cipher::gcm256: return "aes-gcm-256";
        case Cipher::cbc128_sha256: return "aes-cbc-128+sha256";
    }
    return "?";
}

Ipv4Prefix remote_subnet(uint32_t tunnel) {
    return Ipv4Prefix(Ipv4Address(Ipv4Address(10, 64, 0, 0).value() + 32u * tunnel), 27);
}

Ipv4Address peer_address(uint32_t tunnel) {
    return Ipv4Address(Ipv4Address(198, 19, 0, 1).value() + tunnel % 65534u);
}

uint32_t tunnel_spi(uint32_t tunnel, uint32_t generation) {
    // Successive generations of one tunnel never collide with any tunnel's first SPI.
    return 0x10000u + tunnel + generation * kMaxTunnels;
}

namespace {

void fill_keys(dpapi::SaParams& sa, Cipher c, uint32_t tunnel, uint32_t generation) {
    const uint32_t seed = tunnel * 131u + generation * 29u;
    for (size_t j = 0; j < sa.cipher_key.size(); ++j) sa.cipher_key[j] = static_cast<uint8_t>(seed + j * 7 + 1);
    for (size_t j = 0; j < sa.auth_key.size(); ++j) sa.auth_key[j] = static_cast<uint8_t>(seed + j * 13 + 5);
    switch (c) {
        case Cipher::gcm128:
            sa.cipher = dpapi::CipherAlg::aes_gcm_128;
            sa.cipher_key_len = 16;
            sa.salt = 0xc0000000u | (tunnel & 0xffffu);
            break;
        case Cipher::gcm256:
            sa.cipher = dpapi::CipherAlg::aes_gcm_256;
            sa.cipher_key_len = 32;
            sa.salt = 0xc0000000u | (tunnel & 0xffffu);
            break;
        case Cipher::cbc128_sha256:
            sa.cipher = dpapi::CipherAlg::aes_cbc_128;
            sa.cipher_key_len = 16;
            sa.auth = dpapi::AuthAlg::sha256_128;
            sa.auth_key_len = 32;
            break;
    }
}

Ipv4Range range_of(Ipv4Prefix p) { return Ipv4Range{p.first(), p.last()}; }

}  // namespace

dpapi::SaParams gateway_sa(uint32_t tunnel, Cipher c, bool outbound, uint32_t sa_id, uint32_t generation,
                           uint32_t window) {
    dpapi::SaParams sa;
    sa.sa_id = sa_id;
    sa.spi = tunnel_spi(tunnel, generation);
    fill_keys(sa, c, tunnel, generation);
    const Ipv4Range local = range_of(kProtected), remote = range_of(remote_subnet(tunnel));
    if (outbound) {
        sa.direction = dpapi::Direction::outbound;
        sa.tunnel_src = kOutsideAddr;
        sa.tunnel_dst = peer_address(tunnel);
        sa.selector.src = local;
        sa.selector.dst = remote;
        sa.policy_id = tunnel;
        sa.replay_window = 0;
    } else {
        sa.direction = dpapi::Direction::inbound;
        sa.tunnel_src = peer_address(tunnel);
        sa.tunnel_dst = kOutsideAddr;
        sa.selector.src = remote;
        sa.selector.dst = local;
        sa.replay_window = window;
    }
    return sa;
}

dpapi::SaParams peer_outbound_sa(uint32_t tunnel, Cipher c) {
    dpapi::SaParams sa = gateway_sa(tunnel, c, false, 0);
    sa.direction = dpapi::Direction::outbound;
    sa.replay_window = 0;
    return sa;
}

dpapi::PolicyRule protect_rule(uint32_t tunnel) {
    dpapi::PolicyRule r;
    r.policy_id = tunnel;
    r.port = kOutsidePort;
    r.priority = tunnel;
    r.src = kProtected;
    r.dst = remote_subnet(tunnel);
    r.action = dpapi::PolicyAction::protect;
    return r;
}

dpapi::Route tunnel_route(uint32_t tunnel) {
    dpapi::Route r;
    r.prefix = remote_subnet(tunnel);
    r.kind = dpapi::RouteKind::forward;
    r.port = kOutsidePort;
    r.gateway = kOutsideRouter;
    return r;
}

}  // namespace tandem::bench
