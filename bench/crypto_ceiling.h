// The raw crypto ceiling: the same ESP crypto as one benchmark case, done directly with
// rte_cryptodev_sym_cpu_crypto_process() on the same device (crypto_aesni_mb, CPU crypto) and the
// same core, 32 packets per call, with nothing else around it: no mbufs, no rte_ipsec, no tables.
//
//   buffers:  32 packet buffers of EspGeometry::data_len bytes (+ ICV), each with its own IV and
//             (GCM) AAD, laid out as rte_ipsec lays out a packet for the device (bench_common.h)
//   encrypt:  the buffers hold plaintext; one call encrypts them and writes the ICVs
//   decrypt:  the buffers hold ciphertext + ICV made once at set-up by an encrypting session;
//             one call verifies and decrypts them (a failed verification counts as a failure)
//
// Before each timed call the buffers are restored from a pristine copy (not timed), as the
// pipeline gets fresh packets before each timed burst: both start each burst with their data hot
// in the cache.
#pragma once

#include <rte_cryptodev.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "bench/bench_common.h"
#include "common/result.h"
#include "dataplane/ipsec/crypto_device.h"

namespace tandem::bench {

class CryptoCeiling {
public:
    static Result<CryptoCeiling> create(const dp::CryptoDevice& dev, const BenchCase& c);

    CryptoCeiling(CryptoCeiling&& o) noexcept;
    CryptoCeiling& operator=(CryptoCeiling&& o) noexcept;
    CryptoCeiling(const CryptoCeiling&) = delete;
    CryptoCeiling& operator=(const CryptoCeiling&) = delete;
    ~CryptoCeiling();

    Sample measure(uint64_t duration_tsc);
    // Runs one burst and proves the work is real: encrypt, the output decrypts and verifies under
    // the opposite session back to the plaintext; decrypt, every ICV verifies and the plaintext
    // comes back.
    Result<void> check();

private:
    CryptoCeiling() = default;
    void release();
    void restore();
    uint32_t run_burst(void* session);

    // The request arrays point into each other and into the buffers: kept on the heap so that
    // moving the owner moves nothing they point at.
    struct Request {
        std::vector<uint8_t> plain;     // pristine plaintext buffers (data + ICV space)
        std::vector<uint8_t> pristine;  // what each burst starts from
        std::vector<uint8_t> work;
        uint8_t ivs[kBurst][16]{};
        uint8_t aads[kBurst][16]{};
        rte_crypto_vec vec[kBurst]{};
        rte_crypto_sgl sgl[kBurst]{};
        rte_crypto_va_iova_ptr iv[kBurst]{};
        rte_crypto_va_iova_ptr aad[kBurst]{};
        rte_crypto_va_iova_ptr digest[kBurst]{};
        int32_t status[kBurst]{};
        rte_crypto_sym_vec sym{};
    };

    uint8_t dev_id_ = 0;
    void* session_ = nullptr;   // the direction measured
    void* opposite_ = nullptr;  // the other direction (set-up and check)
    BenchCase case_{};
    EspGeometry geo_{};
    uint32_t stride_ = 0;
    rte_crypto_sym_ofs ofs_{};
    std::unique_ptr<Request> req_;
};

}  // namespace tandem::bench
