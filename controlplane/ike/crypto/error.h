// Errors of the IKE crypto module: a code the engine acts on plus a detail for the log.
//
// The engine maps codes to protocol behaviour: integrity_check_failed and invalid_padding are
// silent drops of the message (RFC 7296 2.21.1), invalid_public_value answers the exchange with
// INVALID_SYNTAX or tears down, unsupported_algorithm never happens for a negotiated proposal
// (negotiation offers only what algorithms.h lists). Nothing here throws.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"

namespace tandem::ike::crypto {

enum class CryptoErrc : uint8_t {
    unsupported_algorithm,   // transform ID (or key length) not in algorithms.h
    invalid_argument,        // a key, nonce or length the caller should not have passed
    invalid_public_value,    // a peer KE value that fails validation
    integrity_check_failed,  // ICV / GCM tag / AUTH mismatch
    invalid_padding,         // decrypted Pad Length does not fit
    truncated,               // input shorter than the algorithm's framing
    random_failure,          // the random source failed
    backend_failure,         // OpenSSL refused an operation that should not fail
};

const char* to_string(CryptoErrc code);

struct CryptoError {
    CryptoErrc code = CryptoErrc::backend_failure;
    std::string detail;

    CryptoError() = default;
    CryptoError(CryptoErrc c, std::string d) : code(c), detail(std::move(d)) {}
};

template <typename T>
using CryptoResult = Result<T, CryptoError>;

}  // namespace tandem::ike::crypto
