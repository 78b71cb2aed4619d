// Building an SA: parameter validation, crypto xforms, the rte_ipsec SA and session, the runtime.
//
// Crypto transforms, as rte_ipsec expects them (an xform chain in the wrong order makes
// rte_ipsec_sa_init fail with -EINVAL):
//   AES-GCM (RFC 4106)      one AEAD xform; IV 12 (salt 4 + explicit 8), ICV 16, AAD 8 (12 ESN)
//   AES-CBC + HMAC          outbound CIPHER(encrypt) -> AUTH(generate)
//                           inbound  AUTH(verify)    -> CIPHER(decrypt)
//                           ICV: SHA1-96 12, SHA256-128 16, SHA384-192 24, SHA512-256 32
#include "dataplane/ipsec/sa.h"

#include <arpa/inet.h>
#include <rte_errno.h>
#include <rte_esp.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_udp.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <string>
#include <utility>

namespace tandem::dp {

using dpapi::AuthAlg;
using dpapi::CipherAlg;
using dpapi::Direction;
using dpapi::SaParams;

const char* drop_reason_name(DropReason r) {
    switch (r) {
        case DropReason::none: return "none";
        case DropReason::replay: return "replay";
        case DropReason::auth_failure: return "auth_failure";
        case DropReason::policy_mismatch: return "policy_mismatch";
        case DropReason::malformed: return "malformed";
        case DropReason::lifetime_expired: return "lifetime_expired";
        case DropReason::wrong_sa: return "wrong_sa";
        case DropReason::no_room: return "no_room";
        case DropReason::crypto_error: return "crypto_error";
    }
    return "?";
}

uint32_t effective_replay_window(const SaParams& p) {
    return p.esn ? std::max<uint32_t>(p.replay_window, 64) : p.replay_window;
}

namespace {

bool is_gcm(CipherAlg c) { return c == CipherAlg::aes_gcm_128 || c == CipherAlg::aes_gcm_256; }

struct AuthFacts {
    rte_crypto_auth_algorithm algo;
    uint8_t key_len;
    uint8_t icv_len;
};

AuthFacts auth_facts(AuthAlg a) {
    switch (a) {
        case AuthAlg::sha1_96: return {RTE_CRYPTO_AUTH_SHA1_HMAC, 20, 12};
        case AuthAlg::sha256_128: return {RTE_CRYPTO_AUTH_SHA256_HMAC, 32, 16};
        case AuthAlg::sha384_192: return {RTE_CRYPTO_AUTH_SHA384_HMAC, 48, 24};
        case AuthAlg::sha512_256: return {RTE_CRYPTO_AUTH_SHA512_HMAC, 64, 32};
        case AuthAlg::none: break;
    }
    return {RTE_CRYPTO_AUTH_NULL, 0, 0};
}

Result<void> validate(const SaParams& p) {
    const bool gcm = is_gcm(p.cipher);
    const uint8_t want_key =
        (p.cipher == CipherAlg::aes_gcm_128 || p.cipher == CipherAlg::aes_cbc_128) ? 16 : 32;
    if (static_cast<uint8_t>(p.cipher) > static_cast<uint8_t>(CipherAlg::aes_cbc_256)) {
        return Error("SA " + std::to_string(p.sa_id) + ": unknown cipher");
    }
    if (p.cipher_key_len != want_key) {
        return Error("SA " + std::to_string(p.sa_id) + ": cipher key must be " +
                     std::to_string(want_key) + " bytes");
    }
    if (gcm && p.auth != AuthAlg::none) {
        return Error("SA " + std::to_string(p.sa_id) + ": AES-GCM takes no separate integrity algorithm");
    }
    if (!gcm) {
        if (p.auth == AuthAlg::none || static_cast<uint8_t>(p.auth) > static_cast<uint8_t>(AuthAlg::sha512_256)) {
            return Error("SA " + std::to_string(p.sa_id) + ": AES-CBC needs an HMAC integrity algorithm");
        }
        if (p.auth_key_len != auth_facts(p.auth).key_len) {
            return Error("SA " + std::to_string(p.sa_id) + ": HMAC key must be " +
                         std::to_string(auth_facts(p.auth).key_len) + " bytes");
        }
    }
    if (p.spi < 256) {  // RFC 4303 2.1: 1..255 reserved, 0 local use
        return Error("SA " + std::to_string(p.sa_id) + ": SPI " + std::to_string(p.spi) + " is reserved");
    }
    if (p.natt && (p.natt_src_port == 0 || p.natt_dst_port == 0)) {
        return Error("SA " + std::to_string(p.sa_id) + ": NAT-T ports must not be 0");
    }
    return ok_result();
}

SelectorMatch selector_match(const dpapi::TrafficSelector& ts) {
    SelectorMatch m;
    m.src_lo = ts.src.first.value();
    m.src_hi = ts.src.last.value();
    m.dst_lo = ts.dst.first.value();
    m.dst_hi = ts.dst.last.value();
    m.sport_lo = ts.src_ports.lo;
    m.sport_hi = ts.src_ports.hi;
    m.dport_lo = ts.dst_ports.lo;
    m.dport_hi = ts.dst_ports.hi;
    m.protocol = ts.protocol;
    m.ports_any = ts.src_ports == tandem::PortRange{} && ts.dst_ports == tandem::PortRange{};
    return m;
}

// The crypto xforms of one SA; the chain points into this object, so it must not move while
// in use (it lives on create()'s stack).
struct Xforms {
    rte_crypto_sym_xform first{};
    rte_crypto_sym_xform second{};

