// Shared helpers of the ESP packet tests: the test environment (EAL, crypto device, mbuf pool),
// SA parameters for every algorithm, inner packets, mbuf <-> bytes, running a burst, and an
// OpenSSL-built AES-GCM ESP packet for cases rte_ipsec cannot produce (wrong next header, bad
// padding).
#pragma once

#include <rte_mbuf.h>

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/dpapi/types.h"
#include "dataplane/ipsec/crypto_device.h"
#include "dataplane/ipsec/esp_burst.h"
#include "dataplane/ipsec/sa.h"

namespace tandem::test {

using Bytes = std::vector<uint8_t>;

// Created after EAL, destroyed before EAL cleanup.
class EspEnvironment : public ::testing::Environment {
public:
    void SetUp() override;
    void TearDown() override;
    static dp::CryptoDevice& device();
    static rte_mempool* pool();
};

struct Algo {
    dpapi::CipherAlg cipher;
    dpapi::AuthAlg auth;
    const char* name;
};
const std::vector<Algo>& all_algos();

dpapi::SaParams make_sa(dpapi::Direction dir, const Algo& a, bool esn, bool natt,
                        uint32_t spi = 0x1000 + 1);

// IPv4 + UDP with `payload` bytes of a pattern; valid header checksum.
Bytes make_inner(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, size_t payload,
                 uint8_t tos = 0, bool df = false, uint8_t seed = 0);
Bytes default_inner(size_t payload, uint8_t seed = 0);  // 10.1.0.1 -> 10.2.0.1, UDP 1000 -> 2000

rte_mbuf* to_mbuf(const Bytes& b);
Bytes to_bytes(const rte_mbuf* m);
uint16_t ipv4_checksum_of(const Bytes& b, size_t off = 0);  // 0 when valid

struct Outcome {
    std::vector<Bytes> good;
    std::vector<dp::DropReason> dropped;  // in the order the burst returned them
    size_t count(dp::DropReason r) const;
};
Outcome run_outbound(dp::Sa& sa, const std::vector<Bytes>& pkts);
Outcome run_inbound(dp::Sa& sa, const std::vector<Bytes>& pkts);
dp::CryptoLane lane0();

// An ESP tunnel packet built with OpenSSL's AES-GCM from `in` (an inbound SA's parameters, GCM):
// outer IPv4 [+ UDP] + ESP(spi, seq low) + IV + encrypt(payload || pad || pad_len || next_header).
// `pad` is written as given (RFC 4303 wants 1, 2, 3, ...).
Bytes craft_gcm_esp(const dpapi::SaParams& in, uint64_t seq, const Bytes& payload,
                    uint8_t next_header, const Bytes& pad);
Bytes standard_pad(size_t payload_len);  // 1, 2, ... so that payload + pad + 2 is 4-aligned

std::string to_hex(const Bytes& b);
Bytes from_hex(const std::string& s);

}  // namespace tandem::test
