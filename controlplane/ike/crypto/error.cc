// Error names and OpenSSL error capture (see error.h, openssl_util.h).
#include "controlplane/ike/crypto/error.h"

#include <openssl/err.h>

#include "controlplane/ike/crypto/openssl_util.h"

namespace tandem::ike::crypto {

const char* to_string(CryptoErrc code) {
    switch (code) {
        case CryptoErrc::unsupported_algorithm: return "unsupported algorithm";
        case CryptoErrc::invalid_argument: return "invalid argument";
        case CryptoErrc::invalid_public_value: return "invalid public value";
        case CryptoErrc::integrity_check_failed: return "integrity check failed";
        case CryptoErrc::invalid_padding: return "invalid padding";
        case CryptoErrc::truncated: return "truncated";
        case CryptoErrc::random_failure: return "random source failure";
        case CryptoErrc::backend_failure: return "crypto backend failure";
    }
    return "unknown";
}

namespace detail {

CryptoError backend_error(CryptoErrc code, const std::string& what) {
    std::string detail = what;
    unsigned long e = ERR_peek_error();
    if (e != 0) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        detail += ": ";
        detail += buf;
    }
    ERR_clear_error();
    return CryptoError(code, std::move(detail));
}

void clear_openssl_errors() { ERR_clear_error(); }

}  // namespace detail
}  // namespace tandem::ike::crypto
