// Key exchange on EVP_PKEY (see dh.h).
#include "controlplane/ike/crypto/dh.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstring>

#include "controlplane/ike/crypto/openssl_util.h"

namespace tandem::ike::crypto {

using detail::backend_error;
using detail::Ossl;

void KeyExchange::PkeyFree::operator()(evp_pkey_st* p) const { EVP_PKEY_free(p); }

namespace {

CryptoError invalid_public(const char* why) {
    detail::clear_openssl_errors();
    return CryptoError(CryptoErrc::invalid_public_value, why);
}

CryptoError invalid_private(const char* why) {
    detail::clear_openssl_errors();
    return CryptoError(CryptoErrc::invalid_argument, why);
}

// EVP_PKEY_fromdata for a key type from parameters built by `fill`.
template <typename Fill>
CryptoResult<Ossl<EVP_PKEY>> pkey_fromdata(const char* type, int selection, Fill fill) {
    Ossl<OSSL_PARAM_BLD> bld(OSSL_PARAM_BLD_new());
    if (!bld || !fill(bld.get())) return backend_error("OSSL_PARAM_BLD");
    Ossl<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(bld.get()));
    Ossl<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) {
        return backend_error("EVP_PKEY_fromdata_init");
    }
    EVP_PKEY* key = nullptr;
    if (EVP_PKEY_fromdata(ctx.get(), &key, selection, params.get()) != 1) {
        return backend_error(CryptoErrc::invalid_argument, std::string("EVP_PKEY_fromdata ") + type);
    }
    return Ossl<EVP_PKEY>(key);
}

// A MODP key of the group with public value y (big-endian bytes).
CryptoResult<Ossl<EVP_PKEY>> modp_public_key(const DhGroup& g, ByteView y) {
    Ossl<BIGNUM> bn(BN_bin2bn(y.data(), static_cast<int>(y.size()), nullptr));
    if (!bn) return backend_error("BN_bin2bn");
    return pkey_fromdata("DH", EVP_PKEY_PUBLIC_KEY, [&](OSSL_PARAM_BLD* b) {
        return OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, g.group_name, 0) &&
               OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_PUB_KEY, bn.get());
    });
}

// own x peer, exactly `size` bytes (MODP with leading zeros kept).
CryptoResult<SecretBytes> derive(EVP_PKEY* own, EVP_PKEY* peer, size_t size, bool pad) {
    Ossl<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, own, nullptr));
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1) return backend_error("EVP_PKEY_derive_init");
    if (pad) {
        unsigned int one = 1;
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_uint(OSSL_EXCHANGE_PARAM_PAD, &one),
            OSSL_PARAM_construct_end(),
        };
        if (EVP_PKEY_CTX_set_params(ctx.get(), params) != 1) return backend_error("DH pad");
    }
    if (EVP_PKEY_derive_set_peer_ex(ctx.get(), peer, 1) != 1) {
        return invalid_public("peer public value rejected");
    }
    size_t len = 0;
    if (EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1 || len != size) {
        return backend_error("EVP_PKEY_derive length");
    }
    SecretBytes out(size);
    if (EVP_PKEY_derive(ctx.get(), out.data(), &len) != 1) {
        // X25519 fails here on an all-zero result: a small-order peer value.
        return invalid_public("key derivation with the peer value failed");
    }
    if (len != size) return backend_error("EVP_PKEY_derive short output");
    return out;
}

// ---- MODP -------------------------------------------------------------------------------------

CryptoResult<Ossl<EVP_PKEY>> modp_private_key(const DhGroup& g, ByteView x) {
    Ossl<BIGNUM> bn(BN_bin2bn(x.data(), static_cast<int>(x.size()), nullptr));
    if (!bn) return backend_error("BN_bin2bn");
    if (BN_is_zero(bn.get()) || BN_is_one(bn.get())) return invalid_private("MODP exponent < 2");
    return pkey_fromdata("DH", EVP_PKEY_KEYPAIR, [&](OSSL_PARAM_BLD* b) {
        return OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, g.group_name, 0) &&
               OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_PRIV_KEY, bn.get());
    });
}

// g^x: the shared secret of x with the generator (2 for the RFC 3526 groups).
CryptoResult<Bytes> modp_public_value(const DhGroup& g, EVP_PKEY* own) {
    const uint8_t two = 2;
    auto gen = modp_public_key(g, ByteView(&two, 1));
    if (!gen) return gen.error();
    auto y = derive(own, gen->get(), g.ke_size, true);
    if (!y) return y.error();
    return Bytes(y->view().begin(), y->view().end());
}