    void build(const SaParams& p) {
        const bool out = p.direction == Direction::outbound;
        if (is_gcm(p.cipher)) {
            first.type = RTE_CRYPTO_SYM_XFORM_AEAD;
            first.next = nullptr;
            auto& a = first.aead;
            a.op = out ? RTE_CRYPTO_AEAD_OP_ENCRYPT : RTE_CRYPTO_AEAD_OP_DECRYPT;
            a.algo = RTE_CRYPTO_AEAD_AES_GCM;
            a.key.data = p.cipher_key.data();
            a.key.length = p.cipher_key_len;
            a.iv.offset = CryptoDevice::kIvOffset;
            a.iv.length = 12;
            a.digest_length = 16;
            a.aad_length = p.esn ? 12 : 8;
            return;
        }
        rte_crypto_sym_xform cipher{};
        cipher.type = RTE_CRYPTO_SYM_XFORM_CIPHER;
        cipher.cipher.op = out ? RTE_CRYPTO_CIPHER_OP_ENCRYPT : RTE_CRYPTO_CIPHER_OP_DECRYPT;
        cipher.cipher.algo = RTE_CRYPTO_CIPHER_AES_CBC;
        cipher.cipher.key.data = p.cipher_key.data();
        cipher.cipher.key.length = p.cipher_key_len;
        cipher.cipher.iv.offset = CryptoDevice::kIvOffset;
        cipher.cipher.iv.length = 16;
        rte_crypto_sym_xform auth{};
        const AuthFacts f = auth_facts(p.auth);
        auth.type = RTE_CRYPTO_SYM_XFORM_AUTH;
        auth.auth.op = out ? RTE_CRYPTO_AUTH_OP_GENERATE : RTE_CRYPTO_AUTH_OP_VERIFY;
        auth.auth.algo = f.algo;
        auth.auth.key.data = p.auth_key.data();
        auth.auth.key.length = p.auth_key_len;
        auth.auth.digest_length = f.icv_len;
        if (out) {
            first = cipher;
            second = auth;
        } else {
            first = auth;
            second = cipher;
        }
        first.next = &second;
        second.next = nullptr;
    }
};

std::string errno_text(int rc) { return rte_strerror(rc < 0 ? -rc : rc); }

}  // namespace

Result<Sa> Sa::create(const SaParams& p, const CryptoDevice& dev, const SaOptions& opts) {
    if (auto v = validate(p); !v) return v.error();
    const bool out = p.direction == Direction::outbound;
    const uint32_t window_size = out ? 0 : effective_replay_window(p);
    auto window = ReplayWindow::create(window_size, !out && p.esn);
    if (!window) return Error("SA " + std::to_string(p.sa_id) + ": " + window.error().message);

    Sa sa;
    sa.params_ = p;
    sa.dev_id_ = dev.dev_id();
    const int socket = rte_cryptodev_socket_id(dev.dev_id());

    // Outer header template (outbound): DSCP/ECN, length and id are filled per packet by
    // rte_ipsec; DF and the checksum by Tandem after it.
    rte_ipv4_hdr outer{};
    outer.version_ihl = 0x45;
    outer.time_to_live = opts.ttl;
    outer.next_proto_id = p.natt ? IPPROTO_UDP : IPPROTO_ESP;
    outer.fragment_offset = opts.df == DfMode::set ? htons(RTE_IPV4_HDR_DF_FLAG) : 0;
    outer.src_addr = htonl(p.tunnel_src.value());
    outer.dst_addr = htonl(p.tunnel_dst.value());

    Xforms xf;
    xf.build(p);

    rte_ipsec_sa_prm prm{};
    prm.userdata = p.sa_id;
    prm.flags = 0;  // one writer per SA: no atomic sequence numbers
    auto& ix = prm.ipsec_xform;
    ix.spi = p.spi;
    // rte_ipsec copies ix.salt's bytes into the nonce as they lie in memory: big-endian here puts
    // the KEYMAT bytes in their order whatever the host's byte order.
    ix.salt = rte_cpu_to_be_32(p.salt);
    ix.options.esn = p.esn ? 1 : 0;
    ix.options.udp_encap = (out && p.natt) ? 1 : 0;  // inbound: breaks rte_ipsec, see sa.h
    ix.options.copy_dscp = 1;
    ix.options.ecn = 1;  // RFC 6040 normal mode on encap; CE propagation on decap
    ix.direction = out ? RTE_SECURITY_IPSEC_SA_DIR_EGRESS : RTE_SECURITY_IPSEC_SA_DIR_INGRESS;
    ix.proto = RTE_SECURITY_IPSEC_SA_PROTO_ESP;
    ix.mode = RTE_SECURITY_IPSEC_SA_MODE_TUNNEL;
    ix.tunnel.type = RTE_SECURITY_IPSEC_TUNNEL_IPV4;
    ix.tunnel.ipv4.src_ip.s_addr = outer.src_addr;
    ix.tunnel.ipv4.dst_ip.s_addr = outer.dst_addr;
    ix.replay_win_sz = (!out && p.esn) ? window_size : 0;  // see sa.h
    ix.esn.value = opts.initial_sequence;
    ix.udp.sport = p.natt_src_port;
    ix.udp.dport = p.natt_dst_port;
    prm.crypto_xform = &xf.first;
    prm.tun.hdr_len = sizeof(outer);
    prm.tun.hdr_l3_off = 0;
    prm.tun.next_proto = IPPROTO_IPIP;
    prm.tun.hdr = &outer;

    const int sz = rte_ipsec_sa_size(&prm);
    if (sz < 0) return Error("SA " + std::to_string(p.sa_id) + ": rte_ipsec_sa_size: " + errno_text(sz));
    sa.ipsec_sa_ = static_cast<rte_ipsec_sa*>(
        rte_zmalloc_socket("tandem_ipsec_sa", sz, RTE_CACHE_LINE_SIZE, socket));
    if (sa.ipsec_sa_ == nullptr) return Error("SA " + std::to_string(p.sa_id) + ": out of memory");
    int rc = rte_ipsec_sa_init(sa.ipsec_sa_, &prm, sz);
    if (rc < 0) return Error("SA " + std::to_string(p.sa_id) + ": rte_ipsec_sa_init: " + errno_text(rc));

    sa.crypto_session_ = rte_cryptodev_sym_session_create(dev.dev_id(), &xf.first, dev.session_pool());
    if (sa.crypto_session_ == nullptr) {
        return Error("SA " + std::to_string(p.sa_id) + ": cannot create crypto session on " + dev.name() +
                     ": " + errno_text(rte_errno));
    }

    void* mem = rte_zmalloc_socket("tandem_sa_rt", sizeof(SaRuntime), RTE_CACHE_LINE_SIZE, socket);
    if (mem == nullptr) return Error("SA " + std::to_string(p.sa_id) + ": out of memory");
    sa.rt_ = new (mem) SaRuntime(std::move(*window));
    SaRuntime& rt = *sa.rt_;
    if (!out && opts.initial_sequence != 0) {
        rt.window.reset(opts.initial_sequence);
        rt.last_sequence.store(opts.initial_sequence, std::memory_order_relaxed);
    }
    // Outbound, the packets' low halves are read back against it (esp_outbound.cc): start from
    // the number before the first one.
    if (out && opts.initial_sequence != 0) rt.last_sequence.store(opts.initial_sequence - 1, std::memory_order_relaxed);

    const bool gcm = is_gcm(p.cipher);
    rt.outbound = out;
    rt.esn = p.esn;
    rt.natt = p.natt;
    rt.df = opts.df;
    rt.spi = p.spi;
    rt.natt_dst_port = p.natt_dst_port;
    rt.selector = selector_match(p.selector);
    rt.soft_packets = p.lifetime.soft_packets;
    rt.hard_packets = p.lifetime.hard_packets;
    rt.soft_bytes = p.lifetime.soft_bytes;
    rt.hard_bytes = p.lifetime.hard_bytes;
    rt.iv_len = gcm ? 8 : 16;
    rt.icv_len = gcm ? 16 : auth_facts(p.auth).icv_len;
    rt.pad_align = gcm ? 4 : 16;
    const uint16_t sqh = p.esn ? 4 : 0;
    const uint16_t aad = gcm ? 16 : 0;  // rte_ipsec writes its AAD after the ICV
    rt.tail_room = static_cast<uint16_t>(rt.pad_align + 1 + rt.icv_len + sqh + aad);
    rt.head_room = static_cast<uint16_t>(sizeof(rte_ipv4_hdr) + (p.natt ? sizeof(rte_udp_hdr) : 0) +
                                         sizeof(rte_esp_hdr) + rt.iv_len);
    rt.min_esp_len = static_cast<uint16_t>(sizeof(rte_esp_hdr) + rt.iv_len + rt.icv_len + rt.pad_align);
    rt.cpu_crypto = dev.cpu_crypto() && !opts.force_lookaside;

    rt.session.sa = sa.ipsec_sa_;
    rt.session.type = rt.cpu_crypto ? RTE_SECURITY_ACTION_TYPE_CPU_CRYPTO : RTE_SECURITY_ACTION_TYPE_NONE;
    rt.session.crypto.ses = static_cast<rte_cryptodev_sym_session*>(sa.crypto_session_);
    rt.session.crypto.dev_id = dev.dev_id();
    rc = rte_ipsec_session_prepare(&rt.session);
    if (rc != 0) {
        return Error("SA " + std::to_string(p.sa_id) + ": rte_ipsec_session_prepare: " + errno_text(rc));
    }
    return sa;
}

Sa::Sa(Sa&& o) noexcept { *this = std::move(o); }

Sa& Sa::operator=(Sa&& o) noexcept {
    if (this != &o) {
        release();
        params_ = o.params_;
        rt_ = std::exchange(o.rt_, nullptr);
        ipsec_sa_ = std::exchange(o.ipsec_sa_, nullptr);
        crypto_session_ = std::exchange(o.crypto_session_, nullptr);
        dev_id_ = o.dev_id_;
    }
    return *this;
}

Sa::~Sa() { release(); }

void Sa::release() {
    if (rt_ != nullptr) {
        rt_->~SaRuntime();
        rte_free(rt_);
        rt_ = nullptr;
    }
    if (crypto_session_ != nullptr) {
        rte_cryptodev_sym_session_free(dev_id_, crypto_session_);
        crypto_session_ = nullptr;
    }
    if (ipsec_sa_ != nullptr) {
        rte_ipsec_sa_fini(ipsec_sa_);
        rte_free(ipsec_sa_);
        ipsec_sa_ = nullptr;
    }
}

SaStats Sa::stats() const {
    SaStats s;
    s.packets = rt_->packets.load(std::memory_order_relaxed);
    s.bytes = rt_->bytes.load(std::memory_order_relaxed);
    for (size_t i = 0; i < kDropReasonCount; ++i) s.drops[i] = rt_->drops[i].load(std::memory_order_relaxed);
    s.last_sequence = rt_->last_sequence.load(std::memory_order_relaxed);
    return s;
}

}  // namespace tandem::dp
