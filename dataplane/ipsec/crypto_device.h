// The symmetric crypto device the ESP engine runs on, owned as one move-only object: the
// cryptodev itself (a software vdev: `crypto_aesni_mb` from Intel IPsec-MB, `crypto_openssl` as a
// fallback), the mempool its sessions come from and, for the lookaside path, the crypto-op pool
// and one queue pair per worker lcore (queue pairs are not thread safe).
//
//   create(): find the device by name (it may come from EAL's --vdev) or rte_vdev_init() it;
//             configure N queue pairs, start it.
//   ~:        stop and close it, free the pools, rte_vdev_uninit() what create() made.
//
// Every SA session must be freed before its device goes away (Sa holds no reference: destroy SAs
// first).
//
// Two ways to run crypto (see dpdk-notes.md):
//   CPU crypto  (RTE_CRYPTODEV_FF_SYM_CPU_CRYPTO, crypto_aesni_mb): synchronous calls on the
//               worker's own core, no ops, no queues; 15-45 cycles above raw crypto.
//   lookaside   (everything else): crypto ops enqueued on the worker's queue pair and dequeued.
#pragma once

#include <rte_cryptodev.h>
#include <rte_mempool.h>

#include <cstdint>
#include <string>

#include "common/result.h"

namespace tandem::dp {

struct CryptoDeviceConfig {
    std::string name = "crypto_aesni_mb0";   // vdev/device name; created with rte_vdev_init if absent
    std::string fallback = "crypto_openssl0"; // tried when `name` cannot be found or created; "" = none
    uint16_t queue_pairs = 1;                 // one per worker lcore (lookaside path)
    uint32_t queue_depth = 1024;              // descriptors per queue pair
    uint32_t max_sessions = 2048;             // one per SA
    uint32_t op_pool_size = 4096;             // crypto ops for the lookaside path
    int socket_id = SOCKET_ID_ANY;
    bool allow_cpu_crypto = true;             // false forces lookaside even where CPU crypto exists
};

// What one worker needs to run lookaside crypto: its queue pair and where ops come from.
struct CryptoLane {
    uint8_t dev_id = 0;
    uint16_t qp_id = 0;
    rte_mempool* op_pool = nullptr;
};

class CryptoDevice {
public:
    // Offset of the IV inside a crypto op (its private area), as rte_ipsec expects.
    static constexpr uint16_t kIvOffset = sizeof(rte_crypto_op) + sizeof(rte_crypto_sym_op);

    static Result<CryptoDevice> create(const CryptoDeviceConfig& cfg);

    CryptoDevice(CryptoDevice&& o) noexcept;
    CryptoDevice& operator=(CryptoDevice&& o) noexcept;
    CryptoDevice(const CryptoDevice&) = delete;
    CryptoDevice& operator=(const CryptoDevice&) = delete;
    ~CryptoDevice();

    uint8_t dev_id() const { return dev_id_; }
    const std::string& name() const { return name_; }        // device name actually used
    const std::string& driver() const { return driver_; }    // e.g. "crypto_aesni_mb"
    bool cpu_crypto() const { return cpu_crypto_; }          // sessions use CPU crypto
    uint16_t queue_pairs() const { return queue_pairs_; }
    rte_mempool* session_pool() const { return session_pool_; }
    rte_mempool* op_pool() const { return op_pool_; }

    // The lane of queue pair qp (qp < queue_pairs()).
    CryptoLane lane(uint16_t qp) const { return CryptoLane{dev_id_, qp, op_pool_}; }

private:
    CryptoDevice() = default;
    void release();

    uint8_t dev_id_ = 0;
    bool valid_ = false;
    bool started_ = false;
    bool created_vdev_ = false;
    bool cpu_crypto_ = false;
    uint16_t queue_pairs_ = 0;
    std::string name_;
    std::string driver_;
    rte_mempool* session_pool_ = nullptr;
    rte_mempool* op_pool_ = nullptr;
};

}  // namespace tandem::dp
