// SecretBytes: wiping and constant-time comparison (see secret.h).
#include "controlplane/ike/crypto/secret.h"

#include <openssl/crypto.h>

#include <cassert>
#include <cstring>

namespace tandem::ike::crypto {

SecretBytes SecretBytes::copy_of(ByteView bytes) {
    SecretBytes s(bytes.size());
    if (!bytes.empty()) std::memcpy(s.data_, bytes.data(), bytes.size());
    return s;
}

SecretBytes SecretBytes::slice(size_t offset, size_t length) const {
    assert(offset <= size_ && length <= size_ - offset);
    return copy_of(view().subspan(offset, length));
}

bool SecretBytes::equals(ByteView other) const { return constant_time_equal(view(), other); }

void SecretBytes::wipe() noexcept {
    if (data_ != nullptr) {
        OPENSSL_cleanse(data_, size_);
        delete[] data_;
    }
    data_ = nullptr;
    size_ = 0;
}

bool constant_time_equal(ByteView a, ByteView b) {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace tandem::ike::crypto
