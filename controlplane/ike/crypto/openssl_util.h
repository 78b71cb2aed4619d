// Internal to controlplane/ike/crypto: owners for OpenSSL objects and error capture.
//
// Every OpenSSL object is held by a unique_ptr with its free function, so an early error return
// cannot leak. When OpenSSL fails, backend_error() turns the head of its thread-local error
// queue into the detail string and clears the queue, so one failure never leaks into the report
// of the next.
#pragma once

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>
#include <string>

#include "controlplane/ike/crypto/error.h"

namespace tandem::ike::crypto::detail {

struct OsslFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
    void operator()(EVP_MAC* p) const { EVP_MAC_free(p); }
    void operator()(EVP_MAC_CTX* p) const { EVP_MAC_CTX_free(p); }
    void operator()(EVP_CIPHER* p) const { EVP_CIPHER_free(p); }
    void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); }
    void operator()(EVP_MD* p) const { EVP_MD_free(p); }
    void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
    void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
    void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
    void operator()(BIGNUM* p) const { BN_clear_free(p); }
};

template <typename T>
using Ossl = std::unique_ptr<T, OsslFree>;

// A CryptoError with `what` and OpenSSL's first queued error; clears the queue.
CryptoError backend_error(CryptoErrc code, const std::string& what);
inline CryptoError backend_error(const std::string& what) {
    return backend_error(CryptoErrc::backend_failure, what);
}

// Drops whatever OpenSSL queued (after an expected failure such as a rejected peer value).
void clear_openssl_errors();

}  // namespace tandem::ike::crypto::detail