// 1 < y < p-1 with y exactly the modulus length.
CryptoResult<void> check_modp_public(const DhGroup& g, EVP_PKEY* own, ByteView y) {
    if (y.size() != g.ke_size) return invalid_public("MODP KE data length");
    BIGNUM* p_raw = nullptr;
    if (EVP_PKEY_get_bn_param(own, OSSL_PKEY_PARAM_FFC_P, &p_raw) != 1) {
        return backend_error("DH modulus");
    }
    Ossl<BIGNUM> p(p_raw);
    Ossl<BIGNUM> yb(BN_bin2bn(y.data(), static_cast<int>(y.size()), nullptr));
    if (!yb || BN_sub_word(p.get(), 1) != 1) return backend_error("BN");
    if (BN_is_zero(yb.get()) || BN_is_one(yb.get())) return invalid_public("MODP y <= 1");
    if (BN_cmp(yb.get(), p.get()) >= 0) return invalid_public("MODP y >= p-1");
    return {};
}

// ---- ECP --------------------------------------------------------------------------------------

ByteView curve_oid(uint16_t group) {
    static constexpr uint8_t p256[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
    static constexpr uint8_t p384[] = {0x2b, 0x81, 0x04, 0x00, 0x22};
    static constexpr uint8_t p521[] = {0x2b, 0x81, 0x04, 0x00, 0x23};
    switch (group) {
        case transform_id::dh_ecp_256: return p256;
        case transform_id::dh_ecp_384: return p384;
        case transform_id::dh_ecp_521: return p521;
        default: return {};
    }
}

// RFC 5915 ECPrivateKey { version 1, privateKey, [0] namedCurve } without the public key; every
// length fits one DER length byte for these curves.
SecretBytes ec_private_key_der(ByteView oid, ByteView d) {
    const size_t params_len = 2 + oid.size();
    const size_t body_len = 3 + (2 + d.size()) + (2 + params_len);
    SecretBytes der(2 + body_len);
    uint8_t* w = der.data();
    auto put = [&w](std::initializer_list<uint8_t> bytes) {
        for (uint8_t b : bytes) *w++ = b;
    };
    put({0x30, static_cast<uint8_t>(body_len), 0x02, 0x01, 0x01, 0x04, static_cast<uint8_t>(d.size())});
    std::memcpy(w, d.data(), d.size());
    w += d.size();
    put({0xa0, static_cast<uint8_t>(params_len), 0x06, static_cast<uint8_t>(oid.size())});
    std::memcpy(w, oid.data(), oid.size());
    return der;
}

CryptoResult<Ossl<EVP_PKEY>> ecp_private_key(const DhGroup& g, ByteView d) {
    if (d.size() != g.private_size) return invalid_private("ECP private key length");
    SecretBytes der = ec_private_key_der(curve_oid(g.id), d);
    const unsigned char* p = der.data();
    Ossl<EVP_PKEY> key(d2i_PrivateKey(EVP_PKEY_EC, nullptr, &p, static_cast<long>(der.size())));
    if (!key) return invalid_private("ECP private key not accepted");
    Ossl<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
    if (!ctx) return backend_error("EVP_PKEY_CTX_new_from_pkey");
    if (EVP_PKEY_private_check(ctx.get()) != 1) return invalid_private("ECP private key out of range");
    return key;
}

CryptoResult<Bytes> ecp_public_value(const DhGroup& g, EVP_PKEY* key) {
    uint8_t point[1 + 132];
    size_t len = 0;
    if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point, &len) != 1 ||
        len != 1 + g.ke_size || point[0] != 0x04) {
        return backend_error("ECP public point");
    }
    return Bytes(point + 1, point + len);
}

CryptoResult<Ossl<EVP_PKEY>> ecp_peer_key(const DhGroup& g, ByteView xy) {
    if (xy.size() != g.ke_size) return invalid_public("ECP KE data length");
    Bytes point(1 + xy.size());
    point[0] = 0x04;  // SEC 1 uncompressed
    std::copy(xy.begin(), xy.end(), point.begin() + 1);
    auto key = pkey_fromdata("EC", EVP_PKEY_PUBLIC_KEY, [&](OSSL_PARAM_BLD* b) {
        return OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, g.group_name, 0) &&
               OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
    });
    if (!key) return invalid_public("ECP point not on the curve");
    Ossl<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key->get(), nullptr));
    if (!ctx) return backend_error("EVP_PKEY_CTX_new_from_pkey");
    if (EVP_PKEY_public_check(ctx.get()) != 1) return invalid_public("ECP point fails validation");
    return key;
}

