// Key derivation (see keys.h).
#include "controlplane/ike/crypto/keys.h"

#include <array>
#include <string>

namespace tandem::ike::crypto {

namespace {

std::array<uint8_t, 8> spi_bytes(uint64_t spi) {
    std::array<uint8_t, 8> b{};
    for (size_t i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(spi >> (56 - 8 * i));
    return b;
}

CryptoError unsupported(const std::string& what) {
    return CryptoError(CryptoErrc::unsupported_algorithm, what);
}

// Encryption key length (with salt) and integrity key length for an ENCR/INTEG pair.
CryptoResult<ChildKeyLengths> cipher_key_lengths(uint16_t encr, uint16_t key_bits, uint16_t integ) {
    const EncrAlgorithm* e = find_encr(encr, key_bits);
    if (e == nullptr) {
        return unsupported("ENCR " + std::to_string(encr) + " key length " + std::to_string(key_bits));
    }
    ChildKeyLengths l;
    l.encr = e->keymat_size();
    if (e->aead) {
        if (integ != transform_id::integ_none) return unsupported("INTEG with an AEAD cipher");
        return l;
    }
    const IntegAlgorithm* i = find_integ(integ);
    if (i == nullptr) return unsupported("INTEG " + std::to_string(integ));
    l.integ = i->key_size;
    return l;
}

// Cuts consecutive keys off the front of a prf+ output.
class KeySplitter {
public:
    explicit KeySplitter(const SecretBytes& keymat) : keymat_(keymat) {}
    SecretBytes take(size_t n) {
        SecretBytes k = keymat_.slice(offset_, n);
        offset_ += n;
        return k;
    }

private:
    const SecretBytes& keymat_;
    size_t offset_ = 0;
};

}  // namespace

CryptoResult<IkeKeyLengths> ike_key_lengths(const IkeSaTransforms& t) {
    const PrfAlgorithm* p = find_prf(t.prf);
    if (p == nullptr) return unsupported("PRF " + std::to_string(t.prf));
    auto c = cipher_key_lengths(t.encr, t.encr_key_bits, t.integ);
    if (!c) return c.error();
    IkeKeyLengths l;
    l.sk_d = p->key_size;
    l.sk_a = c->integ;
    l.sk_e = c->encr;
    l.sk_p = p->key_size;
    return l;
}

CryptoResult<ChildKeyLengths> child_key_lengths(const ChildSaTransforms& t) {
    return cipher_key_lengths(t.encr, t.encr_key_bits, t.integ);
}

CryptoResult<SecretBytes> initial_skeyseed(const Prf& prf, ByteView ni, ByteView nr, ByteView g_ir) {
    if (ni.empty() || nr.empty() || g_ir.empty()) {
        return CryptoError(CryptoErrc::invalid_argument, "SKEYSEED input empty");
    }
    Bytes nonces(ni.begin(), ni.end());
    nonces.insert(nonces.end(), nr.begin(), nr.end());
    return prf.secret(nonces, {g_ir});
}

CryptoResult<SecretBytes> rekey_skeyseed(const Prf& old_prf, ByteView old_sk_d, ByteView g_ir,
                                         ByteView ni, ByteView nr) {
    if (old_sk_d.empty() || g_ir.empty() || ni.empty() || nr.empty()) {
        return CryptoError(CryptoErrc::invalid_argument, "rekey SKEYSEED input empty");
    }
    return old_prf.secret(old_sk_d, {g_ir, ni, nr});
}

CryptoResult<IkeSaKeys> derive_ike_sa_keys(const Prf& prf, const IkeSaTransforms& t,
                                           ByteView skeyseed, ByteView ni, ByteView nr,
                                           uint64_t spi_i, uint64_t spi_r) {
    if (prf.id() != t.prf) return CryptoError(CryptoErrc::invalid_argument, "PRF does not match transforms");
    auto lengths = ike_key_lengths(t);
    if (!lengths) return lengths.error();
    const auto spii = spi_bytes(spi_i);
    const auto spir = spi_bytes(spi_r);
    auto keymat = prf_plus(prf, skeyseed, {ni, nr, spii, spir}, lengths->total());
    if (!keymat) return keymat.error();
    KeySplitter split(*keymat);
    IkeSaKeys k;
    k.sk_d = split.take(lengths->sk_d);
    k.sk_ai = split.take(lengths->sk_a);
    k.sk_ar = split.take(lengths->sk_a);
    k.sk_ei = split.take(lengths->sk_e);
    k.sk_er = split.take(lengths->sk_e);
    k.sk_pi = split.take(lengths->sk_p);
    k.sk_pr = split.take(lengths->sk_p);
    return k;
}

CryptoResult<ChildSaKeys> derive_child_sa_keys(const Prf& prf, ByteView sk_d,
                                               const ChildSaTransforms& t, ByteView g_ir,
                                               ByteView ni, ByteView nr) {
    auto lengths = child_key_lengths(t);
    if (!lengths) return lengths.error();
    // Without PFS the seed is Ni | Nr; an empty g_ir part contributes nothing.
    auto keymat = prf_plus(prf, sk_d, {g_ir, ni, nr}, lengths->total());
    if (!keymat) return keymat.error();
    KeySplitter split(*keymat);
    ChildSaKeys k;
    k.encr_i = split.take(lengths->encr);
    k.integ_i = split.take(lengths->integ);
    k.encr_r = split.take(lengths->encr);
    k.integ_r = split.take(lengths->integ);
    return k;
}

}  // namespace tandem::ike::crypto
