// HMAC on EVP_MAC, the PRF transforms and prf+ (see prf.h).
#include "controlplane/ike/crypto/prf.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstring>
#include <vector>

#include "controlplane/ike/crypto/openssl_util.h"

namespace tandem::ike::crypto {

using detail::backend_error;
using detail::Ossl;

void Hmac::MacFree::operator()(evp_mac_st* p) const { EVP_MAC_free(p); }

CryptoResult<Hmac> Hmac::create(const char* digest_name) {
    std::unique_ptr<evp_mac_st, MacFree> mac(EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr));
    if (!mac) return backend_error("EVP_MAC_fetch HMAC");
    Ossl<EVP_MD> md(EVP_MD_fetch(nullptr, digest_name, nullptr));
    if (!md) return backend_error(CryptoErrc::unsupported_algorithm, std::string("digest ") + digest_name);
    int size = EVP_MD_get_size(md.get());
    if (size <= 0 || size > EVP_MAX_MD_SIZE) return backend_error("EVP_MD_get_size");
    return Hmac(std::move(mac), digest_name, static_cast<size_t>(size));
}

CryptoResult<void> Hmac::compute(ByteView key, ByteParts parts, std::span<uint8_t> out) const {
    if (key.empty()) return CryptoError(CryptoErrc::invalid_argument, "HMAC with an empty key");
    if (out.empty() || out.size() > size_) {
        return CryptoError(CryptoErrc::invalid_argument, "HMAC output length");
    }
    Ossl<EVP_MAC_CTX> ctx(EVP_MAC_CTX_new(mac_.get()));
    if (!ctx) return backend_error("EVP_MAC_CTX_new");
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest_), 0),
        OSSL_PARAM_construct_end(),
    };
    if (EVP_MAC_init(ctx.get(), key.data(), key.size(), params) != 1) {
        return backend_error("EVP_MAC_init");
    }
    for (ByteView part : parts) {
        if (!part.empty() && EVP_MAC_update(ctx.get(), part.data(), part.size()) != 1) {
            return backend_error("EVP_MAC_update");
        }
    }
    uint8_t full[EVP_MAX_MD_SIZE];
    size_t len = 0;
    if (EVP_MAC_final(ctx.get(), full, &len, sizeof full) != 1 || len != size_) {
        OPENSSL_cleanse(full, sizeof full);
        return backend_error("EVP_MAC_final");
    }
    std::memcpy(out.data(), full, out.size());
    OPENSSL_cleanse(full, sizeof full);
    return {};
}

CryptoResult<Prf> Prf::create(uint16_t prf_id) {
    const PrfAlgorithm* alg = find_prf(prf_id);
    if (alg == nullptr) {
        return CryptoError(CryptoErrc::unsupported_algorithm, "PRF " + std::to_string(prf_id));
    }
    auto hmac = Hmac::create(alg->digest_name);
    if (!hmac) return hmac.error();
    if (hmac->size() != alg->output_size) return CryptoError(CryptoErrc::backend_failure, "PRF size");
    return Prf(std::move(*hmac), alg);
}

CryptoResult<SecretBytes> Prf::secret(ByteView key, ByteParts parts) const {
    SecretBytes out(output_size());
    auto r = hmac_.compute(key, parts, out.span());
    if (!r) return r.error();
    return out;
}

CryptoResult<Bytes> Prf::bytes(ByteView key, ByteParts parts) const {
    Bytes out(output_size());
    auto r = hmac_.compute(key, parts, out);
    if (!r) return r.error();
    return out;
}

CryptoResult<SecretBytes> prf_plus(const Prf& prf, ByteView key, ByteParts seed, size_t length) {
    const size_t block = prf.output_size();
    if (length == 0 || length > 255 * block) {
        return CryptoError(CryptoErrc::invalid_argument,
                           "prf+ length " + std::to_string(length) + " out of range");
    }
    SecretBytes out(length);
    SecretBytes t;  // T(n-1); empty before T1
    std::vector<ByteView> parts;
    parts.reserve(seed.size() + 2);
    for (size_t offset = 0, n = 1; offset < length; ++n) {
        const uint8_t counter = static_cast<uint8_t>(n);
        parts.clear();
        parts.push_back(t.view());
        parts.insert(parts.end(), seed.begin(), seed.end());
        parts.push_back(ByteView(&counter, 1));
        auto next = prf.secret(key, parts);
        if (!next) return next.error();
        t = std::move(*next);
        const size_t take = std::min(block, length - offset);
        std::memcpy(out.data() + offset, t.data(), take);
        offset += take;
    }
    return out;
}

}  // namespace tandem::ike::crypto