// ---- X25519 -----------------------------------------------------------------------------------

CryptoResult<Ossl<EVP_PKEY>> x25519_private_key(ByteView k) {
    if (k.size() != 32) return invalid_private("X25519 private key length");
    Ossl<EVP_PKEY> key(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, k.data(), k.size()));
    if (!key) return backend_error("EVP_PKEY_new_raw_private_key");
    return key;
}

CryptoResult<Bytes> x25519_public_value(EVP_PKEY* key) {
    Bytes pub(32);
    size_t len = pub.size();
    if (EVP_PKEY_get_raw_public_key(key, pub.data(), &len) != 1 || len != 32) {
        return backend_error("EVP_PKEY_get_raw_public_key");
    }
    return pub;
}

bool all_zero(ByteView b) {
    uint8_t acc = 0;
    for (uint8_t v : b) acc |= v;
    return acc == 0;
}

}  // namespace

CryptoResult<KeyExchange> KeyExchange::from_private_key(uint16_t group, ByteView private_key) {
    const DhGroup* g = find_dh_group(group);
    if (g == nullptr) {
        return CryptoError(CryptoErrc::unsupported_algorithm, "DH group " + std::to_string(group));
    }
    CryptoResult<Ossl<EVP_PKEY>> key = CryptoError();
    switch (g->kind) {
        case DhKind::modp:
            if (private_key.empty() || private_key.size() > g->ke_size) {
                return invalid_private("MODP private key length");
            }
            key = modp_private_key(*g, private_key);
            break;
        case DhKind::ecp: key = ecp_private_key(*g, private_key); break;
        case DhKind::x25519: key = x25519_private_key(private_key); break;
    }
    if (!key) return key.error();
    CryptoResult<Bytes> pub = g->kind == DhKind::modp  ? modp_public_value(*g, key->get())
                              : g->kind == DhKind::ecp ? ecp_public_value(*g, key->get())
                                                       : x25519_public_value(key->get());
    if (!pub) return pub.error();
    return KeyExchange(g, PkeyPtr(key->release()), std::move(*pub));
}

CryptoResult<KeyExchange> KeyExchange::generate(uint16_t group, RandomSource& rng) {
    const DhGroup* g = find_dh_group(group);
    if (g == nullptr) {
        return CryptoError(CryptoErrc::unsupported_algorithm, "DH group " + std::to_string(group));
    }
    // An ECP scalar >= n (or an exponent < 2) is drawn again; the chance is negligible for every
    // group here, so a handful of attempts only guards against a broken source.
    for (int attempt = 0; attempt < 8; ++attempt) {
        SecretBytes priv(g->private_size);
        auto filled = rng.fill_private(priv.span());
        if (!filled) return filled.error();
        if (g->id == transform_id::dh_ecp_521) priv.data()[0] &= 0x01;  // 521 bits in 66 bytes
        auto kx = from_private_key(group, priv);
        if (kx || kx.error().code != CryptoErrc::invalid_argument) return kx;
    }
    return CryptoError(CryptoErrc::random_failure, "no usable private key drawn");
}

CryptoResult<SecretBytes> KeyExchange::shared_secret(ByteView peer) const {
    CryptoResult<Ossl<EVP_PKEY>> peer_key = CryptoError();
    switch (group_->kind) {
        case DhKind::modp: {
            auto ok = check_modp_public(*group_, key_.get(), peer);
            if (!ok) return ok.error();
            peer_key = modp_public_key(*group_, peer);
            break;
        }
        case DhKind::ecp: peer_key = ecp_peer_key(*group_, peer); break;
        case DhKind::x25519:
            if (peer.size() != group_->ke_size) return invalid_public("X25519 KE data length");
            peer_key = Ossl<EVP_PKEY>(
                EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, peer.data(), peer.size()));
            if (!*peer_key) return backend_error("EVP_PKEY_new_raw_public_key");
            break;
    }
    if (!peer_key) return peer_key.error();
    auto secret = derive(key_.get(), peer_key->get(), group_->secret_size, group_->kind == DhKind::modp);
    if (!secret) return secret.error();
    if (all_zero(*secret)) return invalid_public("all-zero shared secret");
    return secret;
}

}  // namespace tandem::ike::crypto
