// SK payload protection on EVP_CIPHER and HMAC (see sk_cipher.h).
#include "controlplane/ike/crypto/sk_cipher.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstring>
#include <string>

#include "controlplane/ike/crypto/openssl_util.h"

namespace tandem::ike::crypto {

using detail::backend_error;
using detail::Ossl;

namespace {

constexpr size_t gcm_salt_size = 4;
constexpr size_t gcm_nonce_size = 12;

// Wipes a buffer that held plaintext when it goes out of scope.
struct WipeOnExit {
    Bytes& b;
    ~WipeOnExit() {
        if (!b.empty()) OPENSSL_cleanse(b.data(), b.size());
    }
};

struct CipherCtx {
    Ossl<EVP_CIPHER> cipher;
    Ossl<EVP_CIPHER_CTX> ctx;
};

CryptoResult<CipherCtx> cipher_ctx(const char* name) {
    CipherCtx c{Ossl<EVP_CIPHER>(EVP_CIPHER_fetch(nullptr, name, nullptr)),
                Ossl<EVP_CIPHER_CTX>(EVP_CIPHER_CTX_new())};
    if (!c.cipher || !c.ctx) return backend_error(std::string("cipher ") + name);
    return c;
}

bool update(EVP_CIPHER_CTX* ctx, bool encrypt, uint8_t* out, ByteView in, size_t* written) {
    int len = 0;
    int ok = encrypt ? EVP_EncryptUpdate(ctx, out, &len, in.data(), static_cast<int>(in.size()))
                     : EVP_DecryptUpdate(ctx, out, &len, in.data(), static_cast<int>(in.size()));
    *written = static_cast<size_t>(len);
    return ok == 1;
}

}  // namespace

CryptoResult<size_t> unpadded_size(ByteView decrypted) {
    if (decrypted.empty()) return CryptoError(CryptoErrc::invalid_padding, "no Pad Length byte");
    const size_t pad = decrypted.back();
    if (pad + 1 > decrypted.size()) {
        return CryptoError(CryptoErrc::invalid_padding, "Pad Length " + std::to_string(pad) + " too large");
    }
    return decrypted.size() - pad - 1;
}

CryptoResult<SkCipher> SkCipher::create(uint16_t encr, uint16_t encr_key_bits, uint16_t integ,
                                        ByteView encr_key, ByteView integ_key) {
    const EncrAlgorithm* e = find_encr(encr, encr_key_bits);
    if (e == nullptr) {
        return CryptoError(CryptoErrc::unsupported_algorithm,
                           "ENCR " + std::to_string(encr) + " key length " + std::to_string(encr_key_bits));
    }
    if (encr_key.size() != e->keymat_size()) {
        return CryptoError(CryptoErrc::invalid_argument, "SK_e length");
    }
    if (e->aead) {
        if (integ != transform_id::integ_none || !integ_key.empty()) {
            return CryptoError(CryptoErrc::invalid_argument, "integrity key with an AEAD cipher");
        }
        return SkCipher(e, nullptr, SecretBytes::copy_of(encr_key), SecretBytes(), std::nullopt);
    }
    const IntegAlgorithm* i = find_integ(integ);
    if (i == nullptr) return CryptoError(CryptoErrc::unsupported_algorithm, "INTEG " + std::to_string(integ));
    if (integ_key.size() != i->key_size) return CryptoError(CryptoErrc::invalid_argument, "SK_a length");
    auto hmac = Hmac::create(i->digest_name);
    if (!hmac) return hmac.error();
    return SkCipher(e, i, SecretBytes::copy_of(encr_key), SecretBytes::copy_of(integ_key),
                    std::move(*hmac));
}

size_t SkCipher::padded_size(size_t plaintext_size) const {
    const size_t b = encr_->block_size;
    return (plaintext_size + 1 + b - 1) / b * b;  // room for the Pad Length byte, aligned
}

size_t SkCipher::sealed_size(size_t plaintext_size) const {
    return iv_size() + padded_size(plaintext_size) + icv_size();
}

CryptoResult<Bytes> SkCipher::seal(ByteView aad, ByteView plaintext, RandomSource& rng) {
    const size_t padded_len = padded_size(plaintext.size());
    if (padded_len - plaintext.size() - 1 > 255) {
        return CryptoError(CryptoErrc::invalid_argument, "padding over 255 bytes");
    }
    Bytes padded(padded_len, 0);
    WipeOnExit wipe{padded};
    if (!plaintext.empty()) std::memcpy(padded.data(), plaintext.data(), plaintext.size());
    padded.back() = static_cast<uint8_t>(padded_len - plaintext.size() - 1);
    return encr_->aead ? seal_gcm(aad, padded, rng) : seal_cbc(aad, padded, rng);
}

CryptoResult<Bytes> SkCipher::open(ByteView aad, ByteView sealed) const {
    if (sealed.size() < min_sealed_size()) {
        return CryptoError(CryptoErrc::truncated, "SK payload shorter than IV, one block and ICV");
    }
    return encr_->aead ? open_gcm(aad, sealed) : open_cbc(aad, sealed);
}

CryptoResult<void> SkCipher::next_iv(std::span<uint8_t> iv, RandomSource& rng) {
    if (!encr_->aead) return rng.fill(iv);
    if (!gcm_counter_) {
        uint8_t start[8];
        auto r = rng.fill(start);
        if (!r) return r;
        uint64_t v = 0;
        for (uint8_t b : start) v = (v << 8) | b;
        gcm_counter_ = v;
        gcm_first_ = v;
    }
    const uint64_t v = *gcm_counter_;
    for (size_t i = 0; i < 8; ++i) iv[i] = static_cast<uint8_t>(v >> (56 - 8 * i));
    *gcm_counter_ = v + 1;
    if (*gcm_counter_ == gcm_first_) {
        return CryptoError(CryptoErrc::invalid_argument, "GCM IV space exhausted; rekey");
    }
    return {};
}

CryptoResult<Bytes> SkCipher::seal_cbc(ByteView aad, ByteView padded, RandomSource& rng) {
    const size_t iv_len = iv_size();
    Bytes out(iv_len + padded.size() + icv_size());
    auto iv = std::span<uint8_t>(out).first(iv_len);
    auto r = next_iv(iv, rng);
    if (!r) return r.error();
    auto c = cipher_ctx(encr_->cipher_name);
    if (!c) return c.error();
    EVP_CIPHER_CTX* ctx = c->ctx.get();
    size_t n = 0, m = 0;
    int fin = 0;
    if (EVP_EncryptInit_ex2(ctx, c->cipher.get(), encr_key_.data(), iv.data(), nullptr) != 1 ||
        EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 ||
        !update(ctx, true, out.data() + iv_len, padded, &n) ||
        EVP_EncryptFinal_ex(ctx, out.data() + iv_len + n, &fin) != 1) {
        return backend_error("AES-CBC encrypt");
    }
    m = n + static_cast<size_t>(fin);
    if (m != padded.size()) return backend_error("AES-CBC length");
    ByteView covered(out.data(), iv_len + m);  // IV | ciphertext
    auto icv = std::span<uint8_t>(out).subspan(iv_len + m);
    auto mac = hmac_->compute(integ_key_, {aad, covered}, icv);
    if (!mac) return mac.error();
    return out;
}

CryptoResult<Bytes> SkCipher::open_cbc(ByteView aad, ByteView sealed) const {
    const size_t iv_len = iv_size();
    const size_t icv_len = icv_size();
    const size_t ct_len = sealed.size() - iv_len - icv_len;
    if (ct_len % encr_->block_size != 0) {
        return CryptoError(CryptoErrc::invalid_padding, "ciphertext not a whole number of blocks");
    }
    // Integrity first: nothing is decrypted unless the ICV matches (constant-time compare).
    uint8_t expected[64];
    auto mac = hmac_->compute(integ_key_, {aad, sealed.first(iv_len + ct_len)},
                              std::span<uint8_t>(expected, icv_len));
    if (!mac) return mac.error();
    if (CRYPTO_memcmp(expected, sealed.data() + iv_len + ct_len, icv_len) != 0) {
        return CryptoError(CryptoErrc::integrity_check_failed, "SK payload ICV mismatch");
    }
    auto c = cipher_ctx(encr_->cipher_name);
    if (!c) return c.error();
    EVP_CIPHER_CTX* ctx = c->ctx.get();
    Bytes plain(ct_len);
    size_t n = 0;
    int fin = 0;
    if (EVP_DecryptInit_ex2(ctx, c->cipher.get(), encr_key_.data(), sealed.data(), nullptr) != 1 ||
        EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 ||
        !update(ctx, false, plain.data(), sealed.subspan(iv_len, ct_len), &n) ||
        EVP_DecryptFinal_ex(ctx, plain.data() + n, &fin) != 1 || n + static_cast<size_t>(fin) != ct_len) {
        return backend_error("AES-CBC decrypt");
    }
    auto size = unpadded_size(plain);
    if (!size) {
        OPENSSL_cleanse(plain.data(), plain.size());
        return size.error();
    }
    plain.resize(*size);
    return plain;
}

CryptoResult<Bytes> SkCipher::seal_gcm(ByteView aad, ByteView padded, RandomSource& rng) {
    const size_t iv_len = iv_size();
    const size_t key_len = encr_->key_size;
    Bytes out(iv_len + padded.size() + icv_size());
    auto iv = std::span<uint8_t>(out).first(iv_len);
    auto r = next_iv(iv, rng);
    if (!r) return r.error();
    uint8_t nonce[gcm_nonce_size];
    std::memcpy(nonce, encr_key_.data() + key_len, gcm_salt_size);
    std::memcpy(nonce + gcm_salt_size, iv.data(), iv_len);
    auto c = cipher_ctx(encr_->cipher_name);
    if (!c) return c.error();
    EVP_CIPHER_CTX* ctx = c->ctx.get();
    size_t a = 0, n = 0;
    int fin = 0;
    if (EVP_EncryptInit_ex2(ctx, c->cipher.get(), encr_key_.data(), nonce, nullptr) != 1 ||
        !update(ctx, true, nullptr, aad, &a) ||
        !update(ctx, true, out.data() + iv_len, padded, &n) ||
        EVP_EncryptFinal_ex(ctx, out.data() + iv_len + n, &fin) != 1 ||
        n + static_cast<size_t>(fin) != padded.size()) {
        return backend_error("AES-GCM encrypt");
    }
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG,
                                          out.data() + iv_len + padded.size(), icv_size()),
        OSSL_PARAM_construct_end(),
    };
    if (EVP_CIPHER_CTX_get_params(ctx, params) != 1) return backend_error("AES-GCM tag");
    return out;
}

