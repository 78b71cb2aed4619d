// Random sources (see random.h).
#include "controlplane/ike/crypto/random.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <cstring>

#include "controlplane/ike/crypto/openssl_util.h"

namespace tandem::ike::crypto {

namespace {

using RandFn = int (*)(unsigned char*, int);

CryptoResult<void> openssl_fill(RandFn fn, std::span<uint8_t> out) {
    size_t done = 0;
    while (done < out.size()) {
        int n = static_cast<int>(std::min<size_t>(out.size() - done, INT_MAX));
        if (fn(out.data() + done, n) != 1) {
            return detail::backend_error(CryptoErrc::random_failure, "RAND_bytes");
        }
        done += static_cast<size_t>(n);
    }
    return {};
}

}  // namespace

CryptoResult<void> OpenSslRandom::fill(std::span<uint8_t> out) {
    return openssl_fill(RAND_bytes, out);
}

CryptoResult<void> OpenSslRandom::fill_private(std::span<uint8_t> out) {
    return openssl_fill(RAND_priv_bytes, out);
}

CryptoResult<void> DeterministicRandom::fill(std::span<uint8_t> out) {
    size_t done = 0;
    while (done < out.size()) {
        if (used_ == sizeof block_) {
            uint8_t input[16];
            for (int i = 0; i < 8; ++i) {
                input[i] = static_cast<uint8_t>(seed_ >> (56 - 8 * i));
                input[8 + i] = static_cast<uint8_t>(counter_ >> (56 - 8 * i));
            }
            unsigned int len = 0;
            if (EVP_Digest(input, sizeof input, block_, &len, EVP_sha256(), nullptr) != 1) {
                return detail::backend_error(CryptoErrc::random_failure, "SHA-256 for test random");
            }
            ++counter_;
            used_ = 0;
        }
        size_t n = std::min(out.size() - done, sizeof block_ - used_);
        std::memcpy(out.data() + done, block_ + used_, n);
        used_ += n;
        done += n;
    }
    return {};
}

CryptoResult<void> FixedRandom::fill(std::span<uint8_t> out) {
    if (out.size() > remaining()) {
        return CryptoError(CryptoErrc::random_failure, "fixed random bytes exhausted");
    }
    if (!out.empty()) std::memcpy(out.data(), bytes_.data() + pos_, out.size());
    pos_ += out.size();
    return {};
}

}  // namespace tandem::ike::crypto
