// The words the operator-facing outputs (tandemctl dp, DPDK telemetry) use for API enums.
#pragma once

#include "common/dpapi/types.h"

namespace tandem::dpapi {

inline const char* cipher_name(CipherAlg c) {
    switch (c) {
        case CipherAlg::aes_gcm_128: return "aes-gcm-128";
        case CipherAlg::aes_gcm_256: return "aes-gcm-256";
        case CipherAlg::aes_cbc_128: return "aes-cbc-128";
        case CipherAlg::aes_cbc_256: return "aes-cbc-256";
    }
    return "?";
}

}  // namespace tandem::dpapi