CryptoResult<Bytes> SkCipher::open_gcm(ByteView aad, ByteView sealed) const {
    const size_t iv_len = iv_size();
    const size_t icv_len = icv_size();
    const size_t ct_len = sealed.size() - iv_len - icv_len;
    uint8_t nonce[gcm_nonce_size];
    std::memcpy(nonce, encr_key_.data() + encr_->key_size, gcm_salt_size);
    std::memcpy(nonce + gcm_salt_size, sealed.data(), iv_len);
    uint8_t tag[16];
    std::memcpy(tag, sealed.data() + iv_len + ct_len, icv_len);
    auto c = cipher_ctx(encr_->cipher_name);
    if (!c) return c.error();
    EVP_CIPHER_CTX* ctx = c->ctx.get();
    Bytes plain(ct_len);
    size_t a = 0, n = 0;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag, icv_len),
        OSSL_PARAM_construct_end(),
    };
    if (EVP_DecryptInit_ex2(ctx, c->cipher.get(), encr_key_.data(), nonce, nullptr) != 1 ||
        !update(ctx, false, nullptr, aad, &a) ||
        !update(ctx, false, plain.data(), sealed.subspan(iv_len, ct_len), &n) ||
        EVP_CIPHER_CTX_set_params(ctx, params) != 1) {
        OPENSSL_cleanse(plain.data(), plain.size());
        return backend_error("AES-GCM decrypt");
    }
    int fin = 0;
    if (EVP_DecryptFinal_ex(ctx, plain.data() + n, &fin) != 1) {
        OPENSSL_cleanse(plain.data(), plain.size());
        detail::clear_openssl_errors();
        return CryptoError(CryptoErrc::integrity_check_failed, "SK payload GCM tag mismatch");
    }
    auto size = unpadded_size(plain);
    if (!size) {
        OPENSSL_cleanse(plain.data(), plain.size());
        return size.error();
    }
    plain.resize(*size);
    return plain;
}

}  // namespace tandem::ike::crypto
